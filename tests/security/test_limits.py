"""Per-address limits that a client cannot dodge by writing X-Forwarded-For; handoffs limited apart."""

import json

import pytest
import socketio
from sqlalchemy import func, select
from websockets.sync.client import connect

from assistant.dialogue.manager import HUMAN_CHOICE
from assistant.handoff.models import TicketRow
from assistant.server.ratelimit import RateLimiter, TrustedProxies, client_address
from assistant.service import Assistant, Message, Refused, say
from tests.security.conftest import client_for
from tests.utils.live import app_state


def test_forwarded_for_is_believed_from_configured_proxies_only():
    none, proxy = TrustedProxies(), TrustedProxies(["127.0.0.1", "10.0.0.0/8"])
    assert client_address("127.0.0.1", "1.2.3.4", none) == "127.0.0.1"
    assert client_address("203.0.113.9", "1.2.3.4", proxy) == "203.0.113.9"  # not a proxy: header ignored
    assert client_address("127.0.0.1", "1.2.3.4", proxy) == "1.2.3.4"
    # the client prepends its own guesses; the nearest untrusted hop is what our proxies saw
    assert client_address("127.0.0.1", "6.6.6.6, 1.2.3.4, 10.1.1.1", proxy) == "1.2.3.4"
    assert client_address("127.0.0.1", "not-an-ip", proxy) == "127.0.0.1"
    assert client_address(None, None, proxy) == "unknown"


def test_rotating_forwarded_for_from_loopback_does_not_reset_the_limit(make_server):
    server = make_server(rate_limit=3)
    with client_for(server) as c:
        codes = [c.post("/api/v1/chat", json={"text": "你好"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


def test_behind_a_configured_proxy_each_client_has_its_own_budget(make_server):
    server = make_server(rate_limit=2, trusted_proxies="127.0.0.1")
    with client_for(server) as c:
        a = [c.post("/api/v1/chat", json={"text": "你好"}, headers={"X-Forwarded-For": "198.51.100.1"}).status_code for _ in range(3)]
        b = c.post("/api/v1/chat", json={"text": "你好"}, headers={"X-Forwarded-For": "198.51.100.2"}).status_code
    assert a == [200, 200, 429] and b == 200


def test_handoffs_are_limited_on_their_own(make_server):
    server = make_server(handoff_limit_per_hour=2)
    with client_for(server) as c:
        codes = [c.post("/api/v1/handoff", json={}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.post("/api/v1/handoff", json={"lang": "en"})
        assert r.json()["detail"] == say("handoff_too_many", "en") and r.headers["retry-after"] == "3600"
        assert c.post("/api/v1/handoff", json={}).json()["detail"] == say("handoff_too_many", "zh")
        assert c.post("/api/v1/chat", json={"text": "身份证丢了怎么办"}).status_code == 200  # chatting still works
        typed = c.post("/api/v1/chat", json={"text": HUMAN_CHOICE})  # typing for a person is the same request
        assert typed.status_code == 429 and typed.json()["detail"] == say("handoff_too_many", "zh")


def _tickets(server) -> int:
    db = app_state(server).db
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(TicketRow)))


def _ws(server):
    return connect(server.url.replace("http://", "ws://") + "/api/v1/ws")


def test_70_new_sockets_from_one_address_are_limited_like_rest(make_server):
    """The finding: WebSocket and socket.io were limited per (client-chosen) session id, so 70 of 70 new
    sockets were answered while REST said 429. Now the address's one budget counts them all."""
    server = make_server(rate_limit=60)
    answered = refused = 0
    for _ in range(70):
        with _ws(server) as ws:
            first = json.loads(ws.recv(timeout=10))
            if first["type"] == "error":  # too many new connections from this address
                refused += 1
                continue
            ws.send(json.dumps({"type": "message", "text": "你好"}))
            reply = json.loads(ws.recv(timeout=30))
            answered += reply["type"] == "reply"
            refused += reply["type"] == "error" and reply["detail"] == say("error_too_many", "zh")
    assert answered == 60 and refused == 10
    with client_for(server) as c:
        assert c.post("/api/v1/chat", json={"text": "你好"}).status_code == 429  # one budget with REST

    server = make_server(rate_limit=60)
    answered = refused = 0
    for _ in range(70):
        sio = socketio.SimpleClient()
        try:
            sio.connect(server.url, transports=["websocket"])
        except socketio.exceptions.ConnectionError:
            refused += 1
            continue
        with sio:
            sio.emit("user_uttered", {"message": "你好"})
            text = sio.receive(timeout=30)[1]["text"]
            answered += text != say("error_too_many", "zh")
    assert answered == 60 and refused == 10


def test_the_rest_budget_is_the_websocket_and_socketio_budget(make_server):
    server = make_server(rate_limit=3)
    with client_for(server) as c:
        assert [c.post("/api/v1/chat", json={"text": "你好"}).status_code for _ in range(3)] == [200, 200, 200]
    with _ws(server) as ws:
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": "message", "text": "你好"}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "error", "detail": say("error_too_many", "zh")}
    with socketio.SimpleClient() as sio:
        sio.connect(server.url, transports=["websocket"])
        sio.emit("user_uttered", {"message": "你好"})
        assert sio.receive(timeout=30)[1]["text"] == say("error_too_many", "zh")


def test_30_handoffs_over_websocket_are_limited_per_address_with_rest(make_server):
    """The finding: 30 tickets were opened over WebSocket in seconds by a client REST had limited. The
    service counts tickets per address, whichever channel opens them."""
    server = make_server(handoff_limit_per_hour=10)
    outcomes = []
    for _ in range(30):
        with _ws(server) as ws:
            ws.recv(timeout=10)
            ws.send(json.dumps({"type": "message", "text": HUMAN_CHOICE}))
            reply = json.loads(ws.recv(timeout=30))
            outcomes.append("ticket" if reply["type"] == "reply" and reply["ticket"] else reply.get("detail"))
    assert outcomes == ["ticket"] * 10 + [say("handoff_too_many", "zh")] * 20
    assert _tickets(server) == 10
    # and the same address is refused on every other channel
    with client_for(server) as c:
        assert c.post("/api/v1/handoff", json={}).status_code == 429
        rasa = c.post("/webhooks/rest/webhook", json={"sender": "visitor-x", "message": HUMAN_CHOICE})
        assert rasa.status_code == 200 and rasa.json()[0]["text"] == say("handoff_too_many", "zh")
    with socketio.SimpleClient() as sio:
        sio.connect(server.url, transports=["websocket"])
        sio.emit("user_uttered", {"message": HUMAN_CHOICE})
        assert sio.receive(timeout=30)[1]["text"] == say("handoff_too_many", "zh")
    assert _tickets(server) == 10


def test_rest_limited_handoffs_are_refused_over_websocket(make_server):
    server = make_server(handoff_limit_per_hour=2)
    with client_for(server) as c:
        assert [c.post("/api/v1/handoff", json={}).status_code for _ in range(3)] == [200, 200, 429]
    with _ws(server) as ws:
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": "message", "text": HUMAN_CHOICE, "lang": "en"}))
        assert json.loads(ws.recv(timeout=30)) == {"type": "error", "detail": say("handoff_too_many", "en")}
    assert _tickets(server) == 2


def test_the_service_counts_tickets_per_client_whatever_the_channel(assistant):
    limited = Assistant(assistant.engine, assistant.storage, handoff_limit=RateLimiter(1, 3600).allow, handoff_window=3600)
    assert limited.handle(Message(text=HUMAN_CHOICE, channel="web", client="198.51.100.7")).ticket is not None
    for channel in ("web", "api", "kiosk"):
        with pytest.raises(Refused) as refused:
            limited.handle(Message(text=HUMAN_CHOICE, channel=channel, lang="en", client="198.51.100.7"))
        assert str(refused.value) == say("handoff_too_many", "en") and refused.value.retry_after == 3600
    assert limited.handle(Message(text=HUMAN_CHOICE, client="198.51.100.8")).ticket is not None  # another address
    assert limited.handle(Message(text=HUMAN_CHOICE)).ticket is not None  # no address (CLI, embedded kiosk): not limited
    # evaluation and batch tests open no ticket, so they count none
    assert limited.handle(Message(text=HUMAN_CHOICE, client="198.51.100.9"), record=False).ticket is None
    assert limited.handle(Message(text=HUMAN_CHOICE, client="198.51.100.9")).ticket is not None
