"""Conversation state in the database: a restart continues the conversation, idle sessions expire,
expired rows are purged in bounded batches, and any id a client sends is handled."""

from __future__ import annotations

import json
import sys

import pytest
from sqlalchemy import text

from assistant.db import Database
from assistant.dialogue.state import GONE_SECONDS, Session, Turn, session_from_dict, to_dict
from assistant.engine import Engine
from assistant.service import Assistant
from assistant.sessions import DatabaseSessionStore
from assistant.storage import DatabaseStorage


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


def boot(engine, db, **kw) -> Assistant:
    """A freshly started process: nothing in memory, the same database."""
    fresh = Engine(engine.kb, engine.understanding, sessions=DatabaseSessionStore(db, **kw))
    return Assistant(fresh, DatabaseStorage(db, lambda gid: engine.kb.guides.get(gid or "")))


def test_a_restart_continues_the_conversation(engine, db) -> None:
    first = boot(engine, db)
    opened = first.ask("我想办护照", session_id="visitor-1")
    assert opened.service == "passport"
    after_restart = boot(engine, db)  # new engine and store objects: only the database remembers
    reply = after_restart.ask("要多少钱", session_id="visitor-1")
    assert reply.service == "passport", reply.answer
    assert reply.kind == "answer"
    assert "元" in reply.answer
    kept = after_restart.engine.sessions.peek("visitor-1")
    assert kept is not None and [t.role for t in kept.history] == ["user", "bot", "user", "bot"]


def test_an_open_ticket_is_seen_after_a_restart(engine, db) -> None:
    first = boot(engine, db)
    first.ask("我想办护照", session_id="visitor-2")
    handed = first.ask("转人工", session_id="visitor-2")
    assert handed.ticket is not None and handed.ticket.number
    again = boot(engine, db)
    assert again.engine.sessions.peek("visitor-2").ticket == handed.ticket.number
    assert again.ask("还要等多久", session_id="visitor-2").silent  # routed to staff, the bot stays silent


def test_idle_sessions_expire_and_open_tickets_are_held(engine, db) -> None:
    clock = Clock()
    store = DatabaseSessionStore(db, ttl_seconds=60, clock=clock)
    idle, waiting = Session(id="idle"), Session(id="waiting", ticket="A001")
    store.save(idle)
    store.save(waiting)
    clock.now += 59
    assert store.peek("idle") is not None
    clock.now += 2
    assert store.peek("idle") is None  # expired: the same id starts afresh
    assert store.get("idle").history == [] and store.get("idle").id == "idle"
    assert store.peek("waiting") is not None  # a person is waiting for a window
    assert len(store) == 1


def test_expired_rows_are_purged_in_bounded_batches(db) -> None:
    """An expired conversation first becomes a tombstone (its id and language, for the restarted
    notice), then, GONE_SECONDS later, nothing; both in bounded batches."""
    clock = Clock()
    store = DatabaseSessionStore(db, ttl_seconds=10, clock=clock)
    for i in range(25):
        store.save(Session(id=f"s{i}", history=[Turn("user", f"秘密{i}")]))
    clock.now += 11
    store.save(Session(id="live"))
    assert store.purge(batch=10) == 10
    assert store.purge(batch=10) == 10
    assert store.purge(batch=10) == 5
    assert store.purge(batch=10) == 0
    assert store.peek("live") is not None and len(store) == 1
    with db.session() as s:
        assert s.execute(text("SELECT count(*) FROM conversation_sessions")).scalar_one() == 26
        assert s.execute(text("SELECT count(*) FROM conversation_sessions WHERE data LIKE '%秘密%'")).scalar_one() == 0
    clock.now += GONE_SECONDS
    store.save(Session(id="live"))
    assert store.purge(batch=20) == 20
    assert store.purge(batch=20) == 5
    assert store.purge(batch=20) == 0
    with db.session() as s:
        assert s.execute(text("SELECT count(*) FROM conversation_sessions")).scalar_one() == 1


@pytest.mark.parametrize("bad", [None, "", "x" * 65, "x" * 100_000, "nul\x00id", "tab\tid", 12345, ["list"]])
def test_bad_session_ids_start_a_fresh_session(db, bad) -> None:
    store = DatabaseSessionStore(db)
    session = store.get(bad)
    assert session.id != bad and 0 < len(session.id) <= 64 and session.id.isprintable()
    store.save(session)
    assert store.peek(session.id) is not None
    assert store.peek(bad) is None
    store.drop(bad)  # nothing to drop, nothing raised


@pytest.mark.parametrize("odd", ["<script>alert(1)</script>", "'; DROP TABLE conversation_sessions; --", "会话一号", "a" * 64])
def test_unusual_but_printable_ids_are_kept_apart(db, odd) -> None:
    store = DatabaseSessionStore(db)
    session = store.get(odd)
    assert session.id == odd
    session.last_service = "passport"
    store.save(session)
    assert store.peek(odd).last_service == "passport"
    assert store.peek(odd + "x") is None


def test_unknown_unreadable_and_foreign_rows(db) -> None:
    store = DatabaseSessionStore(db)
    store.save(Session(id="newer"))
    data = to_dict(Session(id="newer", last_service="passport", history=[Turn("user", "护照")]))
    data["field_of_a_newer_version"] = {"x": 1}
    data["history"][0]["mood"] = "calm"
    with db.session() as s:
        s.execute(text("UPDATE conversation_sessions SET data = :d WHERE id = 'newer'"), {"d": json.dumps(data)})
    loaded = store.peek("newer")
    assert loaded.last_service == "passport" and loaded.history[0].text == "护照"
    with db.session() as s:
        s.execute(text("UPDATE conversation_sessions SET data = 'not json' WHERE id = 'newer'"))
    assert store.peek("newer") is None
    assert store.get("newer").history == []  # starts afresh, no error


def test_json_round_trip_keeps_every_field() -> None:
    session = Session(id="r", lang="en", last_service="passport", pending_choices=["a", "b"], pending_intent="fee", failures=1, ticket="A001")
    session.add("user", "hello")
    assert session_from_dict(json.loads(json.dumps(to_dict(session)))) == session


def test_huge_history_stays_bounded(db) -> None:
    store = DatabaseSessionStore(db)
    session = store.get("long")
    for i in range(500):
        session.add("user", "长" * 500)
    store.save(session)
    assert len(store.peek("long").history) == 200


def _sync_level(db: Database, *, durable: bool) -> str:
    with db.session(durable=durable) as s:
        if db.engine.dialect.name == "sqlite":
            return {0: "off", 1: "normal", 2: "full", 3: "extra"}[s.execute(text("PRAGMA synchronous")).scalar_one()]
        return str(s.execute(text("SHOW synchronous_commit")).scalar_one())


def test_a_relaxed_commit_does_not_wait_for_the_disk_and_is_seen_at_once(db) -> None:
    """durable=False (conversation state, the question log): SQLite synchronous=NORMAL, PostgreSQL
    synchronous_commit=off; the default stays FULL / on. Either way the write is visible at once."""
    relaxed = "normal" if db.engine.dialect.name == "sqlite" else "off"
    assert _sync_level(db, durable=False) == relaxed
    assert _sync_level(db, durable=True) in ("full", "on")
    store = DatabaseSessionStore(db)
    session = store.get("relaxed-1")
    session.last_service = "passport"
    store.save(session)
    other = Database(db.url)  # another process's view
    try:
        assert DatabaseSessionStore(other).peek("relaxed-1").last_service == "passport"
    finally:
        other.dispose()


class Recording(Database):
    """A database that notes, per calling function, whether it asked for a durable commit."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.calls: dict[str, set[bool]] = {}

    def session(self, *, durable: bool = True):  # type: ignore[no-untyped-def]
        self.calls.setdefault(sys._getframe(1).f_code.co_name, set()).add(durable)
        return super().session(durable=durable)


def test_only_what_nobody_was_promised_skips_the_durable_commit(engine, db) -> None:
    """Session state and the question log are relaxed; a ticket and a rating wait for the disk."""
    rec = Recording(db.url)
    try:
        store = DatabaseSessionStore(rec)
        assistant = Assistant(Engine(engine.kb, engine.understanding, sessions=store), DatabaseStorage(rec, lambda gid: engine.kb.guides.get(gid or "")))
        reply = assistant.ask("我想办护照", session_id="promise-1")
        assistant.storage.rate(session_id="promise-1", message_id=reply.message_id, score=5, comment=None, channel="web")
        assert assistant.ask("转人工", session_id="promise-1").ticket is not None
        assert rec.calls["save"] == {False} and rec.calls["log"] == {False}  # the conversation, the question log
        assert rec.calls["open_ticket"] == {True} and rec.calls["rate"] == {True}  # what the visitor is told is kept
    finally:
        rec.dispose()
