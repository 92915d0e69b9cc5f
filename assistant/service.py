"""The one entry: a message in, a typed reply out. Every channel (REST, WebSocket, Rasa REST, socket.io,
the kiosk over HTTP or embedded, the CLI, evaluation, the curator batch test) calls ``Assistant.handle``
and only maps the ``BotReply`` to its wire format.

The service owns what surrounds the dialogue: masking (once, here, at the way in), routing a message to
staff while a ticket is open, logging, opening tickets, ratings, and the messages staff actions send to
the visitor. Sentences come from the catalogue (``assistant.dialogue.words``)."""

from __future__ import annotations

import secrets
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from assistant.dialogue.manager import CHOOSE, HUMAN_CHOICE, Reply
from assistant.dialogue.words import say  # re-exported: channels take words from the service
from assistant.engine import Engine
from assistant.privacy import mask
from assistant.storage import Storage, TicketFacts

Channel = Literal["web", "kiosk", "api", "cli"]


class TicketStatus(str, Enum):
    waiting = "waiting"
    claimed = "claimed"
    called = "called"
    closed = "closed"
    no_queue = "no_queue"  # no queue system here (an offline kiosk): the person goes to the front desk


class Ticket(BaseModel):
    """What a visitor is told about their place in the queue, once, in their language."""

    number: str | None
    window: str | None
    wait_minutes: int | None
    status: TicketStatus
    status_label: str
    title: str
    summary: str
    service: str | None = None


class Choice(BaseModel):
    id: str
    title: str
    payload: str  # what a channel sends back as text when the choice is tapped


class Button(BaseModel):
    title: str
    payload: str


class GuideRef(BaseModel):
    id: str
    name: str
    updated_at: str


class BotReply(BaseModel):
    """Everything a channel needs to show one reply; channels add only their own URLs."""

    model_config = ConfigDict(extra="forbid")

    session_id: str
    message_id: str
    kind: str  # answer | faq | clarify | life_event | no_match | out_of_scope | empty | greet | goodbye | handoff | silent
    text: str  # the visitor's message as stored (masked)
    answer: str
    intent: str | None
    service: str | None
    confidence: float
    lang: Literal["zh", "en"]
    materials: list[str] = Field(default_factory=list)
    materials_detail: list[dict[str, Any]] = Field(default_factory=list)
    online: dict[str, Any] = Field(default_factory=lambda: {"available": False, "url": None})
    handoff: bool = False
    choices: list[Choice] = Field(default_factory=list)
    guide: GuideRef | None = None
    ticket: Ticket | None = None
    silent: bool = False  # a person handles this conversation: the message went to staff, nothing to show
    trace: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def buttons(self) -> list[Button]:
        return [Button(title=c.title, payload=c.payload) for c in self.choices]


class Message(BaseModel):
    text: str
    session_id: str | None = None
    lang: Literal["zh", "en"] | None = None
    channel: Channel = "web"


class Update(BaseModel):
    """A live message to a visitor's open connections (staff reply, ticket change)."""

    type: Literal["staff_message", "ticket_update"]
    text: str  # the staff member's words, or the update's sentence
    display: str  # the whole line for a channel that shows only text (rasa-webchat)
    speaker: str | None = None  # who speaks, as a label ("工作人员 张三")
    ticket: Ticket | None = None
    staff_name: str | None = None
    lang: Literal["zh", "en"] = "zh"
    rate: bool = False


def payload_of(choice_id: str) -> str:
    return choice_id if choice_id == HUMAN_CHOICE else f"{CHOOSE}{choice_id}"


def ticket_of(facts: TicketFacts, lang: str) -> Ticket:
    status = TicketStatus(facts.status)
    return Ticket(
        number=facts.number, window=facts.window, wait_minutes=facts.wait_minutes, status=status,
        status_label=say(f"status_{status.value}", lang), title=say("ticket_title", lang),
        summary=say("ticket_summary", lang, number=facts.number, window=facts.window, wait=facts.wait_minutes),
        service=facts.service,
    )  # fmt: skip


def unstaffed_ticket(service: str | None, lang: str) -> Ticket:
    return Ticket(
        number=None, window=None, wait_minutes=None, status=TicketStatus.no_queue, status_label=say("status_no_queue", lang),
        title=say("ticket_unstaffed_title", lang), summary=say("ticket_unstaffed", lang), service=service,
    )  # fmt: skip


class Assistant:
    """``staffed``: whether window staff serve this storage's tickets. An offline kiosk is not staffed:
    a handoff there tells the person to go to the front desk instead of inventing a queue number."""

    def __init__(self, engine: Engine, storage: Storage, *, staffed: bool = True) -> None:
        self.engine, self.storage, self.staffed = engine, storage, staffed

    # --- the one entry ------------------------------------------------------------------------

    def handle(self, message: Message, *, record: bool = True) -> BotReply:
        """Answer one message. ``record=False`` (evaluation, batch tests) logs nothing and opens no ticket."""
        text = mask(message.text)
        session = self.engine.sessions.get(message.session_id, channel=message.channel)
        lang = message.lang or session.lang
        if record:
            facts = self.storage.to_staff(session_id=session.id, text=text)
            if facts is not None:  # a person is handling this conversation: the bot stays silent
                return BotReply(
                    session_id=session.id, message_id=facts.message_id or secrets.token_hex(8), kind="silent", text=text,
                    answer="", intent=None, service=facts.service, confidence=0.0, lang=_lang(lang), handoff=True,
                    ticket=ticket_of(facts, lang), silent=True,
                )  # fmt: skip
        reply = self.engine.ask(text, session_id=session.id, lang=message.lang, channel=message.channel)
        out = self._reply(reply)
        if not record:
            return out
        self.storage.log(out, channel=message.channel)
        if reply.handoff:
            out.ticket = self._open_ticket(out, session, message.channel, reply.trace.get("handoff_reason", "requested"))
            out.answer = f"{out.answer}\n{out.ticket.summary}"
        return out

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: Channel = "web", record: bool = True) -> BotReply:
        return self.handle(Message(text=text, session_id=session_id, lang=lang, channel=channel), record=record)  # type: ignore[arg-type]

    def request_handoff(self, *, session_id: str | None, lang: str | None, channel: Channel) -> BotReply:
        """The "talk to a person" button: the same path as typing 转人工."""
        return self.ask(HUMAN_CHOICE, session_id=session_id, lang=lang, channel=channel)

    def rate(self, **kw: Any) -> dict[str, Any]:
        return self.storage.rate(**kw)  # the comment is cleaned and masked where it is stored

    def forget(self, session_id: str) -> None:
        self.engine.sessions.drop(session_id)

    # --- what staff actions tell the visitor ------------------------------------------------------

    def staff_message(self, text: str, staff_name: str, lang: str) -> Update:
        text, speaker = mask(text), say("staff_label", lang, staff=staff_name)
        display = say("staff_says", lang, speaker=speaker, text=text)
        return Update(type="staff_message", text=text, display=display, speaker=speaker, staff_name=staff_name, lang=_lang(lang))

    def ticket_update(self, facts: TicketFacts, event: Literal["claimed", "called", "closed"], lang: str, *, staff: str = "") -> Update:
        ticket = ticket_of(facts, lang)
        text = say(f"staff_{event}", lang, staff=staff, number=facts.number, window=facts.window)
        if event == "closed":
            session = self.engine.sessions.peek(facts.session_id or "")
            if session is not None:
                session.ticket = None
        return Update(type="ticket_update", text=text, display=text, ticket=ticket, lang=_lang(lang), rate=event == "closed")

    # --- internals --------------------------------------------------------------------------------

    def _reply(self, reply: Reply) -> BotReply:
        data = reply.to_dict()
        data.pop("trace")
        choices = [Choice(id=c["id"], title=c["title"], payload=payload_of(c["id"])) for c in data.pop("choices")]
        return BotReply(**data, message_id=secrets.token_hex(8), choices=choices, trace=reply.trace)

    def _open_ticket(self, reply: BotReply, session: Any, channel: str, reason: str) -> Ticket:
        service = reply.service or session.last_service
        if not self.staffed:
            return unstaffed_ticket(service, reply.lang)
        facts = self.storage.open_ticket(
            session_id=reply.session_id, channel=channel, lang=reply.lang, service_id=service,
            transcript=list(session.history), reason=reason,
        )  # fmt: skip
        session.ticket = facts.number
        return ticket_of(facts, reply.lang)


def _lang(lang: str | None) -> Literal["zh", "en"]:
    return "en" if lang == "en" else "zh"


def open_assistant(settings: Any, *, staffed: bool = True, log: Any = print) -> Assistant:
    """The engine and the database storage of these settings (the CLI and the embedded kiosk use it)."""
    from assistant.db import Database
    from assistant.storage import DatabaseStorage

    db = Database(settings.database_url)
    engine = Engine.load(settings, db=db, log=log)
    return Assistant(engine, DatabaseStorage(db, lambda gid: engine.kb.guides.get(gid or "")), staffed=staffed)
