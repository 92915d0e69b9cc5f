"""Calibrated confidence: fitted on evidence, monotone in it, saved and loaded exactly."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.understanding.calibration import FEATURES, Calibrator, features
from assistant.understanding.retriever import Hit


def hits(top: float, second: float, name: bool) -> list[Hit]:
    parts = {"word": top * 20, "char": top * 10, "semantic": top, **({"name": 1.0} if name else {})}
    return [Hit("a", top, parts), Hit("b", second, {"word": second * 20, "char": second * 10, "semantic": second})]


def test_clear_evidence_is_more_confident_than_weak_evidence(tmp_path):
    rows = [features(hits(0.9, 0.1, True)) for _ in range(20)] + [features(hits(0.2, 0.19, False)) for _ in range(20)]
    cal = Calibrator.fit(rows, [1] * 20 + [0] * 20)
    strong, weak = cal.confidence(hits(0.9, 0.1, True)), cal.confidence(hits(0.2, 0.19, False))
    assert 0.0 <= weak < 0.5 < strong <= 1.0
    assert cal.confidence([]) == 0.0
    cal.save(tmp_path / "cal.json")
    again = Calibrator.load(tmp_path / "cal.json")
    assert again.confidence(hits(0.9, 0.1, True)) == pytest.approx(strong)


def test_degenerate_data_gives_a_neutral_map_and_other_features_are_refused(tmp_path):
    cal = Calibrator.fit([np.zeros(len(FEATURES))] * 3, [1, 1, 1])
    assert cal.confidence(hits(0.9, 0.1, True)) == pytest.approx(0.5)
    (tmp_path / "old.json").write_text('{"features": ["x"], "coef": [1.0], "intercept": 0}')
    with pytest.raises(ValueError, match="assistant train"):
        Calibrator.load(tmp_path / "old.json")
