"""Retention: what visitors said is kept for a configured number of days, then deleted.

Deleted: question logs (chat_logs), ticket transcripts (ticket_messages) and outcomes of tickets last
touched before the cut-off, rating comments (the score stays for the statistics), expired staff sessions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from assistant.accounts.models import StaffSessionRow
from assistant.handoff.models import TicketMessageRow, TicketRow
from assistant.records.models import ChatLogRow, RatingRow
from assistant.kb.models import utcnow


def purge(db: Session, *, days: int, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete records older than `days`; returns how many of each (would be) removed."""
    if days < 1:
        raise ValueError("retention must be at least 1 day")
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=days)
    old_tickets = select(TicketRow.id).where(TicketRow.updated_at < cutoff)
    counts = {
        "chat_logs": db.scalar(select(func.count()).select_from(ChatLogRow).where(ChatLogRow.at < cutoff)) or 0,
        "transcript_messages": db.scalar(select(func.count()).select_from(TicketMessageRow).where(TicketMessageRow.ticket_id.in_(old_tickets))) or 0,
        "ticket_outcomes": db.scalar(select(func.count()).select_from(TicketRow).where(TicketRow.updated_at < cutoff, TicketRow.outcome.is_not(None))) or 0,
        "rating_comments": db.scalar(select(func.count()).select_from(RatingRow).where(RatingRow.at < cutoff, RatingRow.comment.is_not(None))) or 0,
        "staff_sessions": db.scalar(select(func.count()).select_from(StaffSessionRow).where(StaffSessionRow.expires_at < now)) or 0,
    }
    if dry_run:
        return counts
    db.execute(delete(ChatLogRow).where(ChatLogRow.at < cutoff))
    db.execute(delete(TicketMessageRow).where(TicketMessageRow.ticket_id.in_(old_tickets)))
    db.execute(update(TicketRow).where(TicketRow.updated_at < cutoff, TicketRow.outcome.is_not(None)).values(outcome=None))
    db.execute(update(RatingRow).where(RatingRow.at < cutoff, RatingRow.comment.is_not(None)).values(comment=None))
    db.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < now))
    return counts
