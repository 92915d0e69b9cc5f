"""Staff sign-in (every console) and, for admins, the accounts themselves."""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select

from assistant.curation import guides as curation
from assistant.accounts.models import UserRow
from assistant.accounts.service import add_user, authenticate
from assistant.server.auth import ADMIN_ROLE, Admin, Staff, end_sessions, login_session, logout_session
from assistant.server.console_schemas import ActiveIn, ActiveOut, Done, LoginOut, Me, UserCreated, UserIn, UserOut
from assistant.server.deps import DbDep, StateDep
from assistant.server.schemas import LoginIn
from assistant.server.throttle import Busy

router = APIRouter(prefix="/api/v1/staff", tags=["accounts"])
users = APIRouter(prefix="/api/v1/admin/users", tags=["accounts"], dependencies=[Depends(ADMIN_ROLE)])


@router.post("/login")
async def login(body: LoginIn, request: Request, state: StateDep) -> LoginOut:
    """Wrong passwords back off per account and per address (429 with Retry-After); at most a few
    password checks run at once, so a flood of logins cannot slow the chat."""
    address = state.address(request)
    wait = state.logins.retry_after(account=body.name, address=address)
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(429, f"too many wrong passwords; try again in {seconds} s", headers={"Retry-After": str(seconds)})

    def check() -> LoginOut | None:
        with state.db.session() as s:  # runs in the guard's thread pool: its own session
            user = authenticate(s, name=body.name, password=body.password)
            if user is None:
                return None
            csrf = login_session(request, s, user, hours=state.settings.staff_session_hours)
            return LoginOut(user=user.name, display_name=user.display_name, role=user.role, window=user.window, csrf=csrf)

    try:
        found = await state.logins.check(check)
    except Busy as exc:
        raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None
    if found is None:
        state.logins.failed(account=body.name, address=address)
        raise HTTPException(401, "wrong user name or password")
    state.logins.succeeded(account=body.name)
    return found


@router.post("/logout")
def logout(request: Request, s: DbDep) -> Done:
    """Ends the session on the server: the cookie is worthless afterwards, even if kept."""
    logout_session(request, s)
    return Done()


@router.get("/me")
def me(user: Staff) -> Me:
    return Me(**user)


@users.get("")
def list_users(s: DbDep) -> list[UserOut]:
    return [UserOut(name=u.name, display_name=u.display_name, role=u.role, window=u.window, active=u.active) for u in s.scalars(select(UserRow).order_by(UserRow.name))]


@users.post("", status_code=201)
def create_user(body: UserIn, user: Admin, s: DbDep) -> UserCreated:
    try:
        add_user(s, name=body.name, password=body.password, role=body.role, display_name=body.display_name, window=body.window)
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from None
    curation.audit(s, user=user["user"], action="create_user", target=body.name, role=body.role)
    return UserCreated(name=body.name, role=body.role)


@users.post("/{name}/active")
def set_active(name: str, body: ActiveIn, user: Admin, s: DbDep) -> ActiveOut:
    """Deactivate (or reactivate) an account; deactivation ends its sessions at once."""
    row = s.scalar(select(UserRow).where(UserRow.name == name[:120]))
    if row is None:
        raise HTTPException(404, f"no user '{name[:120]}'")
    row.active = body.active
    if not body.active:
        end_sessions(s, user=row)
    curation.audit(s, user=user["user"], action="activate_user" if body.active else "deactivate_user", target=row.name)
    return ActiveOut(name=row.name, active=body.active)
