"""Guide storage queries. Keyword-only, session first; callers own the transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.kb.models import GuideRow, GuideVersionRow, KBDocumentRow, utcnow
from assistant.kb.schema import Category, Guide, HallFAQ, LifeEvent, Synonyms
from assistant.kb.source import Knowledge


def guide_json(guide: Guide) -> dict[str, Any]:
    return guide.model_dump(mode="json", exclude_none=True)


def content_hash(data: Any) -> str:
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    documents_changed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.documents_changed)

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated", f"{len(self.unchanged)} unchanged"]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.documents_changed:
            parts.append("changed: " + ", ".join(self.documents_changed))
        return ", ".join(parts)


def save_guide(session: Session, *, guide: Guide, author: str, note: str = "") -> str:
    """Publish ``guide`` as a new version if its content differs. Returns added/updated/unchanged."""
    data = guide_json(guide)
    digest = content_hash(data)
    row = session.get(GuideRow, guide.id)
    if row is not None and row.content_hash == digest:
        return "unchanged"
    outcome = "added" if row is None else "updated"
    if row is None:
        row = GuideRow(id=guide.id, version=0)
        session.add(row)
    row.version += 1
    row.name, row.category, row.status = guide.name, guide.category, guide.status.value
    row.data, row.content_hash, row.updated_at = data, digest, utcnow()
    session.add(GuideVersionRow(guide_id=guide.id, version=row.version, content_hash=digest, data=data, author=author, note=note))
    session.flush()
    return outcome


def import_knowledge(session: Session, *, kb: Knowledge, author: str = "import", prune: bool = False) -> ImportReport:
    report = ImportReport()
    for guide in kb.guides.values():
        getattr(report, save_guide(session, guide=guide, author=author)).append(guide.id)
    if prune:
        for row in session.scalars(select(GuideRow).where(GuideRow.id.not_in(list(kb.guides)))):
            report.removed.append(row.id)
            session.delete(row)
    documents = {
        "categories": [c.model_dump(mode="json") for c in kb.categories.values()],
        "life_events": [e.model_dump(mode="json") for e in kb.life_events.values()],
        "synonyms": kb.synonyms.model_dump(mode="json"),
        "faq": [f.model_dump(mode="json") for f in kb.faq],
    }
    for key, data in documents.items():
        if not data or (isinstance(data, dict) and not any(v for k, v in data.items() if k != "sample")):
            continue  # an import never empties a document by leaving it out (e.g. a JSON list of guides)
        row = session.get(KBDocumentRow, key)
        if row is None:
            session.add(KBDocumentRow(key=key, data=data))
            report.documents_changed.append(key)
        elif content_hash(row.data) != content_hash(data):
            row.data, row.updated_at = data, utcnow()
            report.documents_changed.append(key)
    session.flush()
    return report


def list_guides(session: Session, known: dict[str, tuple[str, Guide]] | None = None) -> list[Guide]:
    """Every guide; with ``known`` (id -> (content hash, guide) of an earlier read), a guide whose hash
    is unchanged is that object, not read and validated again, and ``known`` is brought up to date."""
    if known is None:
        return [Guide.model_validate(row.data) for row in session.scalars(select(GuideRow).order_by(GuideRow.id))]
    hashes = session.execute(select(GuideRow.id, GuideRow.content_hash).order_by(GuideRow.id)).all()
    changed = [gid for gid, digest in hashes if known.get(gid, ("",))[0] != digest]
    for start in range(0, len(changed), 500):
        for row in session.scalars(select(GuideRow).where(GuideRow.id.in_(changed[start : start + 500]))):
            known[row.id] = (row.content_hash, Guide.model_validate(row.data))
    for gone in set(known) - {gid for gid, _ in hashes}:
        del known[gone]
    return [known[gid][1] for gid, _ in hashes if gid in known]  # (one deleted between the two reads is left out)


def get_guide(session: Session, *, guide_id: str) -> Guide | None:
    row = session.get(GuideRow, guide_id)
    return None if row is None else Guide.model_validate(row.data)


def guide_versions(session: Session, *, guide_id: str) -> list[GuideVersionRow]:
    return list(session.scalars(select(GuideVersionRow).where(GuideVersionRow.guide_id == guide_id).order_by(GuideVersionRow.version)))


def load_knowledge_from_db(session: Session, known: dict[str, tuple[str, Guide]] | None = None) -> Knowledge:
    """The knowledge base in the database (``known``: see list_guides)."""
    docs = {row.key: row.data for row in session.scalars(select(KBDocumentRow))}
    return Knowledge(
        guides={g.id: g for g in list_guides(session, known)},
        categories={c["id"]: Category.model_validate(c) for c in docs.get("categories", [])},
        life_events={e["id"]: LifeEvent.model_validate(e) for e in docs.get("life_events", [])},
        synonyms=Synonyms.model_validate(docs.get("synonyms", {})),
        faq=[HallFAQ.model_validate(f) for f in docs.get("faq", [])],
    )
