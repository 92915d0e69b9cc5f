"""Load: N concurrent simulated visitors against a running server on loopback, each holding a short
conversation (question, follow-up, another service). Prints requests/s and latency percentiles.

    ASSISTANT_RATE_LIMIT_PER_MINUTE=1000000 .venv/bin/assistant serve --port 8000 &   # lift the per-client limit
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --visitors 20 --rounds 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import httpx
import numpy as np

CONVERSATIONS = [
    ["身份证丢了怎么补办", "要带什么", "能网上办吗"],
    ["我想办居住证", "多少钱", "在哪里办"],
    ["How do I apply for a passport?", "how much does it cost", "how long does it take"],
    ["孩子出生了要办什么", "1", "要多久"],
    ["营业执照丢了", "可以网上办吗", "谢谢再见"],
    ["公积金租房提取需要什么", "几天到账", "转人工"],
]


async def visitor(client: httpx.AsyncClient, n: int, rounds: int, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(n)
    for r in range(rounds):
        session = f"load-{n}-{r}"
        for text in rng.choice(CONVERSATIONS):
            start = time.perf_counter()
            try:
                resp = await client.post("/api/v1/chat", json={"session_id": session, "text": text, "channel": "api"})
                resp.raise_for_status()
            except httpx.HTTPError as exc:
                errors.append(str(exc))
                continue
            latencies.append((time.perf_counter() - start) * 1000)


async def main(url: str, visitors: int, rounds: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=visitors)) as client:
        (await client.get("/readyz")).raise_for_status()
        start = time.perf_counter()
        await asyncio.gather(*(visitor(client, i, rounds, latencies, errors) for i in range(visitors)))
        elapsed = time.perf_counter() - start
    if not latencies:
        raise SystemExit(f"every request failed, e.g. {errors[:1]}")
    lat = np.asarray(latencies)
    return {
        "visitors": visitors, "requests": len(latencies), "errors": len(errors), "seconds": round(elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1), "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "p99_ms": round(float(np.percentile(lat, 99)), 1),
    }  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.url, args.visitors, args.rounds))))
