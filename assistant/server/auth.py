"""Staff accounts: argon2 password hashes, server-side sessions, CSRF token, role checks.

The cookie (signed by SessionMiddleware) holds only a random session token; the session itself is a
row in staff_sessions, and the account is read on every request. So logout (row deleted), deactivation
and role changes take effect at once, and a cookie signed with a leaked key names no session."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, HTTPException, Request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DBSession

from assistant.handoff.models import StaffSessionRow, UserRow
from assistant.kb.models import utcnow
from assistant.server.deps import StateDep

ROLES = ("admin", "publisher", "curator", "staff")
_hasher = PasswordHasher()
_dummy: list[str] = []  # a hash to verify against for unknown names (same time); made on first login, not at start


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(_hasher.hash("timing-equaliser"))
    return _dummy[0]
COOKIE_KEY = "sid"


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
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


def login_session(request: Request, db: DBSession, user: UserRow, *, hours: float = 8) -> str:
    """Start a server-side session; returns its CSRF token."""
    db.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < utcnow()))
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    db.add(StaffSessionRow(token_hash=_digest(token), user_id=user.id, csrf=csrf, expires_at=utcnow() + dt.timedelta(hours=hours)))
    db.flush()
    request.session.clear()
    request.session[COOKIE_KEY] = token
    return csrf


def logout_session(request: Request, db: DBSession) -> None:
    token = request.session.get(COOKIE_KEY)
    if isinstance(token, str):
        db.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == _digest(token)))
    request.session.clear()


def end_sessions(db: DBSession, *, user: UserRow) -> None:
    """Every session of an account ends (on deactivation)."""
    db.execute(delete(StaffSessionRow).where(StaffSessionRow.user_id == user.id))


def current_user(request: Request, state: StateDep) -> dict[str, Any]:
    token = request.session.get(COOKIE_KEY)
    if not isinstance(token, str) or not token:
        raise HTTPException(401, "login required")
    with state.db.session() as s:
        row = s.get(StaffSessionRow, _digest(token))
        user = s.get(UserRow, row.user_id) if row is not None else None
        if row is None or _aware(row.expires_at) < utcnow() or user is None or not user.active:
            if row is not None:
                s.delete(row)
            request.session.clear()
            raise HTTPException(401, "session ended (logged out, expired or account deactivated); please log in again")
        found = {"user": user.name, "role": user.role, "display": user.display_name, "window": user.window, "csrf": row.csrf}
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(sent.encode(), found["csrf"].encode()):
            raise HTTPException(403, "missing or wrong CSRF token")
    return found


def require(*roles: str):  # type: ignore[no-untyped-def]
    """Dependency: a logged-in user with one of ``roles`` (admin may do everything)."""

    def check(user: Annotated[dict[str, Any], Depends(current_user)]) -> dict[str, Any]:
        if user["role"] != "admin" and user["role"] not in roles:
            raise HTTPException(403, f"this needs the role {' or '.join(roles)}")
        return user

    return check
