"""Staff window console API (login required): tickets, transcripts, live replies, calling, closing."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select

from assistant.handoff import service as handoff
from assistant.handoff.models import ChatLogRow, RatingRow, TicketRow
from assistant.server.auth import authenticate, login_session, logout_session, require
from assistant.server.deps import StateDep
from assistant.server.schemas import CallIn, CloseIn, LoginIn, StaffReplyIn
from assistant.server.throttle import Busy
from assistant.service import Update
from assistant.storage import TicketFacts, facts

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])
Staff = Annotated[dict[str, Any], Depends(require("staff", "publisher", "curator"))]
WindowStaff = Annotated[dict[str, Any], Depends(require("staff"))]


@router.post("/login")
async def login(body: LoginIn, request: Request, state: StateDep) -> dict[str, Any]:
    """Wrong passwords back off per account and per address (429 with Retry-After); at most a few
    password checks run at once, so a flood of logins cannot slow the chat."""
    address = state.address(request)
    wait = state.logins.retry_after(account=body.name, address=address)
    if wait > 0:
        seconds = math.ceil(wait)
        raise HTTPException(429, f"too many wrong passwords; try again in {seconds} s", headers={"Retry-After": str(seconds)})

    def check() -> dict[str, Any] | None:
        with state.db.session() as s:
            user = authenticate(s, name=body.name, password=body.password)
            if user is None:
                return None
            csrf = login_session(request, s, user, hours=state.settings.staff_session_hours)
            return {"user": user.name, "display_name": user.display_name, "role": user.role, "window": user.window, "csrf": csrf}

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
def logout(request: Request, state: StateDep) -> dict[str, bool]:
    """Ends the session on the server: the cookie is worthless afterwards, even if kept."""
    with state.db.session() as s:
        logout_session(request, s)
    return {"ok": True}


@router.get("/me")
def me(user: Staff) -> dict[str, Any]:
    return user


def ticket_view(s: Any, ticket: TicketRow, *, with_messages: bool = False) -> dict[str, Any]:
    data = {
        "number": ticket.number, "status": ticket.status, "service": ticket.service_id, "channel": ticket.channel,
        "lang": ticket.lang, "window": ticket.window, "staff": ticket.staff, "reason": ticket.reason,
        "created_at": ticket.created_at.isoformat(), "outcome": ticket.outcome,
        "wait_minutes": handoff.info(s, ticket=ticket).wait_minutes, "carried_over": handoff.carried_over(ticket),
    }  # fmt: skip
    if with_messages:
        data["messages"] = [{"role": m.role, "text": m.text, "author": m.author, "at": m.at.isoformat()} for m in ticket.messages]
    return data


@router.get("/tickets")
def tickets(user: WindowStaff, state: StateDep, include_closed: bool = False) -> list[dict[str, Any]]:
    statuses = (*handoff.OPEN, "closed") if include_closed else handoff.OPEN
    with state.db.session() as s:
        return [ticket_view(s, t) for t in handoff.list_tickets(s, statuses=statuses)]


def _ticket(s: Any, number: str) -> TicketRow:
    try:
        return handoff.get_ticket(s, number=number[:16])
    except handoff.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/tickets/{number}")
def ticket(number: str, user: WindowStaff, state: StateDep) -> dict[str, Any]:
    with state.db.session() as s:
        return ticket_view(s, _ticket(s, number), with_messages=True)


async def _act(state: StateDep, number: str, action: Any) -> tuple[dict[str, Any], TicketFacts]:
    try:
        with state.db.session() as s:
            t = _ticket(s, number)
            action(s, t)
            return ticket_view(s, t, with_messages=True), facts(s, t)
    except handoff.Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/tickets/{number}/claim")
async def claim(number: str, user: WindowStaff, state: StateDep) -> dict[str, Any]:
    view, facts = await _act(state, number, lambda s, t: handoff.claim(s, ticket=t, staff=user["display"]))
    await _tell(state, facts, state.assistant.ticket_update(facts, "claimed", view["lang"], staff=user["display"]))
    return view


@router.post("/tickets/{number}/reply")
async def reply(number: str, body: StaffReplyIn, user: WindowStaff, state: StateDep) -> dict[str, Any]:
    def act(s: Any, t: TicketRow) -> None:
        if t.status == "closed":
            raise handoff.Conflict(f"ticket {t.number} is closed")
        if t.status == "waiting":
            handoff.claim(s, ticket=t, staff=user["display"])
        handoff.add_message(s, ticket=t, role="staff", text=body.text, author=user["display"])

    view, facts = await _act(state, number, act)
    delivered = await _tell(state, facts, state.assistant.staff_message(body.text, user["display"], view["lang"]))
    return {**view, "delivered": delivered}


@router.post("/tickets/{number}/call")
async def call(number: str, body: CallIn, user: WindowStaff, state: StateDep) -> dict[str, Any]:
    view, facts = await _act(state, number, lambda s, t: handoff.call(s, ticket=t, staff=user["display"], window=body.window))
    await _tell(state, facts, state.assistant.ticket_update(facts, "called", view["lang"], staff=user["display"]))
    return view


@router.post("/tickets/{number}/close")
async def close(number: str, body: CloseIn, user: WindowStaff, state: StateDep) -> dict[str, Any]:
    view, facts = await _act(state, number, lambda s, t: handoff.close(s, ticket=t, staff=user["display"], outcome=body.outcome))
    await _tell(state, facts, state.assistant.ticket_update(facts, "closed", view["lang"], staff=user["display"]))
    return view


async def _tell(state: StateDep, facts: TicketFacts, update: Update) -> int:
    """Send the visitor's live connections what the service worded for them; how many received it."""
    return await state.hub.publish(facts.session_id or "", update.model_dump(mode="json"))


@router.get("/review")
def review(user: Staff, state: StateDep, limit: int = 200) -> dict[str, Any]:
    """Questions the assistant could not answer or answered with low confidence, and low ratings."""
    with state.db.session() as s:
        logs = s.scalars(select(ChatLogRow).where(ChatLogRow.needs_review.is_(True)).order_by(ChatLogRow.id.desc()).limit(min(limit, 1000)))
        ratings = s.scalars(select(RatingRow).where(RatingRow.needs_review.is_(True)).order_by(RatingRow.id.desc()).limit(min(limit, 1000)))
        return {
            "questions": [{"text": r.text, "kind": r.kind, "intent": r.intent, "service": r.service_id, "confidence": r.confidence, "channel": r.channel, "at": r.at.isoformat()} for r in logs],
            "ratings": [{"score": r.score, "comment": r.comment, "service": r.service_id, "channel": r.channel, "at": r.at.isoformat()} for r in ratings],
        }
