"""Speed and memory in one run: `assistant serve` ready time and RSS after 1,000 answers, per-question
latency (whole understanding) beside the e5 query embedding alone, held-out accuracy with and without
the lexical shortcut, retrain after a name change, publishing one guide at 10,000 synthetic guides, the
embedded kiosk's ready time, and the same run's Rasa figures beside them with the ratios when its venv exists
(`rasa train` timed unless --rasa-model or data/rasa-models gives a model).

    python -m benchmarks.speed [--data DIR] [--synthetic 10000] [--cache DIR] [--rasa-model FILE.tar.gz]
                               [--steps serve,latency,retrain,publish,kiosk,rasa] [--keep DIR]

--data is a data dir with trained models (default data/, made by ./run); it is copied, never changed.
--cache keeps the 10,000-guide passage vectors between runs (the first run encodes them, resumably).
--steps runs only those steps; --keep copies the data dir there (once) and reuses it, caches included.
Every step reports CPU seconds beside wall time and the load average, since a busy machine inflates
wall times (the latency step reports each question's CPU time of the answering thread).
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


def proc_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000", "ASSISTANT_HANDOFF_LIMIT_PER_HOUR": "1000000"}  # fmt: skip


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
            ready, ready_cpu = time.perf_counter() - start, proc_cpu_s(proc.pid)
            rss_ready = proc_mb(proc.pid)
            session: dict[str, str] = {}
            for i in range(answers):  # three messages per conversation, continued with the id the server gave
                if i % 3 == 0:
                    session = {}
                r = client.post(f"{url}/api/v1/chat", json={"text": texts[i % len(texts)], "channel": "web", **session})
                r.raise_for_status()
                session = {"session_id": r.json()["session_id"]}
            return {"ready_s": ready, "ready_cpu_s": ready_cpu, "load": os.getloadavg()[0], "rss_ready_mb": rss_ready, "rss_after_mb": proc_mb(proc.pid), "peak_rss_mb": proc_mb(proc.pid, "VmHWM"), "answers": answers}
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
    whole, alone, rest, cpu, e5_cpu, skipped = [], [], [], [], [], 0
    load = os.getloadavg()[0]
    for _ in range(rounds):
        for t in texts:
            retriever.queries = type(retriever.queries)()  # a new question each time
            misses = retriever.queries.misses
            start, thread = time.perf_counter(), time.thread_time()
            understanding.understand(t)
            whole.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - thread) * 1000)
            skipped += retriever.queries.misses == misses
            start = time.perf_counter()  # the same question again: its vector is in the LRU, so no e5
            understanding.understand(t)
            rest.append((time.perf_counter() - start) * 1000)
            start, thread = time.perf_counter(), time.thread_time()
            retriever.encoder.encode([t], "query")
            alone.append((time.perf_counter() - start) * 1000)
            e5_cpu.append((time.thread_time() - thread) * 1000)
    pct = lambda xs, q: float(np.percentile(xs, q))  # noqa: E731
    result = {"questions": len(texts), "load": load, "p50_ms": pct(whole, 50), "p95_ms": pct(whole, 95), "cpu_p50_ms": pct(cpu, 50), "cpu_p95_ms": pct(cpu, 95),
              "e5_p50_ms": pct(alone, 50), "e5_p95_ms": pct(alone, 95), "e5_cpu_p50_ms": pct(e5_cpu, 50), "e5_cpu_p95_ms": pct(e5_cpu, 95),
              "without_e5_p50_ms": pct(rest, 50), "without_e5_p95_ms": pct(rest, 95), "skipped_share": skipped / len(whole)}  # fmt: skip
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
    from benchmarks.edges import measure

    shortcut = understanding.shortcut
    for label in ("with_shortcut", "without_shortcut"):  # the other held-out sets (out of scope, typos, FAQ)
        understanding.shortcut = shortcut if label == "with_shortcut" else None
        result[f"edges:{label}"] = {k: v for k, v in measure(assistant).items() if k != "errors"}
    understanding.shortcut = shortcut
    return result


def retrain(data: Path) -> dict:
    """What publishing a changed service name does: regenerate the intent data, train beside the old models.
    Twice: a new name only, and a new name with a new keyword (the keyword changes how many surfaces the
    guide has; each generated example draws from its own stream, so only that guide's examples change
    and are encoded; see README). Give --data a dir trained on the current training/data/nlu.yml, or
    the first retrain also encodes every question regenerated since."""
    from assistant.kb.source import load_knowledge
    from assistant.understanding.pipeline import train
    from assistant.understanding.nlu_data import generate_nlu, load_yaml, write_nlu

    out: dict = {}
    for label, keyword in (("retrain", False), ("retrain_keyword", True)):
        kb, _ = load_knowledge(ROOT / "knowledge")
        gid = sorted(kb.guides)[0]
        guide = kb.guides[gid]
        update = {"name": guide.name + "（新）", **({"keywords": [*guide.keywords, "新名称示例"]} if keyword else {})}
        kb.guides[gid] = guide.model_copy(update=update)
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
            write_nlu(generate_nlu(load_yaml((ROOT / "training" / "templates.yml").read_text(encoding="utf-8")), kb), Path(tmp) / "nlu.yml")
            train(kb, Path(tmp) / "nlu.yml", Path(tmp) / "models", cache_dir=data / "cache", log=lambda _m: None)
            out.update({f"{label}_s": time.perf_counter() - start, f"{label}_cpu_s": time.process_time() - cpu, f"{label}_load": load})
    return out


def publish(data: Path, n: int, cache: Path) -> dict:
    """A fresh index of n synthetic guides (resumable, with a bar), then the update after one guide changed
    (what the curator's publish does: Retriever(previous=...)), then, to compare, a whole rebuild of the
    changed knowledge from the caches, which must score every query exactly as the update does."""
    from benchmarks.understanding import synthetic

    from assistant.kb.source import load_knowledge
    from assistant.understanding.e5 import open_encoder
    from assistant.understanding.retriever import Retriever
    from assistant.understanding.vectors import terminal_bar

    kb, _ = load_knowledge(ROOT / "knowledge")
    big = synthetic(kb, n)
    encoder = open_encoder(data / "models" / "encoder")
    start, cpu = time.perf_counter(), time.process_time()
    built = Retriever(big, encoder, cache_dir=cache, progress=terminal_bar(f"{n} guides"))
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    gid = list(big.guides)[n // 2]
    # an edit in words the guides already use (a word new to every guide re-segments all of them, see README)
    big.guides[gid] = big.guides[gid].model_copy(update={"summary": big.guides[gid].summary + "（" + big.guides[gid].name + "）"})
    start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
    updated = Retriever(big, encoder, cache_dir=cache, previous=built)
    one, one_cpu = time.perf_counter() - start, time.process_time() - cpu
    del built
    start, cpu = time.perf_counter(), time.process_time()
    whole = Retriever(big, encoder, cache_dir=cache)
    whole_s, whole_cpu = time.perf_counter() - start, time.process_time() - cpu
    queries = [q["text"] for q in questions()[:20]] + [big.guides[gid].name + "要带什么"]
    same = all(updated.search(q, k=10) == whole.search(q, k=10) for q in queries)
    return {"guides": n, "build_s": first, "build_cpu_s": first_cpu, "publish_one_s": one, "publish_one_cpu_s": one_cpu,
            "rebuild_whole_s": whole_s, "rebuild_whole_cpu_s": whole_cpu, "same_answers": same, "load": load}  # fmt: skip


def kiosk(data: Path) -> dict:
    from benchmarks.kiosk_startup import one_run

    os.environ.update({k: v for k, v in env_for(data).items() if k.startswith("ASSISTANT_")})
    load = os.getloadavg()[0]
    runs = [one_run("") for _ in range(3)]
    median = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    return {"ready_s": median("ready_s"), "ready_cpu_s": median("ready_cpu_s"), "peak_rss_mb": median("peak_rss_mb"), "load": load}


def rasa(model: Path | None, texts: list[str]) -> dict | None:
    """Rasa's figures when its venv exists: `rasa train` (timed, CPU of the child processes beside wall)
    unless a model is given, then the Rasa server's ready time, RSS and /model/parse latency."""
    import resource

    from assistant.commands.rasa import rasa_bin, rasa_env, start_rasa, train_command
    from assistant.config import get_settings

    if not rasa_bin().exists():
        return None
    from benchmarks.rasa_compare import parse_latency

    settings = get_settings()
    result: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        if model is None or not model.exists():
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            start, load = time.perf_counter(), os.getloadavg()[0]
            subprocess.run(train_command(settings, Path(tmp), fixed_name="bench"), cwd=ROOT, env=rasa_env(), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            result |= {"train_s": time.perf_counter() - start, "train_load": load,
                       "train_cpu_s": after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime}  # fmt: skip
            model = Path(tmp) / "bench.tar.gz"
        start = time.perf_counter()
        procs = start_rasa(settings, model=model, assistant_url="http://127.0.0.1:9", rasa_port=free_port(), actions_port=free_port(), log_dir=Path(tmp))
        try:
            procs.wait_ready(timeout=900)
            ready = time.perf_counter() - start
            p50, p95, _ = parse_latency(procs.rasa_url, texts)
            return result | {"ready_s": ready, "rss_mb": proc_mb(procs.rasa.pid), "p50_ms": p50, "p95_ms": p95}
        finally:
            procs.stop()


def ratio(ours: float, theirs: float) -> str:
    """How many times Rasa's figure is ours ("12x": Rasa takes 12 times as long or as much)."""
    return f"{theirs / ours:.0f}x" if ours > 0 else ""


def table(r: dict) -> str:
    x = r.get("rasa")
    rows = []
    if r.get("serve"):
        s = r["serve"]
        rows += [("`assistant serve` ready", f"{s['ready_s']:.2f} s (CPU {s['ready_cpu_s']:.2f} s, load {s['load']:.1f})", "<= 2 s",
                  f"{x['ready_s']:.0f} s ({ratio(s['ready_s'], x['ready_s'])})" if x else "—"),
                 ("RSS after 1,000 answers", f"{s['rss_after_mb']:.0f} MB (peak {s['peak_rss_mb']:.0f})", "<= 300 MB",
                  f"{x['rss_mb']:.0f} MB ({ratio(s['rss_after_mb'], x['rss_mb'])})" if x else "—")]  # fmt: skip
    if r.get("latency"):
        lat = r["latency"]
        rows += [
            ("per question p50 / p95", f"{lat['p50_ms']:.1f} / {lat['p95_ms']:.1f} ms (CPU {lat['cpu_p50_ms']:.1f} / {lat['cpu_p95_ms']:.1f}, load {lat['load']:.1f})",
             "<= 5 ms / <= 1.2 x e5", f"{x['p50_ms']:.1f} / {x['p95_ms']:.1f} ms (parse; p50 {ratio(lat['p50_ms'], x['p50_ms'])})" if x else "—"),
            ("e5 query embedding alone p50 / p95", f"{lat['e5_p50_ms']:.1f} / {lat['e5_p95_ms']:.1f} ms (CPU {lat['e5_cpu_p50_ms']:.1f} / {lat['e5_cpu_p95_ms']:.1f}; p95 ratio {lat['p95_ms'] / lat['e5_p95_ms']:.2f})", "", ""),
            ("everything but e5 (query vector cached) p50 / p95", f"{lat['without_e5_p50_ms']:.1f} / {lat['without_e5_p95_ms']:.1f} ms", "", ""),
            ("questions answered without e5", f"{lat['skipped_share']:.0%}", "", ""),
        ]  # fmt: skip
    if r.get("retrain"):
        t = r["retrain"]
        train = f"{x['train_s']:.0f} s (CPU {x['train_cpu_s']:.0f} s; `rasa train`, {ratio(t['retrain_s'], x['train_s'])})" if x and x.get("train_s") else ""
        rows += [("retrain after a name change", f"{t['retrain_s']:.1f} s (CPU {t['retrain_cpu_s']:.1f} s, load {t['retrain_load']:.1f})", "<= 10 s", train),
                 ("retrain after a name and a keyword change", f"{t['retrain_keyword_s']:.1f} s (CPU {t['retrain_keyword_cpu_s']:.1f} s)", "", "")]  # fmt: skip
    if r.get("publish"):
        p = r["publish"]
        rows.append((f"publish one guide at {p['guides']:,} guides", f"{p['publish_one_s']:.1f} s (CPU {p['publish_one_cpu_s']:.1f} s, load {p['load']:.1f}; fresh build {p['build_s']:.0f} s, CPU {p['build_cpu_s']:.0f} s; "
                     f"whole rebuild from the caches CPU {p['rebuild_whole_cpu_s']:.1f} s; same answers: {p['same_answers']})", "<= 5 s", ""))
    if r.get("kiosk"):
        k = r["kiosk"]
        rows.append(("embedded kiosk ready", f"{k['ready_s']:.2f} s (CPU {k['ready_cpu_s']:.2f} s, load {k['load']:.1f}; peak {k['peak_rss_mb']:.0f} MB)", "<= 3 s", ""))
    for key, acc in (r.get("latency") or {}).items():
        if key.endswith(":with_shortcut") and not key.startswith("edges:"):
            off = r["latency"][key.replace("with_", "without_")]
            fmt = lambda a: f"{a['service_top1']}/{a['intent_accuracy']}/{a['materials_complete']}"  # noqa: E731
            rows.append((f"{key.split(':')[0]} service/intent/materials %", f"{fmt(acc)} (without shortcut {fmt(off)})", "unchanged", ""))
    if (r.get("latency") or {}).get("edges:with_shortcut"):
        on, off = r["latency"]["edges:with_shortcut"], r["latency"]["edges:without_shortcut"]
        keys = ("out_of_scope_precision", "out_of_scope_recall", "service_top1", "intent_accuracy", "typo_service", "faq_answered")
        fmt = lambda a: "/".join(str(a[k]) for k in keys)  # noqa: E731
        rows.append(("out-of-scope P/R, its in-scope service/intent, typo, FAQ %", f"{fmt(on)} (without shortcut {fmt(off)})", "unchanged", ""))
    lines = [f"machine: {r['machine']}, load average at start {r['load']:.1f}", "", "| | this assistant | target | Rasa 3.6 (times ours) |", "|---|---|---|---|"]
    return "\n".join(lines + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows])


STEPS = ("serve", "latency", "retrain", "kiosk", "publish", "rasa")  # publish last of ours: its 10,000 guides would be in every process forked after it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--synthetic", type=int, default=10000, help="guides for the publish benchmark (0 skips it)")
    parser.add_argument("--cache", type=Path, default=ROOT / "data" / "bench-cache", help="passage vectors of the synthetic guides")
    parser.add_argument("--no-kiosk", action="store_true")
    parser.add_argument("--rasa-model", type=Path, help="a trained Rasa model (default: newest in data/rasa-models)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-speed.json")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of {','.join(STEPS)}")
    parser.add_argument("--keep", type=Path, help="copy the data dir here once and reuse it (and its caches) in later runs")
    args = parser.parse_args()
    steps = [x.strip() for x in args.steps.split(",") if x.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        print(f"unknown steps {', '.join(unknown)}: choose from {', '.join(STEPS)}", file=sys.stderr)
        return 2
    if not (args.data / "models" / "intent" / "params.json").exists():
        print(f"no trained models in {args.data}: run ./run or `assistant train` first", file=sys.stderr)
        return 1
    # the project's bytecode, as scripts/setup writes it: under PYTHONDONTWRITEBYTECODE=1 a start would
    # otherwise compile every module of the project again (0.3 s of CPU), which no deployment does
    import compileall

    for package in ("assistant", "kiosk"):
        compileall.compile_dir(ROOT / package, quiet=1)
    items = questions()
    texts = [q["text"] for q in items]
    result: dict = {"machine": f"{os.cpu_count()} CPU", "load": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as tmp:
        data = args.keep or Path(tmp) / "data"
        if not (data / "models").exists():
            shutil.copytree(args.data, data, ignore=shutil.ignore_patterns("rasa-models", "bench-cache"), dirs_exist_ok=True)
        runs = {"serve": lambda: serve(data, texts), "latency": lambda: latency(data, items), "retrain": lambda: retrain(data),
                "publish": lambda: publish(data, args.synthetic, args.cache) if args.synthetic else None,
                "kiosk": lambda: None if args.no_kiosk else kiosk(data)}  # fmt: skip
        for step in (x for x in STEPS if x in steps and x != "rasa"):
            print(f"{step} ...", file=sys.stderr, flush=True)
            result[step] = runs[step]()
    if "rasa" in steps:
        models = sorted((args.data / "rasa-models").glob("*.tar.gz")) if (args.data / "rasa-models").exists() else []
        print("rasa ...", file=sys.stderr, flush=True)
        result["rasa"] = rasa(args.rasa_model or (models[-1] if models else None), [q["text"] for q in items])
        if result["rasa"] is None:
            print("no Rasa venv (training/setup-rasa): its column stays empty", file=sys.stderr)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
