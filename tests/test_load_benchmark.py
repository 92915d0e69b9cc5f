"""benchmarks/load.py against a small fake server in the same process: the open loop counts the time a
late server makes a visitor wait (latency from the scheduled send time), follow-ups carry the session id
the server issued, and failures are counted as errors, not dropped."""

from __future__ import annotations

import asyncio
import itertools

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks import load


class FakeServer:
    """Issues its own session ids (an opaque token, as a server may) and refuses any other."""

    def __init__(self, *, delay: float = 0.0, fail_every: int = 0) -> None:
        self.delay, self.fail_every = delay, fail_every
        self.issued: set[str] = set()
        self.follow_ups = self.unknown = self.ratings = self.calls = 0
        self._ids = itertools.count(1)

    async def ready(self, _request: Request) -> JSONResponse:
        return JSONResponse({"ready": True})

    async def chat(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.calls += 1
        await asyncio.sleep(self.delay)
        if self.fail_every and self.calls % self.fail_every == 0:
            return JSONResponse({"detail": "boom"}, status_code=500)
        sid = body.get("session_id")
        if sid is None:
            sid = f"s{next(self._ids)}.proof"
            self.issued.add(sid)
        elif sid in self.issued:
            self.follow_ups += 1
        else:
            self.unknown += 1
            return JSONResponse({"detail": "unknown session"}, status_code=404)
        return JSONResponse({"session_id": sid, "message_id": f"m{self.calls}", "kind": "answer", "silent": False})

    async def rating(self, request: Request) -> JSONResponse:
        body = await request.json()
        ok = body.get("session_id") in self.issued and body.get("message_id", "").startswith("m")
        self.ratings += ok
        return JSONResponse({"id": 1}, status_code=201 if ok else 404)

    async def handoff(self, request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"session_id": body.get("session_id")}, status_code=200 if body.get("session_id") in self.issued else 404)

    def transport(self) -> httpx.ASGITransport:
        app = Starlette(routes=[Route("/readyz", self.ready), Route("/api/v1/chat", self.chat, methods=["POST"]),
                                Route("/api/v1/ratings", self.rating, methods=["POST"]),
                                Route("/api/v1/handoff", self.handoff, methods=["POST"])])  # fmt: skip
        return httpx.ASGITransport(app=app)


def in_own_loop(make_coroutine) -> dict:  # type: ignore[no-untyped-def]
    """Run in a thread of its own: an earlier test in the same process may have left an event loop
    running in this one (asyncio.run then refuses)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()


def run(server: FakeServer, **kw) -> dict:
    return in_own_loop(lambda: load.run("http://fake", transport=server.transport(), **kw))


def test_open_loop_follow_ups_carry_the_issued_session_id() -> None:
    server = FakeServer()
    out = run(server, mode="open", visitors=6, duration=1.0, think=(0.05, 0.1))
    assert out["errors"] == 0 and server.unknown == 0
    assert server.follow_ups > 0 and out["answered"] == out["requests"] > 6 * 5
    assert set(out) >= {"requests_per_s", "p50_ms", "p95_ms", "p99_ms", "errors", "late_starts", "offered_per_s"}


def test_a_late_server_shows_in_open_loop_latency() -> None:
    """Replies take 0.3 s but a visitor's next message is due every 0.1 s: the wait is counted, so the
    latencies grow well past the 0.3 s a closed loop would report."""
    server = FakeServer(delay=0.3)
    out = run(server, mode="open", visitors=2, duration=1.5, think=(0.1, 0.1))
    assert out["late_starts"] > 0
    assert out["p50_ms"] > 400 and out["max_ms"] > 800, out
    closed = run(FakeServer(delay=0.3), mode="closed", visitors=2, rounds=1)
    assert closed["max_ms"] < 600, closed


def test_failures_are_counted_as_errors() -> None:
    out = run(FakeServer(fail_every=3), mode="closed", visitors=3, rounds=2)
    assert out["errors"] > 0 and out["error_kinds"].get("chat 500") == out["errors"]
    assert out["requests"] == out["answered"] + out["errors"]


def test_an_unreachable_server_is_an_error_not_a_crash() -> None:
    def refuse(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    ready = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/readyz" and not ready["n"]:
            ready["n"] += 1
            return httpx.Response(200, json={})
        return refuse(request)

    out = in_own_loop(lambda: load.run("http://fake", transport=httpx.MockTransport(handler), mode="closed", visitors=2, rounds=1))
    # every message of both conversations was tried (a follow-up goes without a session id) and failed
    assert out["answered"] == 0 and out["errors"] == out["requests"] >= 4 and out["error_kinds"] == {"ConnectError": out["errors"]}


def test_the_mix_rates_and_hands_over_with_the_servers_ids() -> None:
    server = FakeServer()
    out = run(server, mode="closed", visitors=40, rounds=3)
    assert out["errors"] == 0
    assert out["by_kind"]["rating"] == server.ratings > 0
    assert out["by_kind"]["handoff"] > 0


def test_arrivals_spread_every_visitor_over_the_given_time() -> None:
    import random

    even = load.starts(10, 10.0, "uniform", random.Random(0))
    assert even == [float(i) for i in range(10)]
    poisson = load.starts(200, 10.0, "poisson", random.Random(0))
    assert poisson[0] == 0 and poisson == sorted(poisson) and 5 < poisson[-1] < 15
