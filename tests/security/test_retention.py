"""Chat logs and transcripts are deleted after the retention period, by `assistant records purge`."""

import datetime as dt

from sqlalchemy import func, select

from assistant.cli import main
from assistant.db import Database
from assistant.handoff.models import TicketMessageRow, TicketRow
from assistant.records.models import ChatLogRow, RatingRow
from assistant.records.retention import purge
from assistant.kb.models import utcnow


def _seed(db: Database, *, age_days: int, tag: str) -> None:
    at = utcnow() - dt.timedelta(days=age_days)
    with db.session() as s:
        s.add(ChatLogRow(message_id=f"m-{tag}", session_id=tag, channel="web", lang="zh", text="我的问题", intent="ask_materials",
                         confidence=0.9, kind="answer", trace={}, at=at))  # fmt: skip
        ticket = TicketRow(number=f"A{age_days:03d}", day=at.date().isoformat(), session_id=tag, channel="web", window="A01",
                           status="closed", outcome="已办结", created_at=at, updated_at=at)  # fmt: skip
        s.add(ticket)
        s.flush()
        s.add(TicketMessageRow(ticket_id=ticket.id, role="user", text="转人工", at=at))
        s.add(RatingRow(session_id=tag, ticket_number=ticket.number, ticket_id=ticket.id, channel="web", score=2, comment="太慢", at=at))


def _count(db, model, *where):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_purge_deletes_only_what_is_older_than_the_retention(db_url):
    db = Database(db_url)
    try:
        _seed(db, age_days=200, tag="old")
        _seed(db, age_days=10, tag="new")
        with db.session() as s:
            assert purge(s, days=180, dry_run=True)["chat_logs"] == 1
        assert _count(db, ChatLogRow) == 2  # a dry run changes nothing
        with db.session() as s:
            counts = purge(s, days=180)
        assert counts["chat_logs"] == 1 and counts["transcript_messages"] == 1 and counts["rating_comments"] == 1
        with db.session() as s:
            assert [r.session_id for r in s.scalars(select(ChatLogRow))] == ["new"]
            tickets = {t.session_id: t for t in s.scalars(select(TicketRow))}
            assert tickets["old"].outcome is None and not tickets["old"].messages and tickets["new"].messages
            ratings = {r.session_id: r for r in s.scalars(select(RatingRow))}
            assert ratings["old"].comment is None and ratings["old"].score == 2 and ratings["new"].comment == "太慢"
    finally:
        db.dispose()


def test_the_command_purges_with_the_configured_or_given_days(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'r.db'}"
    db = Database(url)
    _seed(db, age_days=40, tag="a")
    assert main(["--database-url", url, "records", "purge", "--days", "60"]) == 0
    assert "0 chat logs" in capsys.readouterr().out and _count(db, ChatLogRow) == 1
    assert main(["--database-url", url, "records", "purge", "--days", "30", "--dry-run"]) == 0
    assert "would delete: 1 chat logs" in capsys.readouterr().out and _count(db, ChatLogRow) == 1
    assert main(["--database-url", url, "records", "purge", "--days", "30"]) == 0
    assert _count(db, ChatLogRow) == 0 and _count(db, TicketMessageRow) == 0
    assert main(["--database-url", url, "records", "purge", "--days", "0"]) == 2
    db.dispose()
