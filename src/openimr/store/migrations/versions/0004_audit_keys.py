"""The audit log becomes keyed: each entry names the HMAC key that sealed it.

Entries already in the log keep their plain SHA-256 chain and get `key_id` "" (no rows are
rewritten: the append-only triggers stay in force). The first entry sealed after the upgrade
covers the old chain's head, so the old entries stay tamper-evident under the key.

Revision ID: 0004_audit_keys
Revises: 0003_filed_by
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_keys"
down_revision = "0003_filed_by"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with a default: no UPDATE runs, so the triggers have nothing to refuse.
    op.add_column(
        "audit_log", sa.Column("key_id", sa.String(16), nullable=False, server_default="")
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_log DROP COLUMN key_id")
    else:
        op.drop_column("audit_log", "key_id")
