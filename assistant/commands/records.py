"""`assistant records purge`: delete chat logs and transcripts older than the retention period."""

from __future__ import annotations

import argparse
import sys

from assistant.config import get_settings


def cmd_purge(args: argparse.Namespace) -> int:
    from assistant.db import Database
    from assistant.records.retention import purge

    settings = get_settings()
    days = args.days if args.days is not None else settings.retention_days
    if days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    db = Database(args.database_url or settings.database_url)
    try:
        with db.session() as s:
            counts = purge(s, days=days, dry_run=args.dry_run)
    finally:
        db.dispose()
    verb = "would delete" if args.dry_run else "deleted"
    print(f"older than {days} days, {verb}: " + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    records = sub.add_parser("records", help="visitor records: retention").add_subparsers(dest="records_command", required=True)
    p = records.add_parser("purge", help="delete chat logs, transcripts, outcomes and rating comments past the retention period")
    p.add_argument("--days", type=int, help="keep this many days (default: ASSISTANT_RETENTION_DAYS)")
    p.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    p.set_defaults(func=cmd_purge)
