"""A checked-in booking's ticket: its own prefix from the same atomic counter, served first."""

from assistant.db import Database
from assistant.handoff import service as handoff


def test_priority_tickets_come_first(db_url, kb):
    db = Database(db_url)
    guide = kb.guides["passport"]
    try:
        with db.session() as s:
            walk_in = handoff.create_ticket(s, session_id="w1", channel="web", lang="zh", guide=guide, transcript=[], reason="requested")
            walk_in2 = handoff.create_ticket(s, session_id="w2", channel="web", lang="zh", guide=guide, transcript=[], reason="requested")
            booked = handoff.create_ticket(s, session_id="appointment:K7M3Q9TX", channel="kiosk", lang="zh", guide=guide, transcript=[],
                                           reason=handoff.PRIORITY_REASON, prefix="PA")  # fmt: skip
            booked2 = handoff.create_ticket(s, session_id="appointment:K7M3Q9TY", channel="kiosk", lang="zh", guide=guide, transcript=[],
                                            reason=handoff.PRIORITY_REASON, prefix="PA")  # fmt: skip
            assert (walk_in.number, walk_in2.number, booked.number, booked2.number) == ("A001", "A002", "PA001", "PA002")
            assert [t.number for t in handoff.list_tickets(s)] == ["PA001", "PA002", "A001", "A002"]
            assert handoff.waiting_ahead(s, ticket=booked) == 0 and handoff.waiting_ahead(s, ticket=booked2) == 1
            assert handoff.waiting_ahead(s, ticket=walk_in2) == 1
    finally:
        db.dispose()
