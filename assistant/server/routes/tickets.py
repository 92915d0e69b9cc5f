"""Window staff and the handoff queue: tickets, transcripts, live replies, calling, closing."""

from __future__ import annotations

from typing import Any, Callable, Literal

from fastapi import APIRouter, Depends, HTTPException

from assistant.handoff import service as handoff
from assistant.handoff.models import TicketRow
from assistant.server.auth import WINDOW_ROLE, WindowStaff
from assistant.server.console_schemas import ReplyOut, TicketMessage, TicketView
from assistant.server.deps import DbDep, StateDep
from assistant.server.schemas import CallIn, CloseIn, StaffReplyIn
from assistant.service import Update, say
from assistant.storage import TicketFacts, facts

router = APIRouter(prefix="/api/v1/staff/tickets", tags=["tickets"], dependencies=[Depends(WINDOW_ROLE)])


def ticket_view(s: Any, ticket: TicketRow, *, with_messages: bool = False) -> TicketView:
    return TicketView(
        number=ticket.number, status=ticket.status, service=ticket.service_id, channel=ticket.channel,
        lang=ticket.lang, window=ticket.window, staff=ticket.staff, reason=ticket.reason,
        created_at=ticket.created_at.isoformat(), outcome=ticket.outcome,
        wait_minutes=handoff.info(s, ticket=ticket).wait_minutes, carried_over=handoff.carried_over(ticket),
        messages=[TicketMessage(role=m.role, text=m.text, author=m.author, at=m.at.isoformat()) for m in ticket.messages] if with_messages else None,
    )  # fmt: skip


@router.get("")
def tickets(s: DbDep, include_closed: bool = False) -> list[TicketView]:
    statuses = (*handoff.OPEN, "closed") if include_closed else handoff.OPEN
    return [ticket_view(s, t) for t in handoff.list_tickets(s, statuses=statuses)]


def _ticket(s: Any, number: str) -> TicketRow:
    try:
        return handoff.get_ticket(s, number=number[:16])
    except handoff.NotFound as exc:
        raise HTTPException(404, str(exc)) from None


@router.get("/{number}")
def ticket(number: str, s: DbDep) -> TicketView:
    return ticket_view(s, _ticket(s, number), with_messages=True)


async def _act(state: StateDep, number: str, action: Callable[[Any, TicketRow], None]) -> tuple[TicketView, TicketFacts]:
    """Do ``action`` and commit it before the visitor is told (a live update never announces a change
    that was rolled back)."""
    try:
        with state.db.session() as s:
            t = _ticket(s, number)
            action(s, t)
            return ticket_view(s, t, with_messages=True), facts(s, t)
    except handoff.Conflict as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/{number}/claim")
async def claim(number: str, user: WindowStaff, state: StateDep) -> TicketView:
    change = lambda s, t: handoff.claim(s, ticket=t, staff=user["display"])  # noqa: E731
    return await _staff_action(state, number, user, "claimed", change, lambda t: {"staff": user["display"]})


@router.post("/{number}/reply")
async def reply(number: str, body: StaffReplyIn, user: WindowStaff, state: StateDep) -> ReplyOut:
    def act(s: Any, t: TicketRow) -> None:
        if t.status == "closed":
            raise handoff.Conflict(f"ticket {t.number} is closed")
        if t.status == "waiting":
            handoff.claim(s, ticket=t, staff=user["display"])
            _note(s, t, "log_claimed", user, staff=user["display"])
        handoff.add_message(s, ticket=t, role="staff", text=body.text, author=user["display"])

    view, facts = await _act(state, number, act)
    delivered = await _tell(state, facts, state.assistant.staff_message(body.text, user["display"], view.lang))
    return ReplyOut(**view.model_dump(), delivered=delivered)


@router.post("/{number}/call")
async def call(number: str, body: CallIn, user: WindowStaff, state: StateDep) -> TicketView:
    change = lambda s, t: handoff.call(s, ticket=t, staff=user["display"], window=body.window)  # noqa: E731
    return await _staff_action(state, number, user, "called", change, lambda t: {"number": t.number, "window": t.window})


@router.post("/{number}/close")
async def close(number: str, body: CloseIn, user: WindowStaff, state: StateDep) -> TicketView:
    change = lambda s, t: handoff.close(s, ticket=t, staff=user["display"], outcome=body.outcome)  # noqa: E731
    # the outcome as stored (cleaned and masked) goes into the transcript's line
    return await _staff_action(state, number, user, "closed", change, lambda t: {"outcome": t.outcome})


async def _staff_action(
    state: StateDep, number: str, user: dict[str, Any], event: Literal["claimed", "called", "closed"],
    change: Callable[[Any, TicketRow], None], values: Callable[[TicketRow], dict[str, Any]],
) -> TicketView:  # fmt: skip
    """Change the ticket, write the transcript's line for it, commit, then tell the visitor."""

    def act(s: Any, t: TicketRow) -> None:
        change(s, t)
        _note(s, t, f"log_{event}", user, **values(t))

    view, facts = await _act(state, number, act)
    await _tell(state, facts, state.assistant.ticket_update(facts, event, view.lang, staff=user["display"]))
    return view


def _note(s: Any, t: TicketRow, key: str, user: dict[str, Any], **values: Any) -> None:
    """The transcript's line for a staff action, in the console's language (Chinese)."""
    handoff.add_message(s, ticket=t, role="system", text=say(key, "zh", **values), author=user["display"])


async def _tell(state: StateDep, facts: TicketFacts, update: Update) -> int:
    """Send the visitor's live connections what the service worded for them; how many received it."""
    return await state.hub.publish(facts.session_id or "", update.model_dump(mode="json"))
