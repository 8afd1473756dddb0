"""Request limits, before any route reads a byte: body size, JSON depth, text length.

A body larger than `OPENIMR_MAX_REQUEST_MB` is refused with 413 — at once when it declares
its length, and the moment the stream passes the limit when it does not (chunked) — so a
200 MB upload is never read whole. A JSON body (or a URL-encoded form) is read within that
limit and checked before the route parses it: nesting deeper than `OPENIMR_MAX_JSON_DEPTH`
(Python's JSON parser would recurse until RecursionError, a 500) and any string longer than
`OPENIMR_MAX_TEXT_CHARS` are 422 naming the field. Multipart forms stream on to the route,
whose uploads are checked file by file.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openimr.domain.errors import InvalidInput
from openimr.inputs import InputLimits, check_text_lengths, json_depth

CHECKED_TYPES = ("application/json", "application/x-www-form-urlencoded")


class BodyTooLarge(Exception):
    pass


def _error(status: int, code: str, message: str, field: str | None) -> tuple[int, bytes]:
    details = {"field": field} if field else {}
    body = {"error": {"code": code, "message": message, "details": details}}
    return status, json.dumps(body).encode()


class RequestLimits:
    """ASGI middleware enforcing the request limits for the API and the pages alike."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, limits: InputLimits) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(send, *self._too_large())
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip()
        if content_type.lower() in CHECKED_TYPES:
            await self._checked(scope, receive, send, content_type.lower())
            return
        await self._streamed(scope, receive, send)

    def _too_large(self) -> tuple[int, bytes]:
        mb = self.max_body_bytes // (1024 * 1024)
        return _error(
            413,
            "too_large",
            f"the request is larger than {mb} MB (OPENIMR_MAX_REQUEST_MB)",
            "body",
        )

    async def _refuse(self, send: Send, status: int, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _streamed(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        started = exceeded = False

        async def counting() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            if exceeded:
                # The route turned our exception into its own error (FastAPI answers a form
                # it could not read with 400): answer 413 in its place.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._refuse(send, *self._too_large())
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, *self._too_large())

    async def _checked(self, scope: Scope, receive: Receive, send: Send, kind: str) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._refuse(send, *self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            self._check(body, kind)
        except InvalidInput as err:
            await self._refuse(
                send, *_error(422, "invalid_input", err.message, err.details.get("field"))
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _check(self, body: bytes, kind: str) -> None:
        text = body.decode("utf-8", errors="replace")
        if kind == "application/json":
            depth = json_depth(text)
            if depth > self.limits.max_json_depth:
                raise InvalidInput(
                    f"body: JSON nested {depth} levels deep (at most "
                    f"{self.limits.max_json_depth}; OPENIMR_MAX_JSON_DEPTH)",
                    field="body",
                )
            try:
                value = json.loads(text)
            except (json.JSONDecodeError, RecursionError):
                return  # the route answers bad JSON with its own 422
            check_text_lengths(value, "body", self.limits)
        else:
            fields = {k: v for k, v in parse_qsl(text, keep_blank_values=True)}
            check_text_lengths(fields, "form", self.limits)
