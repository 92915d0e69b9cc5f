"""Per-address limits that a client cannot dodge by writing X-Forwarded-For; handoffs limited apart."""

import uuid

from assistant.server.ratelimit import TrustedProxies, client_address
from tests.security.conftest import client_for


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
        codes = [c.post("/api/v1/handoff", json={"session_id": uuid.uuid4().hex}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.post("/api/v1/handoff", json={"session_id": uuid.uuid4().hex})
        assert "information desk" in r.json()["detail"] and r.headers["retry-after"]
        assert c.post("/api/v1/chat", json={"text": "身份证丢了怎么办"}).status_code == 200  # chatting still works
