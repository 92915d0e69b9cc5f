"""Body limit, one rating per answer or closed ticket, security headers, docs off in production, CORS."""

import re
import socket
from pathlib import Path

import pytest

from tests.security.conftest import client_for
from tests.utils.live import STAFF, login

STATIC = Path(__file__).resolve().parents[2] / "assistant" / "server"


def test_a_body_over_the_limit_is_refused_before_parsing(make_server):
    server = make_server(max_body_bytes=64 * 1024)
    with client_for(server) as c:
        big = c.post("/api/v1/chat", content=b'{"text": "' + b"x" * 100_000 + b'"}', headers={"Content-Type": "application/json"})
        assert big.status_code == 413 and "too large" in big.json()["detail"] and "64 KB" in big.json()["detail"]
        chunked = c.post("/api/v1/chat", content=iter([b'{"text": "', b"x" * 70_000, b'"}']), headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413
        assert c.post("/api/v1/chat", json={"text": "你好"}).status_code == 200


def test_a_lying_content_length_is_a_clear_error(make_server):
    server = make_server()
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{}")
        assert b" 413 " in sock.recv(4096).split(b"\r\n")[0] + b" "


def test_control_characters_in_the_address_are_refused(make_server):
    server = make_server()
    with client_for(server) as c:
        for path in ("/api/v1/search?q=%00", "/api/v1/guides/%00", "/api/v1/staff/tickets/A%001"):
            r = c.get(path)
            assert r.status_code == 400 and "control characters" in r.json()["detail"]


def test_an_open_ticket_cannot_be_rated_and_a_closed_one_only_once(make_server):
    server = make_server()
    with client_for(server) as visitor, client_for(server) as staff:
        opened = visitor.post("/api/v1/handoff", json={}).json()
        number, s = opened["ticket"]["number"], opened["session_id"]
        early = visitor.post("/api/v1/ratings", json={"session_id": s, "ticket_number": number, "score": 5})
        assert early.status_code == 409 and "still open" in early.json()["detail"]
        csrf = login(staff, STAFF)
        assert staff.post(f"/api/v1/staff/tickets/{number}/close", json={"outcome": "已解答"}, headers={"X-CSRF-Token": csrf}).status_code == 200
        codes = [visitor.post("/api/v1/ratings", json={"session_id": s, "ticket_number": number, "score": 4}).status_code for _ in range(6)]
        assert codes == [201] + [409] * 5
        again = visitor.post("/api/v1/ratings", json={"session_id": s, "ticket_number": number, "score": 1})
        assert "already been rated" in again.json()["detail"]


def test_every_html_page_has_security_headers_and_the_consoles_cannot_be_framed(make_server):
    server = make_server()
    with client_for(server) as c:
        for path in ("/", "/guides/passport", "/staff", "/curator"):
            r = c.get(path)
            assert r.status_code == 200, path
            csp = r.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
            assert r.headers["x-content-type-options"] == "nosniff"
            framed = "frame-ancestors 'none'" in csp
            assert framed == (path in ("/staff", "/curator")), path
        widget = c.get("/static/widget.js")
        assert widget.status_code == 200 and widget.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors" not in widget.headers.get("content-security-policy", "")
        assert c.get("/api/v1/guides").headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("page", ["static/index.html", "static/staff.html", "static/curator.html", "templates/guide.html"])
def test_pages_have_no_inline_script(page):
    html = (STATIC / page).read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.DOTALL | re.IGNORECASE)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE) and "javascript:" not in html


def test_docs_are_off_in_production_unless_enabled(make_server):
    key = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
    off = make_server(environment="production", secret_key=key)
    on = make_server(environment="production", secret_key=key, api_docs=True)
    dev = make_server()
    with client_for(off) as a, client_for(on) as b, client_for(dev) as d:
        assert a.get("/docs").status_code == 404 and a.get("/openapi.json").status_code == 404
        assert b.get("/docs").status_code == 200 and b.get("/openapi.json").status_code == 200
        assert d.get("/openapi.json").status_code == 200


def test_cors_allows_only_the_configured_origins(make_server):
    server = make_server(cors_origins="https://city.example, https://hall.example")
    with client_for(server) as c:
        pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        ok = c.options("/api/v1/chat", headers={"Origin": "https://city.example", **pre})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://city.example"
        assert "access-control-allow-credentials" not in ok.headers  # never the staff cookie
        bad = c.options("/api/v1/chat", headers={"Origin": "https://evil.example", **pre})
        assert "access-control-allow-origin" not in bad.headers
        plain = c.post("/api/v1/chat", json={"text": "你好"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in plain.headers
