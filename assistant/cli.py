"""`assistant` command line: serve | ask | train | eval | kb ... | users ... | kiosk | rasa ... | records ... (speed: `python -m benchmarks.speed`)"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from assistant.config import get_settings

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    get_settings()  # a bad setting fails here, as a clear message (see main)
    parser = argparse.ArgumentParser(prog="assistant", description="Government service hall assistant")
    parser.add_argument("--database-url", default="", help="SQLAlchemy URL (default: ASSISTANT_DATABASE_URL or SQLite in the data dir)")
    sub = parser.add_subparsers(dest="command", required=True)

    from assistant.commands import kb, rasa, records, server, understanding, users

    kb.register(sub)
    understanding.register(sub)
    records.register(sub)
    rasa.register(sub)
    server.register(sub)
    users.register(sub)
    from kiosk import cli as kiosk_cli

    kiosk_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    try:
        parser = build_parser()
    except ValidationError as exc:  # a bad setting is a clear message at start-up, not a traceback
        for err in exc.errors():
            print(f"configuration error: {err['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
