"""Reassignment and the absence calendar: released reviewers, the current reviewer's date, absences.

Revision ID: 0008_reassignment
Revises: 0007_login_by_address
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_reassignment"
down_revision = "0007_login_by_address"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("reviewer_assigned_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("released_reviewers", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.create_index("ix_cases_reviewer_assigned_on", ["reviewer_assigned_on"])
    with op.batch_alter_table("reviewers") as batch:
        batch.add_column(sa.Column("unavailable", sa.JSON(), nullable=False, server_default="[]"))
    # Cases already with a reviewer: that reviewer took them on the (first) assignment date.
    op.execute(
        "UPDATE cases SET reviewer_assigned_on = assigned_on WHERE assigned_reviewer_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("reviewers") as batch:
        batch.drop_column("unavailable")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_reviewer_assigned_on")
        batch.drop_column("released_reviewers")
        batch.drop_column("reviewer_assigned_on")
