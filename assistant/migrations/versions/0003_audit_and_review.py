"""audit log and review status of logged questions

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False, index=True),
        sa.Column("user", sa.String(120), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(120), nullable=False, index=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    with op.batch_alter_table("chat_logs") as batch:
        batch.add_column(sa.Column("review_status", sa.String(20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_logs") as batch:
        batch.drop_column("review_status")
    op.drop_table("audit_log")
