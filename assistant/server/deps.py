"""What routes receive: the application state, parsed from app.state, as annotated dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Iterator

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from assistant.config import Settings
from assistant.curation.rebuild import Rebuilder
from assistant.db import Database
from assistant.engine import Engine
from assistant.server.hub import Hub
from assistant.server.ratelimit import RateLimiter, RedisRateLimiter, TrustedProxies, connection_address
from assistant.server.throttle import LoginGuard
from assistant.service import Assistant

HANDOFF_PATH = "/api/v1/handoff"


@dataclass
class AppState:
    settings: Settings
    db: Database
    engine: Engine
    assistant: Assistant
    hub: Hub
    limiter: RateLimiter | RedisRateLimiter  # messages per address and minute, every channel
    rebuilder: Rebuilder
    handoffs: RateLimiter | RedisRateLimiter = field(default_factory=lambda: RateLimiter(10, 3600))  # tickets per address and hour
    logins: LoginGuard = field(default_factory=LoginGuard)
    proxies: TrustedProxies = field(default_factory=TrustedProxies)

    def address(self, conn: HTTPConnection) -> str:
        """The client's address for limits (forwarded-for believed only from configured proxies)."""
        return connection_address(conn, self.proxies)


def get_state(conn: HTTPConnection) -> AppState:
    return conn.app.state.assistant


def client_key(request: Request) -> str:
    return get_state(request).address(request)


def rate_limited(request: Request, state: Annotated[AppState, Depends(get_state)]) -> None:
    address = state.address(request)
    if not state.limiter.allow(address):
        raise HTTPException(429, "too many messages; please wait a moment", headers={"Retry-After": "60"})
    # opening a ticket is limited on its own: each one puts a person to work
    if request.url.path == HANDOFF_PATH and not state.handoffs.allow(address):
        raise HTTPException(429, "too many requests for a person from this address; please ask at the information desk",
                            headers={"Retry-After": "3600"})  # fmt: skip


StateDep = Annotated[AppState, Depends(get_state)]


def db_session(state: StateDep) -> Iterator[Session]:
    """One database session per request, committed when the handler returns and before the response
    is sent (scope "function"): a client is never told "saved" for work that failed to commit."""
    with state.db.session() as session:
        yield session


DbDep = Annotated[Session, Depends(db_session, scope="function")]

