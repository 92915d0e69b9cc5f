"""kill -9 a server process during a bounded load of chats, handoffs and ratings; after a restart every
acknowledged ticket and rating is in the database and conversations in progress continue (SQLite in
WAL mode, and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _postgres_url, required
from tests.utils.postgres import reset_postgres
from tests.utils.cluster import Worker, copy_data_dir, worker_env

pytestmark = pytest.mark.slow


class Load:
    """Visitors in threads: ask, then either rate the answer or ask for a person. Records only what
    the server acknowledged (a 2xx with the id in hand)."""

    def __init__(self, url: str, visitors: int = 4) -> None:
        self.url, self.visitors = url, visitors
        self.asked: list[str] = []  # sessions whose "我想办护照" was answered, with no ticket after
        self.tickets: list[str] = []
        self.ratings: list[int] = []
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._visitor, args=(i,), daemon=True) for i in range(visitors)]

    def _visitor(self, n: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            round_ = 0
            while not self.stop.is_set():
                round_ += 1
                try:
                    answer = client.post("/api/v1/chat", json={"text": "我想办护照"})
                    if answer.status_code != 200:
                        continue
                    s = answer.json()["session_id"]  # the server's token for this conversation
                    if (n + round_) % 2:
                        r = client.post("/api/v1/ratings", json={"session_id": s, "message_id": answer.json()["message_id"], "score": 4})
                        if r.status_code == 201:
                            with self._lock:
                                self.ratings.append(r.json()["id"])
                                self.asked.append(s)
                    else:
                        r = client.post("/api/v1/handoff", json={"session_id": s})
                        if r.status_code == 200:
                            with self._lock:
                                self.tickets.append(r.json()["ticket"]["number"])
                except httpx.HTTPError:
                    time.sleep(0.05)  # the server is gone: keep trying until told to stop

    def __enter__(self) -> "Load":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_kill_9_loses_nothing_acknowledged(trained_settings, tmp_path: Path, backend: str) -> None:
    if backend == "postgres":
        url = _postgres_url()
        if not url:
            required("PostgreSQL: set ASSISTANT_TEST_POSTGRES_URL", "ASSISTANT_REQUIRE_POSTGRES")
        reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path / 'hall.db'}"
    env = worker_env(copy_data_dir(Path(trained_settings.data_dir), tmp_path / "data"), url)
    worker = Worker(env, tmp_path, "victim").start()
    try:
        with Load(worker.url) as load:
            deadline = time.time() + 60
            while (len(load.tickets) < 8 or len(load.ratings) < 8) and time.time() < deadline:
                time.sleep(0.1)
            worker.kill()  # in the middle of the load: requests are in flight
            acked_tickets, acked_ratings, asked = list(load.tickets), list(load.ratings), list(load.asked)
        assert len(acked_tickets) >= 8 and len(acked_ratings) >= 8, "the load did not get going"
        again = Worker(env, tmp_path, "restarted").start()
        try:
            db = create_engine(url)
            with db.connect() as conn:
                numbers = set(conn.execute(text("SELECT number FROM tickets")).scalars())
                rating_ids = set(conn.execute(text("SELECT id FROM ratings")).scalars())
            db.dispose()
            assert set(acked_tickets) <= numbers, set(acked_tickets) - numbers
            assert set(acked_ratings) <= rating_ids, set(acked_ratings) - rating_ids
            with httpx.Client(base_url=again.url, timeout=30) as client:
                for s in asked[:6]:
                    follow = client.post("/api/v1/chat", json={"session_id": s, "text": "要多少钱"}).json()
                    assert follow["service"] == "passport" and follow["kind"] == "answer", follow
        finally:
            again.stop()
    finally:
        worker.kill()
