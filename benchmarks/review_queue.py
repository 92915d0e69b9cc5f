"""Review queue with many pending questions: time of one page (GET /api/v1/admin/review's work).

    python benchmarks/review_queue.py [--pending 10000] [--distinct 2500] [--no-encoder]

Fills a fresh SQLite database with pending questions (repeats included, as real queues have), then
times `review.page` cold (first load: the page's questions embedded) and warm (vectors cached)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.curation import review
from assistant.db import Database
from assistant.records.models import ChatLogRow

WORDS = ["身份证", "护照", "社保卡", "居住证", "营业执照", "驾驶证", "户口", "公积金", "医保", "结婚登记", "出生证明", "不动产"]
ASKS = ["怎么办", "要带什么", "在哪里办", "多久能拿到", "要多少钱", "能网上办吗", "丢了怎么补", "过期了怎么换"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pending", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=2_500)
    ap.add_argument("--no-encoder", action="store_true")
    args = ap.parse_args()
    rnd = random.Random(7)
    questions = [f"{rnd.choice(WORDS)}{rnd.choice(ASKS)}{i}" for i in range(args.distinct)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with db.session() as s:
            s.add_all(ChatLogRow(message_id=f"m{i}", session_id=f"s{i}", channel="web", lang="zh", text=questions[(i if i % 2 else int(rnd.paretovariate(1.2))) % args.distinct],
                                 intent="ask_materials", confidence=0.2, kind="no_match", needs_review=True,
                                 trace={"hits": [{"guide_id": "passport"}]}) for i in range(args.pending))  # fmt: skip
        embed_many = None
        if not args.no_encoder:
            from assistant.understanding.e5 import E5

            model = E5()
            embed_many = lambda texts: model.encode(texts, "query")  # noqa: E731
        times = []
        for _ in range(5):
            start = time.perf_counter()
            with db.session() as s:
                groups, total = review.page(s, embed_many=embed_many, offset=0, limit=review.PAGE)
            times.append(time.perf_counter() - start)
        db.dispose()
    print(f"{args.pending} pending questions, {total} groups; page of {len(groups)} groups: "
          f"cold {times[0] * 1000:.0f} ms, warm median {statistics.median(times[1:]) * 1000:.0f} ms"
          f" ({'e5 encoder' if embed_many else 'no encoder'})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
