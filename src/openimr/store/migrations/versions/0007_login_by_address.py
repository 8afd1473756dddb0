"""Login attempts are looked up by address too (the per-address throttle).

Revision ID: 0007_login_by_address
Revises: 0006_jurisdiction
"""

from __future__ import annotations

from alembic import op

revision = "0007_login_by_address"
down_revision = "0006_jurisdiction"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_login_attempts_remote_addr", "login_attempts", ["remote_addr"])


def downgrade() -> None:
    op.drop_index("ix_login_attempts_remote_addr", table_name="login_attempts")
