"""Who is really at the other end: `X-Forwarded-For` believed only from configured proxies.

Behind a reverse proxy (TLS terminator, load balancer) the TCP peer is the proxy, and the
client's address arrives in `X-Forwarded-For`. That header is the client's to write, so it
is read only when the peer is one of `OPENIMR_TRUSTED_PROXIES`, and then from the right: the
first address that is not itself a trusted proxy is the client. From anyone else the header
is ignored — otherwise rotating it would dodge every per-address limit (the probe's finding:
uvicorn trusts it from 127.0.0.1 by default; `openimr serve` turns that off and uses this).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.1, 10.1.0.0/16` as networks; ValueError naming a bad entry."""
    networks = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as err:
            raise ValueError(
                f"OPENIMR_TRUSTED_PROXIES: {part!r} is not an address or network"
            ) from err
    return tuple(networks)


def _trusted(host: str, networks: Iterable[Network]) -> bool:
    try:
        address = ipaddress.ip_address(host.strip().strip("[]"))
    except ValueError:
        return False
    return any(address in net for net in networks)


def client_address(peer: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy and says whom
    it forwarded for."""
    if not forwarded_for or not _trusted(peer, networks):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not _trusted(hop, networks):
            return hop
    return peer


class TrustedProxyHeaders:
    """ASGI middleware: sets the scope's client (and scheme, from `X-Forwarded-Proto`) from
    a trusted proxy's headers; from anyone else they change nothing."""

    def __init__(self, app: ASGIApp, networks: tuple[Network, ...]) -> None:
        self.app = app
        self.networks = networks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.networks and scope.get("client"):
            peer, port = scope["client"]
            if _trusted(peer, self.networks):
                headers = dict(scope.get("headers") or [])
                forwarded = headers.get(b"x-forwarded-for", b"").decode("latin-1")
                proto = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
                scope = dict(scope)
                scope["client"] = (client_address(peer, forwarded, self.networks), port)
                if proto in ("http", "https"):
                    scope["scheme"] = (
                        proto if scope["type"] == "http" else ("wss" if proto == "https" else "ws")
                    )
        await self.app(scope, receive, send)
