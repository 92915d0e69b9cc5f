"""Review queue: unanswered, low-confidence and low-rated questions, grouped by similarity, and what a
curator does with them (attach to a guide as a colloquial name, add an FAQ, dismiss)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.curation.guides import audit, editable, save_draft
from assistant.records.models import ChatLogRow, RatingRow
from assistant.kb.models import KBDocumentRow, utcnow
from assistant.understanding.text import normalize

SIMILAR = 0.88  # cosine of e5 query vectors above which two questions are "the same question"
PAGE = 50
MAX_IDS = 500  # message ids per group that one action takes (MessagesIn allows 500)


def _is_pending():  # type: ignore[no-untyped-def]
    low_rated = select(RatingRow.message_id).where(RatingRow.needs_review.is_(True), RatingRow.message_id.is_not(None))
    return ChatLogRow.review_status.is_(None) & (ChatLogRow.needs_review.is_(True) | ChatLogRow.message_id.in_(low_rated))


def pending(db: Session, *, limit: int = 2000) -> list[ChatLogRow]:
    query = select(ChatLogRow).where(_is_pending()).order_by(ChatLogRow.id.desc()).limit(limit)
    return list(db.scalars(query))


class _Vectors:
    """Query vectors of review questions, remembered between page loads (bounded)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size, self._cache = size, OrderedDict()  # type: ignore[var-annotated]

    def get(self, texts: list[str], embed_many: Callable[[list[str]], np.ndarray]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for t, v in zip(missing, embed_many(missing)):
                self._cache[t] = v
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return [self._cache[t] for t in texts]


_vectors = _Vectors()


def page(db: Session, *, embed_many: Callable[[list[str]], np.ndarray] | None, offset: int = 0, limit: int = PAGE) -> tuple[list[dict[str, Any]], int]:
    """One page of the queue, most frequent first, and the number of groups in all.

    The database groups identical questions (one GROUP BY over the pending rows, however many); Python
    merges those equal after normalising; only the page's groups are embedded (in one batch, cached) to
    merge near-identical wordings. So a page costs the same with 100 or 10,000 pending questions."""
    counted = db.execute(
        select(ChatLogRow.text, func.count(), func.max(ChatLogRow.id)).where(_is_pending()).group_by(ChatLogRow.text)
    ).all()
    merged: dict[str, dict[str, Any]] = {}
    for raw, count, newest in counted:
        g = merged.setdefault(normalize(raw), {"texts": [], "count": 0, "newest": 0, "head": raw})
        g["texts"].append(raw)
        g["count"] += count
        if newest > g["newest"]:
            g["newest"], g["head"] = newest, raw
    ordered = sorted(merged.values(), key=lambda g: (-g["count"], -g["newest"]))
    total, chosen = len(ordered), ordered[offset : offset + limit]
    if embed_many is not None and len(chosen) > 1:
        vectors = _vectors.get([normalize(g["head"]) for g in chosen], embed_many)
        kept: list[int] = []
        for i, g in enumerate(chosen):
            same = next((k for k in kept if float(vectors[i] @ vectors[k]) >= SIMILAR), None)
            if same is None:
                kept.append(i)
            else:
                chosen[same]["texts"] += g["texts"]
                chosen[same]["count"] += g["count"]
        chosen = [chosen[k] for k in kept]
    texts = [t for g in chosen for t in g["texts"]]
    ids: dict[str, list[str]] = {}
    for message_id, raw in db.execute(select(ChatLogRow.message_id, ChatLogRow.text).where(_is_pending(), ChatLogRow.text.in_(texts)).order_by(ChatLogRow.id.desc())):
        ids.setdefault(raw, []).append(message_id)
    heads = {r.id: r for r in db.scalars(select(ChatLogRow).where(ChatLogRow.id.in_([g["newest"] for g in chosen])))}
    out = []
    for g in chosen:
        head = heads[g["newest"]]
        message_ids = [m for t in g["texts"] for m in ids.get(t, [])][:MAX_IDS]
        out.append({"text": head.text, "count": g["count"], "message_ids": message_ids, "examples": g["texts"][:5],
                    "kind": head.kind, "suggested": [h["guide_id"] for h in (head.trace or {}).get("hits", [])[:3]]})  # fmt: skip
    return sorted(out, key=lambda g: -g["count"]), total


def group(rows: list[ChatLogRow], embed: Any) -> list[dict[str, Any]]:
    """Greedy clustering: each question joins the first group whose first question is similar enough."""
    if not rows:
        return []
    texts = [normalize(r.text) for r in rows]
    vectors = np.vstack([embed(t) for t in texts]) if embed else None
    groups: list[dict[str, Any]] = []
    heads: list[int] = []
    for i, row in enumerate(rows):
        for g, head in zip(groups, heads):
            same = texts[i] == texts[head] or (vectors is not None and float(vectors[i] @ vectors[head]) >= SIMILAR)
            if same:
                g["count"] += 1
                g["message_ids"].append(row.message_id)
                g["examples"].append(row.text) if len(g["examples"]) < 5 and row.text not in g["examples"] else None
                break
        else:
            heads.append(i)
            groups.append({"text": row.text, "count": 1, "message_ids": [row.message_id], "examples": [row.text],
                           "kind": row.kind, "suggested": [h["guide_id"] for h in row.trace.get("hits", [])[:3]]})  # fmt: skip
    return sorted(groups, key=lambda g: -g["count"])


def _mark(db: Session, message_ids: list[str], status: str) -> int:
    rows = list(db.scalars(select(ChatLogRow).where(ChatLogRow.message_id.in_(message_ids))))
    for row in rows:
        row.review_status = status
    return len(rows)


def attach(db: Session, *, message_ids: list[str], guide_id: str, phrase: str, user: str) -> int:
    """The question becomes a colloquial name of the guide (synonyms): the next rebuild finds it."""
    editable(db, guide_id=guide_id)  # raises NotFound for an unknown guide
    doc = db.get(KBDocumentRow, "synonyms")
    data = dict(doc.data) if doc else {"terms": {}, "services": {}}
    services = {k: list(v) for k, v in data.get("services", {}).items()}
    names = services.setdefault(guide_id, [])
    if phrase not in names:
        names.append(phrase[:300])
    data["services"] = services
    if doc is None:
        db.add(KBDocumentRow(key="synonyms", data=data))
    else:
        doc.data, doc.updated_at = data, utcnow()
    n = _mark(db, message_ids, "attached")
    audit(db, user=user, action="attach_question", target=guide_id, phrase=phrase, questions=n)
    return n


def add_faq(db: Session, *, message_ids: list[str], guide_id: str, q: str, a: str, user: str) -> int:
    """An FAQ is added to the guide's draft, to be published like any other change."""
    current = editable(db, guide_id=guide_id)["guide"]
    save_draft(db, guide_id=guide_id, data={**current, "faq": [*current.get("faq", []), {"q": q, "a": a}]}, user=user)
    n = _mark(db, message_ids, "faq")
    audit(db, user=user, action="add_faq", target=guide_id, q=q, questions=n)
    return n


def dismiss(db: Session, *, message_ids: list[str], user: str) -> int:
    n = _mark(db, message_ids, "dismissed")
    audit(db, user=user, action="dismiss", target="review", questions=n)
    return n
