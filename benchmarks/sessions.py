"""Per-message cost of conversation state in the database: one read (get) and one write (save) of a
session with a realistic history, among many stored sessions. Prints p50/p95 per read+write.

    .venv/bin/python benchmarks/sessions.py [--url postgresql+psycopg2://...] [--sessions 10000] [--messages 2000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.db import Database
from assistant.dialogue.state import Session
from assistant.sessions import DatabaseSessionStore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", help="database URL (default: a fresh SQLite file in WAL mode)")
    ap.add_argument("--sessions", type=int, default=10_000, help="sessions stored beforehand")
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--turns", type=int, default=20, help="history turns per session (each ~60 characters)")
    args = ap.parse_args()
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    store = DatabaseSessionStore(db)
    store.purge(float("inf"), batch=10**9)  # a clean table, so runs compare
    for i in range(args.sessions):
        session = Session(id=f"bench-{i}", last_service="passport")
        for t in range(args.turns):
            session.add("user" if t % 2 == 0 else "bot", "我想办护照，需要带什么材料，多少钱，多久能拿到证件？" * 2)
        store.save(session)
    rng = random.Random(0)
    costs = []
    for _ in range(args.messages):
        sid = f"bench-{rng.randrange(args.sessions)}"
        start = time.perf_counter()
        session = store.get(sid)
        session.add("user", "要多少钱")
        session.add("bot", "护照的收费标准是每本120元。")
        store.save(session)
        costs.append((time.perf_counter() - start) * 1000)
    p50, p95, p99 = np.percentile(costs, [50, 95, 99])
    backend = db.engine.dialect.name
    print(f"{backend}: {args.sessions} sessions, {args.turns}+ turns each: read+write per message p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
