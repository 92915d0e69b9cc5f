"""Curation API (login + role required): drafts, preview, publish, versions, rollback, audit, review
queue, traces, batch tests, log export, analytics, knowledge import/export, accounts."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from assistant.curation import analytics, review
from assistant.curation import guides as curation
from assistant.dialogue.compose import compose_guide
from assistant.handoff.models import ChatLogRow, UserRow
from assistant.hygiene import clean_cell
from assistant.kb.formats import knowledge_json, read_json, read_xlsx, write_xlsx
from assistant.kb.source import SourceError
from assistant.kb.store import import_knowledge, load_knowledge_from_db
from assistant.privacy import mask
from assistant.server.auth import add_user, end_sessions, require
from assistant.server.deps import StateDep

router = APIRouter(prefix="/api/v1/admin", tags=["curation"])
Editor = Annotated[dict[str, Any], Depends(require("curator", "publisher"))]
Publisher = Annotated[dict[str, Any], Depends(require("publisher"))]
Admin = Annotated[dict[str, Any], Depends(require("admin"))]
MAX_UPLOAD = 5_000_000


class PreviewIn(BaseModel):
    intent: Literal["ask_materials", "ask_online", "ask_process", "ask_duration", "ask_fee", "ask_location"] = "ask_materials"
    lang: Literal["zh", "en"] = "zh"


class VersionIn(BaseModel):
    version: int = Field(ge=1)


class MessagesIn(BaseModel):
    message_ids: list[str] = Field(min_length=1, max_length=500)


class AttachIn(MessagesIn):
    guide_id: str = Field(min_length=1, max_length=80)
    phrase: str = Field(min_length=1, max_length=300)


class FaqIn(MessagesIn):
    guide_id: str = Field(min_length=1, max_length=80)
    q: str = Field(min_length=1, max_length=300)
    a: str = Field(min_length=1, max_length=4000)


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["admin", "publisher", "curator", "staff"]
    display_name: str | None = Field(default=None, max_length=120)
    window: str | None = Field(default=None, max_length=20)


def _errors(fn):  # type: ignore[no-untyped-def]
    try:
        return fn()
    except curation.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except curation.Invalid as exc:
        raise HTTPException(422, {"message": "the guide is not valid", "errors": exc.errors}) from None


# --- guides ---------------------------------------------------------------------------------------


@router.get("/guides")
def guides(user: Editor, state: StateDep) -> list[dict[str, Any]]:
    from assistant.kb.models import GuideRow

    with state.db.session() as s:
        rows = s.scalars(select(GuideRow).order_by(GuideRow.id))
        return [{"id": r.id, "name": r.name, "category": r.category, "version": r.version, "has_draft": r.draft is not None, "updated_at": r.updated_at.isoformat()} for r in rows]


@router.get("/guides/{guide_id}")
def guide(guide_id: str, user: Editor, state: StateDep) -> dict[str, Any]:
    with state.db.session() as s:
        return _errors(lambda: curation.editable(s, guide_id=guide_id))


@router.put("/guides/{guide_id}/draft")
def save_draft(guide_id: str, body: dict[str, Any], user: Editor, state: StateDep) -> dict[str, Any]:
    """Save an edited guide as a draft; 422 lists each invalid field."""
    with state.db.session() as s:
        g = _errors(lambda: curation.save_draft(s, guide_id=guide_id, data=body, user=user["user"]))
        return {"saved": True, "guide": g.model_dump(mode="json", exclude_none=True)}


@router.delete("/guides/{guide_id}/draft")
def discard(guide_id: str, user: Editor, state: StateDep) -> dict[str, bool]:
    with state.db.session() as s:
        _errors(lambda: curation.discard_draft(s, guide_id=guide_id, user=user["user"]))
    return {"discarded": True}


@router.post("/guides/{guide_id}/preview")
def preview(guide_id: str, body: PreviewIn, user: Editor, state: StateDep) -> dict[str, Any]:
    """The answer the assistant would give from the draft (or the published guide)."""
    with state.db.session() as s:
        data = _errors(lambda: curation.editable(s, guide_id=guide_id))["guide"]
    g = _errors(lambda: curation.validate(data))
    composed = compose_guide(g, body.intent, body.lang)
    return {"answer": composed.text, "materials": composed.materials, "materials_detail": composed.materials_detail}


@router.post("/guides/{guide_id}/publish")
def publish(guide_id: str, user: Publisher, state: StateDep) -> dict[str, Any]:
    """Publish the draft as a new version; the index is rebuilt in the background and swapped in."""
    with state.db.session() as s:
        version = _errors(lambda: curation.publish(s, guide_id=guide_id, user=user["user"]))
    return {"version": version, "rebuild": state.rebuilder.request(f"publish {guide_id}")}


@router.get("/guides/{guide_id}/versions")
def versions(guide_id: str, user: Editor, state: StateDep) -> list[dict[str, Any]]:
    with state.db.session() as s:
        return _errors(lambda: curation.versions(s, guide_id=guide_id))


@router.get("/guides/{guide_id}/diff")
def diff(guide_id: str, user: Editor, state: StateDep, a: int = Query(ge=1), b: int = Query(ge=1)) -> dict[str, str]:
    with state.db.session() as s:
        return {"diff": _errors(lambda: curation.diff(s, guide_id=guide_id, a=a, b=b))}


@router.post("/guides/{guide_id}/rollback")
def rollback(guide_id: str, body: VersionIn, user: Publisher, state: StateDep) -> dict[str, Any]:
    with state.db.session() as s:
        version = _errors(lambda: curation.rollback(s, guide_id=guide_id, version=body.version, user=user["user"]))
    return {"version": version, "rebuild": state.rebuilder.request(f"rollback {guide_id}")}


@router.get("/rebuild")
def rebuild_status(user: Editor, state: StateDep) -> dict[str, Any]:
    return dict(state.rebuilder.status)


@router.post("/rebuild")
def rebuild(user: Publisher, state: StateDep) -> dict[str, Any]:
    return state.rebuilder.request("manual")


@router.get("/audit")
def audit(user: Editor, state: StateDep, target: str | None = Query(None, max_length=120)) -> list[dict[str, Any]]:
    with state.db.session() as s:
        return curation.audit_log(s, target=target)


# --- review, traces, batch test, logs -------------------------------------------------------------


@router.get("/review")
def review_queue(
    user: Editor, state: StateDep, response: Response, offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(review.PAGE, ge=1, le=200)
) -> list[dict[str, Any]]:
    """Questions to look at, grouped by similarity, most frequent first; one page (offset, limit),
    the number of groups in all in the X-Total-Count header."""
    retriever = state.engine.understanding.retriever
    encoder = retriever.encoder
    embed_many = (lambda texts: encoder.encode(texts, "query")) if encoder is not None else None
    with state.db.session() as s:
        groups, total = review.page(s, embed_many=embed_many, offset=offset, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return groups


@router.post("/review/attach")
def review_attach(body: AttachIn, user: Editor, state: StateDep) -> dict[str, int]:
    with state.db.session() as s:
        return {"updated": _errors(lambda: review.attach(s, message_ids=body.message_ids, guide_id=body.guide_id, phrase=body.phrase, user=user["user"]))}


@router.post("/review/faq")
def review_faq(body: FaqIn, user: Editor, state: StateDep) -> dict[str, int]:
    with state.db.session() as s:
        return {"updated": _errors(lambda: review.add_faq(s, message_ids=body.message_ids, guide_id=body.guide_id, q=body.q, a=body.a, user=user["user"]))}


@router.post("/review/dismiss")
def review_dismiss(body: MessagesIn, user: Editor, state: StateDep) -> dict[str, int]:
    with state.db.session() as s:
        return {"updated": review.dismiss(s, message_ids=body.message_ids, user=user["user"])}


@router.get("/logs/{message_id}")
def trace(message_id: str, user: Editor, state: StateDep) -> dict[str, Any]:
    """Why this answer: retrieved guides with their scores per channel, intent scores, decision."""
    with state.db.session() as s:
        row = s.scalar(select(ChatLogRow).where(ChatLogRow.message_id == message_id[:40]))
        if row is None:
            raise HTTPException(404, f"no logged question '{message_id[:40]}'")
        return {"message_id": row.message_id, "text": row.text, "intent": row.intent, "service": row.service_id, "confidence": row.confidence,
                "kind": row.kind, "handoff": row.handoff, "channel": row.channel, "at": row.at.isoformat(), "trace": row.trace}  # fmt: skip


LOG_COLUMNS = ["at", "channel", "lang", "text", "intent", "service_id", "confidence", "kind", "handoff", "message_id"]


@router.get("/logs")
def export_logs(user: Editor, state: StateDep, format: Literal["csv", "xlsx", "json"] = "csv", limit: int = Query(10_000, ge=1, le=100_000)) -> Response:
    """The conversation log, masked (ID and phone numbers never leave unmasked)."""
    with state.db.session() as s:
        rows = [[mask(str(v)) if isinstance(v, str) else (v.isoformat() if hasattr(v, "isoformat") else v) for v in (getattr(r, c) for c in LOG_COLUMNS)]
                for r in s.scalars(select(ChatLogRow).order_by(ChatLogRow.id.desc()).limit(limit))]  # fmt: skip
    return _table(LOG_COLUMNS, rows, format, "conversation-log")


def _table(header: list[str], rows: list[list[Any]], format: str, name: str) -> Response:
    if format == "json":
        return JSONResponse([dict(zip(header, r)) for r in rows])
    rows = [[clean_cell(v) for v in r] for r in rows]  # stored text never breaks a sheet nor runs as a formula
    if format == "xlsx":
        from openpyxl import Workbook  # imported when used: 0.4 s at every start otherwise

        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for r in rows:
            ws.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return Response(buf.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


async def _read_upload(upload: UploadFile) -> bytes:
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise HTTPException(413, f"file too large (limit {MAX_UPLOAD // 1_000_000} MB)")
    if not data:
        raise HTTPException(422, "the file is empty")
    return data


def _question_rows(name: str, data: bytes) -> list[tuple[str, str | None]]:
    """(question, expected service) from a CSV (UTF-8 or GBK, as offices save them) or xlsx sheet."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise HTTPException(422, "not a readable xlsx workbook") from None
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise HTTPException(422, "the CSV is neither UTF-8 nor GBK text")
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise HTTPException(422, "the sheet is empty")
    header = [str(h or "").strip().lower() for h in rows[0]]
    if "question" not in header:
        raise HTTPException(422, "the first row must name the columns: question, expected_service")
    qi, si = header.index("question"), header.index("expected_service") if "expected_service" in header else None
    out = []
    for r in rows[1:]:
        q = str(r[qi]).strip() if qi < len(r) and r[qi] is not None else ""
        if q:
            s = str(r[si]).strip() if si is not None and si < len(r) and r[si] else None
            out.append((q[:500], s))
    if len(out) > 2000:
        raise HTTPException(413, "at most 2000 questions per batch")
    return out


@router.post("/batch-test")
async def batch_test(user: Editor, state: StateDep, file: UploadFile = File(...)) -> dict[str, Any]:
    """Run a sheet of questions with expected services (nothing is logged); accuracy and each miss."""
    rows = _question_rows(file.filename or "", await _read_upload(file))
    misses, ok, total = [], 0, 0
    for i, (q, expected) in enumerate(rows):
        reply = state.assistant.ask(q, session_id=f"batch-{id(rows)}-{i}", channel="api", record=False)
        state.assistant.forget(reply.session_id)
        if expected is None:
            continue
        total += 1
        if reply.service == expected:
            ok += 1
        else:
            misses.append({"question": q, "expected": expected, "got": reply.service, "kind": reply.kind, "confidence": reply.confidence,
                           "top": [h["guide_id"] for h in reply.trace.get("hits", [])[:3]]})  # fmt: skip
    return {"questions": len(rows), "labelled": total, "accuracy": round(100 * ok / total, 1) if total else None, "misses": misses}


# --- analytics ------------------------------------------------------------------------------------


@router.get("/analytics")
def analytics_json(user: Editor, state: StateDep) -> dict[str, Any]:
    with state.db.session() as s:
        return analytics.summary(s)


@router.get("/analytics.csv")
def analytics_csv(user: Editor, state: StateDep) -> Response:
    with state.db.session() as s:
        rows = analytics.rows_for_csv(analytics.summary(s))
    return _table(rows[0], rows[1:], "csv", "analytics")


# --- knowledge import / export --------------------------------------------------------------------


@router.get("/kb/export")
def kb_export(user: Editor, state: StateDep, format: Literal["xlsx", "json"] = "xlsx") -> Response:
    with state.db.session() as s:
        kb = load_knowledge_from_db(s)
    if format == "json":
        return JSONResponse(knowledge_json(kb))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "knowledge.xlsx"
        write_xlsx(kb, path)
        return Response(path.read_bytes(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="knowledge.xlsx"'})  # fmt: skip


@router.post("/kb/import")
async def kb_import(user: Publisher, state: StateDep, file: UploadFile = File(...), dry_run: bool = True) -> dict[str, Any]:
    """Import a whole knowledge base (xlsx or JSON). dry_run reports what would change; otherwise all or nothing."""
    data = await _read_upload(file)
    suffix = ".xlsx" if (file.filename or "").lower().endswith(".xlsx") else ".json"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            kb = read_xlsx(path) if suffix == ".xlsx" else read_json(path)
        except SourceError as exc:
            raise HTTPException(422, {"message": "the file has problems; nothing was changed", "errors": [str(p).replace(str(path), file.filename or "upload") for p in exc.problems]}) from None
    with state.db.session() as s:
        report = import_knowledge(s, kb=kb, author=user["user"])
        if dry_run:
            s.rollback()
        else:
            curation.audit(s, user=user["user"], action="import", target="knowledge", summary=report.summary())
    result = {"dry_run": dry_run, "summary": report.summary(), "added": report.added, "updated": report.updated, "documents": report.documents_changed}
    if not dry_run and report.changed:
        result["rebuild"] = state.rebuilder.request("import")
    return result


# --- accounts -------------------------------------------------------------------------------------


@router.get("/users")
def users(user: Admin, state: StateDep) -> list[dict[str, Any]]:
    with state.db.session() as s:
        return [{"name": u.name, "display_name": u.display_name, "role": u.role, "window": u.window, "active": u.active} for u in s.scalars(select(UserRow).order_by(UserRow.name))]


@router.post("/users", status_code=201)
def create_user(body: UserIn, user: Admin, state: StateDep) -> dict[str, str]:
    with state.db.session() as s:
        try:
            add_user(s, name=body.name, password=body.password, role=body.role, display_name=body.display_name, window=body.window)
        except ValueError as exc:
            raise HTTPException(409, str(exc)) from None
        curation.audit(s, user=user["user"], action="create_user", target=body.name, role=body.role)
    return {"name": body.name, "role": body.role}


class ActiveIn(BaseModel):
    active: bool


@router.post("/users/{name}/active")
def set_active(name: str, body: ActiveIn, user: Admin, state: StateDep) -> dict[str, Any]:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    with state.db.session() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name[:120]))
        if row is None:
            raise HTTPException(404, f"no user '{name[:120]}'")
        row.active = body.active
        if not body.active:
            end_sessions(s, user=row)
        curation.audit(s, user=user["user"], action="activate_user" if body.active else "deactivate_user", target=row.name)
    return {"name": row.name, "active": body.active}
