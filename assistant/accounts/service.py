"""Accounts: roles and argon2 password hashes. A wrong name costs the same time as a wrong password."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session as DBSession

from assistant.accounts.models import UserRow

ROLES = ("admin", "publisher", "curator", "staff")
_hasher = PasswordHasher()
_dummy: list[str] = []  # a hash to verify against for unknown names (same time); made on first login, not at start


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(_hasher.hash("timing-equaliser"))
    return _dummy[0]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Column widths of UserRow; a login name is typed at the console, so plain characters only (as the API's UserIn).
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,120}")
_WINDOW = re.compile(r"[A-Za-z0-9-]{1,20}")


def add_user(db: DBSession, *, name: str, password: str, role: str, display_name: str | None = None, window: str | None = None) -> UserRow:
    if not _NAME.fullmatch(name):
        raise ValueError("a login name is 1-120 ASCII letters, digits or . _ - (no spaces or markup)")
    if display_name is not None and not (0 < len(display_name) <= 120) or window is not None and not _WINDOW.fullmatch(window):
        raise ValueError("a display name is 1-120 characters; a window is like A05 (letters and digits, up to 20)")
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}': choose one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("password must have at least 8 characters")
    if db.scalar(select(UserRow).where(UserRow.name == name)) is not None:
        raise ValueError(f"user '{name}' already exists")
    user = UserRow(name=name, display_name=display_name or name, role=role, password_hash=hash_password(password), window=window)
    db.add(user)
    db.flush()
    return user


def authenticate(db: DBSession, *, name: str, password: str) -> UserRow | None:
    user = db.scalar(select(UserRow).where(UserRow.name == name, UserRow.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return user
