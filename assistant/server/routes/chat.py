"""Chat API: messages, the "talk to a person" button, ratings, and the live WebSocket."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, Depends, HTTPException, Request, WebSocket, WebSocketDisconnect
from pydantic import ValidationError


from assistant.handoff import service as handoff
from assistant.server.deps import AppState, StateDep, rate_limited
from assistant.server.schemas import ChatIn, ChatOut, HandoffIn, RatingIn, RatingOut, chat_out
from assistant.service import BotReply, Message, Refused, say
from assistant.storage import Unavailable

router = APIRouter(prefix="/api/v1", tags=["chat"])
NOT_YOURS = f"{say('error_not_yours', 'zh')} / {say('error_not_yours', 'en')}"  # a REST error is read by either


@router.post("/chat", dependencies=[Depends(rate_limited)])
async def chat(body: ChatIn, request: Request, state: StateDep) -> ChatOut:
    """Ask the assistant. Replies with the answer, materials, online entry, choices, and a ticket on handoff.
    ``session_id`` is the one a reply gave; any other (made up, or another client's bare id) starts afresh."""
    message = Message(text=body.text, session_id=state.binding.open(body.session_id), lang=body.lang, channel=body.channel,
                      client=state.address(request))  # fmt: skip
    return bound(state, await asyncio.to_thread(state.assistant.handle, message))


@router.post("/handoff", dependencies=[Depends(rate_limited)])
async def request_handoff(body: HandoffIn, request: Request, state: StateDep) -> ChatOut:
    """Hand the conversation to a person: a ticket with queue number, window and estimated wait."""
    handle, session_id = state.assistant.request_handoff, state.binding.open(body.session_id)
    reply = await asyncio.to_thread(handle, session_id=session_id, lang=body.lang, channel=body.channel, client=state.address(request))
    return bound(state, reply)


@router.post("/ratings", status_code=201, dependencies=[Depends(rate_limited)])
def rate(body: RatingIn, state: StateDep) -> RatingOut:
    """Rate an answer (message_id) or a finished ticket (ticket_number), 1-5, with an optional comment."""
    if (body.message_id is None) == (body.ticket_number is None):
        raise HTTPException(422, "give either message_id or ticket_number")
    session_id = state.binding.open(body.session_id)
    if session_id is None:
        raise HTTPException(403, NOT_YOURS)
    try:
        return RatingOut(**state.assistant.rate(
            session_id=session_id, score=body.score, comment=body.comment, channel=body.channel,
            message_id=body.message_id, ticket_number=body.ticket_number,
        ))  # fmt: skip
    except handoff.NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except handoff.Conflict as exc:
        raise HTTPException(409, str(exc)) from None


def bound(state: AppState, reply: BotReply) -> ChatOut:
    """The reply on the wire, naming its conversation by the token only this client was given."""
    return chat_out(reply.model_copy(update={"session_id": state.binding.token(reply.session_id)}))


@router.websocket("/ws")
async def live(ws: WebSocket, state: StateDep, session_id: str | None = None) -> None:
    """Live chat: send {"type": "message", "text"}; receive replies and staff messages as they happen.
    ``session_id`` is a token a reply gave (else a new conversation begins); pages of other sites than
    ASSISTANT_CORS_ORIGINS are refused (403), and so is an address opening too many connections."""
    address = state.address(ws)
    if not state.origins.allows(ws.headers.get("origin"), ws.headers.get("host")):
        await ws.close(code=1008)  # before accepting: the handshake is refused
        return
    await ws.accept()
    if not state.sockets.allow(address):
        await ws.send_json({"type": "error", "detail": say("error_too_many", "zh")})
        await ws.close(code=1008)
        return
    conversation = state.assistant.open_conversation(state.binding.open(session_id))
    send = ws.send_json
    state.hub.join(conversation, send)
    await ws.send_json({"type": "session", "session_id": state.binding.token(conversation)})
    try:
        while True:
            raw = await ws.receive_text()
            try:
                data = json.loads(raw)
                if not isinstance(data, dict) or data.pop("type", "message") != "message":
                    raise ValueError("not a message")
                msg = ChatIn.model_validate({**data, "session_id": None})
            except (ValueError, ValidationError):
                await ws.send_json({"type": "error", "detail": say("error_bad_message", state.assistant.language(conversation))})
                continue
            if not state.limiter.allow(address):  # the same budget as REST: a new socket is no new budget
                await ws.send_json({"type": "error", "detail": say("error_too_many", state.assistant.language(conversation))})
                continue
            message = Message(text=msg.text, session_id=conversation, lang=msg.lang, channel=msg.channel, client=address)
            try:
                reply = bound(state, await asyncio.to_thread(state.assistant.handle, message))
            except (Unavailable, Refused) as exc:  # e.g. a handoff while the database is down: said, not crashed
                await ws.send_json({"type": "error", "detail": str(exc)})
                continue
            await ws.send_json({"type": "reply", **reply.model_dump(mode="json")})
    except WebSocketDisconnect:
        pass
    finally:
        state.hub.leave(conversation, send)
