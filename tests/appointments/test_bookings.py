from __future__ import annotations

import datetime as dt
import threading

import pytest

from assistant.appointments.book import BookingError, normalize_mobile
from assistant.appointments.models import AppointmentRow
from assistant.dialogue.words import WORDS

TOMORROW = "2026-12-03"


def error(fn, *args, **kw) -> BookingError:
    with pytest.raises(BookingError) as info:
        fn(*args, **kw)
    assert info.value.key in WORDS  # every refusal has a sentence in both languages
    return info.value


def book(bookings, slot=f"{TOMORROW}T09:00", service="passport", mobile="13812345678", name="张三"):
    return bookings.book(service_id=service, slot=slot, name=name, mobile=mobile)


def test_slots_follow_the_guides_hours(bookings):
    slots = bookings.free_slots("passport", dt.date(2026, 12, 3))
    assert [s.start for s in slots[:3]] == ["09:00", "09:30", "10:00"]
    assert "12:00" not in [s.start for s in slots] and slots[-1].end == "17:00"
    assert len(slots) == 6 + 7 and all(s.free == s.capacity == 2 for s in slots)
    # a Saturday: the passport office is closed; the ID card office (extended hours) opens the morning
    assert bookings.free_slots("passport", dt.date(2026, 12, 5)) == []
    assert len(bookings.free_slots("id-card-renewal", dt.date(2026, 12, 5))) == 6
    assert bookings.free_slots("id-card-renewal", dt.date(2026, 12, 6)) == []


def test_today_only_later_slots(bookings, clock):
    clock["now"] = dt.datetime(2026, 12, 2, 10, 5)
    assert bookings.free_slots("passport", dt.date(2026, 12, 2))[0].start == "10:30"


def test_book_look_up_cancel_reschedule(bookings):
    b = book(bookings)
    assert len(b.code) == 8 and b.mobile == "138****5678" and b.area == "A" and b.windows == "A09-A12"
    assert b.materials and b.start == "09:00" and b.end == "09:30"
    assert bookings.free_slots("passport", dt.date(2026, 12, 3))[0].free == 1
    assert bookings.get(b.code.lower(), "5678").code == b.code
    moved = bookings.reschedule(b.code, "5678", f"{TOMORROW}T14:00")
    assert moved.start == "14:00"
    slots = {s.start: s.free for s in bookings.free_slots("passport", dt.date(2026, 12, 3))}
    assert slots["09:00"] == 2 and slots["14:00"] == 1
    assert bookings.cancel(b.code, "5678").status == "cancelled"
    assert {s.start: s.free for s in bookings.free_slots("passport", dt.date(2026, 12, 3))}["14:00"] == 2
    assert error(bookings.cancel, b.code, "5678").key == "appt_not_active"
    assert error(bookings.reschedule, b.code, "5678", f"{TOMORROW}T15:00").key == "appt_not_active"


def test_the_mobile_is_never_stored_whole(bookings):
    b = book(bookings, mobile="+86 138-1234-5678")
    with bookings.db.session() as s:
        row = s.query(AppointmentRow).filter_by(code=b.code).one()
        stored = " ".join(str(v) for v in vars(row).values())
    assert "13812345678" not in stored and row.mobile_masked == "138****5678" and row.mobile_last4 == "5678"
    # what the one entry leaves of a typed number books as well
    assert normalize_mobile("138****5678") == ("138****5678", "5678")


def test_a_wrong_code_and_a_wrong_check_read_alike(bookings):
    b = book(bookings)
    wrong_check = error(bookings.get, b.code, "0000")
    wrong_code = error(bookings.get, "ABCDEFGH", "5678")
    assert wrong_check.key == wrong_code.key == "appt_not_found" and wrong_check.status == wrong_code.status == 404
    assert error(bookings.cancel, b.code, "0000").key == "appt_not_found"


@pytest.mark.parametrize("slot, key", [
    ("2026-12-01T09:00", "appt_past"),  # yesterday
    ("2026-12-03T08:00", "appt_closed"),  # before opening
    ("2026-12-02T08:00", "appt_past"),  # earlier today
    ("2026-12-03T12:00", "appt_closed"),  # lunch
    ("2026-12-03T09:10", "appt_closed"),  # not a slot's start
    ("2026-12-06T09:00", "appt_closed"),  # Sunday
    ("2026-12-05T09:00", "appt_closed"),  # Saturday: the passport office is closed
    ("2027-01-01T09:00", "appt_too_far"),
    ("tomorrow", "appt_bad_slot"), ("", "appt_bad_slot"), (None, "appt_bad_slot"), (12, "appt_bad_slot"),
    ("<script>", "appt_bad_slot"), ("9" * 5000, "appt_bad_slot"),
])  # fmt: skip
def test_bad_slots(bookings, slot, key):
    assert error(book, bookings, slot=slot).key == key


def test_closed_days_configured_and_by_staff(bookings, clock):
    clock["now"] = dt.datetime(2026, 12, 30, 8, 0)
    assert bookings.free_slots("passport", dt.date(2027, 1, 1)) == []  # a configured holiday
    assert error(book, bookings, slot="2027-01-01T09:00").key == "appt_closed"
    bookings.close_day(dt.date(2026, 12, 31), "年终盘点")
    assert error(book, bookings, slot="2026-12-31T09:00").key == "appt_closed"
    bookings.open_day(dt.date(2026, 12, 31))
    assert book(bookings, slot="2026-12-31T09:00").status == "booked"


@pytest.mark.parametrize("field, value, key", [
    ("service", "no-such-service", "appt_unknown_service"), ("service", "", "appt_unknown_service"),
    ("service", None, "appt_unknown_service"), ("service", "company-registration", "appt_no_visit"),
    ("mobile", "1234", "appt_bad_mobile"), ("mobile", "", "appt_bad_mobile"), ("mobile", 13812345678, "appt_bad_mobile"),
    ("mobile", "23812345678", "appt_bad_mobile"), ("mobile", "1" * 1000, "appt_bad_mobile"),
    ("name", "", "appt_bad_name"), ("name", "<b>x</b>", "appt_bad_name"), ("name", "张" * 41, "appt_bad_name"),
    ("name", "13812345678", "appt_bad_name"), ("name", ["张三"], "appt_bad_name"),
])  # fmt: skip
def test_bad_bookings(bookings, kb, field, value, key):
    if value == "company-registration":
        assert kb.guides[value].visits == 0
    assert error(book, bookings, **{field: value}).key == key


@pytest.mark.parametrize("code", ["", "abc", "ABCDEFG0", "A" * 500, None, "<script>"])
def test_bad_codes(bookings, code):
    assert error(bookings.get, code).key == "appt_bad_code"


def test_the_last_place_goes_to_one_visitor(bookings):
    """Ten visitors race for two places of one slot, each in its own thread and connection."""
    start = threading.Barrier(10)
    won, lost = [], []

    def visitor(i: int) -> None:
        start.wait()
        try:
            won.append(book(bookings, mobile=f"1380000{i:04d}"))
        except BookingError as exc:
            lost.append(exc.key)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 2 and lost == ["appt_full"] * 8
    with bookings.db.session() as s:
        assert s.query(AppointmentRow).filter_by(slot=f"{TOMORROW}T09:00").count() == 2


def test_area_capacity_and_no_shows(bookings, clock):
    # vehicles (area B) have 3 places by configuration; the others the default 2
    assert bookings.free_slots("vehicle-registration", dt.date(2026, 12, 3))[0].capacity == 3
    assert bookings.free_slots("passport", dt.date(2026, 12, 3))[0].capacity == 2
    b = book(bookings, slot="2026-12-02T09:00")
    clock["now"] = dt.datetime(2026, 12, 2, 9, 45)
    today = bookings.day_bookings()
    assert [x.status for x in today["A"]] == ["no_show"] and today["A"][0].code == b.code


def test_check_in_today_only(bookings, clock):
    b = book(bookings, slot="2026-12-02T09:00")
    later = book(bookings)
    assert error(bookings.check_in, later.code, lambda g, c: "PA001").key == "appt_not_today"
    clock["now"] = dt.datetime(2026, 12, 2, 8, 55)
    done = bookings.check_in(b.code, lambda g, c: "PA001")
    assert done.status == "checked_in" and done.ticket == "PA001"
    assert error(bookings.check_in, b.code, lambda g, c: "PA002").key == "appt_not_active"
