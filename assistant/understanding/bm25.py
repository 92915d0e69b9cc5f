"""BM25 (the Lucene variant) over pre-tokenised documents, in numpy: a posting list of precomputed
scores per term. Written out here because bm25s imports scipy.sparse (half a second at start-up) for
what is a few array additions at this size; the arithmetic, its float types and its order are bm25s's
(tests/understanding/test_bm25.py compares the two), so scores are the same to the bit.

An index is built from each document's term counts (``count_terms``), so a rebuild after one document
changed counts only that document again and redoes the rest in a few whole-array numpy operations."""

from __future__ import annotations

import math

import numpy as np

Counts = tuple[np.ndarray, np.ndarray]  # one document: its distinct term ids (ascending) and their counts


def count_terms(tokens: list[str], vocab: dict[str, int]) -> Counts:
    """A document's term ids and counts; its tokens never seen before are added to ``vocab``."""
    ids = np.fromiter((vocab.setdefault(t, len(vocab)) for t in tokens), dtype=np.int32, count=len(tokens))
    terms, counts = np.unique(ids, return_counts=True)
    return terms, counts.astype(np.int32)  # 32 bits: a build keeps these for every document


def _by_term(term: np.ndarray) -> np.ndarray:
    """A stable argsort of term ids, as two radix passes of 16 bits (numpy sorts 16-bit keys by radix):
    linear time, where a comparison sort of millions of postings takes most of a second."""
    low = np.argsort((term & 0xFFFF).astype(np.uint16), kind="stable")
    if not len(term) or int(term.max()) <= 0xFFFF:
        return low
    return low[np.argsort((term[low] >> 16).astype(np.uint16), kind="stable")]


class BM25:
    def __init__(self, docs: list[list[str]], *, k1: float = 1.5, b: float = 0.75) -> None:
        vocab: dict[str, int] = {}
        self._build(vocab, [count_terms(tokens, vocab) for tokens in docs], k1=k1, b=b)

    @classmethod
    def from_counts(cls, vocab: dict[str, int], docs: list[Counts], *, k1: float = 1.5, b: float = 0.75) -> "BM25":
        """The index of documents given by their counts (term ids of ``vocab``, which the index keeps)."""
        index = cls.__new__(cls)
        index._build(vocab, docs, k1=k1, b=b)
        return index

    def _build(self, vocab: dict[str, int], docs: list[Counts], *, k1: float, b: float) -> None:
        self.size = len(docs)
        self.vocab = vocab
        n_terms = max(len(vocab), 1)
        per_doc = np.fromiter((len(t) for t, _ in docs), dtype=np.int64, count=self.size)
        # one row per (document, term) with its count, by document then term
        term = np.concatenate([t for t, _ in docs]) if docs else np.zeros(0, dtype=np.int32)
        counts = np.concatenate([c for _, c in docs]) if docs else np.zeros(0, dtype=np.int32)
        doc = np.repeat(np.arange(self.size, dtype=np.int64), per_doc)
        lengths = np.bincount(doc, weights=counts, minlength=self.size).astype(np.int64)
        df = np.bincount(term, minlength=n_terms)
        idf = np.zeros(n_terms, dtype=np.float32)
        for n in np.unique(df[df > 0]).tolist():  # math.log, as bm25s (numpy's log may differ in the last bit)
            idf[df == n] = math.log(1 + (self.size - n + 0.5) / (n + 0.5))
        avg = lengths.mean() if self.size else np.float64(1.0)
        tf = counts.astype(np.float32)
        tfc = tf / ((k1 * ((1 - b) + b * lengths / avg))[doc] + tf)  # float64, as bm25s computes it
        scores = (idf[term] * tfc).astype(np.float32)
        order = _by_term(term)  # by term, documents ascending within each
        bounds = np.concatenate([[0], np.cumsum(df)])
        self._docs, self._values, self._bounds, self._terms = doc[order], scores[order], bounds, n_terms

    def scores(self, tokens: list[str]) -> np.ndarray:
        """Every document's score; a repeated query token counts again, an unknown one not at all."""
        out = np.zeros(self.size, dtype=np.float32)
        for token in tokens:
            term = self.vocab.get(token)
            if term is not None and term < self._terms:  # a term added to a shared vocab after this build: unknown here
                start, end = self._bounds[term], self._bounds[term + 1]
                out[self._docs[start:end]] += self._values[start:end]  # each document once: no repeated index
        return out
