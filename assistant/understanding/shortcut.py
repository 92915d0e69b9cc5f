"""The lexical shortcut: answer without the e5 query embedding when the lexical channels alone decide as
the full pipeline would. A calibrator fitted on lexical-only evidence gives the service confidence, an
intent model without the embedding the intent; each has its own limit, chosen at training time on
validation data: the intent confidences are out-of-fold (the intent model never saw the question), so
the limit is not set on a model's confidence in its own training examples."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


from assistant.understanding.calibration import Calibrator
from assistant.understanding.intent import IntentModel, IntentPrediction
from assistant.understanding.nlu_data import SERVICE_INTENTS

FOLDS = 4
AGREEMENT = 0.995  # the share of validation questions taken on which the shortcut must equal the full pipeline
MIN_TAKEN = 30  # fewer validation questions than this above a pair of limits say nothing of it
GRID = (0.7, 0.75, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995)
NEVER = 2.0  # a limit no confidence reaches
# intents the dialogue answers without a service when none is named and none is sure (greet, goodbye,
# hand to a person): the shortcut takes them on the intent alone
CHAT_INTENTS = ("greet", "goodbye", "request_human")


@dataclass
class Shortcut:
    calibrator: Calibrator
    intents: IntentModel
    service: float
    intent: float
    chat: float = NEVER

    @classmethod
    def load(cls, model_dir: Path) -> "Shortcut | None":
        path = model_dir / "shortcut.json"
        if not path.exists():
            return None
        limits = json.loads(path.read_text())
        service, intent = (limits.get("service"), limits.get("intent")) if isinstance(limits, dict) else (None, None)
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (service, intent)):
            raise ValueError(f"{path}: expected numeric 'service' and 'intent' limits; run `assistant train`")
        chat = limits.get("chat", NEVER)  # models trained before the chat limit existed never take chat
        if not isinstance(chat, (int, float)) or isinstance(chat, bool):
            raise ValueError(f"{path}: expected a numeric 'chat' limit; run `assistant train`")
        return cls(Calibrator.load(model_dir / "calibration-lexical.json"), IntentModel.load(model_dir / "intent-lexical"), float(service), float(intent), float(chat))

    def takes(self, service_confidence: float, intent: IntentPrediction, *, fallback: bool = False) -> bool:
        """Both sides above their limits, and only a question about a service: the service confidence is
        fitted on such questions (see train). ``fallback``: the intent is only Rasa's fallback, so its
        confidence plays no part, only that it is about a service."""
        return service_confidence >= self.service and intent.intent in SERVICE_INTENTS and (fallback or intent.confidence >= self.intent)

    def chats(self, intent: IntentPrediction) -> bool:
        """A greeting or a request for a person, sure enough to be answered without looking for a service."""
        return intent.intent in CHAT_INTENTS and intent.confidence >= self.chat


def fold_of(text: str) -> int:
    """A training text's fold, by its content: equal texts (one template with the service masked, asked
    for many services) fall in the same fold, so no fold is validated on copies of its training data."""
    return hashlib.sha256(text.encode()).digest()[0] % FOLDS


def out_of_fold(residuals: list[str], labels: list[str], train: Callable[[list[str], list[str]], IntentModel]) -> list[IntentModel]:
    """One lexical intent model per fold, trained on the other folds' examples (model k never saw fold k)."""
    folds = [fold_of(t) for t in residuals]
    models = []
    for k in range(FOLDS):
        keep = [i for i, f in enumerate(folds) if f != k]
        models.append(train([residuals[i] for i in keep], [labels[i] for i in keep]))
    return models


def choose_limits(rows: list[tuple[float, float, bool]]) -> dict[str, float]:
    """rows: (lexical service confidence, out-of-fold intent confidence (0 for an intent not about a
    service, never taken), whether the lexical decision equals the full pipeline's). The pair of limits
    taking the most rows on which the decisions agree on at least AGREEMENT of them (and on at least
    MIN_TAKEN rows); the higher pair on a tie."""
    best: tuple[int, float, float] | None = None
    for service in GRID:
        for intent in GRID:
            taken = [same for s, i, same in rows if s >= service and i >= intent]
            if len(taken) < MIN_TAKEN or sum(taken) < AGREEMENT * len(taken):
                continue
            if best is None or len(taken) >= best[0]:
                best = (len(taken), service, intent)
    if best is None:  # the lexical channels alone are not trusted
        return {"service": NEVER, "intent": NEVER, "share": 0.0}
    return {"service": best[1], "intent": best[2], "share": best[0] / len(rows)}


def choose_chat_limit(rows: list[tuple[float, bool]]) -> float:
    """rows: (out-of-fold confidence of a chat intent, whether the full pipeline decides the same: that
    intent, and no service it is sure of). The lowest limit of GRID above which the decisions agree on
    at least AGREEMENT of at least MIN_TAKEN rows; NEVER when none does."""
    for limit in GRID:
        taken = [same for confidence, same in rows if confidence >= limit]
        if len(taken) >= MIN_TAKEN and sum(taken) >= AGREEMENT * len(taken):
            return limit
    return NEVER
