"""A conversation belongs to the client it was given to: knowing its id (a bare id, as staff, tickets and
logs see it) or making one up is not enough to read or write it, on any channel; and only this server's
pages and the sites in ASSISTANT_CORS_ORIGINS may open a live connection."""

from __future__ import annotations

import json

import pytest
import socketio
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from assistant.server.binding import Binding
from tests.security.conftest import client_for
from tests.utils.live import STAFF, login


def ws_url(server, session_id: str | None = None) -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/ws" + (f"?session_id={session_id}" if session_id else "")


def bare(token: str) -> str:
    return token.rpartition(".")[0]


def test_a_token_names_only_its_own_conversation():
    binding, other = Binding("k" * 40), Binding("o" * 40)
    token = binding.token("abc")
    assert binding.open(token) == "abc" and token.startswith("abc.") and len(token) <= 64
    for bad in ("abc", "abc.", f"abc.{'A' * 22}", other.token("abc"), token[:-1], token + "x", token.replace("abc", "abd"),
                "", None, 42, ["abc"], "é" + token, "x" * 65, "<script>." + token.split(".")[1]):  # fmt: skip
        assert binding.open(bad) is None, bad
    # a Rasa sender is hashed into its session id: stable, not the sender, and no token of anything
    sender = "13812345678"
    assert binding.rasa_session(sender) == binding.rasa_session(sender) != other.rasa_session(sender)
    assert sender not in binding.rasa_session(sender) and binding.open(binding.rasa_session(sender)) is None


def test_a_bare_or_made_up_id_starts_a_new_conversation_on_rest(make_server):
    server = make_server()
    with client_for(server) as visitor, client_for(server) as other:
        token = visitor.post("/api/v1/chat", json={"text": "我想办居住证"}).json()["session_id"]
        for guess in (bare(token), bare(token) + ".AAAAAAAAAAAAAAAAAAAAAA", "visitor-1", "13812345678"):
            reply = other.post("/api/v1/chat", json={"session_id": guess, "text": "要多少钱"}).json()
            assert reply["session_id"] not in (token, guess) and reply["service"] != "residence-permit", guess
        follow = visitor.post("/api/v1/chat", json={"session_id": token, "text": "要多少钱"}).json()
        assert follow["session_id"] == token and follow["service"] == "residence-permit"  # the owner's conversation goes on
        # where no new conversation can begin, an id no reply gave is refused plainly
        message_id = follow["message_id"]
        for guess in (bare(token), "visitor-1"):
            rated = other.post("/api/v1/ratings", json={"session_id": guess, "message_id": message_id, "score": 1})
            assert rated.status_code == 403 and "not started" in rated.json()["detail"]
            kept = other.post(f"/api/v1/sessions/{guess}/keepalive")
            assert kept.status_code == 403 and "not started" in kept.json()["detail"]
        assert visitor.post(f"/api/v1/sessions/{token}/keepalive").status_code == 200
        assert visitor.post("/api/v1/ratings", json={"session_id": token, "message_id": message_id, "score": 4}).status_code == 201


def test_knowing_the_id_of_a_waiting_visitor_reaches_nothing_on_any_channel(make_server):
    """The finding: with only the session id, another client received a staff reply meant for the
    visitor and wrote into the visitor's ticket transcript. Now every channel gives it a conversation of
    its own: no staff reply arrives there and nothing it says reaches the ticket."""
    server = make_server()
    with client_for(server) as c, client_for(server) as staff, connect(ws_url(server)) as visitor:
        token = json.loads(visitor.recv(timeout=10))["session_id"]
        visitor.send(json.dumps({"type": "message", "text": "__human__"}))
        number = json.loads(visitor.recv(timeout=30))["ticket"]["number"]
        sid = bare(token)  # what a ticket, a log line or a staff screen shows

        assert not c.post("/api/v1/chat", json={"session_id": sid, "text": "REST闯入"}).json()["silent"]
        assert c.post("/api/v1/handoff", json={"session_id": sid}).json()["ticket"]["number"] != number
        assert c.post("/api/v1/ratings", json={"session_id": sid, "ticket_number": number, "score": 1}).status_code == 403
        for sender in (sid, token):
            c.post("/webhooks/rest/webhook", json={"sender": sender, "message": "Rasa闯入"})
        with connect(ws_url(server, sid)) as intruder, socketio.SimpleClient() as sio:
            assert json.loads(intruder.recv(timeout=10))["session_id"] not in (sid, token)
            intruder.send(json.dumps({"type": "message", "text": "WS闯入"}))
            assert json.loads(intruder.recv(timeout=30))["silent"] is False
            sio.connect(server.url, transports=["websocket"])
            sio.emit("session_request", {"session_id": sid})
            assert sio.receive(timeout=10)[1]["session_id"] not in (sid, token)
            sio.emit("user_uttered", {"message": "socketio闯入", "session_id": sid})
            assert sio.receive(timeout=30)[0] == "bot_uttered"  # the bot answers it: it is not the visitor's ticket

            csrf = login(staff, STAFF)
            staff.post(f"/api/v1/staff/tickets/{number}/reply", json={"text": "只给访客"}, headers={"X-CSRF-Token": csrf}).raise_for_status()
            heard = json.loads(visitor.recv(timeout=10))
            assert heard["type"] == "staff_message" and heard["text"] == "只给访客"
            with pytest.raises(TimeoutError):
                intruder.recv(timeout=2)
            with pytest.raises(socketio.exceptions.TimeoutError):
                sio.receive(timeout=2)
        transcript = [m["text"] for m in staff.get(f"/api/v1/staff/tickets/{number}").json()["messages"]]
        assert not [t for t in transcript if "闯入" in t], transcript


def test_bad_session_ids_on_the_live_channels_start_a_new_conversation(make_server):
    server = make_server()
    for bad in ("%3Cscript%3E", "x" * 500, "%00", "a.b"):
        with connect(ws_url(server, bad)) as ws:
            hello = json.loads(ws.recv(timeout=10))
            assert hello["type"] == "session" and "<" not in hello["session_id"] and len(hello["session_id"]) <= 64
    with socketio.SimpleClient() as sio:
        sio.connect(server.url, transports=["websocket"])
        for bad in ({"a": 1}, 12345, None, "<b>", "x" * 500, ["t"]):
            sio.emit("session_request", {"session_id": bad})
            event, data = sio.receive(timeout=10)
            assert event == "session_confirm" and isinstance(data["session_id"], str) and len(data["session_id"]) <= 64
        sio.emit("session_request", "not a dict")
        assert sio.receive(timeout=10)[0] == "session_confirm"


def test_the_widget_and_rasa_webchat_keep_their_conversation_over_the_live_channels(make_server):
    server = make_server()
    with client_for(server) as c:
        token = c.post("/api/v1/chat", json={"text": "我想办居住证"}).json()["session_id"]
    with connect(ws_url(server, token)) as ws:
        assert json.loads(ws.recv(timeout=10)) == {"type": "session", "session_id": token}
        ws.send(json.dumps({"type": "message", "text": "要多少钱"}))
        reply = json.loads(ws.recv(timeout=30))
        assert reply["session_id"] == token and reply["service"] == "residence-permit"
    with socketio.SimpleClient() as sio:
        sio.connect(server.url, transports=["websocket"])
        sio.emit("session_request", {"session_id": token})
        assert sio.receive(timeout=10) == ["session_confirm", {"session_id": token}]
        sio.emit("user_uttered", {"message": "在哪里办"})
        event, data = sio.receive(timeout=30)
        assert event == "bot_uttered" and data["text"]


def _ws_refused(url: str, origin: str) -> bool:
    try:
        with connect(url, origin=origin) as ws:  # type: ignore[arg-type]
            ws.recv(timeout=10)
            return False
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return True


def _sio_refused(server, origin: str, transport: str) -> bool:
    # the WebSocket library writes its own Origin header unless told which one to write
    sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
    try:
        sio.connect(server.url, transports=[transport], headers={"Origin": origin} if transport == "polling" else {}, wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return True
    sio.disconnect()
    return False


def test_live_connections_only_from_this_server_and_the_listed_sites(make_server):
    server = make_server(cors_origins="https://city.example")
    same = server.url  # the widget on this server's own pages
    for origin, refused in (("http://evil.example", True), ("null", True), ("https://city.example.evil", True),
                            ("http://city.example", True), ("https://city.example", False), (same, False)):  # fmt: skip
        assert _ws_refused(ws_url(server), origin) is refused, origin
        for transport in ("polling", "websocket"):
            assert _sio_refused(server, origin, transport) is refused, (origin, transport)
    other = make_server()  # no site listed: only the server's own pages
    assert _ws_refused(ws_url(other), "https://city.example") and not _ws_refused(ws_url(other), other.url)
    assert _sio_refused(other, "https://city.example", "websocket") and not _sio_refused(other, other.url, "websocket")


def test_a_refused_origin_cannot_join_a_conversation(make_server):
    """The finding: a page of any site that knew a session id joined it. Even with the visitor's own token,
    another site's page is refused before any conversation is opened."""
    server = make_server()
    with client_for(server) as c:
        token = c.post("/api/v1/chat", json={"text": "我想办护照"}).json()["session_id"]
    assert _ws_refused(ws_url(server, token), "http://evil.example")
    assert not _ws_refused(ws_url(server, token), server.url)
