"""Which slots a service has on a day: the guide's hours cut into slots of a configured length, in
the guide's window area, with that area's capacity; closed days (settings or staff) have none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from assistant.appointments.hours import parse_hours
from assistant.kb.schema import Guide

SLOT_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass
class SlotRules:
    minutes: int = 30
    capacity: int = 2  # places per slot in an area without its own figure
    area_capacity: dict[str, int] = field(default_factory=dict)  # window area letter -> places per slot
    closed: set[str] = field(default_factory=set)  # ISO days closed by configuration (holidays)
    days_ahead: int = 14
    timezone: str = "Asia/Shanghai"

    @classmethod
    def of(cls, settings: object) -> SlotRules:
        s = settings
        areas = {}
        for part in getattr(s, "appointment_area_capacity", "").split(","):
            if "=" in part:
                area, _, n = part.partition("=")
                areas[area.strip().upper()] = int(n)
        closed = {d.strip() for d in getattr(s, "appointment_closed_days", "").split(",") if d.strip()}
        for day in closed:
            dt.date.fromisoformat(day)  # a typo stops the start, clearly
        return cls(
            minutes=getattr(s, "appointment_slot_minutes", 30), capacity=getattr(s, "appointment_capacity", 2),
            area_capacity=areas, closed=closed, days_ahead=getattr(s, "appointment_days_ahead", 14),
            timezone=getattr(s, "hall_timezone", "Asia/Shanghai"),
        )  # fmt: skip

    def now(self) -> dt.datetime:
        """The hall's wall clock (naive local time, as slots are written)."""
        return dt.datetime.now(ZoneInfo(self.timezone)).replace(tzinfo=None, second=0, microsecond=0)

    def capacity_of(self, area: str) -> int:
        return self.area_capacity.get(area, self.capacity)


def area_of(guide: Guide) -> str:
    # one letter per hall area, as the queue numbers (A..K in the guides' windows)
    return guide.location.windows[0][0].upper() if guide.location.windows else "Z"


def windows_of(guide: Guide) -> str:
    w = guide.location.windows
    return w[0] if len(w) == 1 else f"{w[0]}-{w[-1]}"


def day_slots(guide: Guide, day: dt.date, rules: SlotRules, closed: set[str]) -> list[tuple[dt.datetime, dt.datetime]]:
    if day.isoformat() in closed:
        return []
    out = []
    step = dt.timedelta(minutes=rules.minutes)
    for start, end in parse_hours(guide.hours).get(day.weekday(), []):
        at, stop = dt.datetime.combine(day, start), dt.datetime.combine(day, end)
        while at + step <= stop:
            out.append((at, at + step))
            at += step
    return out
