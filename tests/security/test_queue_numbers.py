"""Queue numbers: unique per hall area and day under concurrent handoffs, on SQLite and PostgreSQL."""

import threading

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, select, text

from assistant.db import MIGRATIONS_DIR, Database
from assistant.handoff import service as handoff
from assistant.handoff.models import TicketRow
from assistant.kb.models import utcnow


def _create_concurrently(db: Database, n: int, guide=None) -> list[str]:
    barrier, numbers, errors = threading.Barrier(n), [], []

    def one(i: int) -> None:
        try:
            barrier.wait(30)
            with db.session() as s:
                numbers.append(handoff.create_ticket(s, session_id=f"c{i}", channel="web", lang="zh", guide=guide, transcript=[], reason="requested").number)
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    return numbers


def test_sixty_concurrent_handoffs_get_sixty_distinct_numbers(db_url):
    db = Database(db_url)
    try:
        numbers = _create_concurrently(db, 60)
        assert len(numbers) == 60 and len(set(numbers)) == 60
        assert sorted(numbers) == [f"Z{i:03d}" for i in range(1, 61)]  # no gaps either: one counter per area and day
        with db.session() as s:
            stored = list(s.scalars(select(TicketRow.number)))
        assert len(stored) == 60 == len(set(stored))
    finally:
        db.dispose()


def test_the_database_refuses_a_duplicate_number_for_the_same_day(db_url):
    db = Database(db_url)
    try:
        with db.session() as s:
            s.add(TicketRow(number="A001", day="2026-01-01", session_id="x", channel="web", window="A01"))
        with pytest.raises(Exception, match="(?i)unique|duplicate"), db.session() as s:
            s.add(TicketRow(number="A001", day="2026-01-01", session_id="y", channel="web", window="A01"))
        with db.session() as s:  # the same number on another day is fine: numbers restart every day
            s.add(TicketRow(number="A001", day="2026-01-02", session_id="z", channel="web", window="A01"))
    finally:
        db.dispose()


def test_a_ticket_left_open_from_an_earlier_day_counts_in_no_wait(db_url):
    db = Database(db_url)
    try:
        with db.session() as s:
            for i in range(30):  # yesterday's unserved queue
                s.add(TicketRow(number=f"Z{i + 1:03d}", day="2000-01-01", session_id=f"old{i}", channel="web", window="Z01", status="waiting"))
        with db.session() as s:
            first = handoff.create_ticket(s, session_id="new1", channel="web", lang="zh", guide=None, transcript=[], reason="requested")
            second = handoff.create_ticket(s, session_id="new2", channel="web", lang="zh", guide=None, transcript=[], reason="requested")
            assert handoff.info(s, ticket=first).wait_minutes == handoff.MINUTES_PER_TICKET
            assert handoff.info(s, ticket=second).wait_minutes == 2 * handoff.MINUTES_PER_TICKET
            old = s.scalar(select(TicketRow).where(TicketRow.session_id == "old29"))
            assert handoff.carried_over(old) and handoff.info(s, ticket=old).wait_minutes == handoff.MINUTES_PER_TICKET
            # yesterday's open numbers are not given out again today
            assert first.number == "Z031" and second.number == "Z032"
    finally:
        db.dispose()


def test_migration_renumbers_duplicates_left_by_the_old_race(db_url, monkeypatch):
    engine = create_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    now = utcnow()
    with engine.begin() as conn:
        for i, number in enumerate(["A001", "A002", "A002", "A002", "B001"]):
            conn.execute(
                text("INSERT INTO tickets (number, day, session_id, channel, lang, \"window\", status, reason, created_at, updated_at) "
                     "VALUES (:n, '2026-12-01', :s, 'web', 'zh', 'A01', 'waiting', 'requested', :t, :t)"),
                {"n": number, "s": f"s{i}", "t": now},
            )  # fmt: skip
    engine.dispose()
    db = Database(db_url)  # upgrades to head
    try:
        with db.session() as s:
            numbers = [r.number for r in s.scalars(select(TicketRow).order_by(TicketRow.id))]
            assert numbers == ["A001", "A002", "A003", "A004", "B001"]
            monkeypatch.setattr(handoff, "today", lambda: "2026-12-01")
            assert handoff._allocate_number(s, prefix="A", day="2026-12-01") == "A005"  # the counter starts above them
    finally:
        db.dispose()
