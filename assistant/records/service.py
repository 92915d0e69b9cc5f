"""Records: one masked row per answer (for review, traces and analytics) and 好差评 ratings, one per
answer or per closed ticket; low ones and unsure answers go to the curators' review queue."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DBSession

from assistant.handoff.models import TicketRow
from assistant.handoff.service import Conflict, NotFound
from assistant.hygiene import clean_text
from assistant.privacy import mask, mask_data
from assistant.records.models import ChatLogRow, RatingRow

LOW_RATING = 2
REVIEW_CONFIDENCE = 0.5
_LOG_INSERT = insert(ChatLogRow)


def log_reply(db: DBSession, *, reply: Any, channel: str, message_id: str | None = None) -> str:
    message_id = message_id or secrets.token_hex(8)
    review = reply.kind in ("no_match", "out_of_scope") or (reply.kind == "clarify") or (reply.kind == "answer" and reply.confidence < REVIEW_CONFIDENCE)
    # a plain INSERT (no ORM unit of work): one per message, and nothing reads the row back here
    db.connection().execute(_LOG_INSERT, {
        "message_id": message_id, "session_id": reply.session_id, "channel": channel, "lang": reply.lang, "text": mask(clean_text(reply.text)),
        "intent": reply.intent, "service_id": reply.service, "confidence": reply.confidence, "kind": reply.kind,
        "handoff": reply.handoff, "needs_review": review and reply.intent not in ("greet", "goodbye"), "trace": mask_data(reply.trace),
    })  # fmt: skip
    return message_id


def rate(db: DBSession, *, session_id: str, score: int, comment: str | None, channel: str, message_id: str | None = None, ticket_number: str | None = None) -> RatingRow:
    """Record one rating for an answer (message_id) or a closed ticket; low ones go to staff review."""
    service, ticket_id = None, None
    if message_id is not None:
        log = db.scalar(select(ChatLogRow).where(ChatLogRow.message_id == message_id, ChatLogRow.session_id == session_id))
        if log is None:
            raise NotFound(f"no answer {message_id} in this session")
        if db.scalar(select(RatingRow).where(RatingRow.message_id == message_id)) is not None:
            raise Conflict("this answer has already been rated")
        service = log.service_id
    elif ticket_number is not None:
        ticket = db.scalar(select(TicketRow).where(TicketRow.number == ticket_number, TicketRow.session_id == session_id).order_by(TicketRow.id.desc()))
        if ticket is None:
            raise NotFound(f"no ticket {ticket_number} in this session")
        if ticket.status != "closed":
            raise Conflict(f"ticket {ticket_number} is still open; it can be rated once it is closed")
        if db.scalar(select(RatingRow).where(RatingRow.ticket_id == ticket.id)) is not None:
            raise Conflict(f"ticket {ticket_number} has already been rated")
        service, ticket_id = ticket.service_id, ticket.id
    comment = mask(clean_text(comment)) if comment else None
    row = RatingRow(
        session_id=session_id, message_id=message_id, ticket_number=ticket_number, ticket_id=ticket_id, service_id=service,
        channel=channel, score=score, comment=comment or None, needs_review=score <= LOW_RATING,
    )  # fmt: skip
    db.add(row)
    try:
        db.flush()
    except IntegrityError:  # a second rating raced past the check: the unique key refuses it
        db.rollback()
        raise Conflict("this has already been rated") from None
    return row
