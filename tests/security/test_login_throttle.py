"""Wrong passwords back off per account and per address; password checks run a few at a time."""

import asyncio
import concurrent.futures
import threading
import time

import pytest

from assistant.server.throttle import Busy, LoginGuard
from tests.security.conftest import client_for
from tests.utils.live import CURATOR, STAFF


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_grows_per_account_and_a_success_resets_it():
    clock = Clock()
    guard = LoginGuard(free_attempts=3, base_seconds=1, cap_seconds=60, clock=clock)
    for _ in range(3):
        assert guard.retry_after(account="wang", address="1.1.1.1") == 0
        guard.failed(account="wang", address="1.1.1.1")
    assert guard.retry_after(account="wang", address="9.9.9.9") == 1  # per account, from any address
    assert guard.retry_after(account="li", address="1.1.1.1") == 0  # another account is not locked
    guard.failed(account="WANG", address="1.1.1.1")
    assert guard.retry_after(account="wang", address="1.1.1.1") == 2  # doubles; names compared without case
    for _ in range(20):
        guard.failed(account="wang", address="1.1.1.1")
    assert guard.retry_after(account="wang", address="1.1.1.1") == 60  # capped
    clock.now += 61
    assert guard.retry_after(account="wang", address="1.1.1.1") == 0
    guard.succeeded(account="wang")
    guard.failed(account="wang", address="1.1.1.1")
    assert guard.retry_after(account="wang", address="1.1.1.1") == 0


def test_one_address_trying_many_accounts_is_slowed_too():
    clock = Clock()
    guard = LoginGuard(free_attempts=2, clock=clock)  # 40 per address
    for i in range(40):
        guard.failed(account=f"user{i}", address="6.6.6.6")
    assert guard.retry_after(account="fresh", address="6.6.6.6") > 0
    assert guard.retry_after(account="fresh", address="7.7.7.7") == 0


def test_password_checks_are_bounded_and_a_flood_is_refused():
    guard = LoginGuard(concurrent=2, max_waiting=10)
    running, peak, lock = [0], [0], threading.Lock()

    def check():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return True

    async def flood():
        return await asyncio.gather(*(guard.check(check) for _ in range(16)), return_exceptions=True)

    # its own thread: a session-wide browser fixture may already run an event loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        results = pool.submit(asyncio.run, flood()).result()
    assert peak[0] == 2
    assert sum(r is True for r in results) == 10 and sum(isinstance(r, Busy) for r in results) == 6


def test_the_right_password_after_many_wrong_ones_is_refused_for_a_while(make_server):
    server = make_server(login_free_attempts=5)
    with client_for(server) as c:
        for _ in range(5):
            assert c.post("/api/v1/staff/login", json={"name": STAFF["name"], "password": "wrong-password"}).status_code == 401
        r = c.post("/api/v1/staff/login", json={"name": STAFF["name"], "password": STAFF["password"]})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "try again in" in r.json()["detail"]
        # another account from the same address still logs in
        assert c.post("/api/v1/staff/login", json={"name": CURATOR["name"], "password": CURATOR["password"]}).status_code == 200


@pytest.mark.parametrize("body", [{}, {"name": "", "password": "x"}, {"name": "x" * 500, "password": "x"}, {"name": 5, "password": []}])
def test_bad_login_bodies_get_a_clear_422(make_server, body):
    server = make_server()
    with client_for(server) as c:
        r = c.post("/api/v1/staff/login", json=body)
        assert r.status_code == 422 and r.json()["detail"]
