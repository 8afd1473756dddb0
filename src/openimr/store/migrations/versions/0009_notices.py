"""Notices, deferral and the formulary flag on the case; a recorded NOARFI becomes a notice.

In California workers' comp the records clock now runs from the notice of assignment's date
of mailing (8 CCR 9792.10.5(a)(1)), kept with the case's other notices. A ca_dwc case that
recorded how its NOARFI was served gets that notice (dated the day the reviewer was assigned,
as the clock then counted) addressed to the parties the regulation names, so no running clock
is lost. `noarfi_served_by` stays for the packs whose assignment is not a notice.

Revision ID: 0009_notices
Revises: 0008_reassignment
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009_notices"
down_revision = "0008_reassignment"
branch_labels = None
depends_on = None

# 8 CCR 9792.10.4(b): employer, employee, the employee's attorney, the requesting physician.
ASSIGNMENT_ROLES = (
    "injured_worker",
    "representative",
    "employer",
    "claims_administrator",
    "requesting_physician",
)
NEW_COLUMNS = (
    "notices",
    "expedited_converted_on",
    "liability_resolved_on",
    "liability_agreed",
    "formulary",
    "eligibility_decided_on",
)


def _assignment_notice(conn: Any, case_id: int, assigned_on: Any, method: str) -> dict[str, Any]:
    parties = conn.execute(
        sa.text(
            "SELECT role, name, key, address FROM case_parties WHERE case_id = :id "
            "ORDER BY position"
        ),
        {"id": case_id},
    ).fetchall()
    recipients = [
        {"role": p.role, "name": p.name, "party_key": p.key, "address": p.address}
        for p in parties
        if p.role in ASSIGNMENT_ROLES
    ]
    return {
        "notice_id": "N1",
        "kind": "assignment",
        "mailed_on": str(assigned_on)[:10],
        "served_by": method,
        "recipients": recipients,
        "server_name": "recorded before notices were kept (migration 0009)",
        "details": {"migrated": True},
        "content_sha256": None,
    }


def upgrade() -> None:
    # Plain ADD COLUMN: nothing here needs SQLite's batch rebuild of the table.
    op.add_column("cases", sa.Column("eligibility_decided_on", sa.Date(), nullable=True))
    op.add_column(
        "cases", sa.Column("formulary", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "cases",
        sa.Column("liability_agreed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("cases", sa.Column("liability_resolved_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("expedited_converted_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("notices", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, assigned_on, noarfi_served_by, jurisdiction FROM cases")
    ).fetchall()
    for row in rows:
        notices: list[dict[str, Any]] = []
        if row.jurisdiction == "ca_dwc" and row.noarfi_served_by and row.assigned_on:
            notice = _assignment_notice(conn, row.id, row.assigned_on, row.noarfi_served_by)
            if notice["recipients"]:
                notices.append(notice)
        conn.execute(
            sa.text("UPDATE cases SET notices = :n WHERE id = :id").bindparams(
                sa.bindparam("n", type_=sa.JSON())
            ),
            {"n": notices, "id": row.id},
        )


def downgrade() -> None:
    for column in NEW_COLUMNS:
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")  # SQLite >= 3.35, PostgreSQL
