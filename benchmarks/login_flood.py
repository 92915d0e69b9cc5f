"""Chat latency while a flood of wrong staff logins arrives (argon2 checks are bounded and throttled).

    .venv/bin/assistant serve --port 8000 &
    .venv/bin/python benchmarks/login_flood.py --url http://127.0.0.1:8000 --logins 80

Prints chat latency p50/p95 alone, then during `--logins` concurrent wrong logins (each for a different
account name, so the per-account backoff does not stop them before argon2 runs), and the login answers.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import time

import httpx
import numpy as np


async def chat_latencies(client: httpx.AsyncClient, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        r = await client.post("/api/v1/chat", json={"session_id": f"flood-{i}", "text": "身份证丢了怎么补办", "channel": "api"})
        r.raise_for_status()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def main(url: str, logins: int, chats: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        await chat_latencies(client, 3)  # warm
        alone = await chat_latencies(client, chats)
        codes: collections.Counter[int] = collections.Counter()

        async def wrong(i: int) -> None:
            async with httpx.AsyncClient(base_url=url, timeout=120) as c:
                codes[(await c.post("/api/v1/staff/login", json={"name": f"nobody{i}", "password": "wrong-password"})).status_code] += 1

        flood = asyncio.gather(*(wrong(i) for i in range(logins)))
        await asyncio.sleep(0.05)
        during = await chat_latencies(client, chats)
        await flood
    for label, xs in (("alone", alone), (f"during {logins} wrong logins", during)):
        print(f"chat {label}: p50 {np.percentile(xs, 50):.0f} ms, p95 {np.percentile(xs, 95):.0f} ms")
    print("login answers:", dict(codes))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8000")
    ap.add_argument("--logins", type=int, default=80)
    ap.add_argument("--chats", type=int, default=20)
    args = ap.parse_args()
    asyncio.run(main(args.url, args.logins, args.chats))
