"""The numpy BM25 gives bm25s's scores to the bit (so retrieval is unchanged without it at serving)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from assistant.understanding.bm25 import BM25


def _corpus(seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(60)] + ["护照", "身份证", "补办"]
    return [[rng.choice(words) for _ in range(rng.randint(1, 30))] for _ in range(200)]


@pytest.mark.parametrize("k1,b", [(1.2, 0.6), (1.5, 0.75)])
def test_scores_equal_bm25s(k1: float, b: float) -> None:
    bm25s = pytest.importorskip("bm25s")
    docs = _corpus(1)
    ours = BM25(docs, k1=k1, b=b)
    theirs = bm25s.BM25(k1=k1, b=b)
    theirs.index(docs, show_progress=False)
    rng = random.Random(2)
    for _ in range(50):
        query = [rng.choice([*ours.vocab, "unknown"]) for _ in range(rng.randint(1, 6))]
        known = [t for t in query if t in ours.vocab]
        if not known:
            assert not ours.scores(query).any()
            continue
        assert np.array_equal(ours.scores(query), np.asarray(theirs.get_scores(known), dtype=np.float32))


def test_scores_by_hand() -> None:
    index = BM25([["a", "b"], ["b", "b", "c"], ["c"]], k1=1.2, b=0.6)
    avg = 2.0
    idf_a = np.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    expected = idf_a * 1 / (1.2 * (0.4 + 0.6 * 2 / avg) + 1)
    assert index.scores(["a"])[0] == pytest.approx(expected, rel=1e-6)
    assert index.scores(["a"])[1:].tolist() == [0.0, 0.0]
    # a repeated query token counts twice; an unknown token or an empty query scores nothing
    assert index.scores(["a", "a"])[0] == pytest.approx(2 * expected, rel=1e-6)
    assert not index.scores(["zzz"]).any() and not index.scores([]).any()
    assert index.scores(["b"])[1] > index.scores(["b"])[0] > 0  # two b in a three-word document beat one in two
