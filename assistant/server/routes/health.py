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
    """Models loaded and database reachable (503 otherwise). Redis, when configured, is reported but
    does not make the worker unready: without it, live messages and limits work per process."""
    checks = {"models": state.engine.understanding is not None and bool(state.engine.kb.guides), "database": state.db.ping()}
    body: dict[str, object] = {"ready": all(checks.values()), **checks}
    if not checks["database"]:
        body["database_detail"] = "database unreachable: answers continue, tickets, ratings and conversation memory fail"
    if state.settings.redis_url:
        up = state.hub.redis_ok and getattr(state.limiter, "redis_ok", True)
        body["redis"] = "ok" if up else "unreachable: live messages and rate limits per process"
    else:
        body["redis"] = "not configured: one process"
    return JSONResponse(body, status_code=200 if all(checks.values()) else 503)
