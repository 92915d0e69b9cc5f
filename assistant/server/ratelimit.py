"""Per-client limits: a sliding-window counter, and the one way to tell who the client is.

`client_address` is the key every channel should limit by (REST, WebSocket, socket.io): the peer's
address, or, only when the peer is a configured proxy, the nearest address in X-Forwarded-For that is
not itself a proxy. A client can write anything into that header, so it is believed from proxies only."""

from __future__ import annotations

import ipaddress
import time
from collections import defaultdict, deque
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RateLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit, self.window = limit, window_seconds
        self._hits: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        hits = self._hits[key]
        while hits and now - hits[0] > self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        if len(self._hits) > 50_000:  # forget idle clients
            for k in [k for k, v in self._hits.items() if not v or now - v[-1] > self.window][:10_000]:
                del self._hits[k]
        return True


class TrustedProxies:
    """Addresses or networks (e.g. "127.0.0.1, 10.0.0.0/8") whose forwarded-for header is believed."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self.networks: list[Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError:
                raise ValueError(f"ASSISTANT_TRUSTED_PROXIES: '{entry}' is not an address or network") from None

    def __contains__(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: TrustedProxies) -> str:
    """Who is asking: walk X-Forwarded-For from the right (the hops our proxies appended) and stop at
    the first address that is not a trusted proxy. Without a trusted peer the header is ignored."""
    address = peer or "unknown"
    if not forwarded_for or address not in trusted:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",")][-20:]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # garbage only a client writes: keep the last hop our proxies vouched for
        if hop not in trusted:
            return hop
        address = hop
    return address


def connection_address(conn: object, trusted: TrustedProxies) -> str:
    """client_address for a Starlette Request or WebSocket."""
    client = getattr(conn, "client", None)
    headers = getattr(conn, "headers", {})
    return client_address(client.host if client else None, headers.get("x-forwarded-for"), trusted)


def scope_address(scope: dict, trusted: TrustedProxies) -> str:
    """client_address for a raw ASGI scope (socket.io hands one over as environ["asgi.scope"])."""
    client = scope.get("client")
    forwarded = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"), None)
    return client_address(client[0] if client else None, forwarded, trusted)
