"""appointments (one row per booked place, unique per area, slot and place) and closed days; the demo back office's sample cases

Revision ID: 0005_appointments
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_appointments"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("service_id", sa.String(80), nullable=False),
        sa.Column("area", sa.String(4), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("slot", sa.String(16), nullable=False),
        sa.Column("slot_end", sa.String(16), nullable=False),
        sa.Column("place", sa.Integer, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("mobile_masked", sa.String(16), nullable=False),
        sa.Column("mobile_last4", sa.String(4), nullable=False),
        sa.Column("lang", sa.String(5), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("ticket", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("area", "slot", "place", name="uq_appointments_area_slot_place"),
    )
    op.create_index("ix_appointments_day", "appointments", ["day"])
    op.create_index("ix_appointments_status", "appointments", ["status"])
    op.create_table(
        "appointment_closed_days",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("reason", sa.String(80), nullable=False, server_default=""),
    )
    op.create_table(
        "sample_cases",
        sa.Column("number", sa.String(32), primary_key=True),
        sa.Column("service_id", sa.String(80), nullable=False),
        sa.Column("check", sa.String(4), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated", sa.String(10), nullable=False),
        sa.Column("window", sa.String(16), nullable=False),
        sa.Column("tracking", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sample_cases")
    op.drop_table("appointment_closed_days")
    op.drop_table("appointments")
