"""BM25 (the Lucene variant) over pre-tokenised documents, in numpy: a posting list of precomputed
scores per term. Written out here because bm25s imports scipy.sparse (half a second at start-up) for
what is a few array additions at this size; the arithmetic, its float types and its order are bm25s's
(tests/understanding/test_bm25.py compares the two), so scores are the same to the bit."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, docs: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(docs)
        self.vocab: dict[str, int] = {}
        for tokens in docs:
            for token in tokens:
                self.vocab.setdefault(token, len(self.vocab))
        ids = [[self.vocab[t] for t in tokens] for tokens in docs]
        avg = np.array([len(d) for d in ids]).mean() if ids else np.float64(1.0)
        df = Counter(t for doc in ids for t in set(doc))
        idf = np.zeros(len(self.vocab), dtype=np.float32)
        for term, n in df.items():
            idf[term] = math.log(1 + (self.size - n + 0.5) / (n + 0.5))
        postings: list[list[tuple[int, float]]] = [[] for _ in self.vocab]
        for doc, terms in enumerate(ids):
            counts = Counter(terms)
            voc = np.array(list(counts.keys()), dtype=np.int32)
            tf = np.array(list(counts.values()), dtype=np.float32)
            tfc = tf / (k1 * ((1 - b) + b * len(terms) / avg) + tf)
            scores = np.empty(len(voc), dtype=np.float32)
            scores[:] = idf[voc] * tfc
            for term, score in zip(voc.tolist(), scores):
                postings[term].append((doc, score))
        self.docs = [np.array([d for d, _ in p], dtype=np.int64) for p in postings]
        self.values = [np.array([s for _, s in p], dtype=np.float32) for p in postings]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Every document's score; a repeated query token counts again, an unknown one not at all."""
        out = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            term = self.vocab.get(token)
            if term is not None:
                out[self.docs[term]] += self.values[term]  # one entry per document: no repeated index
        return out
