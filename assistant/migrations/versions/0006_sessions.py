"""conversation state in the database: one row per session with its expiry

Revision ID: 0006_sessions
Revises: 0005_appointments
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sessions"
down_revision = "0005_appointments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
    )
    op.create_index("ix_conversation_sessions_expires_at", "conversation_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_sessions_expires_at", table_name="conversation_sessions")
    op.drop_table("conversation_sessions")
