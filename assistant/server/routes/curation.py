"""Curators' guides: drafts, preview, publishing, versions, rollback, the rebuild, the audit log, and the
guide schema the editor builds its form from."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from assistant.curation import guides as curation
from assistant.dialogue.compose import compose_guide
from assistant.kb.models import GuideRow
from assistant.kb.schema import Guide
from assistant.server.auth import EDITOR_ROLES, Editor, Publisher
from assistant.server.console_schemas import (
    AuditEntry, Diff, Discarded, DraftSaved, Editable, GuideItem, Preview, PreviewIn, Published, RebuildStatus, VersionIn, VersionOut,
)  # fmt: skip
from assistant.server.deps import DbDep, StateDep

router = APIRouter(prefix="/api/v1/admin", tags=["curation"], dependencies=[Depends(EDITOR_ROLES)])
T = TypeVar("T")


def checked(fn: Callable[[], T]) -> T:
    """Curation errors as HTTP answers: an unknown guide is 404, an invalid one 422 with each field."""
    try:
        return fn()
    except curation.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except curation.Invalid as exc:
        raise HTTPException(422, {"message": "the guide is not valid", "errors": exc.errors}) from None


@router.get("/schema", response_class=Response, responses={200: {"content": {"application/schema+json": {}}}})
def schema() -> JSONResponse:
    """The guide's JSON schema: the curator editor builds its form from it, never from a copy."""
    return JSONResponse(Guide.model_json_schema(), media_type="application/schema+json")


@router.get("/guides")
def guides(s: DbDep) -> list[GuideItem]:
    return [GuideItem(id=r.id, name=r.name, category=r.category, version=r.version, has_draft=r.draft is not None, updated_at=r.updated_at.isoformat())
            for r in s.scalars(select(GuideRow).order_by(GuideRow.id))]  # fmt: skip


@router.get("/guides/{guide_id}")
def guide(guide_id: str, s: DbDep) -> Editable:
    return Editable(**checked(lambda: curation.editable(s, guide_id=guide_id)))


@router.put("/guides/{guide_id}/draft")
def save_draft(guide_id: str, body: dict[str, Any], user: Editor, s: DbDep) -> DraftSaved:
    """Save an edited guide as a draft; 422 lists each invalid field."""
    g = checked(lambda: curation.save_draft(s, guide_id=guide_id, data=body, user=user["user"]))
    return DraftSaved(saved=True, guide=g.model_dump(mode="json", exclude_none=True))


@router.delete("/guides/{guide_id}/draft")
def discard(guide_id: str, user: Editor, s: DbDep) -> Discarded:
    checked(lambda: curation.discard_draft(s, guide_id=guide_id, user=user["user"]))
    return Discarded(discarded=True)


@router.post("/guides/{guide_id}/preview")
def preview(guide_id: str, body: PreviewIn, s: DbDep) -> Preview:
    """The answer the assistant would give from the draft (or the published guide)."""
    data = checked(lambda: curation.editable(s, guide_id=guide_id))["guide"]
    composed = compose_guide(checked(lambda: curation.validate(data)), body.intent, body.lang)
    return Preview(answer=composed.text, materials=composed.materials, materials_detail=composed.materials_detail)


@router.post("/guides/{guide_id}/publish")
def publish(guide_id: str, user: Publisher, state: StateDep) -> Published:
    """Publish the draft as a new version; the index is rebuilt in the background and swapped in."""
    with state.db.session() as s:  # committed before the rebuild reads it
        version = checked(lambda: curation.publish(s, guide_id=guide_id, user=user["user"]))
    return Published(version=version, rebuild=RebuildStatus(**state.rebuilder.request(f"publish {guide_id}")))


@router.get("/guides/{guide_id}/versions")
def versions(guide_id: str, s: DbDep) -> list[VersionOut]:
    return [VersionOut(**v) for v in checked(lambda: curation.versions(s, guide_id=guide_id))]


@router.get("/guides/{guide_id}/diff")
def diff(guide_id: str, s: DbDep, a: int = Query(ge=1), b: int = Query(ge=1)) -> Diff:
    return Diff(diff=checked(lambda: curation.diff(s, guide_id=guide_id, a=a, b=b)))


@router.post("/guides/{guide_id}/rollback")
def rollback(guide_id: str, body: VersionIn, user: Publisher, state: StateDep) -> Published:
    with state.db.session() as s:  # committed before the rebuild reads it
        version = checked(lambda: curation.rollback(s, guide_id=guide_id, version=body.version, user=user["user"]))
    return Published(version=version, rebuild=RebuildStatus(**state.rebuilder.request(f"rollback {guide_id}")))


@router.get("/rebuild")
def rebuild_status(state: StateDep) -> RebuildStatus:
    return RebuildStatus(**state.rebuilder.status)


@router.post("/rebuild")
def rebuild(user: Publisher, state: StateDep) -> RebuildStatus:
    return RebuildStatus(**state.rebuilder.request("manual"))


@router.get("/audit")
def audit(s: DbDep, target: str | None = Query(None, max_length=120)) -> list[AuditEntry]:
    return [AuditEntry(**e) for e in curation.audit_log(s, target=target)]
