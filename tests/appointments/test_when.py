import datetime as dt

import pytest

from assistant.appointments.when import day_of, part_of
from assistant.cases.talk import read

WED = dt.date(2026, 12, 2)


@pytest.mark.parametrize("text, day", [
    ("预约明天上午办护照", dt.date(2026, 12, 3)), ("后天", dt.date(2026, 12, 4)), ("大后天下午", dt.date(2026, 12, 5)),
    ("今天", WED), ("周五", dt.date(2026, 12, 4)), ("星期一", dt.date(2026, 12, 7)), ("下周三", dt.date(2026, 12, 9)),
    ("下个礼拜一", dt.date(2026, 12, 7)), ("12月8日", dt.date(2026, 12, 8)), ("1月5号", dt.date(2027, 1, 5)),
    ("2026-12-10", dt.date(2026, 12, 10)), ("tomorrow morning", dt.date(2026, 12, 3)), ("on Friday", dt.date(2026, 12, 4)),
    ("next monday", dt.date(2026, 12, 7)), ("day after tomorrow", dt.date(2026, 12, 4)),
    ("办护照", None), ("13月40日", None), ("2026-02-30", None), ("", None),
])  # fmt: skip
def test_days(text, day):
    assert day_of(text, WED) == day


@pytest.mark.parametrize("text, part", [("明天上午", "am"), ("下午两点", "pm"), ("tomorrow morning", "am"), ("friday afternoon", "pm"), ("明天", None)])
def test_parts(text, part):
    assert part_of(text) == part


@pytest.mark.parametrize("text, number, check", [
    ("SL202611200001，1234", "SL202611200001", "1234"), ("受理号sl202611200001 后四位135x", "SL202611200001", "135X"),
    ("SL202611200001", "SL202611200001", None), ("1234", None, "1234"), ("不知道", None, None),
    ("SL2026********4321", None, "4321"),  # what masking leaves of a number typed with a space: asked again
])  # fmt: skip
def test_reading_a_case_number_and_check(text, number, check):
    assert read(text) == (number, check)
