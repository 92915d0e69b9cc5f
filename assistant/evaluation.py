"""`assistant eval`: accuracy, out-of-scope precision/recall, materials completeness and latency on a
labelled JSONL file (one {"text", "service", "intent", "session"?, "turn"?} per line)."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.understanding.nlu_data import OUT_OF_SCOPE


class Asks(Protocol):
    engine: Any

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: str = "web", record: bool = True) -> Any: ...


def read_questions(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {n}: {exc.msg}") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or "intent" not in item:
            raise ValueError(f'line {n}: expected {{"text", "service", "intent"}}')
        items.append(item)
    return items


def _ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Conversations in turn order; each keeps the position of its first turn."""
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.get("session") is not None:
            first.setdefault(str(item["session"]), i)
    key = lambda iv: (first.get(str(iv[1].get("session")), iv[0]), iv[1].get("turn", 0), iv[0])  # noqa: E731
    return [item for _, item in sorted(enumerate(items), key=key)]


def evaluate(assistant: Asks, items: list[dict[str, Any]]) -> dict[str, Any]:
    run = secrets.token_hex(4)
    latencies, errors = [], []
    service_total = service_ok = intent_ok = 0
    oos_tp = oos_fp = oos_fn = 0
    mat_total = mat_ok = 0
    for item in _ordered(items):
        session = f"eval-{run}-{item['session']}" if item.get("session") is not None else None
        start = time.perf_counter()
        reply = assistant.ask(item["text"], session_id=session, channel="api", record=False)  # nothing logged
        latencies.append((time.perf_counter() - start) * 1000)
        gold_service, gold_intent = item.get("service"), item["intent"]
        problems = []
        if gold_service is not None:
            service_total += 1
            if reply.service == gold_service:
                service_ok += 1
            else:
                problems.append(f"service {reply.service} != {gold_service}")
        if reply.intent == gold_intent:
            intent_ok += 1
        else:
            problems.append(f"intent {reply.intent} != {gold_intent}")
        pred_oos, gold_oos = reply.intent in OUT_OF_SCOPE, gold_intent in OUT_OF_SCOPE  # either kind
        oos_tp += pred_oos and gold_oos
        oos_fp += pred_oos and not gold_oos
        oos_fn += gold_oos and not pred_oos
        if gold_intent == "ask_materials" and gold_service in assistant.engine.kb.guides:
            mat_total += 1
            english = getattr(reply, "lang", "zh") == "en"
            required = [(m.name_en or m.name) if english else m.name for m in assistant.engine.kb.guides[gold_service].required_materials]
            missing = [m for m in required if m not in reply.materials]
            if not missing and reply.service == gold_service:
                mat_ok += 1
            else:
                problems.append(f"materials missing: {missing or 'wrong guide'}")
        if problems:
            errors.append({"text": item["text"], "session": item.get("session"), "problems": problems, "kind": reply.kind})
    lat = np.asarray(latencies) if latencies else np.zeros(1)
    pct = lambda a, b: round(100.0 * a / b, 1) if b else None  # noqa: E731
    return {
        "questions": len(items),
        "service_top1": pct(service_ok, service_total),
        "intent_accuracy": pct(intent_ok, len(items)),
        "out_of_scope_precision": pct(oos_tp, oos_tp + oos_fp),
        "out_of_scope_recall": pct(oos_tp, oos_tp + oos_fn),
        "materials_complete": pct(mat_ok, mat_total),
        "latency_ms_p50": round(float(np.percentile(lat, 50)), 2),
        "latency_ms_p95": round(float(np.percentile(lat, 95)), 2),
        "errors": errors,
    }


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"questions             {report['questions']}",
        f"service top-1         {report['service_top1']}%",
        f"intent accuracy       {report['intent_accuracy']}%",
        f"out-of-scope P / R    {report['out_of_scope_precision']}% / {report['out_of_scope_recall']}%",
        f"materials complete    {report['materials_complete']}%",
        f"latency p50 / p95     {report['latency_ms_p50']} ms / {report['latency_ms_p95']} ms",
        f"errors                {len(report['errors'])}",
    ]
    for e in report["errors"]:
        lines.append(f"  - {e['text']}  [{e['kind']}] " + "; ".join(e["problems"]))
    return "\n".join(lines)
