"""Booking in the conversation, step by step: free slots as choices, then the name, then the mobile,
then the confirmation. The state is the session's ``task`` (plain JSON values); sentences come from
the catalogue. The one entry (assistant.service) runs a step when the dialogue says a form is on."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from assistant.appointments.book import Booking, BookingError, Bookings, clean_name, normalize_mobile
from assistant.appointments.slots import windows_of
from assistant.appointments.when import day_of, part_of
from assistant.dialogue.words import say

CHOOSE = "choose:"
EXIT = ("取消", "退出", "不约了", "算了", "不用了", "cancel", "stop", "quit", "exit", "never mind")
_NAME_LEAD = re.compile(r"^(?:我叫|我是|姓名[是:：]?|名字[是:：]?|my name is|i am|i'm|name[:：]?)\s*", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(?:第)?([1-9])(?:个|项)?\s*$")
_TIME = re.compile(r"(\d{1,2})[:：点](\d{2})?")


@dataclass
class Step:
    answer: str
    choices: list[dict[str, str]] = field(default_factory=list)
    task: dict[str, Any] | None = None  # the form's next state; None when it is over
    appointment: Booking | None = None


def is_exit(text: str) -> bool:
    t = text.strip().lower()
    return any(t == w or t.startswith(w) for w in EXIT)


def day_label(day: dt.date, lang: str) -> str:
    weekday = say("appt_weekdays", lang).split(",")[day.weekday()]
    mon = say("appt_months", lang).split(",")[day.month - 1] if lang == "en" else ""
    return say("appt_day", lang, month=day.month, day=day.day, weekday=weekday, mon=mon)


def offer(bookings: Bookings, service: str, day: dt.date, part: str | None, lang: str, *, lead: str = "") -> Step:
    guide = bookings.guide(service)
    free = bookings.next_free(service, day, part=part) or (bookings.next_free(service, day) if part else [])
    name = guide.name_en if lang == "en" else guide.name
    if not free:
        return Step(say("appt_no_slots", lang, service=name, days=bookings.rules.days_ahead))
    first = dt.date.fromisoformat(free[0].slot[:10])
    hall = (guide.location.hall_en or guide.location.hall) if lang == "en" else guide.location.hall
    choices = [{"id": v.slot, "title": say("appt_slot_title", lang, start=v.start, end=v.end, free=v.free)} for v in free]
    head = say("appt_pick_slot", lang, service=name, hall=hall, windows=windows_of(guide), day=day_label(first, lang))
    lines = [lead, head, *(f"{i}. {c['title']}" for i, c in enumerate(choices, 1))]
    return Step("\n".join(x for x in lines if x), choices, {"kind": "book", "step": "slot", "service": service, "slots": [c["id"] for c in choices]})


def _picked(task: dict[str, Any], text: str) -> str | None:
    slots: list[str] = task.get("slots") or []
    t = text.strip().removeprefix(CHOOSE).strip()
    if t in slots:
        return t
    m = _NUMBER.match(t)
    if m and int(m.group(1)) <= len(slots):
        return slots[int(m.group(1)) - 1]
    m = _TIME.search(t)
    if m:
        hhmm = f"{int(m.group(1)):02d}:{m.group(2) or '00'}"
        return next((s for s in slots if s.endswith(hhmm)), None)
    return None


def step(bookings: Bookings | None, task: dict[str, Any], text: str, lang: str, *, channel: str = "web") -> Step:
    if bookings is None:
        return Step(say("appt_unavailable", lang))
    if task.get("step") != "start" and is_exit(text):
        return Step(say("appt_left", lang))
    service = task.get("service")
    try:
        if task.get("step") == "start":
            if not service:
                return Step(say("appt_need_service", lang))
            today = bookings.now().date()
            return offer(bookings, service, day_of(text, today) or today, part_of(text), lang)
        if task["step"] == "slot":
            slot = _picked(task, text)
            if slot is None:
                day = day_of(text, bookings.now().date())
                if day is not None or part_of(text):  # "后天下午": offer that day instead
                    return offer(bookings, service, day or bookings.now().date(), part_of(text), lang)
                return Step(say("appt_pick_again", lang), _choices(task, bookings, lang), task)
            start = dt.datetime.fromisoformat(slot)
            end = start + dt.timedelta(minutes=bookings.rules.minutes)
            ask = say("appt_ask_name", lang, day=day_label(start.date(), lang), start=f"{start:%H:%M}", end=f"{end:%H:%M}")
            return Step(ask, task={**task, "step": "name", "slot": slot})
        if task["step"] == "name":
            name = clean_name(_NAME_LEAD.sub("", text.strip()))
            return Step(say("appt_ask_mobile", lang), task={**task, "step": "mobile", "name": name})
        if task["step"] == "mobile":
            normalize_mobile(text.strip())  # a bad number is asked again before anything is booked
            b = bookings.book(service_id=service, slot=task["slot"], name=task["name"], mobile=text.strip(), lang=lang, channel=channel)
            return Step(confirmation(b, lang), appointment=b)
    except BookingError as exc:
        sorry = say(exc.key, lang, **exc.values)
        if exc.key in ("appt_bad_name", "appt_bad_mobile"):
            again = "appt_ask_name" if exc.key == "appt_bad_name" else "appt_ask_mobile"
            return Step(sorry if again == "appt_ask_name" else f"{sorry}\n{say(again, lang)}", task=task)
        if exc.key in ("appt_full", "appt_past", "appt_closed") and service:
            try:
                return offer(bookings, service, bookings.now().date(), None, lang, lead=sorry)
            except BookingError:
                pass
        return Step(sorry)
    return Step(say("appt_left", lang))


def _choices(task: dict[str, Any], bookings: Bookings, lang: str) -> list[dict[str, str]]:
    out = []
    for slot in task.get("slots") or []:
        start = dt.datetime.fromisoformat(slot)
        end = start + dt.timedelta(minutes=bookings.rules.minutes)
        out.append({"id": slot, "title": f"{start:%H:%M}-{end:%H:%M}"})
    return out


def confirmation(b: Booking, lang: str) -> str:
    en = lang == "en"
    materials = ("; " if en else "、").join(b.materials_en if en else b.materials) or "—"
    day = day_label(dt.date.fromisoformat(b.day), lang)
    return say("appt_confirmed", lang, code=b.code, day=day, start=b.start, end=b.end, hall=b.hall_en if en else b.hall, windows=b.windows, materials=materials)
