"""Appointments (预约) and case progress (进度查询): the public API, and the window console's bookings.
Every refusal is a catalogue sentence in the asked language (?lang=en), never a stack trace."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.appointments.book import Booking, BookingError
from assistant.appointments.ics import to_ics
from assistant.appointments.slots import area_of, windows_of
from assistant.cases.answer import STATUS_CODES, answer
from assistant.handoff import service as handoff
from assistant.server.auth import require
from assistant.server.deps import StateDep, rate_limited
from assistant.server.schemas import Clean
from assistant.service import CaseCard, say

router = APIRouter(prefix="/api/v1/appointments", tags=["appointments"], dependencies=[Depends(rate_limited)])
cases = APIRouter(prefix="/api/v1/cases", tags=["cases"], dependencies=[Depends(rate_limited)])
staff = APIRouter(prefix="/api/v1/staff/appointments", tags=["staff"])
WindowStaff = Annotated[dict[str, Any], Depends(require("staff"))]
Lang = Annotated[Literal["zh", "en"], Query()]
PRIORITY = "P"  # a booked visitor's queue number: P + the area letter (PA001), served before walk-ins


class SlotOut(BaseModel):
    slot: str
    start: str
    end: str
    free: int
    capacity: int


class SlotsOut(BaseModel):
    service_id: str
    service: str
    day: str
    area: str
    windows: str
    hall: str
    slots: list[SlotOut]


class BookingOut(BaseModel):
    code: str
    service_id: str
    service: str
    day: str
    slot: str
    start: str
    end: str
    area: str
    windows: str
    hall: str
    status: str
    status_label: str
    materials: list[str]
    name: str | None = None  # only to whoever gives the mobile's last four digits
    mobile: str | None = None  # masked
    ticket: str | None = None
    message: str | None = None


class BookIn(Clean):
    model_config = ConfigDict(extra="forbid")
    service_id: str = Field(min_length=1, max_length=80)
    slot: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    mobile: str = Field(min_length=1, max_length=40)
    lang: Literal["zh", "en"] = "zh"
    channel: Literal["web", "kiosk", "api"] = "web"


class ChangeIn(Clean):
    model_config = ConfigDict(extra="forbid")
    check: str = Field(min_length=1, max_length=10, description="the mobile's last four digits")
    slot: str | None = Field(default=None, min_length=1, max_length=40)


class CaseOut(CaseCard):
    answer: str  # the whole sentence, as the conversation says it


def refuse(exc: BookingError, lang: str) -> HTTPException:
    return HTTPException(exc.status, say(exc.key, lang, **exc.values))


class DayBookings(BaseModel):
    areas: dict[str, list[BookingOut]]  # window area -> the day's bookings, in slot order


class ClosedDays(BaseModel):
    closed: dict[str, str]  # day (YYYY-MM-DD) -> reason


def out(b: Booking, lang: str, *, private: bool = False, message: str | None = None) -> BookingOut:
    en = lang == "en"
    return BookingOut(
        code=b.code, service_id=b.service_id, service=b.service_en if en else b.service, day=b.day, slot=b.slot,
        start=b.start, end=b.end, area=b.area, windows=b.windows, hall=b.hall_en if en else b.hall, status=b.status,
        status_label=say(f"appt_status_{b.status}", lang), materials=b.materials_en if en else b.materials,
        name=b.name if private else None, mobile=b.mobile if private else None, ticket=b.ticket, message=message,
    )  # fmt: skip


async def run(fn: Any, say_in: str, *args: Any, **kw: Any) -> Any:
    try:
        return await asyncio.to_thread(fn, *args, **kw)
    except BookingError as exc:
        raise refuse(exc, say_in) from None


def _day(raw: str, lang: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(422, say("appt_bad_date", lang)) from None


@router.get("/slots")
async def slots(
    state: StateDep, service_id: Annotated[str, Query(min_length=1, max_length=80)], date: Annotated[str, Query(max_length=10)], lang: Lang = "zh"
) -> SlotsOut:
    """Free slots of a service on a day (the hall's local time), each with its remaining places."""
    bookings = state.assistant.bookings
    day = _day(date, lang)
    found = await run(bookings.free_slots, lang, service_id, day)
    guide = bookings.guide(service_id)
    return SlotsOut(
        service_id=guide.id, service=guide.name_en if lang == "en" else guide.name, day=day.isoformat(), area=area_of(guide),
        windows=windows_of(guide), hall=(guide.location.hall_en or guide.location.hall) if lang == "en" else guide.location.hall,
        slots=[SlotOut(**vars(v)) for v in found],
    )  # fmt: skip


@router.post("", status_code=201)
async def book(body: BookIn, state: StateDep) -> BookingOut:
    """Book a slot: returns the booking code, window area, time and what to bring."""
    b = await run(state.assistant.bookings.book, body.lang, service_id=body.service_id, slot=body.slot, name=body.name,
                  mobile=body.mobile, lang=body.lang, channel=body.channel)  # fmt: skip
    return out(b, body.lang, private=True)


@router.get("/{code}.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
async def calendar(code: str, state: StateDep, lang: Lang = "zh") -> Response:
    """The booking as a calendar event."""
    b = await run(state.assistant.bookings.get, lang, code)
    text = to_ics(b, timezone=state.assistant.bookings.rules.timezone, lang=lang)
    return Response(text, media_type="text/calendar; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{b.code}.ics"'})


@router.get("/{code}/qr.png", response_class=Response, responses={200: {"content": {"image/png": {}}}})
async def qr(code: str, state: StateDep, lang: Lang = "zh") -> Response:
    """A QR code of the booking code, for the check-in scanner at the hall."""
    import io

    import segno

    b = await run(state.assistant.bookings.get, lang, code)
    buf = io.BytesIO()
    segno.make(b.code, error="m").save(buf, kind="png", scale=6, border=2)
    return Response(buf.getvalue(), media_type="image/png")


@router.get("/{code}")
async def look_up(code: str, state: StateDep, check: Annotated[str | None, Query(max_length=10)] = None, lang: Lang = "zh") -> BookingOut:
    """A booking by its code; with ?check= (the mobile's last four digits) also the name and masked mobile."""
    b = await run(state.assistant.bookings.get, lang, code, check)
    return out(b, lang, private=check is not None)


@router.post("/{code}/cancel")
async def cancel(code: str, body: ChangeIn, state: StateDep, lang: Lang = "zh") -> BookingOut:
    b = await run(state.assistant.bookings.cancel, lang, code, body.check)
    return out(b, lang, private=True)


@router.post("/{code}/reschedule")
async def reschedule(code: str, body: ChangeIn, state: StateDep, lang: Lang = "zh") -> BookingOut:
    if body.slot is None:
        raise HTTPException(422, say("appt_bad_slot", lang))
    b = await run(state.assistant.bookings.reschedule, lang, code, body.check, body.slot)
    return out(b, lang, private=True)


@cases.get("/{number}")
async def case(number: str, request: Request, state: StateDep, check: Annotated[str, Query(max_length=10)] = "", lang: Lang = "zh") -> CaseOut:
    """A case's progress by its 受理号 and the last four digits of the applicant's ID or mobile. A wrong
    number and a wrong check value get the same answer; look-ups per client are limited."""
    desk = state.assistant.cases
    found = await asyncio.to_thread(desk.lookup, f"http:{state.address(request)}", number[:40], check)
    names = lambda gid: (g.name_en if lang == "en" else g.name) if (g := state.engine.kb.guides.get(gid)) else None  # noqa: E731
    a = answer(found, lang, names)
    if a.outcome != "found":
        raise HTTPException(STATUS_CODES[a.outcome], a.text)
    return CaseOut(number=a.number or "", service_id=a.service_id or "", status=a.status or "", status_label=a.status_label or "",
                   date=a.date or "", next_step=a.next_step or "", answer=a.text)  # fmt: skip


# --- the window console -----------------------------------------------------------------------------


@staff.get("/today")
async def today(user: WindowStaff, state: StateDep, date: Annotated[str | None, Query(max_length=10)] = None) -> DayBookings:
    """Bookings of a day (today unless ?date=) per window area; ended slots without a check-in are no-shows."""
    day = _day(date, "zh") if date else None
    areas = await asyncio.to_thread(state.assistant.bookings.day_bookings, day)
    return DayBookings(areas={area: [out(b, "zh", private=True) for b in items] for area, items in sorted(areas.items())})


@staff.post("/{code}/check-in")
async def check_in(code: str, user: WindowStaff, state: StateDep) -> BookingOut:
    """The visitor is here: a priority queue number of the booking's area (PA001), in the ticket queue."""

    def issue(guide: Any, booking_code: str) -> str:
        with state.db.session() as s:
            row = handoff.create_ticket(
                s, session_id=f"appointment:{booking_code}", channel="kiosk", lang="zh", guide=guide, transcript=[],
                reason=handoff.PRIORITY_REASON, prefix=PRIORITY + area_of(guide),
            )  # fmt: skip
            return row.number

    b = await run(state.assistant.bookings.check_in, "zh", code, issue)
    return out(b, "zh", private=True, message=f"已签到，优先号 {b.ticket}")


class CloseDayIn(Clean):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=80)


@staff.put("/closed-days/{date}")
async def close_day(date: str, body: CloseDayIn, user: WindowStaff, state: StateDep) -> ClosedDays:
    """Close a day for bookings (a holiday); existing bookings stay and are listed for staff to call."""
    await asyncio.to_thread(state.assistant.bookings.close_day, _day(date, "zh"), body.reason)
    return ClosedDays(closed=await asyncio.to_thread(state.assistant.bookings.closed_days))


@staff.delete("/closed-days/{date}")
async def open_day(date: str, user: WindowStaff, state: StateDep) -> ClosedDays:
    await asyncio.to_thread(state.assistant.bookings.open_day, _day(date, "zh"))
    return ClosedDays(closed=await asyncio.to_thread(state.assistant.bookings.closed_days))
