"""The one entry: a message in, a typed reply out. Every channel (REST, WebSocket, Rasa REST, socket.io,
the kiosk over HTTP or embedded, the CLI, evaluation, the curator batch test) calls ``Assistant.handle``
and only maps the ``BotReply`` to its wire format.

The service owns what surrounds the dialogue: masking (once, here, at the way in), routing a message to
staff while a ticket is open, logging, opening tickets, ratings, and the messages staff actions send to
the visitor. Sentences come from the catalogue (``assistant.dialogue.words``)."""

from __future__ import annotations

import secrets
from enum import Enum
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from assistant.dialogue.manager import CHOOSE, HUMAN_CHOICE, Reply
from assistant.dialogue.words import WIDGET_WORDS, say, templates  # noqa: F401  (re-exported: channels take words from the service)
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


class AppointmentCard(BaseModel):
    """A confirmed booking, as a channel shows it (a QR code of ``code``, an .ics link of its own)."""

    code: str
    service_id: str
    service: str
    day: str
    start: str
    end: str
    hall: str
    windows: str
    status: str
    materials: list[str] = Field(default_factory=list)


class CaseCard(BaseModel):
    number: str
    service_id: str
    status: str
    status_label: str
    date: str
    next_step: str


class BotReply(BaseModel):
    """Everything a channel needs to show one reply; channels add only their own URLs."""

    model_config = ConfigDict(extra="forbid")

    session_id: str
    message_id: str
    kind: str  # answer | faq | clarify | life_event | no_match | out_of_scope | empty | greet | goodbye | handoff | silent | book | progress | task | restarted
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
    appointment: AppointmentCard | None = None
    case: CaseCard | None = None
    silent: bool = False  # a person handles this conversation: the message went to staff, nothing to show
    restarted: bool = False  # this id's earlier conversation had expired (idle): this reply begins a new one
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
    client: str | None = None  # who asks, for per-client limits (a channel gives the address); None: not limited


class Refused(Exception):
    """The message would open a ticket, but this client has opened too many: said in the visitor's language."""

    def __init__(self, text: str, retry_after: int) -> None:
        super().__init__(text)
        self.retry_after = retry_after


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

    def __init__(self, engine: Engine, storage: Storage, *, staffed: bool = True, bookings: Any = None, cases: Any = None,
                 handoff_limit: Callable[[str], bool] | None = None, handoff_window: int = 3600) -> None:  # fmt: skip
        self.engine, self.storage, self.staffed = engine, storage, staffed
        # tickets per client (``Message.client``), counted here so every channel that can open one is limited alike
        self.handoff_limit, self.handoff_window = handoff_limit, handoff_window
        # appointments and case progress (assistant.appointments.book.Bookings, assistant.cases.desk.CaseDesk);
        # without them the conversation says it cannot book or look up here
        self.bookings, self.cases = bookings, cases

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
        reply = self.engine.ask(text, session_id=session.id, lang=message.lang, channel=message.channel, session=session)
        out = self._reply(reply)
        if reply.kind in ("book", "progress", "task"):
            self._form(out, session, text, message.channel, record=record)
        if out.restarted and out.kind != "restarted":  # understood on its own: answered, with a short notice
            out.answer = f"{say('restarted_note', out.lang)}\n{out.answer}"
        if not record:
            return out
        if reply.handoff and self.staffed and message.client is not None and self.handoff_limit is not None:
            if not self.handoff_limit(message.client):  # each ticket puts a person to work
                raise Refused(say("handoff_too_many", out.lang), self.handoff_window)
        # a form's answers (a name, a number) are not questions: the log keeps that one was given, not what
        self.storage.log(out.model_copy(update={"text": "[form]"}) if out.kind == "task" else out, channel=message.channel)
        if reply.handoff:
            out.ticket = self._open_ticket(out, session, message.channel, reply.trace.get("handoff_reason", "requested"))
            out.answer = f"{out.answer}\n{out.ticket.summary}"
        return out

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: Channel = "web", record: bool = True) -> BotReply:
        return self.handle(Message(text=text, session_id=session_id, lang=lang, channel=channel), record=record)  # type: ignore[arg-type]

    def request_handoff(self, *, session_id: str | None, lang: str | None, channel: Channel, client: str | None = None) -> BotReply:
        """The "talk to a person" button: the same path as typing 转人工."""
        return self.handle(Message(text=HUMAN_CHOICE, session_id=session_id, lang=lang, channel=channel, client=client))  # type: ignore[arg-type]

    def rate(self, **kw: Any) -> dict[str, Any]:
        return self.storage.rate(**kw)  # the comment is cleaned and masked where it is stored

    def forget(self, session_id: str) -> None:
        self.engine.sessions.drop(session_id)

    # --- conversations, for channels that hold a connection ---------------------------------------

    def open_conversation(self, session_id: str | None, *, channel: Channel = "web") -> str:
        """The id of this conversation: the live one, or a new one for an unknown or expired id."""
        return self.engine.sessions.get(session_id if session_id and len(session_id) <= 64 else None, channel=channel).id

    def language(self, session_id: str) -> Literal["zh", "en"]:
        """The language a conversation speaks (zh for one that has not started), for a channel's own errors."""
        session = self.engine.sessions.peek(session_id)
        return _lang(session.lang if session else None)

    def keep_alive(self, session_id: str) -> bool:
        """Touch a live conversation so its idle clock starts again; False when it has already expired."""
        session = self.engine.sessions.peek(session_id)
        if session is None:
            return False
        self.engine.sessions.save(session)
        return True

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
                self.engine.sessions.save(session)
        return Update(type="ticket_update", text=text, display=text, ticket=ticket, lang=_lang(lang), rate=event == "closed")

    # --- internals --------------------------------------------------------------------------------

    def _reply(self, reply: Reply) -> BotReply:
        data = reply.to_dict()
        data.pop("trace")
        choices = [Choice(id=c["id"], title=c["title"], payload=payload_of(c["id"])) for c in data.pop("choices")]
        return BotReply(**data, message_id=secrets.token_hex(8), choices=choices, trace=reply.trace)

    def _form(self, out: BotReply, session: Any, text: str, channel: str, *, record: bool) -> None:
        """One step of a booking or a case look-up (the dialogue decided one is on): ask, book, answer."""
        from assistant.appointments import talk as booking
        from assistant.cases import talk as progress

        task = dict(session.task or {"kind": "book" if out.kind == "book" else "progress", "step": "start", "service": out.service})
        lang = out.lang
        if not record:  # evaluation and batch tests book nothing and look nothing up
            session.task = None
            out.answer = say("appt_unavailable" if task["kind"] == "book" else "case_unavailable", lang)
        elif task["kind"] == "book":
            b = booking.step(self.bookings, task, text, lang, channel=channel)
            session.task, out.answer = b.task, b.answer
            out.choices = [Choice(id=c["id"], title=c["title"], payload=payload_of(c["id"])) for c in b.choices]
            if b.appointment is not None:
                a = b.appointment
                en = lang == "en"
                out.appointment = AppointmentCard(
                    code=a.code, service_id=a.service_id, service=a.service_en if en else a.service, day=a.day, start=a.start,
                    end=a.end, hall=a.hall_en if en else a.hall, windows=a.windows, status=a.status,
                    materials=a.materials_en if en else a.materials,
                )  # fmt: skip
        else:
            names = lambda gid: (g.name_en if lang == "en" else g.name) if (g := self.engine.kb.guides.get(gid)) else None  # noqa: E731
            p = progress.step(self.cases, task, text, lang, client=f"session:{session.id}", names=names)
            session.task, out.answer = p.task, p.answer
            if p.case is not None:
                c = p.case
                out.case = CaseCard(number=c.number or "", service_id=c.service_id or "", status=c.status or "",
                                    status_label=c.status_label or "", date=c.date or "", next_step=c.next_step or "")  # fmt: skip
        if session.history and session.history[-1].role == "bot":
            session.history[-1].text = out.answer  # the transcript shows what was said
        self.engine.sessions.save(session)  # the form's step is conversation state: kept for the next message, on any worker

    def _open_ticket(self, reply: BotReply, session: Any, channel: str, reason: str) -> Ticket:
        service = reply.service or session.last_service
        if not self.staffed:
            return unstaffed_ticket(service, reply.lang)
        facts = self.storage.open_ticket(
            session_id=reply.session_id, channel=channel, lang=reply.lang, service_id=service,
            transcript=list(session.history), reason=reason,
        )  # fmt: skip
        session.ticket = facts.number
        self.engine.sessions.save(session)  # kept in the store: another worker sees the ticket too
        return ticket_of(facts, reply.lang)


def _lang(lang: str | None) -> Literal["zh", "en"]:
    return "en" if lang == "en" else "zh"


def open_assistant(settings: Any, *, staffed: bool = True, log: Any = print) -> Assistant:
    """The engine and the database storage of these settings (the CLI and the embedded kiosk use it)."""
    from assistant.db import Database
    from assistant.storage import DatabaseStorage

    from assistant.understanding.vectors import terminal_bar

    db = Database(settings.database_url)
    engine = Engine.load(settings, db=db, log=log, progress=terminal_bar("index: e5 passages"))  # a bar on a terminal only
    bookings, cases = open_desks(settings, db, engine)
    return Assistant(engine, DatabaseStorage(db, lambda gid: engine.kb.guides.get(gid or "")), staffed=staffed, bookings=bookings, cases=cases)


def open_desks(settings: Any, db: Any, engine: Engine) -> tuple[Any, Any]:
    """The appointment book and the case desk of these settings, over this database and knowledge."""
    from assistant.appointments.book import Bookings
    from assistant.appointments.slots import SlotRules
    from assistant.cases.desk import open_case_desk

    return Bookings(db, lambda gid: engine.kb.guides.get(gid or ""), SlotRules.of(settings)), open_case_desk(settings, db)
