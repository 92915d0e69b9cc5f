"""`assistant users add`: staff accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from assistant.config import get_settings


def cmd_users_add(args: argparse.Namespace) -> int:
    from assistant.db import Database
    from assistant.accounts.service import add_user

    password = args.password or os.environ.get("ASSISTANT_NEW_PASSWORD") or getpass.getpass(f"password for {args.name}: ")
    db = Database(args.database_url or get_settings().database_url)
    try:
        with db.session() as s:
            add_user(s, name=args.name, password=password, role=args.role, display_name=args.display_name, window=args.window)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"user {args.name} ({args.role}) created")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    users = sub.add_parser("users", help="staff accounts").add_subparsers(dest="users_command", required=True)
    p = users.add_parser("add", help="create an account")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["admin", "publisher", "curator", "staff"])
    p.add_argument("--password", help="(default: ASSISTANT_NEW_PASSWORD or prompt)")
    p.add_argument("--display-name")
    p.add_argument("--window", help="the window a staff member sits at, e.g. A05")
    p.set_defaults(func=cmd_users_add)
