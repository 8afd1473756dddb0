"""Who filed an application: the filing party's key (None when staff entered it).

Revision ID: 0003_filed_by
Revises: 0002_auth
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_filed_by"
down_revision = "0002_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("filed_by", sa.String(300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("filed_by")
