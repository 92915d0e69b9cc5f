"""Staff sessions live on the server: logout and deactivation end them at once; no public secret signs."""

import base64
import json

import httpx
import pytest
from itsdangerous import TimestampSigner
from pydantic import ValidationError

from assistant.config import DEV_SECRET, SECRET_FILE, Settings, session_secret
from tests.security.conftest import client_for
from tests.utils.live import ADMIN, STAFF, login


def _forge(secret: str, payload: dict) -> str:
    """A cookie exactly as Starlette's SessionMiddleware signs one."""
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(secret).sign(data).decode()


def test_a_cookie_replayed_after_logout_is_refused(make_server):
    server = make_server()
    with client_for(server) as c:
        csrf = login(c, STAFF)
        cookie = c.cookies.get("hall_staff")
        assert c.get("/api/v1/staff/me").status_code == 200
        assert c.post("/api/v1/staff/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    with httpx.Client(base_url=server.url, cookies={"hall_staff": cookie}) as replay:
        r = replay.get("/api/v1/staff/me")
        assert r.status_code == 401 and "log in again" in r.json()["detail"]
        assert replay.get("/api/v1/staff/tickets").status_code == 401


def test_deactivation_ends_the_session_at_once(make_server):
    server = make_server()
    with client_for(server) as staff, client_for(server) as admin:
        login(staff, STAFF)
        assert staff.get("/api/v1/staff/tickets").status_code == 200
        csrf = login(admin, ADMIN)
        r = admin.post(f"/api/v1/admin/users/{STAFF['name']}/active", json={"active": False}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        assert staff.get("/api/v1/staff/tickets").status_code == 401
        assert staff.post("/api/v1/staff/login", json={"name": STAFF["name"], "password": STAFF["password"]}).status_code == 401
        assert admin.post("/api/v1/admin/users/nobody/active", json={"active": False}, headers={"X-CSRF-Token": csrf}).status_code == 404
        assert admin.post(f"/api/v1/admin/users/{STAFF['name']}/active", json={"active": "maybe"}, headers={"X-CSRF-Token": csrf}).status_code == 422


def test_a_cookie_forged_with_the_public_dev_secret_or_the_real_one_is_refused(make_server):
    server = make_server()
    ghost = {"user": "ghost", "role": "admin", "display": "ghost", "window": None, "csrf": "x"}
    real_secret = (server_data_dir(server) / SECRET_FILE).read_text().strip()
    for secret in (DEV_SECRET, real_secret):
        for payload in (ghost, {"sid": "guessed-token"}):
            with httpx.Client(base_url=server.url, cookies={"hall_staff": _forge(secret, payload)}) as c:
                assert c.get("/api/v1/admin/users").status_code == 401


def server_data_dir(server):
    return server.server.config.app.other_asgi_app.state.assistant.settings.data_dir


def test_without_a_configured_secret_one_is_generated_and_kept(tmp_path):
    settings = Settings(data_dir=tmp_path / "d")
    first = session_secret(settings)
    assert len(first) >= 32 and first != DEV_SECRET
    assert session_secret(Settings(data_dir=tmp_path / "d")) == first  # kept across restarts
    assert ((tmp_path / "d" / SECRET_FILE).stat().st_mode & 0o077) == 0  # readable by the owner only
    assert session_secret(Settings(data_dir=tmp_path / "other")) != first


@pytest.mark.parametrize("secret", ["x", "short-secret", "a" * 64, DEV_SECRET])
def test_a_short_or_trivial_configured_secret_stops_the_start(secret):
    with pytest.raises(ValidationError, match="long random string"):
        Settings(secret_key=secret, environment="production")


def test_the_fixed_development_secret_only_when_asked_for_in_development(tmp_path):
    assert session_secret(Settings(data_dir=tmp_path, dev_fixed_secret=True)) == DEV_SECRET
    assert session_secret(Settings(data_dir=tmp_path)) != DEV_SECRET
    with pytest.raises(ValidationError, match="only allowed"):
        Settings(data_dir=tmp_path, dev_fixed_secret=True, environment="production")
    good = "k3Y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
    assert session_secret(Settings(secret_key=good, environment="production")) == good
