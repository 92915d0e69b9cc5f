"""Booking, looking up, cancelling, rescheduling, checking in. Every refusal is a ``BookingError``
with a catalogue key, so the API and the conversation word it the same way, in zh and en."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from assistant.appointments.models import AppointmentRow, ClosedDayRow
from assistant.appointments.slots import SLOT_FORMAT, SlotRules, area_of, day_slots, windows_of
from assistant.db import Database
from assistant.hygiene import clean_text
from assistant.kb.schema import Guide

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at a kiosk
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{8}$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_MASKED = re.compile(r"^1[3-9][0-9]\*{4}[0-9]{4}$")  # what the one entry leaves of a typed number
_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ ·.'\-]){0,39}$")
LAST4 = re.compile(r"^[0-9]{4}$")


class BookingError(ValueError):
    """``key`` names the sentence in assistant.dialogue.words; ``status`` the HTTP status for the API."""

    def __init__(self, key: str, status: int = 422, **values: Any) -> None:
        super().__init__(key)
        self.key, self.status, self.values = key, status, values


@dataclass
class SlotView:
    slot: str
    start: str  # HH:MM
    end: str
    free: int
    capacity: int


@dataclass
class Booking:
    code: str
    service_id: str
    service: str
    service_en: str
    area: str
    windows: str
    hall: str
    hall_en: str
    slot: str
    day: str
    start: str
    end: str
    status: str
    name: str
    mobile: str  # masked
    materials: list[str]
    materials_en: list[str]
    ticket: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalize_mobile(raw: object) -> tuple[str, str]:
    """A mobile number (whole, or as masked by the one entry) -> (masked form, last four digits)."""
    if not isinstance(raw, str):
        raise BookingError("appt_bad_mobile")
    digits = re.sub(r"[\s\-()]", "", raw.translate(str.maketrans("０１２３４５６７８９＊", "0123456789*")))
    digits = re.sub(r"^(\+?86)(?=1)", "", digits)
    if _MOBILE.match(digits) or _MASKED.match(digits):
        return f"{digits[:3]}****{digits[-4:]}", digits[-4:]
    raise BookingError("appt_bad_mobile")


def clean_name(raw: object) -> str:
    name = clean_text(raw).strip() if isinstance(raw, str) else ""
    if not _NAME.match(name):
        raise BookingError("appt_bad_name")
    return name


def check_code(raw: object) -> str:
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not CODE.match(code):
        raise BookingError("appt_bad_code")
    return code


def parse_slot(raw: object) -> dt.datetime:
    try:
        return dt.datetime.strptime(str(raw), SLOT_FORMAT)
    except ValueError:
        raise BookingError("appt_bad_slot") from None


class Bookings:
    def __init__(self, db: Database, guides: Callable[[str], Guide | None], rules: SlotRules, *, now: Callable[[], dt.datetime] | None = None) -> None:
        self.db, self.guides, self.rules = db, guides, rules
        self.now = now or rules.now

    # --- slots --------------------------------------------------------------------------------

    def guide(self, service_id: object) -> Guide:
        guide = self.guides(service_id) if isinstance(service_id, str) and service_id else None
        if guide is None:
            raise BookingError("appt_unknown_service", 404)
        if guide.visits == 0:  # 全程网办: nothing to book
            raise BookingError("appt_no_visit", 422, url=str(guide.online_url or ""))
        return guide

    def closed_days(self) -> dict[str, str]:
        with self.db.session() as s:
            rows = {r.day: r.reason for r in s.scalars(select(ClosedDayRow))}
        return {**{d: "" for d in self.rules.closed}, **rows}

    def check_day(self, day: dt.date) -> None:
        today = self.now().date()
        if day < today:
            raise BookingError("appt_past")
        if day > today + dt.timedelta(days=self.rules.days_ahead):
            raise BookingError("appt_too_far", days=self.rules.days_ahead)

    def free_slots(self, service_id: object, day: dt.date) -> list[SlotView]:
        guide = self.guide(service_id)
        self.check_day(day)
        area, cap, now = area_of(guide), self.rules.capacity_of(area_of(guide)), self.now()
        slots = [(a, b) for a, b in day_slots(guide, day, self.rules, set(self.closed_days())) if a > now]
        with self.db.session() as s:
            taken = dict(s.execute(
                select(AppointmentRow.slot, func.count()).where(AppointmentRow.area == area, AppointmentRow.day == day.isoformat(),
                                                                 AppointmentRow.place.is_not(None)).group_by(AppointmentRow.slot)
            ).all())  # fmt: skip
        out = []
        for a, b in slots:
            key = a.strftime(SLOT_FORMAT)
            out.append(SlotView(key, a.strftime("%H:%M"), b.strftime("%H:%M"), max(0, cap - taken.get(key, 0)), cap))
        return out

    def next_free(self, service_id: str, start: dt.date, *, part: str | None = None, limit: int = 6) -> list[SlotView]:
        """Free slots on the first open day from ``start`` that has some (morning/afternoon if asked)."""
        day = max(start, self.now().date())
        last = self.now().date() + dt.timedelta(days=self.rules.days_ahead)
        while day <= last:
            free = [v for v in self.free_slots(service_id, day) if v.free > 0 and _in_part(v.start, part)]
            if free:
                return free[:limit]
            day += dt.timedelta(days=1)
        return []

    def _slot(self, guide: Guide, raw: object) -> tuple[dt.datetime, dt.datetime]:
        start = parse_slot(raw)
        self.check_day(start.date())
        if start <= self.now():
            raise BookingError("appt_past")
        if start.date().isoformat() in self.closed_days():
            raise BookingError("appt_closed")
        for a, b in day_slots(guide, start.date(), self.rules, set()):
            if a == start:
                return a, b
        raise BookingError("appt_closed")

    # --- bookings -----------------------------------------------------------------------------

    def _place(self, area: str, slot: str) -> list[int]:
        with self.db.session() as s:
            taken = set(s.scalars(select(AppointmentRow.place).where(AppointmentRow.area == area, AppointmentRow.slot == slot, AppointmentRow.place.is_not(None))))
        return [p for p in range(1, self.rules.capacity_of(area) + 1) if p not in taken]

    def book(self, *, service_id: object, slot: object, name: object, mobile: object, lang: str = "zh", channel: str = "web") -> Booking:
        guide = self.guide(service_id)
        masked, last4 = normalize_mobile(mobile)
        person = clean_name(name)
        start, end = self._slot(guide, slot)
        area, key = area_of(guide), start.strftime(SLOT_FORMAT)
        for place in self._place(area, key):
            # each place is tried in its own transaction: the unique key decides a race, not a count
            row = AppointmentRow(
                code=_new_code(), service_id=guide.id, area=area, day=start.date().isoformat(), slot=key,
                slot_end=end.strftime(SLOT_FORMAT), place=place, status="booked", name=person, mobile_masked=masked,
                mobile_last4=last4, lang="en" if lang == "en" else "zh", channel=str(channel)[:20],
            )  # fmt: skip
            try:
                with self.db.session() as s:
                    s.add(row)
                    s.flush()
            except IntegrityError:
                continue
            return self._view(row)
        raise BookingError("appt_full", 409)

    def _row(self, s: Any, code: object, check: object | None) -> AppointmentRow:
        code = check_code(code)
        if check is not None and not (isinstance(check, str) and LAST4.match(check)):
            raise BookingError("appt_bad_check")
        row = s.scalar(select(AppointmentRow).where(AppointmentRow.code == code))
        # a wrong code and a wrong check value get the same answer: the code cannot be probed
        if row is None or (check is not None and not hmac.compare_digest(row.mobile_last4, check)):
            raise BookingError("appt_not_found", 404)
        return row

    def get(self, code: object, check: object | None = None) -> Booking:
        with self.db.session() as s:
            return self._view(self._row(s, code, check))

    def cancel(self, code: object, check: object) -> Booking:
        with self.db.session() as s:
            row = self._row(s, code, check)
            if row.status != "booked":
                raise BookingError("appt_not_active", 409)
            row.status, row.place = "cancelled", None
            return self._view(row)

    def reschedule(self, code: object, check: object, slot: object) -> Booking:
        with self.db.session() as s:
            row = self._row(s, code, check)
            if row.status != "booked":
                raise BookingError("appt_not_active", 409)
            row_id, service_id = row.id, row.service_id
        guide = self.guide(service_id)
        start, end = self._slot(guide, slot)
        area, key = area_of(guide), start.strftime(SLOT_FORMAT)
        for place in self._place(area, key):
            try:
                with self.db.session() as s:
                    row = s.get(AppointmentRow, row_id)
                    if row is None or row.status != "booked":
                        raise BookingError("appt_not_active", 409)
                    row.day, row.slot, row.slot_end, row.place = start.date().isoformat(), key, end.strftime(SLOT_FORMAT), place
                    s.flush()
                    return self._view(row)
            except IntegrityError:
                continue
        raise BookingError("appt_full", 409)

    # --- staff --------------------------------------------------------------------------------

    def mark_no_shows(self) -> int:
        """Bookings whose slot has ended without a check-in become no-shows."""
        now = self.now().strftime(SLOT_FORMAT)
        with self.db.session() as s:
            result = s.execute(update(AppointmentRow).where(AppointmentRow.status == "booked", AppointmentRow.slot_end <= now).values(status="no_show"))
            return int(getattr(result, "rowcount", 0) or 0)

    def day_bookings(self, day: dt.date | None = None) -> dict[str, list[Booking]]:
        """A day's bookings (today unless told) per window area, in slot order; no-shows marked first."""
        self.mark_no_shows()
        day = day or self.now().date()
        with self.db.session() as s:
            rows = list(s.scalars(select(AppointmentRow).where(AppointmentRow.day == day.isoformat(), AppointmentRow.status != "cancelled").order_by(AppointmentRow.slot, AppointmentRow.id)))
        out: dict[str, list[Booking]] = {}
        for row in rows:
            out.setdefault(row.area, []).append(self._view(row))
        return out

    def check_in(self, code: object, issue: Callable[[Guide, str], str]) -> Booking:
        """A booked visitor arrives today: ``issue(guide, code)`` gives the priority queue number."""
        with self.db.session() as s:
            row = self._row(s, code, None)
            if row.status != "booked":
                raise BookingError("appt_not_active", 409)
            if row.day != self.now().date().isoformat():
                raise BookingError("appt_not_today", 409)
            guide = self.guides(row.service_id)
            if guide is None:
                raise BookingError("appt_unknown_service", 404)
            row.status, row.ticket = "checked_in", issue(guide, row.code)
            return self._view(row)

    def close_day(self, day: dt.date, reason: str = "") -> None:
        with self.db.session() as s:
            s.merge(ClosedDayRow(day=day.isoformat(), reason=clean_text(reason)[:80]))

    def open_day(self, day: dt.date) -> None:
        with self.db.session() as s:
            row = s.get(ClosedDayRow, day.isoformat())
            if row is not None:
                s.delete(row)

    # --- views --------------------------------------------------------------------------------

    def _view(self, row: AppointmentRow) -> Booking:
        guide = self.guides(row.service_id)
        materials = guide.required_materials if guide else []
        return Booking(
            code=row.code, service_id=row.service_id, service=guide.name if guide else row.service_id,
            service_en=guide.name_en if guide else row.service_id, area=row.area, windows=windows_of(guide) if guide else row.area,
            hall=guide.location.hall if guide else "", hall_en=(guide.location.hall_en or guide.location.hall) if guide else "",
            slot=row.slot, day=row.day, start=row.slot[11:], end=row.slot_end[11:], status=row.status, name=row.name,
            mobile=row.mobile_masked, materials=[m.name for m in materials], materials_en=[m.name_en or m.name for m in materials],
            ticket=row.ticket,
        )  # fmt: skip


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _in_part(start: str, part: str | None) -> bool:
    if part == "am":
        return start < "12:00"
    if part == "pm":
        return start >= "12:00"
    return True
