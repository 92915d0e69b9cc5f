"""`assistant serve`."""

from __future__ import annotations

import argparse
import os
import sys

from assistant.config import Settings, get_settings


def workers_refusal(settings: Settings, workers: int) -> str | None:
    """Why this configuration cannot run several worker processes, or None. Each worker holds its own
    connections and counts, so everything they share must live outside them."""
    if workers < 1:
        return "--workers must be at least 1"
    if workers == 1:
        return None
    missing = []
    if settings.session_store != "database":
        missing.append("conversations must be kept in the database (unset ASSISTANT_SESSION_STORE=memory)")
    if settings.database_url.startswith("sqlite"):
        missing.append(
            "the database is SQLite, one file that one writer at a time can change: workers would queue on it and "
            "it cannot be shared by a second machine; use PostgreSQL (ASSISTANT_DATABASE_URL=postgresql+psycopg2://...)"
        )
    if not settings.redis_url:
        missing.append(
            "Redis is not configured (ASSISTANT_REDIS_URL=redis://127.0.0.1:6379/0): without it a staff reply reaches only "
            "visitors connected to the same worker, and each worker counts rate limits on its own"
        )
    if not missing:
        return None
    return f"refusing --workers {workers}: " + "; ".join(missing) + ". Run one worker, or see docs/deployment.md."


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.server.app import UVICORN_OPTIONS, create_app

    settings = get_settings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
        os.environ["ASSISTANT_DATABASE_URL"] = args.database_url  # worker processes read the environment
    host, port = args.host or settings.host, args.port or settings.port
    refusal = workers_refusal(settings, args.workers)
    if refusal:
        print(refusal, file=sys.stderr)
        return 2
    if args.workers > 1:
        # each worker process builds its own app (and loads the models: memory grows with N)
        print(f"serving on http://{host}:{port} with {args.workers} workers", file=sys.stderr)
        uvicorn.run("assistant.server.app:app_from_environment", factory=True, host=host, port=port, workers=args.workers,
                    log_level=args.log_level, **UVICORN_OPTIONS)  # fmt: skip
        return 0
    try:
        app = create_app(settings)
    except ValueError as exc:  # e.g. a bad ASSISTANT_TRUSTED_PROXIES entry: say so, no traceback
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    docs = "API docs /docs" if settings.docs_enabled else "API docs off (ASSISTANT_API_DOCS=1)"
    print(f"serving on http://{host}:{port}  (widget demo /, staff console /staff, {docs})", file=sys.stderr)
    # uvicorn's access log gets a filter in create_app: paths only, never query strings
    uvicorn.run(app, host=host, port=port, log_level=args.log_level, **UVICORN_OPTIONS)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run the HTTP server (chat API, widget, staff console, Rasa channels)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--log-level", default="info")
    p.add_argument("--workers", type=int, default=1, help="worker processes (N > 1 needs PostgreSQL and Redis)")
    p.set_defaults(func=cmd_serve)
