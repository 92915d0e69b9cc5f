"""A booking as an iCalendar event (RFC 5545), to add to a phone's calendar."""

from __future__ import annotations

import datetime as dt

from assistant.appointments.book import Booking


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def to_ics(b: Booking, *, timezone: str, lang: str = "zh") -> str:
    day = b.day.replace("-", "")
    start, end = f"{day}T{b.start.replace(':', '')}00", f"{day}T{b.end.replace(':', '')}00"
    service, hall = (b.service_en, b.hall_en) if lang == "en" else (b.service, b.hall)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Shili City service center//appointments//EN", "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT", f"UID:{b.code}@appointments.shili.example", f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={timezone}:{start}", f"DTEND;TZID={timezone}:{end}",
        f"SUMMARY:{_escape(service)} ({b.code})", f"LOCATION:{_escape(f'{hall} {b.windows}')}",
        f"DESCRIPTION:{_escape(('Booking code ' if lang == 'en' else '预约码 ') + b.code)}",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"
