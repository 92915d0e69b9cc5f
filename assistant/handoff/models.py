"""Tables for what the hall keeps: tickets and their transcripts, ratings, question logs, staff users."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assistant.db import Base
from assistant.kb.models import utcnow


class TicketRow(Base):
    __tablename__ = "tickets"
    # the number carries the hall area letter, so (day, number) is unique per area and day
    __table_args__ = (UniqueConstraint("day", "number", name="uq_tickets_day_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(16), index=True)  # A023, unique per day
    day: Mapped[str] = mapped_column(String(10), index=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    service_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    window: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="waiting", index=True)  # waiting | claimed | called | closed
    reason: Mapped[str] = mapped_column(String(40), default="requested")
    staff: Mapped[str | None] = mapped_column(String(120), nullable=True)
    outcome: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    messages: Mapped[list[TicketMessageRow]] = relationship(order_by="TicketMessageRow.id", cascade="all, delete-orphan")


class QueueCounterRow(Base):
    """The last queue number given out per hall area (letter) and day; bumped atomically by one UPSERT."""

    __tablename__ = "queue_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class TicketMessageRow(Base):
    """The masked transcript: the conversation before the handoff, then visitor and staff messages."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # user | bot | staff | system
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(120), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
