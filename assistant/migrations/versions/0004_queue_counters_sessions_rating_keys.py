"""queue counters and unique queue numbers, one rating per ticket, server-side staff sessions

Revision ID: 0004
Revises: 0003

Existing databases may already hold duplicate numbers (the old count-then-insert raced): every
duplicate but the first gets a fresh number of its area and day before the unique key is added, and
the counters start above the highest number given out.
"""

import re
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NUMBER = re.compile(r"^([A-Za-z]+)([0-9]+)$")


def _renumber_and_seed(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT id, day, number FROM tickets ORDER BY id")).all()
    last: dict[tuple[str, str], int] = defaultdict(int)
    for _id, day, number in rows:
        m = _NUMBER.match(number or "")
        if m:
            key = (m.group(1), day)
            last[key] = max(last[key], int(m.group(2)))
    seen: set[tuple[str, str]] = set()
    for id_, day, number in rows:
        if (day, number) not in seen:
            seen.add((day, number))
            continue
        m = _NUMBER.match(number or "")
        prefix = m.group(1) if m else "Z"
        last[(prefix, day)] += 1
        fresh = f"{prefix}{last[(prefix, day)]:03d}"
        seen.add((day, fresh))
        conn.execute(sa.text("UPDATE tickets SET number = :n WHERE id = :id"), {"n": fresh, "id": id_})
    for (prefix, day), n in last.items():
        conn.execute(sa.text("INSERT INTO queue_counters (prefix, day, last) VALUES (:p, :d, :n)"), {"p": prefix, "d": day, "n": n})


def upgrade() -> None:
    op.create_table(
        "queue_counters",
        sa.Column("prefix", sa.String(4), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    _renumber_and_seed(op.get_bind())
    with op.batch_alter_table("tickets") as batch:
        batch.create_unique_constraint("uq_tickets_day_number", ["day", "number"])
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("ticket_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_ratings_ticket_id", "tickets", ["ticket_id"], ["id"], ondelete="SET NULL")
        batch.create_unique_constraint("uq_ratings_ticket_id", ["ticket_id"])
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("staff_sessions")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_constraint("uq_ratings_ticket_id", type_="unique")
        batch.drop_constraint("fk_ratings_ticket_id", type_="foreignkey")
        batch.drop_column("ticket_id")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("uq_tickets_day_number", type_="unique")
    op.drop_table("queue_counters")
