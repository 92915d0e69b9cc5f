"""Rasa-compatible REST channel: POST /webhooks/rest/webhook {"sender", "message"} ->
[{"recipient_id", "text", "buttons"?}], as Rasa's RestInput answers, so Rasa clients work unchanged."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Request

from assistant.server.deps import StateDep, rate_limited
from assistant.server.schemas import Health, RasaIn, RasaMessage
from assistant.service import BotReply, Message, Refused

router = APIRouter(prefix="/webhooks/rest", tags=["rasa"])


def rasa_messages(recipient: str, reply: BotReply) -> list[RasaMessage]:
    if reply.silent:
        return []
    return [RasaMessage(recipient_id=recipient, text=reply.answer, buttons=reply.buttons or None)]


@router.get("/")
def health() -> Health:
    return Health()


@router.post("/webhook", dependencies=[Depends(rate_limited)])
async def webhook(body: RasaIn, request: Request, state: StateDep) -> list[RasaMessage]:
    """Rasa's client chooses ``sender``; the conversation is named by it hashed with the server's secret,
    so the sender is never stored (a phone number written there included). A ticket refused because
    this address opened too many is said as the bot's message, as Rasa clients show nothing else."""
    lang = (body.metadata or {}).get("lang")
    session_id = state.binding.rasa_session(body.sender)
    message = Message(text=body.message, session_id=session_id, lang=lang if lang in ("zh", "en") else None, channel="api",
                      client=state.address(request))  # fmt: skip
    try:
        reply = await asyncio.to_thread(state.assistant.handle, message)
    except Refused as exc:
        return [RasaMessage(recipient_id=body.sender, text=str(exc))]
    return rasa_messages(body.sender, reply)
