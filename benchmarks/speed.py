"""Speed and memory in one run: `assistant serve` ready time and RSS after 1,000 answers, per-question
latency (whole understanding) beside the e5 query embedding alone, held-out accuracy with and without
the lexical shortcut, retrain after a name change, publishing one guide at 10,000 synthetic guides, the
embedded kiosk's ready time, and Rasa's figures beside them when its venv and a trained model exist.

    python -m benchmarks.speed [--data DIR] [--synthetic 10000] [--cache DIR] [--rasa-model FILE.tar.gz]

--data is a data dir with trained models (default data/, made by ./run); it is copied, never changed.
--cache keeps the 10,000-guide passage vectors between runs (the first run encodes them, resumably).
Writes benchmarks/results-speed.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()), ROOT.parent / "shared")
QUESTION_FILES = [SHARED / "dev-questions.jsonl", ROOT / "benchmarks" / "extra-questions.jsonl"]


def proc_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def questions() -> list[dict]:
    items = []
    for path in QUESTION_FILES:
        if path.exists():
            items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


def env_for(data: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "ASSISTANT_DATA_DIR": str(data),
            "ASSISTANT_KNOWLEDGE_DIR": str(ROOT / "knowledge"), "ASSISTANT_TRAINING_DIR": str(ROOT / "training"),
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000"}  # fmt: skip


def serve(data: Path, texts: list[str], answers: int = 1000) -> dict:
    """Process start -> /readyz 200, then `answers` chat requests; RSS read from /proc."""
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], env=env_for(data),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as client:
            while True:
                try:
                    if client.get(f"{url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.perf_counter() - start > 300:
                    raise RuntimeError("the server did not become ready")
                time.sleep(0.02)
            ready = time.perf_counter() - start
            rss_ready = proc_mb(proc.pid)
            session: dict[str, str] = {}
            for i in range(answers):  # three messages per conversation, continued with the id the server gave
                if i % 3 == 0:
                    session = {}
                r = client.post(f"{url}/api/v1/chat", json={"text": texts[i % len(texts)], "channel": "web", **session})
                r.raise_for_status()
                session = {"session_id": r.json()["session_id"]}
            return {"ready_s": ready, "rss_ready_mb": rss_ready, "rss_after_mb": proc_mb(proc.pid), "peak_rss_mb": proc_mb(proc.pid, "VmHWM"), "answers": answers}
    finally:
        proc.terminate()
        proc.wait(30)


def latency(data: Path, items: list[dict], rounds: int = 3) -> dict:
    """understand() per question with an empty query cache (as for a new question), and e5 alone."""
    from assistant.config import Settings
    from assistant.evaluation import evaluate
    from assistant.service import open_assistant

    settings = Settings(data_dir=data, knowledge_dir=ROOT / "knowledge", training_dir=ROOT / "training")
    assistant = open_assistant(settings, log=lambda _m: None)
    engine = assistant.engine
    understanding, retriever = engine.understanding, engine.understanding.retriever
    texts = [q["text"] for q in items if q.get("turn", 0) == 0]
    for t in texts[:10]:
        understanding.understand(t)  # warm-up
    whole, alone, skipped = [], [], 0
    for _ in range(rounds):
        for t in texts:
            retriever.queries = type(retriever.queries)()  # a new question each time
            misses = retriever.queries.misses
            start = time.perf_counter()
            understanding.understand(t)
            whole.append((time.perf_counter() - start) * 1000)
            skipped += retriever.queries.misses == misses
            start = time.perf_counter()
            retriever.encoder.encode([t], "query")
            alone.append((time.perf_counter() - start) * 1000)
    result = {"questions": len(texts), "p50_ms": float(np.percentile(whole, 50)), "p95_ms": float(np.percentile(whole, 95)),
              "e5_p50_ms": float(np.percentile(alone, 50)), "e5_p95_ms": float(np.percentile(alone, 95)), "skipped_share": skipped / len(whole)}  # fmt: skip
    for path in QUESTION_FILES:  # held-out accuracy, with the shortcut and without it
        if not path.exists():
            continue
        held = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        shortcut = understanding.shortcut
        for label in ("with_shortcut", "without_shortcut"):
            understanding.shortcut = shortcut if label == "with_shortcut" else None
            report = evaluate(assistant, held)
            result[f"{path.stem}:{label}"] = {k: report[k] for k in ("service_top1", "intent_accuracy", "out_of_scope_precision", "out_of_scope_recall", "materials_complete")}
        understanding.shortcut = shortcut
    return result


def retrain(data: Path) -> dict:
    """What publishing a changed service name does: regenerate the intent data, train beside the old models."""
    from assistant.kb.source import load_knowledge
    from assistant.understanding.model import train
    from assistant.understanding.nlu_data import generate_nlu, load_yaml, write_nlu

    kb, _ = load_knowledge(ROOT / "knowledge")
    gid = sorted(kb.guides)[0]
    kb.guides[gid] = kb.guides[gid].model_copy(update={"name": kb.guides[gid].name + "（新）", "keywords": [*kb.guides[gid].keywords, "新名称示例"]})
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        write_nlu(generate_nlu(load_yaml((ROOT / "training" / "templates.yml").read_text(encoding="utf-8")), kb), Path(tmp) / "nlu.yml")
        train(kb, Path(tmp) / "nlu.yml", Path(tmp) / "models", cache_dir=data / "cache", log=lambda _m: None)
        return {"retrain_s": time.perf_counter() - start, "retrain_cpu_s": time.process_time() - cpu}


def publish(data: Path, n: int, cache: Path) -> dict:
    """A fresh index of n synthetic guides (resumable, with a bar), then the rebuild after one guide changed."""
    from benchmarks.understanding import synthetic

    from assistant.kb.source import load_knowledge
    from assistant.understanding.e5 import open_encoder
    from assistant.understanding.retriever import Retriever
    from assistant.understanding.vectors import terminal_bar

    kb, _ = load_knowledge(ROOT / "knowledge")
    big = synthetic(kb, n)
    encoder = open_encoder(data / "models" / "encoder")
    start = time.perf_counter()
    Retriever(big, encoder, cache_dir=cache, progress=terminal_bar(f"{n} guides"))
    first = time.perf_counter() - start
    gid = list(big.guides)[n // 2]
    # an edit in words the guides already use (a word new to every guide re-segments all of them, see README)
    big.guides[gid] = big.guides[gid].model_copy(update={"summary": big.guides[gid].summary + "（" + big.guides[gid].name + "）"})
    start = time.perf_counter()
    Retriever(big, encoder, cache_dir=cache)
    return {"guides": n, "build_s": first, "publish_one_s": time.perf_counter() - start}


def kiosk(data: Path) -> dict:
    from benchmarks.kiosk_startup import one_run

    os.environ.update({k: v for k, v in env_for(data).items() if k.startswith("ASSISTANT_")})
    runs = [one_run("") for _ in range(3)]
    return {"ready_s": statistics.median(r["ready_s"] for r in runs), "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs)}


def rasa(model: Path | None, texts: list[str]) -> dict | None:
    """Rasa server ready time, RSS and /model/parse latency, when its venv and a model exist."""
    from assistant.commands.rasa import rasa_bin, start_rasa
    from assistant.config import get_settings

    if not rasa_bin().exists() or model is None or not model.exists():
        return None
    from benchmarks.rasa_compare import parse_latency

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        procs = start_rasa(get_settings(), model=model, assistant_url="http://127.0.0.1:9", rasa_port=free_port(), actions_port=free_port(), log_dir=Path(tmp))
        try:
            procs.wait_ready(timeout=900)
            ready = time.perf_counter() - start
            p50, p95, _ = parse_latency(procs.rasa_url, texts)
            return {"ready_s": ready, "rss_mb": proc_mb(procs.rasa.pid), "p50_ms": p50, "p95_ms": p95}
        finally:
            procs.stop()


def table(r: dict) -> str:
    s, lat, x = r["serve"], r["latency"], r.get("rasa")
    rows = [
        ("`assistant serve` ready", f"{s['ready_s']:.2f} s", "<= 2 s", f"{x['ready_s']:.0f} s" if x else "—"),
        ("RSS after 1,000 answers", f"{s['rss_after_mb']:.0f} MB (peak {s['peak_rss_mb']:.0f})", "<= 300 MB", f"{x['rss_mb']:.0f} MB" if x else "—"),
        ("per question p50 / p95", f"{lat['p50_ms']:.1f} / {lat['p95_ms']:.1f} ms", "<= 5 ms / <= 1.2 x e5", f"{x['p50_ms']:.1f} / {x['p95_ms']:.1f} ms (parse)" if x else "—"),
        ("e5 query embedding alone p50 / p95", f"{lat['e5_p50_ms']:.1f} / {lat['e5_p95_ms']:.1f} ms (p95 ratio {lat['p95_ms'] / lat['e5_p95_ms']:.2f})", "", ""),
        ("questions answered without e5", f"{lat['skipped_share']:.0%}", "", ""),
        ("retrain after a name change", f"{r['retrain']['retrain_s']:.1f} s (CPU {r['retrain']['retrain_cpu_s']:.1f} s)", "<= 10 s", ""),
    ]
    if r.get("publish"):
        p = r["publish"]
        rows.append((f"publish one guide at {p['guides']:,} guides", f"{p['publish_one_s']:.1f} s (fresh build {p['build_s']:.0f} s)", "<= 5 s", ""))
    if r.get("kiosk"):
        rows.append(("embedded kiosk ready", f"{r['kiosk']['ready_s']:.2f} s (peak {r['kiosk']['peak_rss_mb']:.0f} MB)", "<= 3 s", ""))
    for key, acc in lat.items():
        if key.endswith(":with_shortcut"):
            off = lat[key.replace("with_", "without_")]
            fmt = lambda a: f"{a['service_top1']}/{a['intent_accuracy']}/{a['materials_complete']}"  # noqa: E731
            rows.append((f"{key.split(':')[0]} service/intent/materials %", f"{fmt(acc)} (without shortcut {fmt(off)})", "unchanged", ""))
    lines = [f"machine: {r['machine']}, load average at start {r['load']}", "", "| | this assistant | target | Rasa 3.6 |", "|---|---|---|---|"]
    return "\n".join(lines + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--synthetic", type=int, default=10000, help="guides for the publish benchmark (0 skips it)")
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "bench-cache", help="passage vectors of the synthetic guides")
    parser.add_argument("--no-kiosk", action="store_true")
    parser.add_argument("--rasa-model", type=Path, help="a trained Rasa model (default: newest in data/rasa-models)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-speed.json")
    args = parser.parse_args()
    if not (args.data / "models" / "intent" / "params.json").exists():
        print(f"no trained models in {args.data}: run ./run or `assistant train` first", file=sys.stderr)
        return 1
    items = questions()
    texts = [q["text"] for q in items]
    result: dict = {"machine": f"{os.cpu_count()} CPU", "load": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("rasa-models", "bench-cache"))
        for step, fn in [("serve", lambda: serve(data, texts)), ("latency", lambda: latency(data, items)), ("retrain", lambda: retrain(data)),
                         ("publish", lambda: publish(data, args.synthetic, args.cache) if args.synthetic else None),
                         ("kiosk", lambda: None if args.no_kiosk else kiosk(data))]:  # fmt: skip
            print(f"{step} ...", file=sys.stderr, flush=True)
            result[step] = fn()
    models = sorted((args.data / "rasa-models").glob("*.tar.gz")) if (args.data / "rasa-models").exists() else []
    print("rasa ...", file=sys.stderr, flush=True)
    result["rasa"] = rasa(args.rasa_model or (models[-1] if models else None), [q["text"] for q in items])
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
