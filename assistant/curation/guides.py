"""Draft -> publish workflow for guides, with versions, diff, rollback and an audit trail.
Every function runs inside the caller's transaction: a failure leaves nothing half-written."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.curation.models import AuditRow
from assistant.kb.formats import dump_yaml
from assistant.kb.models import GuideRow, utcnow
from assistant.kb.schema import Guide, Status
from assistant.kb.store import guide_json, guide_versions, save_guide


class NotFound(LookupError):
    pass


class Invalid(ValueError):
    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def audit(db: Session, *, user: str, action: str, target: str, **detail: Any) -> None:
    db.add(AuditRow(user=user, action=action, target=target, detail=detail))


def _row(db: Session, guide_id: str) -> GuideRow:
    row = db.get(GuideRow, guide_id)
    if row is None:
        raise NotFound(f"no guide with id '{guide_id[:80]}'")
    return row


def validate(data: Any) -> Guide:
    try:
        return Guide.model_validate(data)
    except ValidationError as exc:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "(guide)", "message": "unknown field" if e["type"] == "extra_forbidden" else e["msg"]} for e in exc.errors()]
        raise Invalid(errors) from None


def editable(db: Session, *, guide_id: str) -> dict[str, Any]:
    """The draft if there is one, else the published guide."""
    row = _row(db, guide_id)
    return {"guide": row.draft or row.data, "has_draft": row.draft is not None, "version": row.version, "published": row.data}


def save_draft(db: Session, *, guide_id: str, data: Any, user: str) -> Guide:
    row = _row(db, guide_id)
    if isinstance(data, dict) and data.get("id", guide_id) != guide_id:
        raise Invalid([{"field": "id", "message": "the id of a guide cannot change"}])
    guide = validate({**data, "id": guide_id, "status": Status.draft.value} if isinstance(data, dict) else data)
    before = row.draft or row.data
    row.draft = guide_json(guide)
    audit(db, user=user, action="save_draft", target=guide_id, changes=changed_fields(before, row.draft))
    db.flush()
    return guide


def discard_draft(db: Session, *, guide_id: str, user: str) -> None:
    row = _row(db, guide_id)
    row.draft = None
    audit(db, user=user, action="discard_draft", target=guide_id)


def publish(db: Session, *, guide_id: str, user: str, note: str = "") -> int:
    """The draft becomes a new published version (kept in history). Returns the new version number."""
    row = _row(db, guide_id)
    if row.draft is None:
        raise Invalid([{"field": "(guide)", "message": "there is no draft to publish"}])
    guide = validate({**row.draft, "status": Status.published.value, "updated_at": utcnow().date().isoformat(), "updated_by": user})
    before = row.data
    save_guide(db, guide=guide, author=user, note=note or "published from draft")
    row.draft = None
    audit(db, user=user, action="publish", target=guide_id, version=row.version, changes=changed_fields(before, row.data))
    db.flush()
    return row.version


def rollback(db: Session, *, guide_id: str, version: int, user: str) -> int:
    """Publish an old version's content again, as a new version (history is never rewritten)."""
    row = _row(db, guide_id)
    old = next((v for v in guide_versions(db, guide_id=guide_id) if v.version == version), None)
    if old is None:
        raise NotFound(f"guide '{guide_id}' has no version {version}")
    guide = validate({**old.data, "updated_at": utcnow().date().isoformat(), "updated_by": user})
    save_guide(db, guide=guide, author=user, note=f"rollback to version {version}")
    row.draft = None
    audit(db, user=user, action="rollback", target=guide_id, to_version=version, new_version=row.version)
    db.flush()
    return row.version


def versions(db: Session, *, guide_id: str) -> list[dict[str, Any]]:
    _row(db, guide_id)
    return [{"version": v.version, "author": v.author, "note": v.note, "created_at": v.created_at.isoformat()} for v in guide_versions(db, guide_id=guide_id)]


def diff(db: Session, *, guide_id: str, a: int, b: int) -> str:
    """Unified diff of two versions, as YAML, field by field."""
    found = {v.version: v.data for v in guide_versions(db, guide_id=guide_id)}
    for n in (a, b):
        if n not in found:
            raise NotFound(f"guide '{guide_id}' has no version {n}")
    lines = difflib.unified_diff(dump_yaml(found[a]).splitlines(), dump_yaml(found[b]).splitlines(), f"v{a}", f"v{b}", lineterm="")
    return "\n".join(lines)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    before = before or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k) and k not in ("status", "updated_at", "updated_by"))


def audit_log(db: Session, *, limit: int = 200, target: str | None = None) -> list[dict[str, Any]]:
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(min(limit, 2000))
    if target:
        query = query.where(AuditRow.target == target)
    return [{"at": r.at.isoformat(), "user": r.user, "action": r.action, "target": r.target, "detail": r.detail} for r in db.scalars(query)]
