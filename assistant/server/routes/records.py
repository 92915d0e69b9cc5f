"""What the assistant said, for curators: one answer's trace, the masked conversation log, analytics."""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from assistant.curation import analytics
from assistant.records.models import ChatLogRow
from assistant.hygiene import clean_cell
from assistant.privacy import mask
from assistant.server.auth import EDITOR_ROLES
from assistant.server.console_schemas import Analytics, Trace
from assistant.server.deps import DbDep

router = APIRouter(prefix="/api/v1/admin", tags=["records"], dependencies=[Depends(EDITOR_ROLES)])
LOG_COLUMNS = ["at", "channel", "lang", "text", "intent", "service_id", "confidence", "kind", "handoff", "message_id"]
TABLE_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "json": "application/json"}


@router.get("/logs/{message_id}")
def trace(message_id: str, s: DbDep) -> Trace:
    """Why this answer: retrieved guides with their scores per channel, intent scores, decision."""
    row = s.scalar(select(ChatLogRow).where(ChatLogRow.message_id == message_id[:40]))
    if row is None:
        raise HTTPException(404, f"no logged question '{message_id[:40]}'")
    return Trace(message_id=row.message_id, text=row.text, intent=row.intent, service=row.service_id, confidence=row.confidence,
                 kind=row.kind, handoff=row.handoff, channel=row.channel, at=row.at.isoformat(), trace=row.trace)  # fmt: skip


@router.get("/logs", response_class=Response, responses={200: {"content": {t: {} for t in TABLE_TYPES.values()}}})
def export_logs(s: DbDep, format: Literal["csv", "xlsx", "json"] = "csv", limit: int = Query(10_000, ge=1, le=100_000)) -> Response:
    """The conversation log, masked (ID and phone numbers never leave unmasked)."""
    rows = [[mask(str(v)) if isinstance(v, str) else (v.isoformat() if hasattr(v, "isoformat") else v) for v in (getattr(r, c) for c in LOG_COLUMNS)]
            for r in s.scalars(select(ChatLogRow).order_by(ChatLogRow.id.desc()).limit(limit))]  # fmt: skip
    return table(LOG_COLUMNS, rows, format, "conversation-log")


@router.get("/analytics")
def analytics_json(s: DbDep) -> Analytics:
    return Analytics(**analytics.summary(s))


@router.get("/analytics.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def analytics_csv(s: DbDep) -> Response:
    rows = analytics.rows_for_csv(analytics.summary(s))
    return table(rows[0], rows[1:], "csv", "analytics")


def table(header: list[str], rows: list[list[Any]], format: str, name: str) -> Response:
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
        return Response(buf.getvalue(), media_type=TABLE_TYPES["xlsx"], headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
