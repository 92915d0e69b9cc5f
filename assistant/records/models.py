"""Tables of what was asked and how it was rated (masked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base
from assistant.kb.models import utcnow


class ChatLogRow(Base):
    """One row per question (masked): for review, traces and analytics."""

    __tablename__ = "chat_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(40))
    service_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    confidence: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_status: Mapped[str | None] = mapped_column(String(20), nullable=True)  # attached | faq | dismissed
    trace: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now(), index=True)


class RatingRow(Base):
    """好差评, 一事一评: one rating per answer or per closed ticket."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    ticket_number: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # one rating per closed ticket (numbers repeat across days, so the ticket's id is the key)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True, unique=True)
    service_id: Mapped[str | None] = mapped_column(String(80), nullable=True, index=True)
    channel: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
