"""A message after the conversation expired (idle time passed): a follow-up is told the conversation
started again and asked which service, never "not found"; a question understood on its own is answered
with a short notice. Both session stores, zh and en."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from assistant.db import Database
from assistant.dialogue.state import GONE_SECONDS, SessionStore
from assistant.dialogue.words import say
from assistant.engine import Engine
from assistant.service import Assistant
from assistant.sessions import DatabaseSessionStore
from assistant.storage import DatabaseStorage

TTL = 60


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


@pytest.fixture(params=["memory", "database"])
def talk(request, engine, db):
    """An assistant whose session store expires after TTL seconds of a clock the test moves."""
    clock = Clock()
    if request.param == "memory":
        store = SessionStore(TTL, clock=clock)
    else:
        store = DatabaseSessionStore(db, TTL, clock=clock)
    fresh = Engine(engine.kb, engine.understanding, sessions=store)
    return Assistant(fresh, DatabaseStorage(db, lambda gid: engine.kb.guides.get(gid or ""))), clock


@pytest.mark.parametrize(("first", "follow_up", "lang"), [("我想办护照", "要带什么", "zh"), ("I want a passport", "what do I need to bring", "en")])
def test_a_follow_up_after_expiry_says_the_conversation_restarted(talk, first, follow_up, lang) -> None:
    assistant, clock = talk
    assert assistant.ask(first, session_id="back-later").service == "passport"
    assert assistant.ask(follow_up, session_id="back-later").service == "passport"  # in time: a follow-up
    clock.now += TTL + 1
    reply = assistant.ask(follow_up, session_id="back-later")
    assert reply.kind == "restarted" and reply.restarted and reply.lang == lang
    assert reply.answer == say("restarted", lang)
    assert say("no_match", lang) not in reply.answer and "没找到" not in reply.answer
    assert reply.service is None and not reply.handoff and reply.choices == []  # not counted as a failure
    # told once: the conversation goes on as a new one, and the named service is answered
    named = assistant.ask("护照" if lang == "zh" else "passport", session_id="back-later")
    assert named.service == "passport" and not named.restarted and say("restarted_note", lang) not in named.answer


def test_a_question_understood_on_its_own_is_answered_with_a_short_notice(talk) -> None:
    assistant, clock = talk
    assistant.ask("我想办护照", session_id="new-topic")
    clock.now += TTL + 1
    reply = assistant.ask("身份证丢了怎么补办", session_id="new-topic")
    assert reply.kind == "answer" and reply.service == "id-card-replacement" and reply.restarted
    assert reply.answer.startswith(say("restarted_note", "zh") + "\n")
    assert "身份证" in reply.answer


def test_a_button_of_the_expired_conversation_still_answers_its_service(talk) -> None:
    assistant, clock = talk
    listed = assistant.ask("孩子出生了要办什么", session_id="old-buttons")
    assert listed.kind == "life_event" and listed.choices, listed.answer
    tapped = listed.choices[-1]
    clock.now += TTL + 1
    reply = assistant.ask(tapped.payload, session_id="old-buttons")
    assert reply.service == tapped.id and reply.restarted and reply.answer.startswith(say("restarted_note", "zh"))


def test_the_language_of_the_expired_conversation_is_kept_for_a_tapped_button(talk) -> None:
    assistant, clock = talk
    assistant.ask("I want a passport", session_id="en-buttons")
    clock.now += TTL + 1
    reply = assistant.ask("choose:passport", session_id="en-buttons")  # a tap says nothing of the language
    assert reply.lang == "en" and reply.answer.startswith(say("restarted_note", "en"))


def test_an_unknown_or_ended_conversation_is_not_told_it_restarted(talk) -> None:
    assistant, clock = talk
    never = assistant.ask("要带什么", session_id="never-seen")
    assert not never.restarted and never.kind != "restarted"
    assistant.ask("我想办护照", session_id="ended")
    assistant.forget("ended")  # ended on purpose (the kiosk's "finish"), not by the idle clock
    clock.now += TTL + 1
    assert not assistant.ask("要带什么", session_id="ended").restarted


def test_an_expired_id_is_remembered_for_a_day_then_forgotten(talk) -> None:
    assistant, clock = talk
    assistant.ask("我想办护照", session_id="long-gone")
    clock.now += TTL + GONE_SECONDS + 10
    assistant.engine.sessions.get("someone-else")  # the memory store forgets on a visit; the database store on purge
    if isinstance(assistant.engine.sessions, DatabaseSessionStore):
        assistant.engine.sessions.purge()
        clock.now += GONE_SECONDS + 10
        assistant.engine.sessions.purge()
    assert not assistant.ask("要带什么", session_id="long-gone").restarted


def test_expiry_keeps_nothing_said_and_keepalive_fails(talk, db) -> None:
    assistant, clock = talk
    assistant.ask("我想办护照，我叫张三", session_id="private")
    clock.now += TTL + 1
    assert not assistant.keep_alive("private")  # the widget's "continue" answers 404 once expired
    store = assistant.engine.sessions
    assert store.peek("private") is None
    if isinstance(store, DatabaseSessionStore):
        assert store.purge() >= 1
        with db.session() as s:
            data = s.execute(text("SELECT data FROM conversation_sessions WHERE id = 'private'")).scalar_one()
        assert "张三" not in data and "护照" not in data and "passport" not in data  # a tombstone: the id and its language
        assert len(store) == 0  # a tombstone is not a conversation
    assert assistant.ask("要带什么", session_id="private").kind == "restarted"
