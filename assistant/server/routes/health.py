from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from assistant.server.deps import StateDep
from assistant.server.schemas import Health, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> Health:
    """The process is up."""
    return Health()


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness, "description": "not ready: which check failed"}})
def readyz(state: StateDep) -> JSONResponse:
    """Models loaded and database reachable."""
    checks = {"models": state.engine.understanding is not None and bool(state.engine.kb.guides), "database": state.db.ping()}
    return JSONResponse({"ready": all(checks.values()), **checks}, status_code=200 if all(checks.values()) else 503)
