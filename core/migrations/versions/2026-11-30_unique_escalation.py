"""one challenge per consultation: unique index on challenge.escalated_from_id

Revision ID: a4b5c6d7e8f9
Revises: 9e3f4a5b6c72
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "a4b5c6d7e8f9"
down_revision = "9e3f4a5b6c72"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A double click could escalate twice before this index: the first challenge keeps the link,
    # later duplicates stay as they are but no longer claim the consultation.
    op.execute(sa.text(
        "UPDATE challenge SET escalated_from_id = NULL WHERE escalated_from_id IS NOT NULL AND id <> "
        "(SELECT MIN(first.id) FROM challenge AS first WHERE first.escalated_from_id = challenge.escalated_from_id)"))
    # NULLs stay distinct on SQLite and PostgreSQL: only escalated challenges are constrained.
    op.create_index(op.f("ix_challenge_escalated_from_id"), "challenge", ["escalated_from_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_challenge_escalated_from_id"), table_name="challenge")
