"""Chat API: messages, the "talk to a person" button, ratings, and the live WebSocket."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Depends, HTTPException, WebSocket, WebSocketDisconnect
from pydantic import ValidationError


from assistant.handoff import service as handoff
from assistant.server.deps import StateDep, rate_limited
from assistant.server.schemas import ChatIn, ChatOut, HandoffIn, RatingIn, RatingOut, chat_out
from assistant.service import Message, say
from assistant.storage import Unavailable

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", dependencies=[Depends(rate_limited)])
async def chat(body: ChatIn, state: StateDep) -> ChatOut:
    """Ask the assistant. Replies with the answer, materials, online entry, choices, and a ticket on handoff."""
    message = Message(text=body.text, session_id=body.session_id, lang=body.lang, channel=body.channel)
    return chat_out(await asyncio.to_thread(state.assistant.handle, message))


@router.post("/handoff", dependencies=[Depends(rate_limited)])
async def request_handoff(body: HandoffIn, state: StateDep) -> ChatOut:
    """Hand the conversation to a person: a ticket with queue number, window and estimated wait."""
    handle = state.assistant.request_handoff
    return chat_out(await asyncio.to_thread(handle, session_id=body.session_id, lang=body.lang, channel=body.channel))


@router.post("/ratings", status_code=201, dependencies=[Depends(rate_limited)])
def rate(body: RatingIn, state: StateDep) -> RatingOut:
    """Rate an answer (message_id) or a finished ticket (ticket_number), 1-5, with an optional comment."""
    if (body.message_id is None) == (body.ticket_number is None):
        raise HTTPException(422, "give either message_id or ticket_number")
    try:
        return RatingOut(**state.assistant.rate(
            session_id=body.session_id, score=body.score, comment=body.comment, channel=body.channel,
            message_id=body.message_id, ticket_number=body.ticket_number,
        ))  # fmt: skip
    except handoff.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except handoff.Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.websocket("/ws")
async def live(ws: WebSocket, state: StateDep, session_id: str | None = None) -> None:
    """Live chat: send {"type": "message", "text"}; receive replies and staff messages as they happen."""
    await ws.accept()
    conversation = state.assistant.open_conversation(session_id)
    send = ws.send_json
    state.hub.join(conversation, send)
    await ws.send_json({"type": "session", "session_id": conversation})
    try:
        while True:
            raw = await ws.receive_text()
            try:
                data = json.loads(raw)
                if not isinstance(data, dict) or data.pop("type", "message") != "message":
                    raise ValueError("not a message")
                msg = ChatIn.model_validate({**data, "session_id": conversation})
            except (ValueError, ValidationError):
                await ws.send_json({"type": "error", "detail": say("error_bad_message", state.assistant.language(conversation))})
                continue
            if not state.limiter.allow(f"ws:{conversation}"):
                await ws.send_json({"type": "error", "detail": say("error_too_many", state.assistant.language(conversation))})
                continue
            message = Message(text=msg.text, session_id=conversation, lang=msg.lang, channel=msg.channel)
            try:
                reply = chat_out(await asyncio.to_thread(state.assistant.handle, message))
            except Unavailable as exc:  # e.g. a handoff while the database is down: said, not crashed
                await ws.send_json({"type": "error", "detail": str(exc)})
                continue
            await ws.send_json({"type": "reply", **reply.model_dump(mode="json")})
    except WebSocketDisconnect:
        pass
    finally:
        state.hub.leave(conversation, send)
