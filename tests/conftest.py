from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from assistant.db import Database
from assistant.accounts.service import add_user
from tests.utils.live import USERS, start_server
from tests.utils.postgres import reset_postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge base."""
    dest = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dest)
    return dest


def _postgres_url() -> str | None:
    url = os.environ.get("ASSISTANT_TEST_POSTGRES_URL")
    if not url and os.environ.get("ASSISTANT_REQUIRE_POSTGRES") == "1":
        pytest.fail("ASSISTANT_REQUIRE_POSTGRES=1 but ASSISTANT_TEST_POSTGRES_URL is not set")
    if url and not url.strip().startswith("postgresql"):
        pytest.fail(f"ASSISTANT_TEST_POSTGRES_URL is not a PostgreSQL URL: {url!r}")
    return url.strip() if url else None




@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: SQLite in a temp dir, and PostgreSQL when the test run has one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url = _postgres_url()
    if not url:
        pytest.skip("no PostgreSQL: set ASSISTANT_TEST_POSTGRES_URL (./test does)")
    reset_postgres(url)
    yield url


def required(what: str, env: str) -> None:
    """Skip a test that needs a service this machine lacks, but fail it where CI promised the service."""
    if os.environ.get(env) == "1":
        pytest.fail(f"{env}=1 but {what} is not available")
    pytest.skip(f"no {what} (./test starts it when installed)")


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis (ASSISTANT_TEST_REDIS_URL, started by ./test), emptied for the test."""
    url = os.environ.get("ASSISTANT_TEST_REDIS_URL", "").strip()
    if not url:
        required("Redis: set ASSISTANT_TEST_REDIS_URL", "ASSISTANT_REQUIRE_REDIS")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        required(f"Redis at {url} ({exc})", "ASSISTANT_REQUIRE_REDIS")
    finally:
        client.close()
    return url


@pytest.fixture(scope="session")
def trained_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings with a data dir holding the imported sample knowledge and trained models (once per run)."""
    from assistant.config import Settings
    from assistant.engine import Engine

    data = tmp_path_factory.mktemp("data")
    reuse = os.environ.get("ASSISTANT_TEST_TRAINED_DIR")  # a developer's shortcut: a data dir trained before
    if reuse and (Path(reuse) / "models" / "intent" / "params.json").exists():
        shutil.copytree(reuse, data, dirs_exist_ok=True)
    settings = Settings(data_dir=data, knowledge_dir=KNOWLEDGE, training_dir=ROOT / "training")
    Engine.load(settings, log=lambda _msg: None)  # imports and trains
    return settings


@pytest.fixture(scope="session")
def engine(trained_settings):
    from assistant.engine import Engine

    return Engine.load(trained_settings, log=lambda _msg: None)


@pytest.fixture(scope="session")
def assistant(trained_settings, engine):
    """The one entry over the trained engine and the run's database (tickets are real)."""
    from assistant.service import Assistant, open_desks
    from assistant.storage import DatabaseStorage

    db = Database(trained_settings.database_url)
    bookings, cases = open_desks(trained_settings, db, engine)
    yield Assistant(engine, DatabaseStorage(db, lambda gid: engine.kb.guides.get(gid or "")), bookings=bookings, cases=cases)
    db.dispose()


@pytest.fixture(scope="session")
def staff_users(trained_settings):
    db = Database(trained_settings.database_url)
    with db.session() as s:
        for user in USERS:
            try:
                add_user(s, **user)
            except ValueError:
                pass
    db.dispose()


@pytest.fixture(scope="session")
def live(trained_settings, engine, staff_users):
    server = start_server(trained_settings, engine, rate_limit=100_000)
    yield server
    server.stop()


@pytest.fixture
def client(live):
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c
