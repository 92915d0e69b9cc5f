"""Answer latency, memory, index build time and quality: hybrid vs BM25-only vs embedding-only,
at the 40 sample guides and at 10,000 synthetic guides (district variations of the samples).

    .venv/bin/python benchmarks/understanding.py QUESTIONS.jsonl [--synthetic 10000] [--out results.json]
        [--cache DIR]   # keep the e5 passage index: a second run measures latency without re-encoding
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.kb.source import Knowledge, load_knowledge  # noqa: E402
from assistant.understanding.e5 import open_encoder  # noqa: E402
from assistant.understanding.retriever import Retriever  # noqa: E402

DISTRICTS = [f"{a}{b}区" for a in "东南西北中上下前后左右新老金银山水河湖林" for b in "城江海港园峰谷岭湾桥洲"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(kb: Knowledge, n: int) -> Knowledge:
    """n guides: every sample guide repeated per district, with the district in its name and keywords."""
    out = Knowledge(categories=kb.categories, life_events={}, synonyms=kb.synonyms, faq=kb.faq)
    base = list(kb.guides.values())
    for i in range(n):
        g = base[i % len(base)]
        district = DISTRICTS[(i // len(base)) % len(DISTRICTS)] + (str(i // (len(base) * len(DISTRICTS))) if i >= len(base) * len(DISTRICTS) else "")
        gid = g.id if i < len(base) else f"{g.id}-v{i}"
        out.guides[gid] = g.model_copy(update={
            "id": gid, "name": g.name if i < len(base) else f"{district}{g.name}",
            "keywords": g.keywords[:3], "faq": g.faq[:2] if i < len(base) else [], "life_events": [],
        })
    return out


def measure(retriever: Retriever, questions: list[dict], channels: tuple[str, ...]) -> dict:
    latencies, ok, total = [], 0, 0
    for q in questions:
        start = time.perf_counter()
        hits = retriever.search(q["text"], channels=channels)
        latencies.append((time.perf_counter() - start) * 1000)
        if q.get("service"):
            total += 1
            top = hits[0].guide_id.split("-v")[0] if hits else None
            ok += top == q["service"]
    return {
        "top1": round(100 * ok / total, 1),
        "p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "p95_ms": round(float(np.percentile(latencies, 95)), 2),
    }


def run(kb: Knowledge, questions: list[dict], model_dir: Path, cache: Path | None) -> dict:
    before = rss_mb()
    cached = len(list(cache.glob("passages-*.npy"))) if cache else 0
    start = time.perf_counter()
    retriever = Retriever(kb, open_encoder(model_dir / "encoder"), cache_dir=cache)
    build = time.perf_counter() - start
    from_cache = bool(cache) and len(list(cache.glob("passages-*.npy"))) == cached and cached > 0
    for q in questions[:5]:  # warm up
        retriever.search(q["text"])
    result = {"guides": len(kb.guides), "index_build_s": round(build, 1), "index_from_cache": from_cache, "rss_mb_after_build": round(rss_mb(), 0), "rss_mb_growth": round(rss_mb() - before, 0)}
    for label, channels in {"hybrid": ("word", "char", "semantic", "name"), "bm25_only": ("word",), "embedding_only": ("semantic",)}.items():
        result[label] = measure(retriever, questions, channels)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions")
    parser.add_argument("--synthetic", type=int, default=10000)
    parser.add_argument("--models", default=str(ROOT / "data" / "models"))
    parser.add_argument("--out")
    parser.add_argument("--cache", type=Path, help="directory for the e5 passage index (reused when the guides are unchanged)")
    args = parser.parse_args()
    questions = [json.loads(line) for line in Path(args.questions).read_text(encoding="utf-8").splitlines() if line.strip()]
    questions = [q for q in questions if q.get("turn", 0) == 0]
    kb, problems = load_knowledge(ROOT / "knowledge")
    assert not problems, problems
    results = {"machine": "2 cores", "questions": len(questions), "runs": [run(kb, questions, Path(args.models), args.cache)]}
    print(json.dumps(results["runs"][-1], ensure_ascii=False), flush=True)
    if args.synthetic:
        results["runs"].append(run(synthetic(kb, args.synthetic), questions, Path(args.models), args.cache))
        print(json.dumps(results["runs"][-1], ensure_ascii=False), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
