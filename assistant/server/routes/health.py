from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.server.deps import StateDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(state: StateDep) -> JSONResponse:
    """Models loaded and database reachable."""
    checks = {"models": state.engine.understanding is not None and bool(state.engine.kb.guides), "database": state.db.ping()}
    return JSONResponse({"ready": all(checks.values()), **checks}, status_code=200 if all(checks.values()) else 503)
