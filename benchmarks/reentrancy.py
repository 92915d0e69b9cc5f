"""Is the understanding pipeline re-entrant? Understand every dev and extra question (x3) once in one
thread and again from 2, 4 and 8 threads at once; the intent, service, confidence and top hits must be
identical. Prints whether they are and the wall time of each run.

    ASSISTANT_DATA_DIR=data .venv/bin/python benchmarks/reentrancy.py [--questions FILE ...]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assistant.config import get_settings
from assistant.engine import Engine

ROOT = Path(__file__).resolve().parent.parent


def signature(u) -> str:  # type: ignore[no-untyped-def]
    return repr((u.intent, u.service, round(u.confidence, 6), [h.guide_id for h in u.hits][:3]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", nargs="*", default=[str(ROOT / "benchmarks" / "extra-questions.jsonl")])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    texts = [json.loads(line)["text"] for f in args.questions for line in Path(f).read_text(encoding="utf-8").splitlines() if line.strip()]
    texts *= args.repeat
    understanding = Engine.load(get_settings(), log=lambda _m: None).understanding
    start = time.perf_counter()
    alone = [signature(understanding.understand(t)) for t in texts]
    print(f"1 thread: {len(texts)} questions in {time.perf_counter() - start:.2f} s")
    for n in (2, 4, 8):
        start = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            together = list(pool.map(lambda t: signature(understanding.understand(t)), texts))
        same = sum(a == b for a, b in zip(alone, together))
        print(f"{n} threads: {time.perf_counter() - start:.2f} s, identical {same}/{len(texts)}")


if __name__ == "__main__":
    main()
