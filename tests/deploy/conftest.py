"""A real deployment: worker processes on one PostgreSQL and one Redis, behind nginx with the shipped
config. Needs PostgreSQL, Redis and nginx (./test starts the first two; setup --dev installs all)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.db import Database
from assistant.accounts.service import add_user
from tests.conftest import _postgres_url, required
from tests.utils.postgres import reset_postgres
from tests.utils.cluster import Nginx, Worker, copy_data_dir, worker_env
from tests.utils.live import STAFF


def services() -> tuple[str, str]:
    url = _postgres_url()
    if not url:
        required("PostgreSQL: set ASSISTANT_TEST_POSTGRES_URL", "ASSISTANT_REQUIRE_POSTGRES")
    redis_url = os.environ.get("ASSISTANT_TEST_REDIS_URL", "").strip()
    if not redis_url:
        required("Redis: set ASSISTANT_TEST_REDIS_URL", "ASSISTANT_REQUIRE_REDIS")
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as exc:
        required(f"Redis at {redis_url} ({exc})", "ASSISTANT_REQUIRE_REDIS")
    return url, redis_url


@pytest.fixture(scope="module")
def cluster(trained_settings, tmp_path_factory):
    """Two workers (started one after the other: the first imports the knowledge) and nginx."""
    if not shutil.which("nginx"):
        required("nginx (apt-get install nginx; scripts/setup --dev does)", "ASSISTANT_REQUIRE_REDIS")
    pg, redis_url = services()
    reset_postgres(pg)
    work = tmp_path_factory.mktemp("cluster")
    env = worker_env(copy_data_dir(Path(trained_settings.data_dir), work / "data"), pg, redis_url)
    workers = [Worker(env, work, "worker-a"), Worker(env, work, "worker-b")]
    proxy = Nginx(workers, work / "nginx")
    try:
        for w in workers:
            w.start()
        db = Database(pg)
        with db.session() as s:
            add_user(s, **STAFF)
        db.dispose()
        proxy.start()
        yield workers[0], workers[1], proxy
    finally:
        proxy.stop()
        for w in workers:
            w.stop()
