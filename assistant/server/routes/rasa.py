"""Rasa-compatible REST channel: POST /webhooks/rest/webhook {"sender", "message"} ->
[{"recipient_id", "text", "buttons"?}], as Rasa's RestInput answers, so Rasa clients work unchanged."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends

from assistant.server.deps import StateDep, rate_limited
from assistant.server.schemas import Health, RasaIn, RasaMessage
from assistant.service import BotReply, Message

router = APIRouter(prefix="/webhooks/rest", tags=["rasa"])


def rasa_messages(recipient: str, reply: BotReply) -> list[RasaMessage]:
    if reply.silent:
        return []
    return [RasaMessage(recipient_id=recipient, text=reply.answer, buttons=reply.buttons or None)]


@router.get("/")
def health() -> Health:
    return Health()


@router.post("/webhook", dependencies=[Depends(rate_limited)])
async def webhook(body: RasaIn, state: StateDep) -> list[RasaMessage]:
    lang = (body.metadata or {}).get("lang")
    message = Message(text=body.message, session_id=body.sender, lang=lang if lang in ("zh", "en") else None, channel="api")
    return rasa_messages(body.sender, await asyncio.to_thread(state.assistant.handle, message))
