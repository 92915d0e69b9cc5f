"""Rasa-compatible REST channel: POST /webhooks/rest/webhook {"sender", "message"} ->
[{"recipient_id", "text", "buttons"?}], as Rasa's RestInput answers, so Rasa clients work unchanged."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from assistant.server.deps import StateDep, rate_limited
from assistant.server.schemas import RasaIn

router = APIRouter(prefix="/webhooks/rest", tags=["rasa"])


def rasa_messages(recipient: str, reply: dict[str, Any]) -> list[dict[str, Any]]:
    if reply.get("silent"):
        return []
    message: dict[str, Any] = {"recipient_id": recipient, "text": reply["answer"]}
    if reply["buttons"]:
        message["buttons"] = [{"title": b["title"], "payload": b["payload"]} for b in reply["buttons"]]
    return [message]


@router.get("/")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/webhook", dependencies=[Depends(rate_limited)])
async def webhook(body: RasaIn, state: StateDep) -> list[dict[str, Any]]:
    lang = (body.metadata or {}).get("lang")
    reply = await state.conversations.handle(body.message, session_id=body.sender, lang=lang if lang in ("zh", "en") else None, channel="api")
    return rasa_messages(body.sender, reply)
