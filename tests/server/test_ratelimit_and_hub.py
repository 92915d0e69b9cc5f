"""The per-client limiter and the live-connection hub, on their own."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from assistant.server import ratelimit
from assistant.server.hub import Hub
from assistant.server.ratelimit import RateLimiter, TrustedProxies, client_address


def test_limiter_counts_per_key_and_forgets_after_the_window(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: now[0])
    limiter = RateLimiter(3, 60)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # another client has its own count
    now[0] += 61
    assert limiter.allow("a")  # the window slid past the old hits


def test_forwarded_for_is_believed_from_configured_proxies_only():
    proxies = TrustedProxies(["10.0.0.0/8"])
    assert client_address("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # a client's own header is not believed
    assert client_address("10.0.0.2", "198.51.100.7, 10.0.0.3", proxies) == "198.51.100.7"
    with pytest.raises(ValueError):
        TrustedProxies(["not-a-network"])


def run(coro):
    """Run a coroutine in a thread of its own (the suite may already have a loop running in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_hub_sends_to_every_connection_of_a_conversation_and_drops_broken_ones():
    hub, got = Hub(), []

    async def ok(message):
        got.append(message)

    async def broken(message):
        raise ConnectionError("gone")

    hub.join("s1", ok)
    hub.join("s1", broken)
    hub.join("s2", ok)
    assert run(hub.publish("s1", {"text": "hi"})) == 1 and got == [{"text": "hi"}]
    assert run(hub.publish("s1", {"text": "again"})) == 1  # the broken sender was dropped
    hub.leave("s1", ok)
    assert not hub.connected("s1") and hub.connected("s2")
    assert run(hub.publish("nobody", {"text": "x"})) == 0
