"""Conversation state in the database: one row per session (primary key lookup, JSON of the Session),
with a wall-clock expiry, so a restart or another worker process continues the conversation.

Same interface as the in-memory ``SessionStore`` (get, peek, save, drop): the engine reads the session
before a message and writes it once after. Expired rows are purged in bounded batches at most once a
minute per process, never by scanning every session on a message. A session with an open ticket is kept
(HOLD_SECONDS) while the person waits for a window, as in memory.

An expired row is not deleted at once: the purge overwrites it with a tombstone (the id and its language,
nothing said), kept GONE_SECONDS, so the next message with that id is told the conversation started again
(``Session.restarted``) instead of getting a no-match; then the tombstone is deleted too."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable

from sqlalchemy import Float, String, Text, bindparam, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base, Database
from assistant.dialogue.state import GONE_SECONDS, Session, new_id, session_from_dict, to_dict, valid_id

log = logging.getLogger("assistant.sessions")
HOLD_SECONDS = 24 * 3600  # a conversation waiting for a person outlives the idle expiry
PURGE_EVERY = 60.0
PURGE_BATCH = 500
TOMBSTONE = '{"tombstone": true'  # how a tombstone's data begins (the rest is its language)


def _tombstone(lang: str) -> str:
    return TOMBSTONE + ', "lang": ' + json.dumps("en" if lang == "en" else "zh") + "}"


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
        # the other dialect's module is never imported (PostgreSQL's costs 35 ms of CPU at start)
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        insert = dialect_insert(ConversationRow)
        # built once: making the upsert per message (its excluded alias, its values) cost more interpreter
        # time than anything else in a message's database work
        self._upsert = insert.on_conflict_do_update(index_elements=["id"], set_={k: insert.excluded[k] for k in ("data", "expires_at", "updated_at")})
        self._select = select(ConversationRow.data, ConversationRow.expires_at).where(ConversationRow.id == bindparam("sid"))

    # --- the SessionStore interface ----------------------------------------------------------------

    def get(self, session_id: str | None, *, channel: str = "web") -> Session:
        """The live session with this id, or a new one (unsaved until the first message is answered);
        a new one for an id whose conversation expired is marked ``restarted``."""
        self._maybe_purge()
        if valid_id(session_id):
            try:
                found, gone_lang = self._read(session_id)  # type: ignore[arg-type]
            except DBAPIError:  # database unreachable: answer without the conversation's memory
                log.warning("database unreachable: session read skipped")
                found, gone_lang = None, None
            if found is not None:
                return found
            return Session(id=session_id, channel=channel, lang=gone_lang or "zh", restarted=gone_lang is not None)  # type: ignore[arg-type]
        return Session(id=new_id(), channel=channel)

    def peek(self, session_id: str) -> Session | None:
        """The live session with this id, or None (unknown or expired)."""
        return self._read(session_id)[0] if valid_id(session_id) else None

    def save(self, session: Session) -> None:
        now = self.clock()
        session.touched = now
        expires = now + (max(self.ttl, HOLD_SECONDS) if session.ticket else self.ttl)
        values: dict[str, Any] = {"id": session.id, "data": json.dumps(to_dict(session), ensure_ascii=False),
                                  "expires_at": expires, "updated_at": now}  # fmt: skip
        try:  # not durable: a power cut may cost a turn of memory, and a commit need not wait for the disk
            with self.db.session(durable=False) as s:
                s.connection().execute(self._upsert, values)
        except DBAPIError:  # the answer is still given; the conversation's memory misses this turn
            log.warning("database unreachable: session not saved")

    def drop(self, session_id: str) -> None:
        if valid_id(session_id):
            with self.db.session() as s:
                s.execute(delete(ConversationRow).where(ConversationRow.id == session_id))

    def __len__(self) -> int:
        live = (ConversationRow.expires_at > self.clock(), ~ConversationRow.data.startswith(TOMBSTONE, autoescape=True))
        with self.db.session() as s:
            return int(s.execute(select(func.count()).select_from(ConversationRow).where(*live)).scalar_one())

    # --- internals ------------------------------------------------------------------------------------

    def _read(self, session_id: str) -> tuple[Session | None, str | None]:
        """(the live session, None), or (None, its language) when it expired, or (None, None) when unknown."""
        with self.db.session() as s:
            row = s.connection().execute(self._select, {"sid": session_id}).first()
        if row is None:
            return None, None
        data, live = row[0], row[1] > self.clock()
        try:
            parsed = json.loads(data)
            if data.startswith(TOMBSTONE):  # an expired conversation, remembered GONE_SECONDS by its id
                return None, (str(parsed.get("lang")) if live else None)
            session = session_from_dict(parsed)
        except (ValueError, TypeError, AttributeError) as exc:  # a row this version cannot read: start afresh, say why in the log
            log.warning("session %s unreadable (%s); starting afresh", session_id[:8], type(exc).__name__)
            return None, None
        return (session, None) if live else (None, session.lang)

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
        """Up to ``batch`` expired rows (the index on expires_at finds them): a conversation becomes a
        tombstone (what was said is gone), an expired tombstone is deleted. Returns how many rows."""
        now = self.clock() if now is None else now
        with self.db.session() as s:
            rows = s.execute(select(ConversationRow.id, ConversationRow.data).where(ConversationRow.expires_at <= now).limit(batch)).all()
            ended = [sid for sid, data in rows if data.startswith(TOMBSTONE)]
            if ended:
                s.execute(delete(ConversationRow).where(ConversationRow.id.in_(ended)))
            for sid, data in rows:
                if not data.startswith(TOMBSTONE):
                    s.execute(update(ConversationRow).where(ConversationRow.id == sid)
                              .values(data=_tombstone(_lang_of(data)), expires_at=now + GONE_SECONDS, updated_at=now))  # fmt: skip
            return len(rows)


def _lang_of(data: str) -> str:
    try:
        lang = json.loads(data).get("lang")
    except (ValueError, AttributeError):
        return "zh"
    return lang if lang in ("zh", "en") else "zh"
