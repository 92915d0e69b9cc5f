"""What routes receive: the application state, parsed from app.state, as annotated dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.requests import HTTPConnection

from assistant.config import Settings
from assistant.curation.rebuild import Rebuilder
from assistant.db import Database
from assistant.engine import Engine
from assistant.server.hub import Hub
from assistant.server.ratelimit import RateLimiter
from assistant.service import Assistant


@dataclass
class AppState:
    settings: Settings
    db: Database
    engine: Engine
    assistant: Assistant
    hub: Hub
    limiter: RateLimiter
    rebuilder: Rebuilder


def get_state(conn: HTTPConnection) -> AppState:
    return conn.app.state.assistant


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limited(request: Request, state: Annotated[AppState, Depends(get_state)]) -> None:
    if not state.limiter.allow(client_key(request)):
        raise HTTPException(429, "too many messages; please wait a moment")


StateDep = Annotated[AppState, Depends(get_state)]
