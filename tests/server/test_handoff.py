import json

import httpx
import pytest
from websockets.sync.client import connect

from assistant.db import Database
from assistant.handoff import service as handoff
from assistant.service import say
from tests.server.conftest import CURATOR, STAFF, login, start_server


def ws_url(live, session_id=None):
    return live.url.replace("http://", "ws://") + "/api/v1/ws" + (f"?session_id={session_id}" if session_id else "")


def test_handoff_gives_ticket_and_bot_goes_silent(client):
    s = client.post("/api/v1/chat", json={"text": "我的身份证110101199003077777丢了怎么补办"}).json()["session_id"]
    r = client.post("/api/v1/handoff", json={"session_id": s, "channel": "web"})
    data = r.json()
    ticket = data["ticket"]
    assert data["handoff"] and ticket["number"][0] == "A" and ticket["window"].startswith("A") and ticket["wait_minutes"] >= 0
    assert ticket["number"] in data["answer"]
    quiet = client.post("/api/v1/chat", json={"session_id": s, "text": "还在吗？"}).json()
    assert quiet["silent"] and quiet["answer"] == "" and quiet["ticket"]["number"] == ticket["number"]
    login(client, STAFF)
    view = client.get(f"/api/v1/staff/tickets/{ticket['number']}").json()
    texts = [m["text"] for m in view["messages"]]
    assert any("110101********7777" in t for t in texts) and not any("110101199003077777" in t for t in texts)
    assert texts[-1] == "还在吗？" and view["service"] == "id-card-replacement"


def test_staff_reply_reaches_visitor_over_websocket(live, client):
    with connect(ws_url(live)) as ws:
        hello = json.loads(ws.recv(timeout=10))
        assert hello["type"] == "session"
        s = hello["session_id"]  # the token this client keeps
        ws.send(json.dumps({"type": "message", "text": "转人工"}))
        reply = json.loads(ws.recv(timeout=30))
        number = reply["ticket"]["number"]
        csrf = login(client, STAFF)
        assert client.post(f"/api/v1/staff/tickets/{number}/claim", headers={"X-CSRF-Token": csrf}).status_code == 200
        update = json.loads(ws.recv(timeout=10))
        assert update["type"] == "ticket_update" and update["ticket"]["status"] == "claimed"
        r = client.post(f"/api/v1/staff/tickets/{number}/reply", json={"text": "您好，请问您要办什么业务？"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["delivered"] == 1
        staff_msg = json.loads(ws.recv(timeout=10))
        assert (staff_msg["type"], staff_msg["text"], staff_msg["staff_name"]) == ("staff_message", "您好，请问您要办什么业务？", "王芳")
        assert staff_msg["speaker"] == "工作人员 王芳" and staff_msg["display"] == "工作人员 王芳：您好，请问您要办什么业务？"
        ws.send(json.dumps({"type": "message", "text": "我想问护照"}))
        assert json.loads(ws.recv(timeout=10))["silent"] is True
        r = client.post(f"/api/v1/staff/tickets/{number}/close", json={"outcome": "已电话解答"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json()["status"] == "closed"
        closed = json.loads(ws.recv(timeout=10))
        assert closed["type"] == "ticket_update" and closed["rate"] is True
        ws.send(json.dumps({"type": "message", "text": "护照多少钱"}))
        back = json.loads(ws.recv(timeout=30))
        assert back["silent"] is False and back["service"] == "passport"
    rating = client.post("/api/v1/ratings", json={"session_id": s, "ticket_number": number, "score": 5})
    assert rating.status_code == 201


def test_websocket_bad_messages_get_clear_errors(live):
    with connect(ws_url(live)) as ws:
        ws.recv(timeout=10)
        for bad in ("not json", json.dumps({"type": "message", "text": ""}), json.dumps({"type": "message", "text": "x" * 501}), json.dumps([1, 2]), json.dumps({"type": "other"})):
            ws.send(bad)
            msg = json.loads(ws.recv(timeout=10))
            assert msg["type"] == "error" and "1-500" in msg["detail"]


def test_kiosk_visitor_is_called_to_a_window(client):
    ticket = client.post("/api/v1/handoff", json={"channel": "kiosk"}).json()["ticket"]
    csrf = login(client, STAFF)
    view = client.post(f"/api/v1/staff/tickets/{ticket['number']}/call", json={"window": "A05"}, headers={"X-CSRF-Token": csrf}).json()
    assert view["status"] == "called" and view["window"] == "A05"
    closed = client.post(f"/api/v1/staff/tickets/{ticket['number']}/close", json={"outcome": "已告知材料 13812345678"}, headers={"X-CSRF-Token": csrf})
    assert closed.status_code == 200
    # the transcript says each staff action in the catalogue's words, the outcome masked as stored
    notes = [m["text"] for m in closed.json()["messages"] if m["role"] == "system"]
    assert notes == [say("log_called", "zh", number=ticket["number"], window="A05"), say("log_closed", "zh", outcome="已告知材料 138****5678")]
    again = client.post(f"/api/v1/staff/tickets/{ticket['number']}/close", json={"outcome": "ok"}, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409


def test_tickets_survive_a_restart(trained_settings, engine, client):
    number = client.post("/api/v1/handoff", json={}).json()["ticket"]["number"]
    other = start_server(trained_settings, engine, rate_limit=1000)  # a new process state over the same database
    try:
        with httpx.Client(base_url=other.url) as c2:
            login(c2, STAFF)
            assert number in [t["number"] for t in c2.get("/api/v1/staff/tickets").json()]
    finally:
        other.stop()
    db = Database(trained_settings.database_url)
    with db.session() as session:
        assert handoff.get_ticket(session, number=number).status == "waiting"
    db.dispose()


STAFF_ROUTES = [
    ("GET", "/api/v1/staff/me"), ("GET", "/api/v1/staff/tickets"), ("GET", "/api/v1/staff/tickets/A001"),
    ("POST", "/api/v1/staff/tickets/A001/claim"), ("POST", "/api/v1/staff/tickets/A001/reply"),
    ("POST", "/api/v1/staff/tickets/A001/call"), ("POST", "/api/v1/staff/tickets/A001/close"),
]  # fmt: skip


@pytest.mark.parametrize("method, path", STAFF_ROUTES)
def test_anonymous_staff_requests_are_refused(live, method, path):
    with httpx.Client(base_url=live.url) as anon:
        assert anon.request(method, path, json={}).status_code == 401


def test_wrong_role_and_missing_csrf_are_refused(live):
    with httpx.Client(base_url=live.url) as c:
        login(c, CURATOR)
        assert c.get("/api/v1/staff/tickets").status_code == 403
        assert c.get("/api/v1/staff/me").status_code == 200  # a curator may sign in to the consoles
    with httpx.Client(base_url=live.url) as c:
        login(c, STAFF)
        assert c.post("/api/v1/staff/tickets/A001/claim").status_code == 403  # no CSRF header
    with httpx.Client(base_url=live.url) as c:
        r = c.post("/api/v1/staff/login", json={"name": "wang", "password": "wrong-password"})
        assert r.status_code == 401 and r.json()["detail"] == "wrong user name or password"


def test_rate_limit_per_client(trained_settings, engine):
    server = start_server(trained_settings, engine, rate_limit=3)
    try:
        with httpx.Client(base_url=server.url) as c:
            codes = [c.post("/api/v1/chat", json={"text": "你好"}).status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    finally:
        server.stop()


def test_ticket_left_open_overnight_still_routes_and_opens(trained_settings, client):
    opened = client.post("/api/v1/handoff", json={}).json()
    number, s = opened["ticket"]["number"], opened["session_id"]
    db = Database(trained_settings.database_url)
    with db.session() as session:
        handoff.get_ticket(session, number=number).day = "2000-01-01"
    db.dispose()
    quiet = client.post("/api/v1/chat", json={"session_id": s, "text": "我还在等"}).json()
    assert quiet["silent"] and quiet["ticket"]["number"] == number
    login(client, STAFF)
    view = client.get(f"/api/v1/staff/tickets/{number}").json()
    assert view["messages"][-1]["text"] == "我还在等"
    newer = client.post("/api/v1/handoff", json={}).json()["ticket"]["number"]
    assert newer != number  # an open number is never given out twice
