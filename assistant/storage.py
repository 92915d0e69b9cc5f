"""What the one entry keeps, behind one interface: the question log, tickets and their transcripts,
ratings. ``DatabaseStorage`` is the implementation (SQLite by default, PostgreSQL by URL); the server,
the CLI and the embedded kiosk all use it, so a handoff from any of them is a real ticket."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Protocol

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session as DBSession

from assistant.db import Database
from assistant.handoff import service as handoff
from assistant.handoff.models import TicketRow
from assistant.records import service as records


log = logging.getLogger("assistant.storage")
UNAVAILABLE = "暂时无法保存：数据库不可用，请稍后再试或到服务台咨询 / cannot save right now: the database is unavailable; please try again or ask at the front desk"


class Unavailable(RuntimeError):
    """The database cannot be reached: nothing was written (and nothing is acknowledged)."""


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:  # connection refused or lost, file unreadable: an outage
        raise Unavailable(UNAVAILABLE) from exc
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise  # a real error in a statement, not an outage
        raise Unavailable(UNAVAILABLE) from exc


@dataclass
class TicketFacts:
    number: str
    window: str
    wait_minutes: int
    status: str
    service: str | None
    session_id: str | None = None
    message_id: str | None = None  # the transcript row a routed message became


class Storage(Protocol):
    def to_staff(self, *, session_id: str, text: str) -> TicketFacts | None: ...
    def log(self, reply: Any, *, channel: str) -> None: ...
    def open_ticket(self, *, session_id: str, channel: str, lang: str, service_id: str | None, transcript: list[Any], reason: str) -> TicketFacts: ...
    def rate(self, **kw: Any) -> dict[str, Any]: ...


def facts(db: DBSession, ticket: TicketRow) -> TicketFacts:
    info = handoff.info(db, ticket=ticket)
    return TicketFacts(info.number, info.window, info.wait_minutes, info.status, info.service, session_id=ticket.session_id)


class DatabaseStorage:
    def __init__(self, db: Database, guides: Any) -> None:
        self.db = db
        self.guides = guides  # callable: service id -> Guide | None (the knowledge base can be swapped)

    def to_staff(self, *, session_id: str, text: str) -> TicketFacts | None:
        """If a ticket is open, the message joins its transcript (one transaction); else None.
        Database unreachable: None (the assistant answers from its loaded index meanwhile)."""
        try:
            with _reachable():
                return self._to_staff(session_id=session_id, text=text)
        except Unavailable:
            log.warning("database unreachable: answering without checking for an open ticket")
            return None

    def _to_staff(self, *, session_id: str, text: str) -> TicketFacts | None:
        with self.db.session() as s:
            ticket = handoff.open_ticket(s, session_id=session_id)
            if ticket is None:
                return None
            row = handoff.add_message(s, ticket=ticket, role="user", text=text)
            out = facts(s, ticket)
            out.message_id = f"t{row.id}"
            return out

    def log(self, reply: Any, *, channel: str) -> None:
        """The question log is statistics, not a promise to the visitor: an outage skips it (logged)."""
        try:
            with _reachable(), self.db.session(durable=False) as s:  # statistics: the commit need not wait for the disk
                records.log_reply(s, reply=reply, channel=channel, message_id=reply.message_id)
        except Unavailable:
            log.warning("database unreachable: question not logged")

    def open_ticket(self, *, session_id: str, channel: str, lang: str, service_id: str | None, transcript: list[Any], reason: str) -> TicketFacts:
        """Raises Unavailable when the database cannot be reached (no number is given out)."""
        with _reachable(), self.db.session() as s:
            row = handoff.create_ticket(
                s, session_id=session_id, channel=channel, lang=lang, guide=self.guides(service_id),
                transcript=transcript, reason=reason,
            )  # fmt: skip
            return facts(s, row)

    def rate(self, **kw: Any) -> dict[str, Any]:
        with _reachable(), self.db.session() as s:
            row = records.rate(s, **kw)
            return {"id": row.id, "score": row.score, "service": row.service_id, "needs_review": row.needs_review}
