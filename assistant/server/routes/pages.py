"""Server-rendered pages: the demo page with the widget, a full guide, the staff console."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from assistant.dialogue.compose import duration_line, online_info, online_line
from assistant.kb.schema import FORM_LABELS, SCOPE_LABELS
from assistant.server.deps import StateDep

HERE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def templates() -> Any:
    """Jinja2 (20 ms of CPU to import) on the first guide page, not at start."""
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(directory=str(HERE / "templates"))  # autoescape is on for .html


router = APIRouter(include_in_schema=False)


@router.get("/")
def index() -> FileResponse:
    return FileResponse(HERE / "static" / "index.html")


@router.get("/staff")
def staff_console() -> FileResponse:
    return FileResponse(HERE / "static" / "staff.html")


@router.get("/curator")
def curator_console() -> FileResponse:
    return FileResponse(HERE / "static" / "curator.html")


@router.get("/guides/{guide_id}", response_class=HTMLResponse)
def guide_page(guide_id: str, request: Request, state: StateDep) -> HTMLResponse:
    guide = state.engine.kb.guides.get(guide_id)
    if guide is None:
        raise HTTPException(404, f"no guide with id '{guide_id[:80]}'")
    words = {  # the page says online level, one-of groups and time limits as the answer does
        "online": online_info(guide, "zh"), "online_text": online_line(guide, "zh"), "time_text": duration_line(guide, "zh"),
    }  # fmt: skip
    return templates().TemplateResponse(
        request, "guide.html", {"g": guide, "forms": {k: v[0] for k, v in FORM_LABELS.items()}, "scope": SCOPE_LABELS[guide.scope][0], **words}
    )
