"""The load benchmark over deployments: `assistant serve` worker processes behind nginx with the
shipped deploy/nginx.conf, open loop (visitors with think time) and closed loop, per deployment and
number of guides. Writes benchmarks/results-load.json and prints a Markdown table.

Deployments: ``sqlite-1`` (one worker, embedded SQLite, no Redis), ``postgres-1`` and ``postgres-2``
(one or two workers on one PostgreSQL and one Redis). Guides: 40 (the samples) or N synthetic
district variants (benchmarks/understanding.py), whose e5 passage index is built once into --cache
(resumable; more than an hour for 10,000 on 2 busy cores) before any worker starts.

    .venv/bin/python -m benchmarks.load_matrix --data data --postgres postgresql+psycopg2://... --redis redis://127.0.0.1:6379/7
        [--deployments sqlite-1 postgres-1 postgres-2] [--guides 40 10000] [--cache DIR]
        [--visitors 200] [--duration 90] [--closed-visitors 20] [--rounds 5] [--modes open closed] [--repeat 1]
        [--out benchmarks/results-load.json] [--merge]

The PostgreSQL database's public schema and the Redis database are EMPTIED before each deployment:
give ones kept for benchmarks. --data is a data dir with trained models (its SQLite file is not used).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from tests.utils.cluster import Nginx, Worker, copy_data_dir, worker_env  # noqa: E402
from tests.utils.postgres import reset_postgres  # noqa: E402

DEPLOYMENTS = {"sqlite-1": ("sqlite", 1), "postgres-1": ("postgresql", 1), "postgres-2": ("postgresql", 2)}
OUT = ROOT / "benchmarks" / "results-load.json"


def synthetic_knowledge(n: int):  # type: ignore[no-untyped-def]
    from benchmarks.understanding import synthetic

    from assistant.kb.source import load_knowledge

    kb, problems = load_knowledge(ROOT / "knowledge")
    assert not problems, problems
    return synthetic(kb, n) if n > len(kb.guides) else kb


def build_index(data: Path, guides: int, cache: Path | None) -> None:
    """The e5 passage vectors of ``guides`` synthetic guides into data/cache (from --cache when it has them),
    so a worker starts in seconds instead of encoding for half an hour."""
    from assistant.understanding.e5 import open_encoder
    from assistant.understanding.retriever import Retriever
    from assistant.understanding.vectors import terminal_bar

    target = data / "cache" / "vectors.sqlite"
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        shared = cache / "vectors.sqlite"
        if shared.exists():  # add what the shared cache holds to this data dir's own
            with sqlite3.connect(target) as con:
                con.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
                con.execute("ATTACH DATABASE ? AS shared", (str(shared),))
                con.execute("INSERT OR IGNORE INTO vectors SELECT key, vec FROM shared.vectors")
                con.commit()
    start = time.perf_counter()
    Retriever(synthetic_knowledge(guides), open_encoder(data / "models" / "encoder"), cache_dir=target.parent, progress=terminal_bar(f"{guides} guides"))
    print(f"index of {guides} guides ready in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    if cache is not None:  # keep what was encoded for the next run
        with sqlite3.connect(cache / "vectors.sqlite") as con:
            con.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            con.execute("ATTACH DATABASE ? AS mine", (str(target),))
            con.execute("INSERT OR IGNORE INTO vectors SELECT key, vec FROM mine.vectors")
            con.commit()


def import_guides(database_url: str, guides: int) -> None:
    """The synthetic guides into the deployment's database before the first worker starts (a worker
    imports the knowledge dir only into an empty database)."""
    from assistant.db import Database
    from assistant.kb.store import import_knowledge

    db = Database(database_url)
    try:
        with db.session() as s:
            import_knowledge(s, kb=synthetic_knowledge(guides))
    finally:
        db.dispose()


@contextmanager
def deployment(name: str, trained: Path, work: Path, *, guides: int, postgres: str, redis_url: str,
               cache: Path | None, log_level: str = "info") -> Iterator[str]:  # fmt: skip
    """Workers and nginx for one deployment; yields nginx's URL. Everything stopped on the way out."""
    kind, count = DEPLOYMENTS[name]
    data = copy_data_dir(trained, work / "data")
    if kind == "sqlite":
        database_url, redis_for = f"sqlite:///{data / 'assistant.db'}", ""
    else:
        if not postgres or not redis_url:
            raise SystemExit(f"{name} needs --postgres and --redis")
        reset_postgres(postgres)
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()
        database_url, redis_for = postgres, redis_url
    if guides > 40:
        build_index(data, guides, cache)
        import_guides(database_url, guides)
    env = worker_env(data, database_url, redis_for)
    workers = [Worker(env, work, f"{name}-w{i + 1}", log_level=log_level) for i in range(count)]
    proxy = Nginx(workers, work / "nginx")
    try:
        for w in workers:  # one after the other: the first migrates and imports
            w.start(wait=900)
        proxy.start()
        yield proxy.url
    finally:
        proxy.stop()
        for w in workers:
            w.stop()


def run_matrix(trained: Path, *, deployments: list[str], guides: list[int], postgres: str = "", redis_url: str = "",
               cache: Path | None = None, visitors: int = 200, duration: float = 90, think: tuple[float, float] = (10.0, 20.0),
               closed_visitors: int = 20, rounds: int = 5, warmup: int = 20, log_level: str = "info",
               modes: tuple[str, ...] = ("open", "closed"), repeat: int = 1) -> dict:  # fmt: skip
    runs = []
    for n in guides:
        for name in deployments:
            with tempfile.TemporaryDirectory(prefix=f"load-{name}-") as tmp, \
                    deployment(name, trained, Path(tmp), guides=n, postgres=postgres, redis_url=redis_url, cache=cache, log_level=log_level) as url:  # fmt: skip
                if warmup:  # first answers load lazily (jieba, caches): not what a visitor an hour later sees
                    asyncio.run(load.run(url, mode="closed", visitors=2, rounds=max(1, warmup // 6)))
                kind, count = DEPLOYMENTS[name]
                base = {"deployment": name, "database": kind, "workers": count, "guides": n}
                for mode in [m for m in modes for _ in range(repeat)]:  # repeated: how stable the figures are
                    result = asyncio.run(load.run(url, mode=mode, visitors=visitors if mode == "open" else closed_visitors,
                                                  duration=duration, rounds=rounds, think=think))  # fmt: skip
                    runs.append({**base, **result})
                    print(json.dumps(runs[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    return {"machine": f"{os.cpu_count()} cores, load generator and nginx on the same cores", "runs": runs}


def table(results: dict) -> str:
    head = "| deployment | guides | mode | visitors | requests/s | p50 ms | p95 ms | p99 ms | errors | load average (1 min) before → after |\n|---|---|---|---|---|---|---|---|---|---|\n"
    rows = []
    for r in results["runs"]:
        mode = f"open, think {r['think_s'][0]:g}-{r['think_s'][1]:g} s" if r["mode"] == "open" else f"closed, {r['rounds']} rounds"
        loadavg = " → ".join(f"{x[0]:.1f}" for x in (r.get("load_before"), r.get("load_after")) if x)
        rows.append(f"| {r['deployment']} | {r['guides']:,} | {mode} | {r['visitors']} | {r['requests_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                    f"{r['p99_ms']} | {r['errors']} / {r['requests']} | {loadavg} |")  # fmt: skip
    return head + "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="a data dir with trained models")
    parser.add_argument("--postgres", default=os.environ.get("ASSISTANT_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--redis", default=os.environ.get("ASSISTANT_BENCH_REDIS_URL", ""))
    parser.add_argument("--deployments", nargs="+", choices=list(DEPLOYMENTS), default=list(DEPLOYMENTS))
    parser.add_argument("--guides", type=int, nargs="+", default=[40])
    parser.add_argument("--cache", type=Path, help="shared e5 passage vectors for synthetic guides (kept between runs)")
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--duration", type=float, default=90)
    parser.add_argument("--think", type=float, nargs=2, default=(10.0, 20.0))
    parser.add_argument("--closed-visitors", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--modes", nargs="+", choices=("open", "closed"), default=["open", "closed"])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode per deployment")
    parser.add_argument("--warmup", type=int, default=20, help="messages sent before measuring (first answers load lazily)")
    parser.add_argument("--merge", action="store_true", help="keep --out's other runs (replace only the deployments and guides run now)")
    parser.add_argument("--log-level", default="info", help="the workers' (info: uvicorn's access log on, as in production)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not shutil.which("nginx"):
        raise SystemExit("nginx is needed (apt-get install nginx)")
    results = run_matrix(args.data.resolve(), deployments=args.deployments, guides=args.guides, postgres=args.postgres, redis_url=args.redis,
                         cache=args.cache, visitors=args.visitors, duration=args.duration, think=tuple(args.think),
                         closed_visitors=args.closed_visitors, rounds=args.rounds, warmup=args.warmup, log_level=args.log_level,
                         modes=tuple(args.modes), repeat=args.repeat)  # fmt: skip
    if args.merge and args.out.exists():
        fresh = {(r["deployment"], r["guides"]) for r in results["runs"]}
        kept = [r for r in json.loads(args.out.read_text(encoding="utf-8"))["runs"] if (r["deployment"], r["guides"]) not in fresh]
        results["runs"] = kept + results["runs"]
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
