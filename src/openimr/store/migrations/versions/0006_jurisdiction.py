"""Every case carries its jurisdiction and the pack's case facts; the date of injury is
optional (a health plan's case has none).

Revision ID: 0006_jurisdiction
Revises: 0005_workbench
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_jurisdiction"
down_revision = "0005_workbench"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Cases stored before packs existed were all California workers' comp.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("jurisdiction", sa.String(40), nullable=False, server_default="ca_dwc")
        )
        batch.add_column(
            sa.Column("facts", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch.alter_column("date_of_injury", existing_type=sa.Date(), nullable=True)
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("jurisdiction", server_default=None)
        batch.alter_column("facts", existing_type=sa.JSON(), server_default=None)
        batch.create_index("ix_cases_jurisdiction", ["jurisdiction"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_jurisdiction")
        batch.drop_column("facts")
        batch.drop_column("jurisdiction")
        batch.alter_column("date_of_injury", existing_type=sa.Date(), nullable=False)
