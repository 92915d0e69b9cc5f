"""Hybrid retrieval over guides: word BM25, char n-gram BM25, e5 embeddings (a flat inner-product
index in numpy), and exact service-name matches, fused with reciprocal rank fusion."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.kb.schema import Guide
from assistant.kb.source import Knowledge
from assistant.understanding.e5 import Encoder
from assistant.understanding.keywords import LexicalRetriever, make_tokenizer
from assistant.understanding.memo import Memo
from assistant.understanding.names import Lexicon
from assistant.understanding.text import normalize
from assistant.understanding.vectors import Progress, QueryCache, VectorStore, raw_vectors

RRF_K = 20
NAME_WEIGHT = 1.0  # an exact colloquial name is one more vote, not a veto
CHANNELS = ("word", "char", "semantic", "name")


@dataclass(frozen=True)
class Hit:
    guide_id: str
    score: float  # fused RRF score
    parts: dict[str, float]  # raw score per channel, for traces


def guide_document(guide: Guide, kb: Knowledge) -> str:
    """The lexical document: names and colloquial names weigh most; questions next; no materials
    (every guide needs an ID card, so material names would pull every query everywhere)."""
    names = [guide.name, guide.name, guide.name_en, *guide.keywords, *kb.synonyms.services.get(guide.id, [])]
    faq = [f.q for f in guide.faq] + [f.q_en for f in guide.faq if f.q_en]
    return normalize(" ".join([*names, *names, guide.summary, guide.summary_en or "", *faq]))


def names_input(kb: Knowledge) -> tuple:
    """What the name index (names.py) is made of: every guide's names and colloquial names, the synonym
    terms and the life events. Equal to the last build's, the last build's index is used."""
    guides = tuple((gid, g.name, g.name_en, tuple(g.keywords), tuple(kb.synonyms.services.get(gid, ()))) for gid, g in kb.guides.items())
    events = tuple((e.id, e.name, e.name_en, tuple(e.keywords)) for e in kb.life_events.values())
    return guides, tuple((t, tuple(v)) for t, v in kb.synonyms.terms.items()), events


def guide_passages(guide: Guide, kb: Knowledge) -> list[str]:
    """Several short passages per guide; a query matches a guide through its best passage."""
    texts = [guide.name, guide.name_en, f"{guide.name}：{guide.summary}", *guide.keywords, *kb.synonyms.services.get(guide.id, [])]
    texts += [f.q for f in guide.faq] + [f.q_en for f in guide.faq if f.q_en]
    if guide.summary_en:
        texts.append(f"{guide.name_en}: {guide.summary_en}")
    return list(dict.fromkeys(normalize(t) for t in texts if t))


class FlatIndex:
    """Exact inner-product search over unit vectors (what faiss.IndexFlatIP did, without the import)."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.ntotal, self.d = self.vectors.shape

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        sims = self.vectors @ query.astype(np.float32)
        k = min(k, self.ntotal)
        idx = np.argpartition(-sims, k - 1)[:k] if k < self.ntotal else np.arange(self.ntotal)
        idx = idx[np.argsort(-sims[idx], kind="stable")]
        return sims[idx], idx


def _load(path: Path) -> np.ndarray | None:
    """The saved array, or None when there is none (another worker's publish may just have removed it)."""
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        return None


class Retriever:
    """Built from nothing, or from the last build (``previous``): then only the guides that changed are
    segmented, counted and encoded again, the BM25 postings are put together from each document's
    counts in numpy, and the name index is the last one when no name changed. Either way the index is
    the same (tests/understanding/test_incremental_index.py)."""

    vector_store: VectorStore | None = None  # set when the semantic index is built with a cache dir
    passages_file: Path | None = None  # the finished passage vectors of this build, kept in the cache dir

    def __init__(self, kb: Knowledge, encoder: Encoder | None, *, cache_dir: Path | None = None, progress: Progress | None = None,
                 previous: "Retriever | None" = None) -> None:  # fmt: skip
        self.kb = kb
        self.ids = list(kb.guides)
        self.position = {gid: i for i, gid in enumerate(self.ids)}
        memo = self.memo = Memo(previous.memo if previous is not None else None)
        self.names_input = names_input(kb)
        same_names = previous is not None and previous.cache_dir == cache_dir and previous.names_input == self.names_input
        self.cache_dir = cache_dir
        self.lexicon = previous.lexicon if same_names else Lexicon.from_knowledge(kb, cache_dir)  # type: ignore[union-attr]
        # documents get the same synonym expansion as queries, so 掉了 (query) meets 丢了 (keyword) at 丢失;
        # a guide's document is kept while the guide, its colloquial names and the synonym table are the same
        canonical = self.lexicon.canonical
        docs = [
            memo.get("document", gid, (kb.guides[gid], kb.synonyms.services.get(gid), canonical), lambda: self.lexicon.expand(guide_document(kb.guides[gid], kb)))
            for gid in self.ids
        ]
        self.tokenizer = make_tokenizer(self.lexicon.words(), docs, cache_dir, memo=memo, previous=previous.tokenizer if previous is not None else None)
        self.lexical = LexicalRetriever(docs, self.tokenizer, cache_dir, memo)
        self.encoder = encoder
        self.queries = previous.queries if previous is not None and previous.encoder is encoder else QueryCache()
        self.passage_owner: np.ndarray = np.zeros(0, dtype=np.int64)
        self.index: FlatIndex | None = None
        if encoder is not None:
            self._build_semantic(cache_dir, progress)
            last = previous.passages_file if previous is not None else None
            if last is not None and last != self.passages_file:  # one 30 MB file per publish at 10,000 guides otherwise
                last.unlink(missing_ok=True)  # (whoever loaded it holds it in memory; a start without it reads the store)
        memo.done()

    def _build_semantic(self, cache_dir: Path | None, progress: Progress | None) -> None:
        assert self.encoder is not None
        encoder, memo = self.encoder, self.memo
        passages = [memo.get("passages", gid, (self.kb.guides[gid], self.kb.synonyms.services.get(gid)), lambda: guide_passages(self.kb.guides[gid], self.kb)) for gid in self.ids]
        texts = [p for ps in passages for p in ps]
        counts = np.fromiter(map(len, passages), dtype=np.int64, count=len(passages))
        self.passage_owner = np.repeat(np.arange(len(passages), dtype=np.int64), counts)
        # "per guide": each guide's passages are finished (adapter, norm) as one block, in a fresh build
        # and in an update alike, so a block kept from the last build has the bits a fresh one would
        key = hashlib.sha256(json.dumps(["per guide", texts], ensure_ascii=False).encode() + encoder.key).hexdigest()[:16]
        cached = self.passages_file = cache_dir / f"passages-{key}.npy" if cache_dir else None
        # the content-keyed store of e5 vectors, also for other indexes of this knowledge (FAQ questions)
        self.vector_store = store = VectorStore(cache_dir / "vectors.sqlite") if cache_dir else None
        inputs = [(tuple(ps), encoder.key) for ps in passages]
        loaded = _load(cached) if cached is not None else None
        if loaded is not None:  # the same passages and the same encoder: nothing to do
            self.index = FlatIndex(loaded)
            bounds = np.cumsum(counts)[:-1]
            for gid, block, given in zip(self.ids, np.split(self.index.vectors, bounds), inputs):
                memo.put("vectors", gid, given, block)
            return
        # otherwise only the guides not kept from the last build, and of their passages only those never
        # encoded before (the store keeps them by content), go through e5
        todo = [i for i, gid in enumerate(self.ids) if not memo.known("vectors", gid, inputs[i])]
        raw = raw_vectors(encoder, [p for i in todo for p in passages[i]], "passage", store, progress=progress)
        starts = np.concatenate([[0], np.cumsum(counts[todo])]).astype(np.int64)
        fresh = {i: raw[starts[n] : starts[n + 1]] for n, i in enumerate(todo)}
        blocks = [
            memo.get("vectors", gid, inputs[i], lambda: encoder.finish(fresh[i]) if len(fresh[i]) else np.zeros((0, encoder.dim), dtype=np.float32))
            for i, gid in enumerate(self.ids)
        ]
        self.index = FlatIndex(np.concatenate(blocks) if blocks else np.zeros((0, encoder.dim), dtype=np.float32))
        for gid, block, given in zip(self.ids, np.split(self.index.vectors, np.cumsum(counts)[:-1]), inputs):
            memo.put("vectors", gid, given, block)  # views of this index, so the last one's can be freed
        if cached is not None:
            partial = cached.with_suffix(".partial.npy")
            np.save(partial, self.index.vectors)
            partial.replace(cached)

    def embed_query(self, text: str) -> np.ndarray | None:
        if self.encoder is None:
            return None
        encoder = self.encoder
        return self.queries.get(text, lambda t: encoder.encode([t], "query")[0])

    def lexical_scores(self, text: str) -> dict[str, np.ndarray]:
        """The channels that need no model: word and char BM25, and colloquial-name votes."""
        expanded = self.lexicon.expand(text)
        scores = {"word": self.lexical.word_scores(expanded), "char": self.lexical.char_scores(expanded)}
        names = np.zeros(len(self.ids), dtype=np.float32)
        for gid, length in self.lexicon.name_votes(text).items():
            names[self.position[gid]] = length
        scores["name"] = names
        return scores

    def semantic_scores(self, query_vec: np.ndarray) -> np.ndarray | None:
        if self.index is None or not self.index.ntotal:
            return None
        sims, idx = self.index.search(query_vec, 200)
        best = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(best, self.passage_owner[idx], sims)  # a guide scores by its best passage
        return best

    def with_semantic(self, lexical: dict[str, np.ndarray], query_vec: np.ndarray | None) -> dict[str, np.ndarray]:
        semantic = self.semantic_scores(query_vec) if query_vec is not None else None
        if semantic is None:
            return lexical
        return {"word": lexical["word"], "char": lexical["char"], "semantic": semantic, "name": lexical["name"]}

    def channel_scores(self, text: str, query_vec: np.ndarray | None) -> dict[str, np.ndarray]:
        return self.with_semantic(self.lexical_scores(text), query_vec)

    def fuse(self, scores: dict[str, np.ndarray], *, k: int = 5, channels: tuple[str, ...] = CHANNELS) -> list[Hit]:
        fused = np.zeros(len(self.ids), dtype=np.float64)
        for name in channels:
            col = scores.get(name)
            if col is None:
                continue
            order = np.argsort(-col, kind="stable")
            rank, previous = 0, None
            for position, i in enumerate(order[:50]):
                if col[i] != previous:  # equal scores share a rank: a tie is not a vote for the first
                    rank, previous = position, col[i]
                if col[i] > (0 if name != "semantic" else -1):
                    fused[i] += (NAME_WEIGHT if name == "name" else 1.0) / (RRF_K + rank + 1)
        top = np.argsort(-fused, kind="stable")[:k]
        return [Hit(self.ids[i], float(fused[i]), {n: float(s[i]) for n, s in scores.items()}) for i in top if fused[i] > 0]

    def search(self, text: str, *, query_vec: np.ndarray | None = None, k: int = 5, channels: tuple[str, ...] = CHANNELS) -> list[Hit]:
        text = normalize(text)
        if query_vec is None and "semantic" in channels:
            query_vec = self.embed_query(text)
        return self.fuse(self.channel_scores(text, query_vec), k=k, channels=channels)
