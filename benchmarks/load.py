"""Load: simulated visitors against a running server (or nginx in front of workers) on loopback.

Two modes:
- open loop (``--mode open``): ``--visitors`` people arrive (spread evenly, or as a Poisson process,
  over one mean think time) and each holds conversations of a few messages, thinking 10-20 s before
  each one, for ``--duration`` seconds. A message's send time is fixed in advance by the visitor's
  clock, not by when the previous reply came: when the server falls behind, the wait counts in the
  latency (measured from the scheduled send time, so there is no coordinated omission).
- closed loop (``--mode closed``): ``--visitors`` clients send their conversations back to back,
  ``--rounds`` each, no think time: the most the server answers per second.

The mix: half the conversations scripted (CONVERSATIONS: questions and follow-ups, one ending in 转人工,
a handoff), half a first question drawn from the benchmark question files (colloquial, typos, hall FAQs,
one in ten out of scope; 267 texts) with 0-2 follow-ups; after a conversation a few visitors rate the last answer
or press "talk to a person". Each conversation's
session id is the one the server's first reply gives (whatever form the server issues).
Any status other than 2xx, a timeout or a refused connection is an error.

    ASSISTANT_RATE_LIMIT_PER_MINUTE=1000000 ASSISTANT_HANDOFF_LIMIT_PER_HOUR=1000000 .venv/bin/assistant serve --port 8000 &
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --mode open --visitors 200 --duration 120
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --mode closed --visitors 20 --rounds 5

benchmarks/load_matrix.py runs both modes against 1 and 2 workers behind nginx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

CONVERSATIONS = [
    ["身份证丢了怎么补办", "要带什么", "能网上办吗"],
    ["我想办居住证", "多少钱", "在哪里办"],
    ["How do I apply for a passport?", "how much does it cost", "how long does it take"],
    ["孩子出生了要办什么", "1", "要多久"],
    ["营业执照丢了", "可以网上办吗", "谢谢再见"],
    ["我想办护照", "要多少钱"],
    ["结婚登记要带什么", "在哪里办", "周末能办吗"],
    ["公积金租房提取需要什么", "几天到账", "转人工"],
]
FOLLOW_UPS = ["要带什么", "多少钱", "能网上办吗", "在哪里办", "要多久", "需要本人去吗", "what do I need to bring"]
HERE = Path(__file__).resolve().parent
# first questions as visitors word them (colloquial, typos, hall FAQs, a few out of scope): hundreds of
# distinct texts, so no cache of a few repeated sentences makes the figures look better than they are
def questions(*names: str) -> list[str]:
    return [json.loads(line)["text"] for name in names for line in (HERE / f"{name}-questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


QUESTIONS, OUT_OF_SCOPE = questions("extra", "typo", "faq"), questions("out-of-scope")
SCRIPTED_SHARE = 0.5  # conversations from CONVERSATIONS; the others: a question drawn and 0-2 follow-ups
OUT_OF_SCOPE_SHARE = 0.1  # of the drawn questions
RATE_SHARE = 0.10  # after a conversation, this share of visitors rates the last answer
HANDOFF_SHARE = 0.02  # and this share presses "talk to a person"
PATHS = {"chat": "/api/v1/chat", "rating": "/api/v1/ratings", "handoff": "/api/v1/handoff"}


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"chat": [], "handoff": [], "rating": []})
    errors: Counter = field(default_factory=Counter)
    late_starts: int = 0  # open loop: sends that could not leave at their time (the previous reply was late)
    trace: list[tuple[float, str, float]] | None = None  # (scheduled perf_counter, kind, ms) when asked for

    def summary(self) -> dict:
        every = [x for values in self.latencies.values() for x in values]
        lat = np.asarray(every) if every else np.asarray([float("nan")])
        pct = lambda q: round(float(np.percentile(lat, q)), 1)  # noqa: E731
        return {
            "requests": len(every) + sum(self.errors.values()), "answered": len(every), "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors.most_common(5)), "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99),
            "max_ms": round(float(lat.max()), 1), "by_kind": {k: len(v) for k, v in self.latencies.items()},
            "late_starts": self.late_starts,
        }  # fmt: skip


class Visitor:
    """One person's conversations: the session id comes from the server's first reply."""

    def __init__(self, client: httpx.AsyncClient, tally: Tally, rng: random.Random) -> None:
        self.client, self.tally, self.rng = client, tally, rng

    async def send(self, kind: str, path: str, body: dict, scheduled: float) -> dict | None:
        """POST and count it; latency from ``scheduled`` (perf_counter) to the reply's end."""
        try:
            resp = await self.client.post(path, json=body)
            done = time.perf_counter()
        except httpx.HTTPError as exc:
            self.tally.errors[type(exc).__name__] += 1
            return None
        if not 200 <= resp.status_code < 300:
            self.tally.errors[f"{kind} {resp.status_code}"] += 1
            return None
        self.tally.latencies[kind].append((done - scheduled) * 1000)
        if self.tally.trace is not None:
            self.tally.trace.append((scheduled, kind, (done - scheduled) * 1000))
        return resp.json()

    def conversation(self) -> list[tuple[str, dict]]:
        """The requests of one conversation, as (kind, body) with the session id filled in on the way."""
        if self.rng.random() < SCRIPTED_SHARE:
            texts = self.rng.choice(CONVERSATIONS)
        else:
            pool = OUT_OF_SCOPE if self.rng.random() < OUT_OF_SCOPE_SHARE else QUESTIONS
            texts = [self.rng.choice(pool), *self.rng.sample(FOLLOW_UPS, self.rng.randint(0, 2))]
        steps = [("chat", {"text": text, "channel": "api"}) for text in texts]
        roll = self.rng.random()
        if roll < RATE_SHARE:
            steps.append(("rating", {"score": self.rng.randint(1, 5), "channel": "api"}))
        elif roll < RATE_SHARE + HANDOFF_SHARE:
            steps.append(("handoff", {"channel": "api"}))
        return steps

    async def step(self, kind: str, body: dict, state: dict, scheduled: float) -> None:
        if kind != "chat" or state.get("session_id"):
            if not state.get("session_id"):
                return  # the conversation's first message failed: nothing to rate or hand over
            body = {**body, "session_id": state["session_id"]}
        if kind == "rating":
            if not state.get("message_id"):
                return
            body["message_id"] = state["message_id"]
        reply = await self.send(kind, PATHS[kind], body, scheduled)
        if reply is not None:
            state["session_id"] = reply.get("session_id") or state.get("session_id")
            # a silent reply (a person handles the conversation) has no answer to rate
            state["message_id"] = None if reply.get("silent") or kind != "chat" else reply.get("message_id")

    async def open_loop(self, start: float, end: float, think: tuple[float, float]) -> None:
        """Send at start, then every think seconds by this visitor's own clock, until end."""
        at = start
        while at < end:
            state: dict = {}
            for kind, body in self.conversation():
                if at >= end:
                    return
                delay = at - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    self.tally.late_starts += delay < -0.001
                await self.step(kind, body, state, at)
                at += self.rng.uniform(*think)

    async def closed_loop(self, rounds: int) -> None:
        for _ in range(rounds):
            state: dict = {}
            for kind, body in self.conversation():
                await self.step(kind, body, state, time.perf_counter())


def starts(visitors: int, spread: float, arrivals: str, rng: random.Random) -> list[float]:
    """Offsets (seconds from the run's start) at which each visitor sends a first message."""
    if arrivals == "poisson":  # exponential gaps with the mean that fits every visitor in ``spread``
        out, t = [], 0.0
        for _ in range(visitors):
            out.append(t)
            t += rng.expovariate(visitors / spread)
        return out
    return [spread * i / visitors for i in range(visitors)]  # evenly


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


async def run(url: str, *, mode: str = "open", visitors: int = 200, duration: float = 60, rounds: int = 5,
              think: tuple[float, float] = (10.0, 20.0), arrivals: str = "uniform", seed: int = 0, timeout: float = 30,
              transport: httpx.AsyncBaseTransport | None = None, trace: list | None = None) -> dict:  # fmt: skip
    """One run; returns its figures (requests/s counts answered requests over the run's span).
    ``transport``: another way to the server than the network (the tests' fake server); ``trace``: a list
    that receives (seconds from the start, kind, ms) of every answered request, to see when it was slow."""
    tally, rng = Tally(trace=[] if trace is not None else None), random.Random(seed)
    limits = httpx.Limits(max_connections=visitors, max_keepalive_connections=visitors)
    load_before = load_average()
    async with httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, transport=transport) as client:
        (await client.get("/readyz")).raise_for_status()
        people = [Visitor(client, tally, random.Random(rng.random())) for _ in range(visitors)]
        begin = time.perf_counter()
        if mode == "open":
            offsets = starts(visitors, sum(think) / 2, arrivals, rng)  # over a mean think time: the steady rate from the start
            await asyncio.gather(*(p.open_loop(begin + o, begin + duration, think) for p, o in zip(people, offsets)))
        elif mode == "closed":
            await asyncio.gather(*(p.closed_loop(rounds) for p in people))
        else:
            raise ValueError(f"mode must be open or closed, not {mode!r}")
        elapsed = time.perf_counter() - begin
    if trace is not None:
        trace.extend((round(at - begin, 3), kind, round(ms, 1)) for at, kind, ms in tally.trace or [])
    out = {"mode": mode, "visitors": visitors, "seconds": round(elapsed, 1)}
    if mode == "open":
        out.update(think_s=list(think), arrivals=arrivals, offered_per_s=round(visitors / (sum(think) / 2), 1))
    else:
        out["rounds"] = rounds
    summary = tally.summary()
    out.update(summary, requests_per_s=round(summary["answered"] / elapsed, 1), load_before=load_before, load_after=load_average())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--mode", choices=("open", "closed"), default="open")
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="open loop: seconds of arrivals")
    parser.add_argument("--rounds", type=int, default=5, help="closed loop: conversations per client")
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 20.0), metavar=("MIN", "MAX"), help="open loop: seconds between a visitor's messages")
    parser.add_argument("--arrivals", choices=("uniform", "poisson"), default="uniform")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = asyncio.run(run(args.url, mode=args.mode, visitors=args.visitors, duration=args.duration, rounds=args.rounds,
                             think=tuple(args.think), arrivals=args.arrivals, seed=args.seed))  # fmt: skip
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
