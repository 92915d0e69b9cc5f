"""The knowledge base as a whole: export, import (xlsx or JSON, all or nothing), and the batch test of
a sheet of questions against the live assistant."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from fastapi.responses import JSONResponse, Response

from assistant.curation import guides as curation
from assistant.kb.formats import knowledge_json, read_json, read_xlsx, write_xlsx
from assistant.kb.source import SourceError
from assistant.kb.store import import_knowledge, load_knowledge_from_db
from assistant.server.auth import EDITOR_ROLES, Editor, Publisher
from assistant.server.console_schemas import BatchResult, ImportResult, Miss, RebuildStatus
from assistant.server.deps import DbDep, StateDep
from assistant.server.routes.records import TABLE_TYPES

router = APIRouter(prefix="/api/v1/admin", tags=["knowledge"], dependencies=[Depends(EDITOR_ROLES)])
MAX_UPLOAD = 5_000_000
MAX_QUESTIONS = 2000


@router.get("/kb/export", response_class=Response, responses={200: {"content": {TABLE_TYPES["xlsx"]: {}, "application/json": {}}}})
def kb_export(s: DbDep, format: Literal["xlsx", "json"] = "xlsx") -> Response:
    kb = load_knowledge_from_db(s)
    if format == "json":
        return JSONResponse(knowledge_json(kb))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "knowledge.xlsx"
        write_xlsx(kb, path)
        return Response(path.read_bytes(), media_type=TABLE_TYPES["xlsx"], headers={"Content-Disposition": 'attachment; filename="knowledge.xlsx"'})


@router.post("/kb/import")
async def kb_import(user: Publisher, state: StateDep, file: UploadFile = File(...), dry_run: bool = True) -> ImportResult:
    """Import a whole knowledge base (xlsx or JSON). dry_run reports what would change; otherwise all or nothing."""
    data = await _read_upload(file)
    suffix = ".xlsx" if (file.filename or "").lower().endswith(".xlsx") else ".json"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            kb = read_xlsx(path) if suffix == ".xlsx" else read_json(path)
        except SourceError as exc:
            problems = [str(p).replace(str(path), file.filename or "upload") for p in exc.problems]
            raise HTTPException(422, {"message": "the file has problems; nothing was changed", "errors": problems}) from None
    with state.db.session() as s:  # committed (or rolled back) before the rebuild reads it
        report = import_knowledge(s, kb=kb, author=user["user"])
        if dry_run:
            s.rollback()
        else:
            curation.audit(s, user=user["user"], action="import", target="knowledge", summary=report.summary())
    rebuild = RebuildStatus(**state.rebuilder.request("import")) if not dry_run and report.changed else None
    return ImportResult(dry_run=dry_run, summary=report.summary(), added=report.added, updated=report.updated, documents=report.documents_changed, rebuild=rebuild)


@router.post("/batch-test")
async def batch_test(user: Editor, state: StateDep, file: UploadFile = File(...)) -> BatchResult:
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
            misses.append(Miss(question=q, expected=expected, got=reply.service, kind=reply.kind, confidence=reply.confidence,
                               top=[h["guide_id"] for h in reply.trace.get("hits", [])[:3]]))  # fmt: skip
    return BatchResult(questions=len(rows), labelled=total, accuracy=round(100 * ok / total, 1) if total else None, misses=misses)


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
        from openpyxl import load_workbook  # imported when used: 0.4 s at every start otherwise

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
    if len(out) > MAX_QUESTIONS:
        raise HTTPException(413, f"at most {MAX_QUESTIONS} questions per batch")
    return out
