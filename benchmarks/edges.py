"""The edges of understanding (issue 14), on held-out sets written for it (never used for training):

    python benchmarks/edges.py [--data DIR] [--json]

- benchmarks/out-of-scope-questions.jsonl: no government matter (out_of_scope), a government matter this
  hall does not handle (out_of_hall), and in-scope questions: out-of-scope precision/recall (either
  kind counts), the kind told apart, service top-1 and intent accuracy on the in-scope ones;
- benchmarks/typo-questions.jsonl: service names with same-sounding characters: service found;
- benchmarks/faq-questions.jsonl: hall and guide FAQs: answered with kind faq from the right entry;
- benchmarks/extra-questions.jsonl: service top-1 and intent once more, in the project's other words.
DIR is a data dir with the knowledge imported and the models trained (default $ASSISTANT_DATA_DIR)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.config import Settings, get_settings
from assistant.evaluation import evaluate, read_questions
from assistant.service import open_assistant
from assistant.understanding.nlu_data import OUT_OF_SCOPE

HERE = Path(__file__).resolve().parent


def lines(name: str) -> list[dict]:
    return [json.loads(x) for x in (HERE / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def pct(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 1) if b else None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, help="data dir (knowledge imported, models trained)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    settings = Settings(data_dir=args.data) if args.data else get_settings()
    report = measure(open_assistant(settings, log=lambda m: print(m, file=sys.stderr)))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    for key, value in report.items():
        if key != "errors":
            print(f"{key:32s} {value}")
    for group, errors in report["errors"].items():
        for e in errors:
            print(f"  [{group}] {e if isinstance(e, str) else e['text'] + '  ' + '; '.join(e['problems'])}")
    return 0


def measure(assistant) -> dict:  # type: ignore[no-untyped-def]
    """Every measure of the held-out sets above, with the errors (also run by benchmarks/speed.py)."""
    ask = lambda text: assistant.ask(text, channel="api", record=False)  # noqa: E731

    oos_items = read_questions(HERE / "out-of-scope-questions.jsonl")
    oos = evaluate(assistant, oos_items)
    kinds_ok = kinds = 0
    for item in oos_items:
        if item["intent"] in OUT_OF_SCOPE:
            reply = ask(item["text"])
            if reply.intent in OUT_OF_SCOPE:
                kinds += 1
                kinds_ok += reply.intent == item["intent"]
    extra = evaluate(assistant, read_questions(HERE / "extra-questions.jsonl"))

    typo_miss = []
    typos = lines("typo-questions.jsonl")
    for item in typos:
        reply = ask(item["text"])
        if reply.service != item["service"]:
            typo_miss.append(f"{item['text']} -> {reply.service} [{reply.kind}]")
    faq_miss = []
    faqs = lines("faq-questions.jsonl")
    for item in faqs:
        reply = ask(item["text"])
        got = reply.trace.get("faq", {}).get("id") if reply.kind == "faq" else None
        if got != item["faq"]:
            faq_miss.append(f"{item['text']} -> {got} [{reply.kind}]")
    report = {
        "out_of_scope_questions": sum(1 for i in oos_items if i["intent"] in OUT_OF_SCOPE),
        "in_scope_questions": sum(1 for i in oos_items if i["intent"] not in OUT_OF_SCOPE),
        "out_of_scope_precision": oos["out_of_scope_precision"],
        "out_of_scope_recall": oos["out_of_scope_recall"],
        "out_of_scope_kind_told_apart": pct(kinds_ok, kinds),
        "service_top1": oos["service_top1"],
        "intent_accuracy": oos["intent_accuracy"],
        "extra_service_top1": extra["service_top1"],
        "extra_intent_accuracy": extra["intent_accuracy"],
        "typo_service": pct(len(typos) - len(typo_miss), len(typos)),
        "faq_answered": pct(len(faqs) - len(faq_miss), len(faqs)),
        "errors": {"out_of_scope_set": oos["errors"], "extra": extra["errors"], "typo": typo_miss, "faq": faq_miss},
    }
    return report


if __name__ == "__main__":
    raise SystemExit(main())
