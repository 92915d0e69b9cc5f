"""Hybrid retrieval over guides: word BM25, char n-gram BM25, e5 embeddings in faiss, and exact
service-name matches, fused with reciprocal rank fusion and given a calibrated confidence."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from sentence_transformers import SentenceTransformer

from assistant.kb.schema import Guide
from assistant.kb.source import Knowledge
from assistant.understanding.encoder import encode
from assistant.understanding.lexical import LexicalRetriever, make_tokenizer
from assistant.understanding.lexicon import Lexicon
from assistant.understanding.text import normalize

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


def guide_passages(guide: Guide, kb: Knowledge) -> list[str]:
    """Several short passages per guide; a query matches a guide through its best passage."""
    texts = [guide.name, guide.name_en, f"{guide.name}：{guide.summary}", *guide.keywords, *kb.synonyms.services.get(guide.id, [])]
    texts += [f.q for f in guide.faq] + [f.q_en for f in guide.faq if f.q_en]
    if guide.summary_en:
        texts.append(f"{guide.name_en}: {guide.summary_en}")
    return list(dict.fromkeys(normalize(t) for t in texts if t))


class Retriever:
    def __init__(self, kb: Knowledge, encoder: SentenceTransformer | None, *, cache_dir: Path | None = None) -> None:
        self.kb = kb
        self.ids = list(kb.guides)
        self.position = {gid: i for i, gid in enumerate(self.ids)}
        self.lexicon = Lexicon.from_knowledge(kb)
        self.tokenizer = make_tokenizer(self.lexicon.words())
        # documents get the same synonym expansion as queries, so 掉了 (query) meets 丢了 (keyword) at 丢失
        docs = [self.lexicon.expand(guide_document(kb.guides[g], kb)) for g in self.ids]
        self.lexical = LexicalRetriever(docs, self.tokenizer)
        self.encoder = encoder
        self.passage_owner: np.ndarray = np.zeros(0, dtype=np.int64)
        self.index: faiss.Index | None = None
        if encoder is not None:
            self._build_semantic(cache_dir)

    def _build_semantic(self, cache_dir: Path | None) -> None:
        texts, owners = [], []
        for i, gid in enumerate(self.ids):
            for passage in guide_passages(self.kb.guides[gid], self.kb):
                texts.append(passage)
                owners.append(i)
        self.passage_owner = np.asarray(owners, dtype=np.int64)
        key = hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode() + _encoder_key(self.encoder)).hexdigest()[:16]
        cached = cache_dir / f"passages-{key}.faiss" if cache_dir else None
        if cached is not None and cached.exists():
            self.index = faiss.read_index(str(cached))
            return
        vectors = encode(self.encoder, texts, "passage") if texts else np.zeros((0, 384), dtype=np.float32)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            faiss.write_index(self.index, str(cached))

    def embed_query(self, text: str) -> np.ndarray | None:
        return None if self.encoder is None else encode(self.encoder, [text], "query")[0]

    def channel_scores(self, text: str, query_vec: np.ndarray | None) -> dict[str, np.ndarray]:
        expanded = self.lexicon.expand(text)
        scores = {"word": self.lexical.word_scores(expanded), "char": self.lexical.char_scores(expanded)}
        if self.index is not None and query_vec is not None and self.index.ntotal:
            k = min(self.index.ntotal, 200)
            sims, idx = self.index.search(query_vec[None, :].astype(np.float32), k)
            best = np.full(len(self.ids), -1.0, dtype=np.float32)
            for sim, pid in zip(sims[0], idx[0]):
                owner = self.passage_owner[pid]
                best[owner] = max(best[owner], sim)
            scores["semantic"] = best
        names = np.zeros(len(self.ids), dtype=np.float32)
        for gid, length in self.lexicon.name_votes(text).items():
            names[self.position[gid]] = length
        scores["name"] = names
        return scores

    def search(self, text: str, *, query_vec: np.ndarray | None = None, k: int = 5, channels: tuple[str, ...] = CHANNELS) -> list[Hit]:
        text = normalize(text)
        if query_vec is None:
            query_vec = self.embed_query(text)
        scores = self.channel_scores(text, query_vec)
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


def _encoder_key(encoder: SentenceTransformer | None) -> bytes:
    if encoder is None:
        return b"none"
    digest = hashlib.sha256()
    for p in encoder.parameters():
        digest.update(p.detach().numpy().tobytes())
    return digest.digest()
