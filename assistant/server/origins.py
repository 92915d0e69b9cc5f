"""Which web pages may open a live connection (WebSocket, socket.io): the server's own pages and the
sites listed in ASSISTANT_CORS_ORIGINS, the same list that lets those sites call the REST API.

Browsers do not apply CORS to WebSockets, so without this check any site could open a connection in
its visitor's browser. A browser always sends ``Origin`` with a WebSocket and cannot forge it or the
``Host`` it is compared with; a program that sends no ``Origin`` (the kiosk, a Rasa client, a test) is
not a page of another site and is let in (it is bound and limited like everyone else)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": "80", "https": "443", "ws": "80", "wss": "443"}


def _origin(value: str) -> str | None:
    """scheme://host[:port] in lower case without a default port, or None for anything else ("null")."""
    try:
        parts = urlsplit(value.strip().lower())
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port and str(port) != DEFAULT_PORTS[parts.scheme] else "")


def _host(origin: str) -> str:
    scheme, _, rest = origin.partition("://")
    return rest


class Origins:
    def __init__(self, allowed: Iterable[str]) -> None:
        entries = [e for e in allowed if e.strip()]
        self.any = any(e.strip() == "*" for e in entries)
        self.allowed = {o for e in entries if (o := _origin(e))}

    def allows(self, origin: str | None, host: str | None) -> bool:
        """Whether a connection that says it comes from ``origin`` to this server's ``host`` (the Host
        header) may go on: no Origin, the same host, or a listed site."""
        if origin is None:
            return True
        if self.any:
            return True
        normal = _origin(origin)
        if normal is None:  # "null" (a sandboxed frame, a local file) or garbage
            return False
        if normal in self.allowed:
            return True
        if not host:
            return False
        own = _origin(f"{normal.partition('://')[0]}://{host}")
        return own is not None and _host(own) == _host(normal)
