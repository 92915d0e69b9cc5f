"""Several questions in one message ("怎么报名，要准备什么"): each clause's intent, by the same intent
model, so the answer can cover every aspect asked about the one service."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.understanding.intent import IntentPrediction
from assistant.understanding.nlu_data import SERVICE_INTENTS

# clause boundaries: punctuation, and the words that join two questions
_SPLIT = re.compile(r"[，,。.；;？?！!\n]+|还有|另外|以及|然后|顺便问一下|顺便问下|and also|also")
MIN_CONFIDENCE = 0.6  # a clause's own intent counts only when the model is sure of it
MAX_CLAUSES = 4


def clauses(text: str) -> list[str]:
    parts = [p.strip() for p in _SPLIT.split(text) if p and len(p.strip()) >= 2]
    return parts[:MAX_CLAUSES]


def aspects(text: str, predict: Callable[[str], IntentPrediction]) -> list[str]:
    """The distinct service intents the clauses of ``text`` ask, in the order asked; [] for one question."""
    parts = clauses(text)
    if len(parts) < 2:
        return []
    found: list[str] = []
    for part in parts:
        p = predict(part)
        if p.intent in SERVICE_INTENTS and p.confidence >= MIN_CONFIDENCE and p.intent not in found:
            found.append(p.intent)
    return found if len(found) >= 2 else []
