"""Over the wire: a message after the conversation expired is told it restarted, on REST, the Rasa REST
webhook and the WebSocket alike (the service decides; the channels only carry the words). Expiry is made
by moving the stored conversation's expiry into the past, as the idle clock would."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from assistant.db import Database
from assistant.dialogue.words import say
from assistant.server.app import create_app


@pytest.fixture(scope="module")
def api(trained_settings, engine):
    client = TestClient(create_app(trained_settings, engine=engine, rate_limit=10_000))
    with client:
        yield client


@pytest.fixture
def expire(trained_settings):
    db = Database(trained_settings.database_url)

    def run(session_id: str) -> None:
        with db.session() as s:
            changed = s.execute(text("UPDATE conversation_sessions SET expires_at = 0 WHERE id = :id"), {"id": session_id}).rowcount
        assert changed == 1, "the conversation was not stored"

    yield run
    db.dispose()


def stored(token: str) -> str:
    """The id the server stores for a conversation token it gave (the token is '<id>.<proof>')."""
    return token.rpartition(".")[0]


@pytest.mark.parametrize(("first", "follow_up", "lang"), [("我想办护照", "要带什么", "zh"), ("I want a passport", "what do I need to bring", "en")])
def test_rest_follow_up_after_expiry(api, expire, first, follow_up, lang) -> None:
    reply = api.post("/api/v1/chat", json={"text": first}).json()
    s = reply["session_id"]
    assert reply["service"] == "passport"
    expire(stored(s))
    body = api.post("/api/v1/chat", json={"session_id": s, "text": follow_up}).json()
    assert body["kind"] == "restarted" and body["restarted"] is True and body["session_id"] == s
    assert body["answer"] == say("restarted", lang) and "没找到" not in body["answer"]
    assert api.post("/api/v1/sessions/" + s + "/keepalive").status_code == 200  # the new conversation is live


def test_rest_keepalive_after_expiry_is_404_and_the_next_question_is_answered(api, expire) -> None:
    s = api.post("/api/v1/chat", json={"text": "我想办护照"}).json()["session_id"]
    expire(stored(s))
    assert api.post("/api/v1/sessions/" + s + "/keepalive").status_code == 404
    body = api.post("/api/v1/chat", json={"session_id": s, "text": "身份证丢了怎么补办"}).json()
    assert body["kind"] == "answer" and body["service"] == "id-card-replacement"
    assert body["answer"].startswith(say("restarted_note", "zh"))


def test_rasa_rest_webhook_says_it_restarted(api, expire) -> None:
    s = "exp-" + uuid.uuid4().hex[:12]
    api.post("/webhooks/rest/webhook", json={"sender": s, "message": "我想办护照"})
    expire(api.app.other_asgi_app.state.assistant.binding.rasa_session(s))  # the sender is stored only hashed
    body = api.post("/webhooks/rest/webhook", json={"sender": s, "message": "要带什么"}).json()
    assert body[0]["recipient_id"] == s and body[0]["text"] == say("restarted", "zh")


def test_websocket_says_it_restarted(api, expire) -> None:
    with api.websocket_connect("/api/v1/ws") as ws:
        hello = ws.receive_json()
        s = hello["session_id"]
        ws.send_json({"type": "message", "text": "I want a passport"})
        assert ws.receive_json()["service"] == "passport"
        expire(stored(s))
        ws.send_json({"type": "message", "text": "what do I need to bring"})
        reply = ws.receive_json()
        assert reply["type"] == "reply" and reply["kind"] == "restarted" and reply["answer"] == say("restarted", "en")
    with api.websocket_connect(f"/api/v1/ws?session_id={s}") as ws:  # reconnecting to a live conversation: no notice again
        assert ws.receive_json() == {"type": "session", "session_id": s}
        ws.send_json({"type": "message", "text": "passport"})
        reply = ws.receive_json()
        assert reply["service"] == "passport" and not reply["restarted"]
