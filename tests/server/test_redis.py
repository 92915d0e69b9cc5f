"""Redis shared by workers: live messages published by one worker reach the connections another holds,
limits are counted once for all workers, and without Redis each worker carries on by itself."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from assistant.server.hub import Hub
from assistant.server.ratelimit import RedisRateLimiter
from tests.utils.live import start_server

UNREACHABLE = "redis://127.0.0.1:1/0"


def in_thread(coro):
    """asyncio.run in a thread of its own: Playwright's sync API keeps a loop running in the main thread
    for the rest of a whole-suite run."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_a_message_published_by_one_worker_reaches_the_other(redis_url) -> None:
    async def run() -> list[dict]:
        first, second = Hub(redis_url), Hub(redis_url)
        await first.start()
        await second.start()
        got: list[dict] = []

        async def send(message: dict) -> None:
            got.append(message)

        second.join("visitor", send)  # the visitor is connected to the second worker
        try:
            assert first.redis_ok and second.redis_ok
            assert await first.publish("visitor", {"type": "staff_message", "text": "您好"}) == 2  # two workers listen
            assert await first.publish("someone-else", {"type": "staff_message", "text": "x"}) == 2
            for _ in range(50):
                if got:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.1)
        finally:
            await first.stop()
            await second.stop()
        return got

    assert in_thread(run()) == [{"type": "staff_message", "text": "您好"}]


def test_limits_are_counted_once_for_all_workers(redis_url) -> None:
    one, two = (RedisRateLimiter(3, 60, redis_url, name="test") for _ in range(2))
    allowed = [limiter.allow("10.0.0.1") for limiter in (one, two, one, two, one)]
    assert allowed == [True, True, True, False, False]
    assert one.allow("10.0.0.2")  # another client has its own count
    assert one.redis_ok and two.redis_ok


def test_redis_unreachable_limits_count_per_process() -> None:
    limiter = RedisRateLimiter(2, 60, UNREACHABLE, name="test")
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert not limiter.redis_ok


def test_redis_unreachable_the_hub_delivers_in_its_process() -> None:
    async def run() -> tuple[int, list[dict], bool]:
        hub = Hub(UNREACHABLE)
        await hub.start()  # bounded: does not hang on an absent Redis
        got: list[dict] = []

        async def send(message: dict) -> None:
            got.append(message)

        hub.join("v", send)
        try:
            return await hub.publish("v", {"text": "hi"}), got, hub.redis_ok
        finally:
            await hub.stop()

    count, got, ok = in_thread(run())
    assert (count, got, ok) == (1, [{"text": "hi"}], False)


@pytest.fixture
def unreachable_redis_server(trained_settings, engine):
    server = start_server(trained_settings.model_copy(update={"redis_url": UNREACHABLE}), engine)
    yield server
    server.stop()


def test_readyz_says_redis_is_unreachable_and_chat_goes_on(unreachable_redis_server) -> None:
    with httpx.Client(base_url=unreachable_redis_server.url, timeout=30) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text  # the worker still serves, by itself
        assert ready.json()["redis"].startswith("unreachable")
        reply = client.post("/api/v1/chat", json={"text": "我想办护照"})
        assert reply.status_code == 200 and reply.json()["service"] == "passport"


def test_readyz_without_redis_says_one_process(trained_settings, engine) -> None:
    server = start_server(trained_settings, engine)
    try:
        body = httpx.get(f"{server.url}/readyz", timeout=30).json()
        assert body["redis"].startswith("not configured") and body["ready"] is True
    finally:
        server.stop()
