import datetime as dt

from assistant.appointments.hours import DEFAULT, parse_hours


def test_weekdays_and_saturday():
    hours = parse_hours("周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00（延时服务）；线上认证全天可办")
    assert hours[0] == [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17))]
    assert hours[4] == hours[0] and hours[5] == [(dt.time(9), dt.time(12))]
    assert 6 not in hours


def test_unreadable_hours_fall_back_to_weekdays():
    assert parse_hours("以公告为准") == DEFAULT
    assert parse_hours("") == DEFAULT
