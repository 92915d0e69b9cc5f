"""The one entry every channel uses: a message in, reply payloads out. Routes messages to staff while a
handoff ticket is open, logs every question (masked), opens tickets when the dialogue hands off."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from assistant.db import Database
from assistant.dialogue.manager import HUMAN_CHOICE, Reply
from assistant.engine import Engine
from assistant.handoff import service as handoff
from assistant.privacy import mask

def ticket_text(ticket: dict[str, Any], lang: str) -> str:
    if lang == "en":
        return f"Your number is {ticket['number']}. Please go to window {ticket['window']}; about {ticket['wait_minutes']} min wait. A member of staff may also reply here."
    return f"您的排队号是 {ticket['number']}，请到 {ticket['window']} 窗口办理，预计等待约 {ticket['wait_minutes']} 分钟。工作人员也可能在此直接回复您。"


def payload(reply: Reply, *, message_id: str, ticket: dict[str, Any] | None = None) -> dict[str, Any]:
    data = reply.to_dict()
    data.pop("trace")
    buttons = [{"title": c["title"], "payload": c["id"] if c["id"] == HUMAN_CHOICE else f"/choose {c['id']}"} for c in reply.choices]
    qr = f"/api/v1/guides/{reply.service}/qr.png" if reply.service and reply.online.get("available") else None
    return {**data, "message_id": message_id, "buttons": buttons, "qr_url": qr, "ticket": ticket, "silent": False}


class Conversations:
    def __init__(self, engine: Engine, db: Database) -> None:
        self.engine, self.db = engine, db

    async def handle(self, text: str, *, session_id: str | None, lang: str | None = None, channel: str = "web") -> dict[str, Any]:
        session = self.engine.sessions.get(session_id, channel=channel)
        silent = await asyncio.to_thread(self._to_staff, session.id, text, lang or session.lang)
        if silent is not None:  # a person is handling this conversation: the bot stays silent
            return silent
        reply = await asyncio.to_thread(self.engine.ask, text, session_id=session.id, lang=lang, channel=channel)
        return await asyncio.to_thread(self._record, reply, channel)

    def _to_staff(self, session_id: str, text: str, lang: str) -> dict[str, Any] | None:
        """If a ticket is open, the message joins its transcript (one transaction); else None."""
        with self.db.session() as s:
            ticket = handoff.open_ticket(s, session_id=session_id)
            if ticket is None:
                return None
            row = handoff.add_message(s, ticket=ticket, role="user", text=text)
            info = handoff.info(s, ticket=ticket).to_dict()
        return {
            "session_id": session_id, "message_id": f"t{row.id}", "text": mask(text), "intent": None, "service": info["service"],
            "confidence": 0.0, "answer": "", "lang": lang, "kind": "silent", "materials": [], "materials_detail": [],
            "online": {"available": False, "url": None}, "handoff": True, "choices": [], "buttons": [], "guide": None,
            "qr_url": None, "ticket": info, "silent": True,
        }  # fmt: skip

    def _record(self, reply: Reply, channel: str) -> dict[str, Any]:
        message_id = secrets.token_hex(8)
        session = self.engine.sessions.get(reply.session_id)
        with self.db.session() as s:
            handoff.log_reply(s, reply=reply, channel=channel, message_id=message_id)
            ticket = None
            if reply.handoff:
                guide = self.engine.kb.guides.get(reply.service or session.last_service or "")
                row = handoff.create_ticket(
                    s, session_id=reply.session_id, channel=channel, lang=reply.lang, guide=guide,
                    transcript=session.history, reason=reply.trace.get("handoff_reason", "requested"),
                )  # fmt: skip
                ticket = handoff.info(s, ticket=row).to_dict()
                session.ticket = row.number
        data = payload(reply, message_id=message_id, ticket=ticket)
        if ticket:
            data["answer"] = f"{data['answer']}\n{ticket_text(ticket, reply.lang)}"
        return data

    async def request_handoff(self, *, session_id: str | None, lang: str | None, channel: str) -> dict[str, Any]:
        """The "talk to a person" button: same path as typing 转人工."""
        return await self.handle(HUMAN_CHOICE, session_id=session_id, lang=lang, channel=channel)

    def staff_reply_payload(self, text: str, staff_name: str) -> dict[str, Any]:
        return {"type": "staff_message", "text": mask(text), "staff_name": staff_name}

    def closed_payload(self, ticket: dict[str, Any], lang: str) -> dict[str, Any]:
        text = "本次人工服务已结束，请为我们的服务评价。" if lang != "en" else "This conversation with staff has ended. Please rate our service."
        return {"type": "ticket_update", "ticket": ticket, "text": text, "rate": True}
