"""What routes receive: the application state, parsed from app.state, as annotated dependencies."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Annotated, Iterator

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from assistant.config import Settings
from assistant.curation.rebuild import Rebuilder
from assistant.db import Database
from assistant.engine import Engine
from assistant.server.binding import Binding
from assistant.server.hub import Hub
from assistant.server.origins import Origins
from assistant.server.ratelimit import RateLimiter, RedisRateLimiter, TrustedProxies, connection_address
from assistant.server.throttle import LoginGuard
from assistant.service import Assistant


@dataclass
class AppState:
    settings: Settings
    db: Database
    engine: Engine
    assistant: Assistant
    hub: Hub
    limiter: RateLimiter | RedisRateLimiter  # messages per address and minute, every channel
    rebuilder: Rebuilder
    sockets: RateLimiter | RedisRateLimiter = field(default_factory=lambda: RateLimiter(60, 60))  # new WebSocket/socket.io connections per address and minute
    binding: Binding = field(default_factory=lambda: Binding(secrets.token_urlsafe(48)))  # conversation tokens
    origins: Origins = field(default_factory=lambda: Origins(()))  # pages that may open a live connection
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
    # one budget per address for every channel (WebSocket and socket.io messages count here too);
    # opening a ticket has its own limit, counted by the service whichever channel asks
    if not state.limiter.allow(state.address(request)):
        raise HTTPException(429, "too many messages; please wait a moment", headers={"Retry-After": "60"})


StateDep = Annotated[AppState, Depends(get_state)]


def db_session(state: StateDep) -> Iterator[Session]:
    """One database session per request, committed when the handler returns and before the response
    is sent (scope "function"): a client is never told "saved" for work that failed to commit."""
    with state.db.session() as session:
        yield session


DbDep = Annotated[Session, Depends(db_session, scope="function")]

