"""login attempts for per-address throttling

Revision ID: 7c1d2e3f4a50
Revises: 5e2a7c1f9b30
Create Date: 2026-11-29
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "7c1d2e3f4a50"
down_revision = "5e2a7c1f9b30"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loginattempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip", sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loginattempt")),
    )
    op.create_index(op.f("ix_loginattempt_ip"), "loginattempt", ["ip"], unique=False)
    op.create_index(op.f("ix_loginattempt_at"), "loginattempt", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_loginattempt_at"), table_name="loginattempt")
    op.drop_index(op.f("ix_loginattempt_ip"), table_name="loginattempt")
    op.drop_table("loginattempt")
