"""Per-client limits: a sliding-window counter, and the one way to tell who the client is.

`client_address` is the key every channel should limit by (REST, WebSocket, socket.io): the peer's
address, or, only when the peer is a configured proxy, the nearest address in X-Forwarded-For that is
not itself a proxy. A client can write anything into that header, so it is believed from proxies only."""

from __future__ import annotations

import ipaddress
import logging
import time
from collections import defaultdict, deque
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
log = logging.getLogger("assistant.ratelimit")
RETRY_REDIS_SECONDS = 5.0


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


class RedisRateLimiter:
    """The same limit counted in Redis, so a client cannot multiply it by the number of workers: one
    counter per key and window (INCR + EXPIRE in one round trip; a fixed window, which lets at most
    twice the limit through across a window boundary). Redis unreachable: counted in this process
    (``redis_ok`` False, shown by /readyz), and Redis is tried again after a few seconds."""

    def __init__(self, limit: int, window_seconds: float, redis_url: str, *, name: str = "messages") -> None:
        import redis

        self.limit, self.window, self.name = limit, window_seconds, name
        self.local = RateLimiter(limit, window_seconds)
        self._redis = redis.Redis.from_url(redis_url, socket_connect_timeout=0.3, socket_timeout=0.3)
        self._retry_at = 0.0
        self.redis_ok = True

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        if not self.redis_ok and now < self._retry_at:
            return self.local.allow(key)
        slot = int(time.time() // self.window)
        counter = f"assistant:rl:{self.name}:{key}:{slot}"
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.incr(counter)
            pipe.expire(counter, int(self.window) + 1)
            count, _ = pipe.execute()
        except Exception as exc:  # degrade, never refuse a visitor because Redis is away
            if self.redis_ok:
                log.warning("Redis unreachable for rate limits (%s): counting per process", type(exc).__name__)
            self.redis_ok, self._retry_at = False, now + RETRY_REDIS_SECONDS
            return self.local.allow(key)
        self.redis_ok = True
        return int(count) <= self.limit


def make_limiter(limit: int, window_seconds: float, redis_url: str = "", *, name: str) -> RateLimiter | RedisRateLimiter:
    return RedisRateLimiter(limit, window_seconds, redis_url, name=name) if redis_url else RateLimiter(limit, window_seconds)


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
