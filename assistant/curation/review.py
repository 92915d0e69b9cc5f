"""Review queue: unanswered, low-confidence and low-rated questions, grouped by similarity, and what a
curator does with them (attach to a guide as a colloquial name, add an FAQ, dismiss)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.curation.guides import audit, editable, save_draft
from assistant.handoff.models import ChatLogRow, RatingRow
from assistant.kb.models import KBDocumentRow, utcnow
from assistant.understanding.text import normalize

SIMILAR = 0.88  # cosine of e5 query vectors above which two questions are "the same question"


def pending(db: Session, *, limit: int = 2000) -> list[ChatLogRow]:
    low_rated = select(RatingRow.message_id).where(RatingRow.needs_review.is_(True), RatingRow.message_id.is_not(None))
    query = (
        select(ChatLogRow)
        .where(ChatLogRow.review_status.is_(None))
        .where(ChatLogRow.needs_review.is_(True) | ChatLogRow.message_id.in_(low_rated))
        .order_by(ChatLogRow.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


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
