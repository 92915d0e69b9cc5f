"""Database engine, declarative base and Alembic migration entry point."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PING_IDLE_SECONDS = 5.0


class Base(DeclarativeBase):
    pass


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """``durable=False``: commits return before they reach the disk (SQLite WAL synchronous=NORMAL,
    PostgreSQL synchronous_commit=off). A killed process loses nothing either way; a power cut may lose
    the last fraction of a second of such commits, so they are only for what nobody was promised."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    relaxed = {"connect_args": {"options": "-c synchronous_commit=off"}} if not durable and url.startswith("postgresql") else {}
    engine = create_engine(url, **relaxed)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling at a lower price than pool_pre_ping (a round trip before every
    statement batch, 4 per message): a pooled connection is tested only when it has been idle more than
    PING_IDLE_SECONDS, the time in which a server restart or a cut link would go unnoticed. A failed test
    makes the pool discard it and connect afresh; a link that breaks while in use fails that one request
    (as it did before), and the whole pool is renewed."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_IDLE_SECONDS:
            return  # just connected, or in use a moment ago
        try:
            cursor = dbapi_conn.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        except Exception as exc:
            raise DisconnectionError("pooled connection is gone") from exc


def _heads() -> set[str]:
    """The newest revision ids, read from the migration files (importing Alembic costs ~0.6 s at start)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev = re.search(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", text, re.M)
        down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", text, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def _up_to_date(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # no table yet, or anything unexpected: let Alembic decide
        return False
    heads = _heads()
    return bool(heads) and current == heads


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (idempotent)."""
    if _up_to_date(engine):
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    """Engine plus session factory; the one handle the rest of the app passes around."""

    def __init__(self, url: str, *, run_migrations: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if run_migrations:
            migrate(self.engine)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._relaxed: tuple[Engine, sessionmaker[Session]] | None = None  # made on first use: its own small pool
        self._relaxed_lock = threading.Lock()

    @contextmanager
    def session(self, *, durable: bool = True) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error.

        ``durable=False`` for writes nobody is promised (conversation state, the question log): the
        commit does not wait for the disk. Tickets, ratings and bookings keep the default."""
        session = (self._factory if durable else self._relaxed_factory())()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _relaxed_factory(self) -> "sessionmaker[Session]":
        if not self.url.startswith(("sqlite:///", "postgresql")) or self.url == "sqlite:///:memory:":
            return self._factory  # an in-memory database: a second engine would be another database
        if self._relaxed is None:
            with self._relaxed_lock:
                if self._relaxed is None:
                    engine = make_engine(self.url, durable=False)
                    self._relaxed = engine, sessionmaker(engine, expire_on_commit=False)
        return self._relaxed[1]

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self.engine.dispose()
        if self._relaxed is not None:
            self._relaxed[0].dispose()
