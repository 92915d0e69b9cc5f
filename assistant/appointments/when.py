"""The day and part of day a visitor asks for: 明天上午, 下周三下午, 12月8日, tomorrow morning, next Friday."""

from __future__ import annotations

import datetime as dt
import re

_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3, "today": 0, "tomorrow": 1, "day after tomorrow": 2}
_ZH_DAY = "一二三四五六日天"
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ZH_WEEKDAY = re.compile(rf"(下下|下个?|这个?|本)?(?:周|星期|礼拜)([{_ZH_DAY}])")
_EN_WEEKDAY = re.compile(r"\b(next\s+)?(" + "|".join(d[:3] + r"(?:" + d[3:] + r")?" for d in _EN_DAYS) + r")\b")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
AM = ("上午", "早上", "早晨", "上半天", "morning", "a.m", "am ")
PM = ("下午", "下半天", "afternoon", "p.m", "pm ")


def part_of(text: str) -> str | None:
    t = text.lower() + " "
    if any(w in t for w in PM):
        return "pm"
    if any(w in t for w in AM):
        return "am"
    return None


def day_of(text: str, today: dt.date) -> dt.date | None:
    t = text.lower()
    m = _ISO.search(t)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _MONTH_DAY.search(t)
    if m:
        try:
            day = dt.date(today.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        return day if day >= today else day.replace(year=today.year + 1)
    for word in sorted(_RELATIVE, key=len, reverse=True):  # 大后天 before 后天
        if word in t:
            return today + dt.timedelta(days=_RELATIVE[word])
    m = _ZH_WEEKDAY.search(t)
    if m:
        weekday = 6 if m.group(2) in "日天" else _ZH_DAY.index(m.group(2))
        weeks = {"下下": 2, "下": 1, "下个": 1}.get(m.group(1) or "", 0)
        return _weekday(today, weekday, weeks)
    m = _EN_WEEKDAY.search(t)
    if m:
        weekday = next(i for i, d in enumerate(_EN_DAYS) if d.startswith(m.group(2)[:3]))
        return _weekday(today, weekday, 1 if m.group(1) else 0)
    return None


def _weekday(today: dt.date, weekday: int, weeks: int) -> dt.date:
    if weeks:  # 下周三: Wednesday of next week
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
        return monday + dt.timedelta(days=weekday)
    ahead = (weekday - today.weekday()) % 7
    return today + dt.timedelta(days=ahead)
