"""Jinja2 environment and the one page renderer (templates ship in web/templates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from openimr.web.session import csrf_token_for, optional_user
from openimr.web.wording import flash_message, is_silence, words

HERE = Path(__file__).parent


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.filters["words"] = words
    templates.env.tests["silence"] = is_silence
    return templates


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; with `HX-Request` a caller may pass a partial template instead."""
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("user", optional_user(request))
    context.setdefault("csrf_token", csrf_token_for(request))
    # Only the messages of web/wording.py: a link cannot make the page say what it likes.
    context.setdefault("flash", flash_message(request.query_params.get("flash")))
    context.setdefault("unread", _unread(request, context["user"]))
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def _unread(request: Request, user: Any) -> int:
    """The user's unread notifications, for the header."""
    if user is None:
        return 0
    from openimr.service.auth import actor_for
    from openimr.service.notify import unread_count

    svc = request.app.state.ctx
    return unread_count(svc.services.uow(), actor_for(user))
