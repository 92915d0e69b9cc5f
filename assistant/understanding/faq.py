"""FAQ retrieval: the hall's questions (knowledge/faq.yaml) and every guide's FAQ, searched with the
same encoder and character n-grams as the guides. Built from the knowledge base, so an FAQ added in
the review queue is found after the next rebuild.

A guide FAQ is compared with the service name masked on both sides (□要先登报吗 vs □要带什么):
the service is already decided by the guide retrieval; what must match is the question about it."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.kb.source import Knowledge
from assistant.understanding.e5 import Encoder
from assistant.understanding.vectors import QueryCache, VectorStore, raw_vectors
from assistant.understanding.names import Lexicon
from assistant.understanding.nlu_data import SERVICE_MARK
from assistant.understanding.text import char_ngrams, normalize

ANSWER_WEIGHT = 0.85  # a match on a hall FAQ's answer counts less than one on its question

# Words every question has; they say nothing about which FAQ is meant.
_FILLER = set("吗呢啊吧呀的了么是要有没在去我你您请问一下可以能不什么怎么哪里多少 ?？,，。!！、")


@dataclass(frozen=True)
class FaqEntry:
    id: str  # hall FAQ id, or "<guide id>#<n>"
    q: str
    a: str
    q_en: str | None
    a_en: str | None
    guide_id: str | None  # None for a hall question


@dataclass(frozen=True)
class FaqMatch:
    entry: FaqEntry
    score: float  # 0..1: embedding similarity of the questions, lifted by shared content characters
    semantic: float
    overlap: float


def entries_of(kb: Knowledge) -> list[tuple[FaqEntry, list[str]]]:
    """Every FAQ with the question texts it is found by."""
    out = []
    for f in kb.faq:
        out.append((FaqEntry(f.id, f.q, f.a, f.q_en, f.a_en, None), [f.q, *([f.q_en] if f.q_en else []), *f.also]))
    for gid, guide in kb.guides.items():
        for n, f in enumerate(guide.faq):
            out.append((FaqEntry(f"{gid}#{n}", f.q, f.a, f.q_en, f.a_en, gid), [f.q, *([f.q_en] if f.q_en else [])]))
    return out


def _content(text: str) -> set[str]:
    """Content characters and bigrams (Latin words whole) outside the service placeholder."""
    grams = {g for g in char_ngrams(text.replace(SERVICE_MARK, " "), (1, 2)) if not set(g) <= _FILLER}
    return grams


def _overlap(mine: set[str], theirs: set[str]) -> float:
    return len(mine & theirs) / max(1, min(len(mine), len(theirs))) if mine and theirs else 0.0


_CODE = [Path(__file__).with_name(name) for name in ("faq.py", "names.py", "text.py", "nlu_data.py")]  # what masking runs


class FaqIndex:
    def __init__(self, kb: Knowledge, encoder: Encoder | None, lexicon: Lexicon, store: VectorStore | None = None,
                 queries: QueryCache | None = None, *, cache_dir: Path | None = None) -> None:  # fmt: skip
        """``cache_dir``: the masked questions and their vectors are kept there by content, so a start
        with an unchanged knowledge base neither masks 500 questions again nor looks up their vectors
        (about 70 ms of CPU at 40 guides)."""
        self.lexicon = lexicon
        # query vectors by text, shared with the guide retriever (same encoder, so the same vector): a
        # follow-up such as □要带什么 is asked by many visitors and costs one e5 pass, not one each
        self.queries = queries if queries is not None else QueryCache()
        self.entries: list[FaqEntry] = []
        plain: list[tuple[str, str | None]] = []  # (normalised text, the guide whose name is masked in it)
        owners: list[int] = []
        weights: list[float] = []
        for entry, questions in entries_of(kb):
            self.entries.append(entry)
            for q in questions:
                plain.append((normalize(q), entry.guide_id))
                owners.append(len(self.entries) - 1)
                weights.append(1.0)
            if entry.guide_id is None:  # a hall answer holds the words people ask with (地下停车场 … 免费)
                plain.append((normalize(entry.a), None))
                owners.append(len(self.entries) - 1)
                weights.append(ANSWER_WEIGHT)
        texts = self._all_masked(plain, cache_dir)
        self.texts, self.owners, self.weights = texts, np.asarray(owners, dtype=np.int64), np.asarray(weights)
        self.grams = [_content(t) for t in texts]
        self.encoder = encoder
        self.vectors = self._vectors(texts, store, cache_dir)

    def _all_masked(self, plain: list[tuple[str, str | None]], cache_dir: Path | None) -> list[str]:
        from assistant.understanding.sounds import cached

        def build() -> list[str]:
            return [self._masked(text, gid) for text, gid in plain]

        if cache_dir is None:
            return build()
        code = hashlib.sha256(b"".join(p.read_bytes() for p in _CODE)).hexdigest()
        lexicon = [[[n, sorted(ids)] for n, ids in self.lexicon.names.items()], self.lexicon.plain_names_of]  # what masking reads
        return list(cached("faq-masked", [code, lexicon, plain], cache_dir, build))

    def _vectors(self, texts: list[str], store: VectorStore | None, cache_dir: Path | None) -> np.ndarray:
        """The finished vectors of ``texts``: kept whole by content in ``cache_dir`` (as the guide passages
        are), else from the content-keyed store, which encodes only questions never seen before."""
        encoder = self.encoder
        if encoder is None or not texts:
            return np.zeros((0, 384), dtype=np.float32)
        path = None
        if cache_dir is not None:
            key = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode() + encoder.key).hexdigest()[:16]
            path = cache_dir / f"faq-vectors-{key}.npy"
            if path.exists():
                return np.load(path, allow_pickle=False)
        vectors = encoder.finish(raw_vectors(encoder, texts, "query", store))
        if path is not None:
            partial = path.with_suffix(".partial.npy")
            np.save(partial, vectors)
            partial.replace(path)
        return vectors

    def _masked(self, text: str, guide_id: str | None) -> str:
        """The question with its service name replaced by the placeholder (a guide FAQ only)."""
        if guide_id is None:
            return text
        marked = self.lexicon.mark_service(text)
        if marked != text:
            return marked
        # a service said in pieces of its names (补领 + 身份证): every piece is masked
        while (more := self.lexicon.mark_near_name(marked, guide_id, min_len=2)) != marked:
            marked = more
        return re.sub(f"{SERVICE_MARK}+", SERVICE_MARK, marked)

    def search(self, text: str, *, guide_id: str | None = None, hall: bool = True, k: int = 3, query_vec: np.ndarray | None = None, min_overlap: float = 0.0) -> list[FaqMatch]:
        """The best FAQs for ``text``: the hall's (``hall``) and, given ``guide_id``, that guide's.
        ``query_vec``: the embedding of ``text`` when already computed (used when nothing is masked);
        ``min_overlap``: only questions sharing this much content are compared (saves the encoding)."""
        if not self.entries:
            return []
        query = self._masked(normalize(text), guide_id) if guide_id else normalize(text)
        grams = _content(query)
        allowed = np.array([(e.guide_id is None and hall) or (guide_id is not None and e.guide_id == guide_id) for e in self.entries])
        rows = np.flatnonzero(allowed[self.owners])
        overlaps = np.array([_overlap(grams, self.grams[r]) for r in rows], dtype=np.float64)
        keep = overlaps >= min_overlap
        rows, overlaps = rows[keep], overlaps[keep]
        if not len(rows):
            return []
        if self.encoder is not None and len(self.vectors):
            encoder = self.encoder
            qv = query_vec if query_vec is not None and query == normalize(text) else self.queries.get(query, lambda t: encoder.encode([t], "query")[0])
            sims = self.vectors[rows] @ qv
        else:
            sims = np.zeros(len(rows), dtype=np.float32)
        best: dict[int, FaqMatch] = {}
        for row, sim, overlap in zip(rows, sims, overlaps):
            score = (float(sim) * 0.7 + overlap * 0.3) * float(self.weights[row])
            owner = int(self.owners[row])
            if owner not in best or score > best[owner].score:
                best[owner] = FaqMatch(self.entries[owner], score, float(sim), float(overlap))
        return sorted(best.values(), key=lambda m: -m.score)[:k]
