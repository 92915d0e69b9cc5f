"""A live server of its own per test (own settings, own database), sharing the session's trained engine."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from assistant.db import Database
from assistant.server.app import UVICORN_OPTIONS, create_app
from assistant.accounts.service import add_user
from tests.utils.live import USERS, LiveServer, free_port


def start_server(settings, engine, **kwargs) -> LiveServer:
    """Like tests.utils.live.start_server, but with the uvicorn options `assistant serve` uses."""
    port = free_port()
    server = LiveServer(create_app(settings, engine=engine, **kwargs), port)
    config = uvicorn.Config(server.server.config.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **UVICORN_OPTIONS)
    server.server = uvicorn.Server(config)
    server.thread = threading.Thread(target=server.server.run, daemon=True)
    return server.start()


@pytest.fixture
def make_server(trained_settings, engine, tmp_path) -> Iterator:
    started = []

    def make(database_url: str | None = None, *, rate_limit: int = 100_000, **updates):
        data_dir = updates.pop("data_dir", tmp_path / f"data{len(started)}")
        url = database_url or f"sqlite:///{data_dir / 'assistant.db'}"
        settings = trained_settings.model_copy(update={"database_url": url, "data_dir": data_dir, **updates})
        db = Database(url)
        with db.session() as s:
            for user in USERS:
                add_user(s, **user)
        db.dispose()
        server = start_server(settings, engine, rate_limit=rate_limit)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def client_for(server) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=60)
