"""Calibrated service confidence: a logistic model over retrieval evidence, fitted on labelled
questions (right top-1 = 1) and out-of-scope ones (= 0), so 0.7 means 'right about 70% of the time'."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from assistant.understanding.retriever import Hit

FEATURES = ("fused_top", "fused_margin", "semantic_top", "semantic_margin", "word_top", "char_top", "name_match", "agreement")


def features(hits: list[Hit]) -> np.ndarray:
    if not hits:
        return np.zeros(len(FEATURES), dtype=np.float64)
    top, second = hits[0], (hits[1] if len(hits) > 1 else None)
    sem = top.parts.get("semantic", 0.0)
    sem2 = max((h.parts.get("semantic", 0.0) for h in hits[1:]), default=0.0)
    agreement = sum(1 for ch in ("word", "char", "semantic") if top.parts.get(ch, 0) >= max(h.parts.get(ch, 0) for h in hits) and top.parts.get(ch, 0) > 0)
    return np.array(
        [
            top.score * 10,
            (top.score - (second.score if second else 0.0)) * 10,
            sem,
            sem - sem2,
            math.log1p(max(top.parts.get("word", 0.0), 0.0)),
            math.log1p(max(top.parts.get("char", 0.0), 0.0)),
            1.0 if top.parts.get("name", 0.0) > 0 else 0.0,
            agreement / 3,
        ]
    )


class Calibrator:
    def __init__(self, coef: list[float], intercept: float) -> None:
        self.coef, self.intercept = np.asarray(coef), intercept

    @classmethod
    def fit(cls, rows: list[np.ndarray], labels: list[int]) -> "Calibrator":
        if len(set(labels)) < 2:  # degenerate data: fall back to a fixed, neutral map
            return cls([0.0] * len(FEATURES), 0.0)
        from assistant.understanding.logistic import fit  # scikit-learn's LogisticRegression(C=1), without its import

        coef, intercept = fit(np.vstack(rows), np.asarray(labels), 2, c=1.0, max_iter=2000)
        return cls(coef[0].tolist(), float(intercept[0]))

    def confidence(self, hits: list[Hit]) -> float:
        if not hits:
            return 0.0
        z = float(self.coef @ features(hits) + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"features": FEATURES, "coef": self.coef.tolist(), "intercept": self.intercept}, indent=1))

    @classmethod
    def load(cls, path: Path) -> "Calibrator":
        data = json.loads(path.read_text())
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"{path}: calibration was fitted on other features; run `assistant train`")
        return cls(data["coef"], data["intercept"])
