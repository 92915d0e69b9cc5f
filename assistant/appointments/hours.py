"""Opening hours read from a guide's text ("周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00")."""

from __future__ import annotations

import datetime as dt
import re

_DAYS = "一二三四五六日"
_RANGE = re.compile(rf"周([{_DAYS}天])\s*(?:至|到|-|~|—)\s*周([{_DAYS}天])")
_SINGLE = re.compile(rf"周([{_DAYS}天])")
_TIMES = re.compile(r"(\d{1,2})[:：](\d{2})\s*[-–—~至到]\s*(\d{1,2})[:：](\d{2})")
# what a hall without readable hours keeps: the common weekday hours of the sample guides
DEFAULT: dict[int, list[tuple[dt.time, dt.time]]] = {d: [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17))] for d in range(5)}

Hours = dict[int, list[tuple[dt.time, dt.time]]]  # weekday (Monday 0) -> opening periods


def _day(ch: str) -> int:
    return 6 if ch in "日天" else _DAYS.index(ch)


def parse_hours(text: str) -> Hours:
    out: Hours = {}
    for part in re.split(r"[；;]", text or ""):
        times = [(dt.time(int(a), int(b)), dt.time(int(c), int(d))) for a, b, c, d in _TIMES.findall(part)]
        if not times:
            continue
        m = _RANGE.search(part)
        if m:
            days = list(range(_day(m.group(1)), _day(m.group(2)) + 1))
        else:
            days = [_day(ch) for ch in _SINGLE.findall(part)]
        for d in days:
            out.setdefault(d, []).extend(t for t in times if t[0] < t[1])
    return out or DEFAULT
