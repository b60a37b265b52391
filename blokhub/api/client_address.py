"""Who is on the other end: the TCP peer, or the client a trusted proxy forwarded for.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the peer is one of the
configured proxies (``BLOKHUB_TRUSTED_PROXIES``, none by default). The chain is read from the right, skipping our own
proxies: the first address that is not one of them is the client (entries further left are the client's own claims).
Login throttling, view counting and the access log all read the result from ``scope["client"]``.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str]) -> list[Network]:
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise SystemExit(f"BLOKHUB_TRUSTED_PROXIES: {entry!r} is not an IP address or network") from exc
    return networks


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in net for net in networks)


def resolve(peer: str, forwarded_for: list[str], networks: list[Network]) -> str:
    """The client address for a request from ``peer`` carrying these ``X-Forwarded-For`` header values."""
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage in the chain: fall back to what we know
    return hops[0] if hops else peer


def client_address_middleware(trusted_proxies: list[str]) -> Any:
    networks = parse_networks(trusted_proxies)

    def middleware(app: ASGIApp) -> ASGIApp:
        async def resolve_client(scope: Scope, receive: Receive, send: Send) -> None:
            if networks and scope["type"] in ("http", "websocket") and scope.get("client"):
                peer, port = scope["client"]  # type: ignore[misc]
                values = [v.decode("latin-1") for k, v in scope["headers"] if k == b"x-forwarded-for"]
                client = resolve(peer, values, networks)
                if client != peer:
                    scope = {**scope, "client": (client, port)}  # type: ignore[assignment]
            await app(scope, receive, send)

        return resolve_client

    return middleware
