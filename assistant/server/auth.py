"""Staff accounts: argon2 password hashes, a signed session cookie, CSRF token, role checks."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session as DBSession

from assistant.handoff.models import UserRow

ROLES = ("admin", "publisher", "curator", "staff")
_hasher = PasswordHasher()
_DUMMY = _hasher.hash("timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(db: DBSession, *, name: str, password: str, role: str, display_name: str | None = None, window: str | None = None) -> UserRow:
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
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def login_session(request: Request, user: UserRow) -> str:
    token = secrets.token_urlsafe(24)
    request.session.clear()
    request.session.update({"user": user.name, "role": user.role, "display": user.display_name, "window": user.window, "csrf": token})
    return token


def current_user(request: Request) -> dict[str, Any]:
    user = request.session.get("user")
    if not user:
        raise HTTPException(401, "login required")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sent, request.session.get("csrf", "")):
            raise HTTPException(403, "missing or wrong CSRF token")
    return {k: request.session.get(k) for k in ("user", "role", "display", "window", "csrf")}


def require(*roles: str):  # type: ignore[no-untyped-def]
    """Dependency: a logged-in user with one of ``roles`` (admin may do everything)."""

    def check(user: Annotated[dict[str, Any], Depends(current_user)]) -> dict[str, Any]:
        if user["role"] != "admin" and user["role"] not in roles:
            raise HTTPException(403, f"this needs the role {' or '.join(roles)}")
        return user

    return check
