"""Conversation keep-alive: the widget warns before an idle conversation expires (WCAG 2.2.1) and the
visitor's "continue" touches it here, so the idle clock starts again."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Path

from assistant.server.deps import StateDep, rate_limited
from assistant.server.routes.chat import NOT_YOURS
from assistant.server.schemas import KeepaliveOut

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/sessions/{session_id}/keepalive", dependencies=[Depends(rate_limited)])
def keepalive(state: StateDep, session_id: str = Path(min_length=1, max_length=64)) -> KeepaliveOut:
    """Touch a live conversation: {session_id, expires_in} (seconds until it expires if idle again).
    404 when it has already expired, so the widget can say the conversation starts afresh; 403 for an
    id no reply gave (a bare or made-up one)."""
    conversation = state.binding.open(session_id)
    if conversation is None:
        raise HTTPException(403, NOT_YOURS)
    if not state.assistant.keep_alive(conversation):
        raise HTTPException(404, "对话已结束 / the conversation has expired")
    return KeepaliveOut(session_id=session_id, expires_in=int(state.settings.session_ttl_seconds))
