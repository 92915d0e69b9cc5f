"""Two worker processes, one PostgreSQL, one Redis, nginx with deploy/nginx.conf: a conversation begun
on one worker continues on the other; a ticket opened through one is claimed and answered by staff
through the other, and the visitor connected to the first hears it live (WebSocket and socket.io)."""

from __future__ import annotations

import json
import queue

import httpx
import pytest
import socketio
from websockets.sync.client import connect

from tests.utils.live import STAFF, login

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def ws(url: str, session_id: str | None = None) -> str:
    return url.replace("http://", "ws://") + "/api/v1/ws" + (f"?session_id={session_id}" if session_id else "")


def test_a_conversation_continues_on_the_other_worker(cluster) -> None:
    a, b, proxy = cluster
    first = httpx.post(f"{a.url}/api/v1/chat", json={"text": "我想办护照"}, timeout=30).json()
    assert first["service"] == "passport"
    s = first["session_id"]  # a token of worker a: worker b accepts it (one secret)
    follow = httpx.post(f"{b.url}/api/v1/chat", json={"session_id": s, "text": "要多少钱"}, timeout=30).json()
    assert follow["service"] == "passport" and follow["kind"] == "answer" and "元" in follow["answer"], follow
    # through nginx (any worker): the same, and readiness says Redis is shared
    with httpx.Client(base_url=proxy.url, timeout=30) as client:
        begun = client.post("/api/v1/chat", json={"text": "我想办护照"}).json()
        t = begun["session_id"]
        assert begun["service"] == "passport"
        assert client.post("/api/v1/chat", json={"session_id": t, "text": "要多少钱"}).json()["service"] == "passport"
        ready = client.get("/readyz").json()
        assert ready["ready"] and ready["database"] and ready["redis"] == "ok"
        too_big = client.post("/api/v1/chat", content=b"x" * (9 * 1024 * 1024), headers={"Content-Type": "application/json"})
        assert too_big.status_code == 413


def test_staff_on_one_worker_reach_a_websocket_visitor_on_the_other(cluster) -> None:
    a, b, proxy = cluster
    with connect(ws(a.url)) as visitor, httpx.Client(base_url=b.url, timeout=30) as staff:
        assert json.loads(visitor.recv(timeout=10))["type"] == "session"
        visitor.send(json.dumps({"type": "message", "text": "转人工"}))
        number = json.loads(visitor.recv(timeout=30))["ticket"]["number"]
        csrf = login(staff, STAFF)
        assert staff.post(f"/api/v1/staff/tickets/{number}/claim", headers={"X-CSRF-Token": csrf}).status_code == 200
        claimed = json.loads(visitor.recv(timeout=10))
        assert claimed["type"] == "ticket_update" and claimed["ticket"]["status"] == "claimed"
        r = staff.post(f"/api/v1/staff/tickets/{number}/reply", json={"text": "您好，请讲"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        said = json.loads(visitor.recv(timeout=10))
        assert (said["type"], said["text"], said["staff_name"]) == ("staff_message", "您好，请讲", STAFF["display_name"])
        visitor.send(json.dumps({"type": "message", "text": "好的谢谢"}))
        assert json.loads(visitor.recv(timeout=10))["silent"] is True  # the ticket is seen by worker a too
    # the WebSocket through nginx (upgrade headers)
    with connect(ws(proxy.url)) as through:
        assert json.loads(through.recv(timeout=10))["type"] == "session"
        through.send(json.dumps({"type": "message", "text": "护照多少钱"}))
        assert json.loads(through.recv(timeout=30))["service"] == "passport"


def _socketio_visitor(url: str, session_id: str | None = None) -> tuple[socketio.Client, "queue.Queue[dict]", str]:
    """A rasa-webchat-like visitor: asks for ``session_id`` and returns the one the server confirmed."""
    heard: queue.Queue[dict] = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("bot_uttered", heard.put)
    client.on("session_confirm", heard.put)
    client.connect(url, socketio_path="socket.io", wait_timeout=20)
    client.emit("session_request", {"session_id": session_id})
    confirmed = heard.get(timeout=10)["session_id"]
    assert session_id is None or confirmed == session_id
    return client, heard, confirmed


def test_staff_on_one_worker_reach_a_socketio_visitor_on_the_other(cluster) -> None:
    a, b, proxy = cluster
    s = httpx.post(f"{b.url}/api/v1/chat", json={"text": "我想办护照"}, timeout=30).json()["session_id"]  # begun on b
    visitor, heard, _ = _socketio_visitor(a.url, s)  # continued over socket.io on a
    try:
        ticket = httpx.post(f"{a.url}/api/v1/handoff", json={"session_id": s}, timeout=30).json()["ticket"]
        with httpx.Client(base_url=b.url, timeout=30) as staff:
            csrf = login(staff, STAFF)
            staff.post(f"/api/v1/staff/tickets/{ticket['number']}/claim", headers={"X-CSRF-Token": csrf}).raise_for_status()
            assert STAFF["display_name"] in heard.get(timeout=10)["text"]  # "claimed", worded for the visitor
            staff.post(f"/api/v1/staff/tickets/{ticket['number']}/reply", json={"text": "请到A05窗口"}, headers={"X-CSRF-Token": csrf}).raise_for_status()
            assert heard.get(timeout=10)["text"].endswith("请到A05窗口")
    finally:
        visitor.disconnect()
    # socket.io through nginx: the pinned upstream, polling then upgrade
    through, heard, _ = _socketio_visitor(proxy.url)
    try:
        through.emit("user_uttered", {"message": "护照多少钱"})
        assert "元" in heard.get(timeout=30)["text"]
    finally:
        through.disconnect()
