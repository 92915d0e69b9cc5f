"""`assistant serve --workers N` refuses N > 1 unless the state the workers share lives outside them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assistant.commands.server import workers_refusal
from assistant.config import Settings

PG = "postgresql+psycopg2://u:p@db/hall"


@pytest.mark.parametrize("workers", [0, -3])
def test_nonsense_counts_are_refused(tmp_path, workers) -> None:
    assert "at least 1" in workers_refusal(Settings(data_dir=tmp_path), workers)


def test_one_worker_needs_nothing(tmp_path) -> None:
    assert workers_refusal(Settings(data_dir=tmp_path), 1) is None


def test_sqlite_and_no_redis_are_each_named(tmp_path) -> None:
    message = workers_refusal(Settings(data_dir=tmp_path), 2)
    assert "SQLite" in message and "ASSISTANT_REDIS_URL" in message and "docs/deployment.md" in message
    only_redis = workers_refusal(Settings(data_dir=tmp_path, database_url=PG), 2)
    assert "SQLite" not in only_redis and "Redis is not configured" in only_redis
    memory = workers_refusal(Settings(data_dir=tmp_path, database_url=PG, redis_url="redis://r", session_store="memory"), 4)
    assert "ASSISTANT_SESSION_STORE" in memory


def test_shared_database_and_redis_are_accepted(tmp_path) -> None:
    assert workers_refusal(Settings(data_dir=tmp_path, database_url=PG, redis_url="redis://r:6379/0"), 4) is None


def test_the_command_refuses_plainly(tmp_path) -> None:
    env = {"ASSISTANT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    import os

    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, "-m", "assistant", "serve", "--workers", "2"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "refusing --workers 2" in done.stderr and "Traceback" not in done.stderr


def test_nginx_closes_idle_worker_connections_before_the_worker_does() -> None:
    """A worker that closes an idle keep-alive connection while nginx sends a request down it makes a
    502 of a POST (seen in the open-loop load benchmark): nginx's upstream idle time must be shorter."""
    import re
    from pathlib import Path

    from assistant.server.app import UVICORN_OPTIONS

    site = (Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream hall_app \{(.*?)\}", site, re.S).group(1)
    nginx_idle = re.search(r"^\s*keepalive_timeout (\d+)s;", upstream, re.M)
    assert re.search(r"^\s*keepalive \d+;", upstream, re.M) and nginx_idle, "keep-alive to the workers, with its idle time"
    assert int(nginx_idle.group(1)) + 10 <= UVICORN_OPTIONS["timeout_keep_alive"]
