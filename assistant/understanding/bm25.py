"""BM25 (the Lucene variant) over pre-tokenised documents, in numpy: a posting list of precomputed
scores per term. Written out here because bm25s imports scipy.sparse (half a second at start-up) for
what is a few array additions at this size; the arithmetic, its float types and its order are bm25s's
(tests/understanding/test_bm25.py compares the two), so scores are the same to the bit."""

from __future__ import annotations

import math
import numpy as np


class BM25:
    def __init__(self, docs: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> None:
        self.size = len(docs)
        self.vocab: dict[str, int] = {}
        for tokens in docs:
            for token in tokens:
                self.vocab.setdefault(token, len(self.vocab))
        n_terms = max(len(self.vocab), 1)
        lengths = np.array([len(d) for d in docs], dtype=np.int64)
        flat = np.fromiter((self.vocab[t] for tokens in docs for t in tokens), dtype=np.int64, count=int(lengths.sum()))
        # one row per (document, term) with its count, sorted by document then term
        pairs, counts = np.unique(np.repeat(np.arange(self.size, dtype=np.int64), lengths) * n_terms + flat, return_counts=True)
        doc, term = pairs // n_terms, pairs % n_terms
        df = np.bincount(term, minlength=n_terms)
        idf = np.zeros(n_terms, dtype=np.float32)
        for n in np.unique(df[df > 0]).tolist():  # math.log, as bm25s (numpy's log may differ in the last bit)
            idf[df == n] = math.log(1 + (self.size - n + 0.5) / (n + 0.5))
        avg = lengths.mean() if self.size else np.float64(1.0)
        tf = counts.astype(np.float32)
        tfc = tf / ((k1 * ((1 - b) + b * lengths / avg))[doc] + tf)  # float64, as bm25s computes it
        scores = (idf[term] * tfc).astype(np.float32)
        order = np.argsort(term, kind="stable")  # by term, documents ascending within each
        bounds = np.concatenate([[0], np.cumsum(np.bincount(term, minlength=n_terms))])
        self._docs, self._values, self._bounds = doc[order], scores[order], bounds

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Every document's score; a repeated query token counts again, an unknown one not at all."""
        out = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            term = self.vocab.get(token)
            if term is not None:
                start, end = self._bounds[term], self._bounds[term + 1]
                out[self._docs[start:end]] += self._values[start:end]  # each document once: no repeated index
        return out
