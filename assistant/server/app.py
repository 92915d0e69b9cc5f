"""The ASGI application: wires settings, engine, routers, static files and the socket.io channel."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from assistant import __version__
from assistant.config import Settings, get_settings, session_secret
from assistant.curation.rebuild import Rebuilder
from assistant.db import Database
from assistant.engine import Engine, Paths
from assistant.privacy import set_public_numbers
from assistant.server import accesslog
from assistant.server.deps import AppState
from assistant.server.binding import Binding
from assistant.server.hub import Hub
from assistant.server.origins import Origins
from assistant.server.middleware import BodyLimit, SecurityHeaders
from assistant.server.ratelimit import TrustedProxies, make_limiter
from assistant.server.routes import (
    accounts, appointments, chat, curation, guides, health, knowledge, pages, rasa, records, review, sessions, tickets, words,
)  # fmt: skip
from assistant.server.socketio_channel import SocketIOMount
from assistant.server.throttle import LoginGuard
from assistant.service import Assistant, Refused, open_desks
from assistant.storage import DatabaseStorage, Unavailable
from assistant.understanding.vectors import terminal_bar

log = logging.getLogger("assistant.server")
# how uvicorn must run this app: uvicorn's own proxy-header handling believes X-Forwarded-For from
# loopback by default (rotating it dodged every limit); the app reads it itself, from configured proxies only
# timeout_keep_alive: an idle connection is kept longer than a proxy keeps its idle upstream connections
# (deploy/nginx.conf: 60 s; most load balancers 60 s). With uvicorn's 5 s, nginx sometimes sent a request
# down a connection the worker was closing that instant: "connection reset by peer", and a 502 for a
# POST that nginx may not send again (the open-loop load benchmark hit it about once in 500 requests)
UVICORN_OPTIONS: dict[str, Any] = {"proxy_headers": False, "server_header": False, "timeout_keep_alive": 75}
STATIC = Path(__file__).resolve().parent / "static"
HANDOFF_WINDOW = 3600  # ASSISTANT_HANDOFF_LIMIT_PER_HOUR


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"] if p not in ("body", "query", "path"))
        parts.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return "; ".join(parts) or "invalid request"


def create_app(settings: Settings | None = None, *, engine: Engine | None = None, rate_limit: int | None = None) -> Any:
    settings = settings or get_settings()
    rate_limit = rate_limit or settings.rate_limit_per_minute
    proxies = TrustedProxies(settings.list_of(settings.trusted_proxies))  # a bad entry stops the start, clearly
    secret = session_secret(settings)
    binding = Binding(secret)  # conversation tokens: the same secret, so every worker accepts them
    origins = Origins(settings.list_of(settings.cors_origins))  # pages that may open a live connection
    accesslog.install()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        # a fresh index (e5 over every passage) shows a bar on a terminal; an interrupted one resumes
        eng = engine or Engine.load(settings, db=db, log=log.info, progress=terminal_bar("index: e5 passages"))
        hub = Hub(settings.redis_url)
        await hub.start()
        paths = Paths.of(settings)
        rebuilder = Rebuilder(eng, db, paths.models, paths.cache, templates=settings.training_dir / "templates.yml", base_encoder=settings.encoder_path)
        bookings, cases = open_desks(settings, db, eng)
        # tickets per address and hour: counted by the service, so every channel that can open one is limited alike
        handoffs = make_limiter(settings.handoff_limit_per_hour, HANDOFF_WINDOW, settings.redis_url, name="handoffs")
        assistant = Assistant(eng, DatabaseStorage(db, lambda gid: eng.kb.guides.get(gid or "")), bookings=bookings, cases=cases,
                              handoff_limit=handoffs.allow, handoff_window=HANDOFF_WINDOW)  # fmt: skip
        # the hall's own phone numbers stay readable in transcripts; a visitor's are masked
        set_public_numbers(n for g in eng.kb.guides.values() for n in (g.phone, g.complaint_phone))
        app.state.assistant = AppState(
            settings, db, eng, assistant, hub, make_limiter(rate_limit, 60, settings.redis_url, name="messages"), rebuilder,
            proxies=proxies, sockets=make_limiter(rate_limit, 60, settings.redis_url, name="sockets"),
            logins=LoginGuard(free_attempts=settings.login_free_attempts, concurrent=settings.login_concurrent_checks),
            binding=binding, origins=origins,
        )  # fmt: skip
        yield
        await hub.stop()
        db.dispose()

    app = FastAPI(
        title="示例市政务服务中心 智能导办 API",
        version=__version__,
        description="Chat, guides, handoff to a window, ratings. Sample data of the fictional city 示例市.",
        lifespan=lifespan,
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url="/redoc" if settings.docs_enabled else None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
    )
    app.add_middleware(
        SessionMiddleware, secret_key=secret, session_cookie="hall_staff", same_site="strict",
        https_only=settings.environment != "development", max_age=int(settings.staff_session_hours * 3600),
    )  # fmt: skip
    cors = settings.list_of(settings.cors_origins)
    if cors:  # the widget on another site calls the public API; no credentials, so never the staff API
        app.add_middleware(CORSMiddleware, allow_origins=cors, allow_methods=["GET", "POST"], allow_headers=["Content-Type"], allow_credentials=False)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Refused)
    async def refused(_request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Unavailable)
    async def unavailable(_request: Request, exc: Unavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def crash(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error")
        return JSONResponse({"detail": "内部错误，请稍后再试 / internal error, please try again"}, status_code=500)

    routers = (health.router, chat.router, sessions.router, guides.router, rasa.router, accounts.router, accounts.users, tickets.router,
               curation.router, review.router, records.router, knowledge.router, appointments.router, appointments.cases,
               appointments.staff, words.router, pages.router)  # fmt: skip
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return SocketIOMount(app, lambda: app.state.assistant, redis_url=settings.redis_url)


def app_from_environment() -> Any:
    """The app of the environment's settings: what each worker process of `assistant serve --workers N` runs."""
    return create_app(get_settings())
