"""Embedded intent model vs a real Rasa 3.6 server as the NLU backend, on the same labelled questions:
accuracy, latency, memory (resident set of the Rasa server vs this assistant process) and training time.
Writes benchmarks/rasa-comparison.md (and .json beside it).

    training/setup-rasa                       # once: Rasa's venv
    .venv/bin/python benchmarks/rasa_compare.py [--questions FILE] [--model data/rasa-models/X.tar.gz]

Without --model it trains Rasa from training/ (timed) into a temp dir; with --no-embedded-train it skips
timing the embedded training (several minutes). Ports: Rasa on a free port; nothing else is needed running.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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

from assistant.commands.rasa import rasa_bin, rasa_env, start_rasa, train_command  # noqa: E402
from assistant.config import get_settings  # noqa: E402
from assistant.engine import Engine, nlu_file  # noqa: E402
from assistant.evaluation import evaluate, read_questions  # noqa: E402
from assistant.service import open_assistant  # noqa: E402
from assistant.understanding.pipeline import train  # noqa: E402
from assistant.understanding.rasa_nlu import FALLBACK_INTENT, RasaNLU, prediction_from_parse  # noqa: E402
from tests.utils.live import free_port  # noqa: E402


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for {pid}")


def parse_latency(url: str, texts: list[str]) -> tuple[float, float, list[dict]]:
    """p50 / p95 of Rasa's /model/parse, and its raw answers (to count fallbacks)."""
    times, answers = [], []
    with httpx.Client(timeout=30) as client:
        for text in texts:
            start = time.perf_counter()
            response = client.post(f"{url}/model/parse", json={"text": text})
            times.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            answers.append(response.json())
    return float(np.percentile(times, 50)), float(np.percentile(times, 95)), answers


def agreement(engine: Engine, texts: list[str], answers: list[dict]) -> dict:
    """How often Rasa's top intent was its low-confidence `nlu_fallback` (the engine then takes Rasa's best
    real intent), and how often Rasa's intent differs from the embedded model's on the same question."""
    fallback = differ = 0
    understanding = engine.understanding
    remote, understanding.remote = understanding.remote, None  # the embedded path, exactly as it answers
    try:
        for text, data in zip(texts, answers):
            fallback += (data.get("intent") or {}).get("name") == FALLBACK_INTENT
            rasa = prediction_from_parse(data)
            differ += rasa is None or rasa.intent != understanding.understand(text).intent.intent
    finally:
        understanding.remote = remote
    return {"rasa_fallbacks": fallback, "rasa_differs_from_embedded": differ}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", default=str(ROOT.parent / "shared" / "dev-questions.jsonl"))
    parser.add_argument("--model", help="a trained Rasa model (skips timing rasa train)")
    parser.add_argument("--no-embedded-train", action="store_true", help="skip timing the embedded training")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "rasa-comparison.md"))
    args = parser.parse_args()
    if not rasa_bin().exists():
        print("Rasa is not installed: run training/setup-rasa", file=sys.stderr)
        return 1
    settings = get_settings()
    items = read_questions(Path(args.questions))
    result: dict = {"questions": len(items), "file": args.questions, "machine": f"{os.cpu_count()} CPU, {platform.python_version()}"}

    with tempfile.TemporaryDirectory() as tmp:
        if args.model:
            model, result["rasa_train_s"] = Path(args.model), None
        else:
            print("timing rasa train ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            subprocess.run(train_command(settings, Path(tmp), fixed_name="bench"), cwd=ROOT, env=rasa_env(), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            result["rasa_train_s"] = time.perf_counter() - start
            model = Path(tmp) / "bench.tar.gz"
        result["rasa_model_mb"] = model.stat().st_size / 2**20

        assistant = open_assistant(settings, log=lambda _m: None)
        engine = assistant.engine

        print("embedded eval ...", file=sys.stderr, flush=True)
        evaluate(assistant, items[:5])  # warm-up
        embedded = evaluate(assistant, items)
        result["assistant_rss_mb"] = rss_mb(os.getpid())

        procs = start_rasa(settings, model=model, assistant_url="http://127.0.0.1:9", rasa_port=free_port(),
                           actions_port=free_port(), log_dir=Path(tmp))  # fmt: skip
        try:
            start = time.perf_counter()
            procs.wait_ready(timeout=900)
            result["rasa_ready_s"] = time.perf_counter() - start
            print("rasa eval ...", file=sys.stderr, flush=True)
            engine.understanding.remote = RasaNLU(procs.rasa_url, timeout=5)
            evaluate(assistant, items[:5])
            via_rasa = evaluate(assistant, items)
            texts = [i["text"] for i in items]
            result["parse_p50_ms"], result["parse_p95_ms"], answers = parse_latency(procs.rasa_url, texts)
            result |= agreement(engine, texts, answers)
            result["rasa_rss_mb"] = rss_mb(procs.rasa.pid)
            result["rasa_peak_rss_mb"] = rss_mb(procs.rasa.pid, "VmHWM")
            result["assistant_rss_with_rasa_mb"] = rss_mb(os.getpid())
        finally:
            procs.stop()

        result["embedded_train_s"] = None
        if not args.no_embedded_train:  # last, so that its memory does not count above
            print("timing the embedded training ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            train(engine.kb, nlu_file(settings), Path(tmp) / "models", log=lambda _m: None)
            result["embedded_train_s"] = time.perf_counter() - start

    for name, report in (("embedded", embedded), ("rasa", via_rasa)):
        result[name] = {k: v for k, v in report.items() if k != "errors"} | {"errors": len(report["errors"])}
        result[name + "_intent_errors"] = [e["text"] + ": " + "; ".join(e["problems"]) for e in report["errors"]]
    Path(args.out).with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    Path(args.out).write_text(render(result), encoding="utf-8")
    print(render(result))
    return 0


def fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    return "not measured" if value is None else f"{value:.{digits}f}{unit}"


def render(r: dict) -> str:
    e, x = r["embedded"], r["rasa"]
    pct = lambda v: "n/a" if v is None else f"{v}%"  # noqa: E731
    rows = [
        ("intent accuracy", pct(e["intent_accuracy"]), pct(x["intent_accuracy"])),
        ("service top-1", pct(e["service_top1"]), pct(x["service_top1"])),
        ("materials complete", pct(e["materials_complete"]), pct(x["materials_complete"])),
        ("out-of-scope precision / recall", f"{pct(e['out_of_scope_precision'])} / {pct(e['out_of_scope_recall'])}",
         f"{pct(x['out_of_scope_precision'])} / {pct(x['out_of_scope_recall'])}"),
        ("questions with any error", str(e["errors"]), str(x["errors"])),
        ("latency per question p50 / p95 (engine.ask)", f"{e['latency_ms_p50']:.1f} / {e['latency_ms_p95']:.1f} ms",
         f"{x['latency_ms_p50']:.1f} / {x['latency_ms_p95']:.1f} ms"),
        ("Rasa `/model/parse` alone p50 / p95", "—", f"{r['parse_p50_ms']:.1f} / {r['parse_p95_ms']:.1f} ms"),
        ("memory (RSS)", f"assistant process {r['assistant_rss_mb']:.0f} MB",
         f"Rasa server {r['rasa_rss_mb']:.0f} MB (peak {r['rasa_peak_rss_mb']:.0f} MB) + assistant {r['assistant_rss_with_rasa_mb']:.0f} MB"),
        ("training time", fmt(r["embedded_train_s"], " s") + " (`assistant train`: e5 adapter, intent model, calibration)",
         fmt(r["rasa_train_s"], " s") + f" (`rasa train`, model {r['rasa_model_mb']:.0f} MB)"),
        ("start-up", "—", f"Rasa server ready after {r['rasa_ready_s']:.0f} s (model load)"),
        ("Rasa's `nlu_fallback` (low confidence) as top intent", "—", f"{r['rasa_fallbacks']} of {r['questions']} questions"),
        ("questions where the two intent models disagree", "—", f"{r['rasa_differs_from_embedded']} of {r['questions']}"),
    ]  # fmt: skip
    lines = [
        "# NLU backend: embedded model vs Rasa 3.6",
        "",
        f"Measured by `benchmarks/rasa_compare.py` on {r['questions']} labelled questions (`{r['file']}`), "
        f"machine: {r['machine']} (timings depend on what else runs there; this run had the machine to itself). Both columns run the same "
        "engine (retrieval, dialogue, composer); only the intent (and the `service` entity as a hint) comes from a different "
        "model. With Rasa, each question adds an HTTP call to `POST /model/parse`.",
        "",
        "| | embedded (`ASSISTANT_NLU_BACKEND=embedded`) | Rasa (`ASSISTANT_NLU_BACKEND=rasa`) |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
    ]
    for name in ("embedded", "rasa"):
        errs = r[f"{name}_intent_errors"]
        lines += [f"Errors with the {name} backend ({len(errs)}):", ""] + [f"- {t}" for t in errs] + [""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
