"""Conversation keep-alive: the widget warns before an idle conversation expires (WCAG 2.2.1) and the
visitor's "continue" touches it here, so the idle clock starts again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path

from assistant.server.deps import StateDep, rate_limited

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/sessions/{session_id}/keepalive", dependencies=[Depends(rate_limited)])
def keepalive(state: StateDep, session_id: str = Path(min_length=1, max_length=64)) -> dict[str, Any]:
    """Touch a live conversation: {session_id, expires_in} (seconds until it expires if idle again).
    404 when it has already expired, so the widget can say the conversation starts afresh."""
    session = state.engine.sessions.peek(session_id)
    if session is None:
        raise HTTPException(404, "对话已结束 / the conversation has expired")
    state.engine.sessions.save(session)  # touching it starts the idle clock again
    return {"session_id": session.id, "expires_in": int(state.settings.session_ttl_seconds)}
