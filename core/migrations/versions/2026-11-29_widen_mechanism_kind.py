"""widen mechanism.kind to hold value_sharing, recruitment, replication

Revision ID: 8d2e3f4a5b61
Revises: 7c1d2e3f4a50
Create Date: 2026-11-29
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "8d2e3f4a5b61"
down_revision = "7c1d2e3f4a50"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mechanism") as batch:
        batch.alter_column("kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=10),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=20), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("mechanism") as batch:
        batch.alter_column("kind", existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
                           type_=sqlmodel.sql.sqltypes.AutoString(length=10), existing_nullable=False)
