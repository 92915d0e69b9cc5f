"""Conversation state in the database: one row per session (primary key lookup, JSON of the Session),
with a wall-clock expiry, so a restart or another worker process continues the conversation.

Same interface as the in-memory ``SessionStore`` (get, peek, save, drop): the engine reads the session
before a message and writes it once after. Expired rows are purged in bounded batches at most once a
minute per process, never by scanning every session on a message. A session with an open ticket is kept
(HOLD_SECONDS) while the person waits for a window, as in memory."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable

from sqlalchemy import Float, String, Text, delete, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base, Database
from assistant.dialogue.state import Session, new_id, session_from_dict, to_dict, valid_id

log = logging.getLogger("assistant.sessions")
HOLD_SECONDS = 24 * 3600  # a conversation waiting for a person outlives the idle expiry
PURGE_EVERY = 60.0
PURGE_BATCH = 500


class ConversationRow(Base):
    __tablename__ = "conversation_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)  # the Session as JSON
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # epoch seconds
    updated_at: Mapped[float] = mapped_column(Float)


class DatabaseSessionStore:
    def __init__(self, db: Database, ttl_seconds: float = 1800, *, clock: Callable[[], float] = time.time) -> None:
        self.db, self.ttl, self.clock = db, ttl_seconds, clock
        self._last_purge = 0.0
        self._purge_lock = threading.Lock()
        dialect = db.engine.dialect.name
        self._insert = pg_insert if dialect == "postgresql" else sqlite_insert

    # --- the SessionStore interface ----------------------------------------------------------------

    def get(self, session_id: str | None, *, channel: str = "web") -> Session:
        """The live session with this id, or a new one (unsaved until the first message is answered)."""
        self._maybe_purge()
        if valid_id(session_id):
            try:
                found = self._load(session_id)  # type: ignore[arg-type]
            except DBAPIError:  # database unreachable: answer without the conversation's memory
                log.warning("database unreachable: session read skipped")
                found = None
            if found is not None:
                return found
            return Session(id=session_id, channel=channel)  # type: ignore[arg-type]
        return Session(id=new_id(), channel=channel)

    def peek(self, session_id: str) -> Session | None:
        return self._load(session_id) if valid_id(session_id) else None

    def save(self, session: Session) -> None:
        now = self.clock()
        session.touched = now
        expires = now + (max(self.ttl, HOLD_SECONDS) if session.ticket else self.ttl)
        values: dict[str, Any] = {"id": session.id, "data": json.dumps(to_dict(session), ensure_ascii=False),
                                  "expires_at": expires, "updated_at": now}  # fmt: skip
        stmt = self._insert(ConversationRow).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=["id"], set_={k: stmt.excluded[k] for k in ("data", "expires_at", "updated_at")})
        try:
            with self.db.session() as s:
                s.execute(stmt)
        except DBAPIError:  # the answer is still given; the conversation's memory misses this turn
            log.warning("database unreachable: session not saved")

    def drop(self, session_id: str) -> None:
        if valid_id(session_id):
            with self.db.session() as s:
                s.execute(delete(ConversationRow).where(ConversationRow.id == session_id))

    def __len__(self) -> int:
        with self.db.session() as s:
            return int(s.execute(select(func.count()).select_from(ConversationRow).where(ConversationRow.expires_at > self.clock())).scalar_one())

    # --- internals ------------------------------------------------------------------------------------

    def _load(self, session_id: str) -> Session | None:
        with self.db.session() as s:
            row = s.execute(
                select(ConversationRow.data).where(ConversationRow.id == session_id, ConversationRow.expires_at > self.clock())
            ).first()  # fmt: skip
        if row is None:
            return None
        try:
            return session_from_dict(json.loads(row[0]))
        except (ValueError, TypeError) as exc:  # a row this version cannot read: start afresh, say why in the log
            log.warning("session %s unreadable (%s); starting afresh", session_id[:8], type(exc).__name__)
            return None

    def _maybe_purge(self) -> None:
        now = self.clock()
        if now - self._last_purge < PURGE_EVERY or not self._purge_lock.acquire(blocking=False):
            return
        try:
            self._last_purge = now
            self.purge(now)
        except Exception:  # purging is housekeeping: a failure must not fail a visitor's message
            log.warning("purging expired sessions failed", exc_info=True)
        finally:
            self._purge_lock.release()

    def purge(self, now: float | None = None, *, batch: int = PURGE_BATCH) -> int:
        """Delete up to ``batch`` expired rows (the index on expires_at finds them); returns how many."""
        now = self.clock() if now is None else now
        with self.db.session() as s:
            ids = select(ConversationRow.id).where(ConversationRow.expires_at <= now).limit(batch)
            result = s.execute(delete(ConversationRow).where(ConversationRow.id.in_(ids)))
            return int(result.rowcount or 0)
