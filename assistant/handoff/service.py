"""Handoff (首问负责): tickets with queue numbers, masked transcripts, window assignment, staff actions.
Keyword-only, session first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session as DBSession

from assistant.handoff.models import QueueCounterRow, TicketMessageRow, TicketRow
from assistant.hygiene import clean_text
from assistant.kb.models import utcnow
from assistant.kb.schema import Guide
from assistant.privacy import mask

GENERAL_WINDOW = "综合受理窗口 Z01"
MINUTES_PER_TICKET = 6
OPEN = ("waiting", "claimed", "called")
PRIORITY_REASON = "appointment"  # a checked-in booking: served before walk-ins of its day


class NotFound(LookupError):
    pass


class Conflict(RuntimeError):
    pass


@dataclass
class TicketInfo:
    number: str
    window: str
    wait_minutes: int
    status: str
    service: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "window": self.window, "wait_minutes": self.wait_minutes, "status": self.status, "service": self.service}


def today() -> str:
    return dt.date.today().isoformat()


def _prefix(guide: Guide | None) -> str:
    # one letter per hall area, so the number already tells the floor (A..K as in the guides' windows)
    return guide.location.windows[0][0] if guide and guide.location.windows else "Z"


def carried_over(ticket: TicketRow) -> bool:
    """A ticket still open from an earlier day (staff see it flagged; it is served first)."""
    return ticket.day < today()


def waiting_ahead(db: DBSession, *, ticket: TicketRow) -> int:
    """Rule: only today's waiting tickets count toward a wait. Tickets left open from an earlier day
    are never counted ahead of anyone, and such a ticket itself has no one ahead of it."""
    if carried_over(ticket):
        return 0
    ahead = [TicketRow.status == "waiting", TicketRow.day == ticket.day, TicketRow.id < ticket.id]
    if ticket.reason == PRIORITY_REASON:  # a booked visitor waits only behind other booked visitors
        ahead.append(TicketRow.reason == PRIORITY_REASON)
    return db.scalar(select(func.count()).select_from(TicketRow).where(*ahead)) or 0


def info(db: DBSession, *, ticket: TicketRow) -> TicketInfo:
    wait = waiting_ahead(db, ticket=ticket) * MINUTES_PER_TICKET + (MINUTES_PER_TICKET if ticket.status == "waiting" else 0)
    return TicketInfo(ticket.number, ticket.window, wait, ticket.status, ticket.service_id)


def _bump_counter(db: DBSession, *, prefix: str, day: str) -> int:
    """The next number of an area and day in one atomic statement: the UPSERT takes the row lock, so
    concurrent handoffs (threads, processes, PostgreSQL or SQLite) never get the same number."""
    dialect = db.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(QueueCounterRow).values(prefix=prefix, day=day, last=1)
        stmt = stmt.on_conflict_do_update(index_elements=["prefix", "day"], set_={"last": QueueCounterRow.last + 1})
        return int(db.execute(stmt.returning(QueueCounterRow.last)).scalar_one())
    row = db.scalar(select(QueueCounterRow).where(QueueCounterRow.prefix == prefix, QueueCounterRow.day == day).with_for_update())
    if row is None:
        row = QueueCounterRow(prefix=prefix, day=day, last=0)
        db.add(row)
    row.last += 1
    db.flush()
    return row.last


def _allocate_number(db: DBSession, *, prefix: str, day: str) -> str:
    while True:
        number = f"{prefix}{_bump_counter(db, prefix=prefix, day=day):03d}"
        # a ticket left open from an earlier day keeps its number: never two open tickets alike
        if not db.scalar(select(exists().where(TicketRow.number == number, TicketRow.status.in_(OPEN)))):
            return number


def open_ticket(db: DBSession, *, session_id: str) -> TicketRow | None:
    return db.scalar(select(TicketRow).where(TicketRow.session_id == session_id, TicketRow.status.in_(OPEN)).order_by(TicketRow.id.desc()))


def create_ticket(
    db: DBSession, *, session_id: str, channel: str, lang: str, guide: Guide | None, transcript: list[Any], reason: str, prefix: str | None = None
) -> TicketRow:
    """A queue number per hall area and day (A001, A002 ...); the transcript is masked again on the way in.
    ``prefix`` gives a queue of its own (a booked visitor's priority numbers, PA001), counted atomically alike."""
    existing = open_ticket(db, session_id=session_id)
    if existing is not None:
        return existing
    day, prefix = today(), prefix or _prefix(guide)
    number = _allocate_number(db, prefix=prefix, day=day)
    window = guide.location.windows[0] if guide else GENERAL_WINDOW
    ticket = TicketRow(
        number=number, day=day, session_id=session_id, channel=channel, lang=lang,
        service_id=guide.id if guide else None, window=window, status="waiting", reason=reason,
    )  # fmt: skip
    db.add(ticket)
    db.flush()
    for turn in transcript:
        db.add(TicketMessageRow(ticket_id=ticket.id, role=turn.role, text=mask(clean_text(turn.text)), at=dt.datetime.fromtimestamp(turn.at, dt.UTC)))
    db.flush()
    return ticket


def get_ticket(db: DBSession, *, number: str) -> TicketRow:
    """Numbers restart every day: an open ticket (even from yesterday) wins, then the newest one."""
    query = select(TicketRow).where(TicketRow.number == number).order_by(TicketRow.status == "closed", TicketRow.id.desc())
    ticket = db.scalars(query.limit(1)).first()
    if ticket is None:
        raise NotFound(f"no ticket {number}")
    return ticket


def list_tickets(db: DBSession, *, statuses: tuple[str, ...] = OPEN) -> list[TicketRow]:
    query = select(TicketRow).where(TicketRow.status.in_(statuses))
    return list(db.scalars(query.order_by(TicketRow.reason != PRIORITY_REASON, TicketRow.id)))  # booked visitors first


def add_message(db: DBSession, *, ticket: TicketRow, role: str, text: str, author: str | None = None) -> TicketMessageRow:
    row = TicketMessageRow(ticket_id=ticket.id, role=role, text=mask(clean_text(text)), author=author and clean_text(author))
    db.add(row)
    ticket.updated_at = utcnow()
    db.flush()
    return row


# Staff actions change the ticket; the caller writes the transcript's line for them in the catalogue's
# words (handoff knows no sentences).


def claim(db: DBSession, *, ticket: TicketRow, staff: str) -> None:
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.number} is closed")
    if ticket.staff and ticket.staff != staff and ticket.status != "waiting":
        raise Conflict(f"ticket {ticket.number} is already taken by {ticket.staff}")
    ticket.status, ticket.staff, ticket.updated_at = "claimed", staff, utcnow()


def call(db: DBSession, *, ticket: TicketRow, staff: str, window: str) -> None:
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.number} is closed")
    ticket.status, ticket.staff, ticket.window, ticket.updated_at = "called", staff, window, utcnow()


def close(db: DBSession, *, ticket: TicketRow, staff: str, outcome: str) -> None:
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.number} is already closed")
    outcome = mask(clean_text(outcome))
    ticket.status, ticket.outcome, ticket.updated_at = "closed", outcome, utcnow()
    ticket.staff = ticket.staff or staff
