"""Adapters in the Rasa style: each channel is given a fake Assistant, and the test asserts what the
channel passed to the one entry and what it put on its wire. A channel that composed a sentence or
decided something itself would show here, because the fake's reply is the only thing it may say."""

from __future__ import annotations

import socketio
from fastapi.testclient import TestClient

from assistant.server.app import create_app
from assistant.service import BotReply, Choice, GuideRef, Message, Ticket, TicketStatus
from kiosk.backend import EmbeddedBackend, HttpBackend
from tests.utils.live import LiveServer, app_state, free_port

GUIDE = GuideRef(id="passport", name="普通护照签发", updated_at="2026-01-01")


class FakeAssistant:
    """Records every message and answers with a reply built from it, with no engine behind it."""

    def __init__(self, *, silent: bool = False) -> None:
        self.received: list[Message] = []
        self.silent = silent

    def handle(self, message: Message, *, record: bool = True) -> BotReply:
        self.received.append(message)
        sid = message.session_id or "fake-session"
        if self.silent:
            return BotReply(session_id=sid, message_id="m0", kind="silent", text=message.text, answer="", intent=None, service=None,
                            confidence=0.0, lang="zh", silent=True, handoff=True)  # fmt: skip
        return BotReply(
            session_id=sid, message_id=f"m{len(self.received)}", kind="answer", text=message.text, answer=f"FAKE<{message.text}>",
            intent="ask_materials", service="passport", confidence=0.9, lang=message.lang or "zh", materials=["FAKE-MATERIAL"],
            online={"available": True, "url": "https://zwfw.shili.example/passport", "level": "booking"},
            choices=[Choice(id="passport", title="FAKE-CHOICE", payload="choose:passport")], guide=GUIDE,
        )  # fmt: skip

    def ask(self, text: str, *, session_id: str | None = None, lang: str | None = None, channel: str = "web", record: bool = True) -> BotReply:
        return self.handle(Message(text=text, session_id=session_id, lang=lang, channel=channel), record=record)  # type: ignore[arg-type]

    def request_handoff(self, *, session_id: str | None, lang: str | None, channel: str, client: str | None = None) -> BotReply:
        reply = self.handle(Message(text="HANDOFF", session_id=session_id, lang=lang, channel=channel, client=client))  # type: ignore[arg-type]
        reply.ticket = Ticket(number="F001", window="Z01", wait_minutes=7, status=TicketStatus.waiting, status_label="FAKE-STATUS",
                              title="FAKE-TITLE", summary="FAKE-SUMMARY")  # fmt: skip
        return reply

    def rate(self, **kw):
        self.rated = kw
        return {"id": 1, "score": kw["score"], "service": "passport", "needs_review": False}

    def forget(self, session_id: str) -> None:
        pass

    def open_conversation(self, session_id: str | None, *, channel: str = "web") -> str:
        return session_id or "fake-conversation"

    def language(self, session_id: str) -> str:
        return "en"

    def keep_alive(self, session_id: str) -> bool:
        return session_id == "alive"


def _client(trained_settings, engine, fake):
    client = TestClient(create_app(trained_settings, engine=engine, rate_limit=10_000))
    client.__enter__()
    client.app.other_asgi_app.state.assistant.assistant = fake
    return client


def test_rest_chat_passes_the_message_and_maps_the_reply(trained_settings, engine):
    fake = FakeAssistant()
    client = _client(trained_settings, engine, fake)
    try:
        binding = client.app.other_asgi_app.state.assistant.binding
        s1 = binding.token("s1")  # what an earlier reply gave this client
        body = client.post("/api/v1/chat", json={"session_id": s1, "text": "护照", "lang": "en", "channel": "kiosk"}).json()
        # the service gets the conversation's own id, and the address it limits tickets by
        assert fake.received == [Message(text="护照", session_id="s1", lang="en", channel="kiosk", client="testclient")]
        assert body["session_id"] == s1
        assert body["answer"] == "FAKE<护照>" and body["materials"] == ["FAKE-MATERIAL"]
        assert body["buttons"] == [{"title": "FAKE-CHOICE", "payload": "choose:passport"}]
        # the adapter adds only this server's URLs
        assert body["guide"]["url"] == "/guides/passport" and body["qr_url"] == "/api/v1/guides/passport/qr.png"
        handoff = client.post("/api/v1/handoff", json={"session_id": s1}).json()
        assert handoff["ticket"]["summary"] == "FAKE-SUMMARY" and handoff["ticket"]["status_label"] == "FAKE-STATUS"
        assert fake.received[-1] == Message(text="HANDOFF", session_id="s1", lang=None, channel="web", client="testclient")
        rating = client.post("/api/v1/ratings", json={"session_id": s1, "message_id": "m1", "score": 4})
        assert rating.status_code == 201 and fake.rated["score"] == 4 and fake.rated["channel"] == "web" and fake.rated["session_id"] == "s1"
        assert client.post(f"/api/v1/sessions/{binding.token('alive')}/keepalive").status_code == 200
        assert client.post(f"/api/v1/sessions/{binding.token('gone')}/keepalive").status_code == 404
        assert client.post("/api/v1/sessions/alive/keepalive").status_code == 403  # a bare id proves nothing
    finally:
        client.__exit__(None, None, None)


def test_rasa_rest_webhook_passes_sender_and_language_and_maps_buttons(trained_settings, engine):
    fake = FakeAssistant()
    client = _client(trained_settings, engine, fake)
    try:
        body = client.post("/webhooks/rest/webhook", json={"sender": "u-7", "message": "passport?", "metadata": {"lang": "en"}}).json()
        hashed = client.app.other_asgi_app.state.assistant.binding.rasa_session("u-7")  # the sender is never passed on as written
        assert hashed != "u-7" and fake.received == [Message(text="passport?", session_id=hashed, lang="en", channel="api", client="testclient")]
        assert body[0]["recipient_id"] == "u-7" and body[0]["text"] == "FAKE<passport?>"
        assert body[0]["buttons"] == [{"title": "FAKE-CHOICE", "payload": "choose:passport"}]
        client.app.other_asgi_app.state.assistant.assistant = FakeAssistant(silent=True)
        assert client.post("/webhooks/rest/webhook", json={"sender": "u-7", "message": "hello"}).json() == []  # staff answers
    finally:
        client.__exit__(None, None, None)


def test_websocket_passes_messages_and_words_its_errors_through_the_service(trained_settings, engine):
    fake = FakeAssistant()
    client = _client(trained_settings, engine, fake)
    try:
        w1 = client.app.other_asgi_app.state.assistant.binding.token("w1")
        with client.websocket_connect(f"/api/v1/ws?session_id={w1}") as ws:
            assert ws.receive_json() == {"type": "session", "session_id": w1}
            ws.send_json({"type": "message", "text": "户口"})
            reply = ws.receive_json()
            assert reply["type"] == "reply" and reply["answer"] == "FAKE<户口>" and reply["session_id"] == w1
            assert fake.received == [Message(text="户口", session_id="w1", lang=None, channel="web", client="testclient")]
            ws.send_text("not json")
            error = ws.receive_json()
            assert error["type"] == "error" and error["detail"].isascii()  # the service said the conversation speaks English
    finally:
        client.__exit__(None, None, None)


def test_socketio_speaks_rasa_webchat_and_passes_language(trained_settings, engine):
    server = LiveServer(create_app(trained_settings, engine=engine, rate_limit=10_000), free_port()).start()
    fake = FakeAssistant()
    app_state(server).assistant = fake
    try:
        with socketio.SimpleClient() as sio:
            sio.connect(server.url, transports=["websocket"], socketio_path="socket.io")
            token = app_state(server).binding.token("sio-1")
            sio.emit("session_request", {"session_id": token})
            assert sio.receive(timeout=10) == ["session_confirm", {"session_id": token}]
            sio.emit("user_uttered", {"message": "marriage", "customData": {"language": "en"}})
            event, data = sio.receive(timeout=10)
            assert event == "bot_uttered" and data["text"] == "FAKE<marriage>"
            assert data["quick_replies"] == [{"content_type": "text", "title": "FAKE-CHOICE", "payload": "choose:passport"}]
            assert fake.received == [Message(text="marriage", session_id="sio-1", lang="en", channel="web", client="127.0.0.1")]
            sio.emit("user_uttered", {"message": "   "})
            event, data = sio.receive(timeout=10)
            assert event == "bot_uttered" and data["text"] and fake.received[-1].text == "marriage"  # an empty message never reaches the service
    finally:
        server.stop()


def test_kiosk_backends_pass_the_kiosk_channel_and_return_the_reply(trained_settings, engine):
    fake = FakeAssistant()
    embedded = EmbeddedBackend(fake)
    reply = embedded.ask("  身份证  ", session_id="k1", lang="zh")
    assert fake.received[-1] == Message(text="身份证", session_id="k1", lang="zh", channel="kiosk")
    assert reply["answer"] == "FAKE<身份证>" and reply["buttons"][0]["payload"] == "choose:passport"
    assert embedded.handoff(session_id="k1")["ticket"]["summary"] == "FAKE-SUMMARY"

    server = LiveServer(create_app(trained_settings, engine=engine, rate_limit=10_000), free_port()).start()
    http_fake = FakeAssistant()
    app_state(server).assistant = http_fake
    try:
        backend = HttpBackend(server.url)
        k2 = app_state(server).binding.token("k2")  # the kiosk keeps the id the server's reply gave
        reply = backend.ask("身份证", session_id=k2, lang="en")
        assert http_fake.received[-1] == Message(text="身份证", session_id="k2", lang="en", channel="kiosk", client="127.0.0.1")
        assert reply["answer"] == "FAKE<身份证>" and reply["materials"] == ["FAKE-MATERIAL"] and reply["session_id"] == k2
        assert backend.handoff(session_id=k2)["ticket"]["title"] == "FAKE-TITLE"
        backend.close()
    finally:
        server.stop()
