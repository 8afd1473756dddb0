"""Notices, deferral and the formulary flag on the case; the NOARFI method becomes a notice.

The records clock now runs from the notice of assignment's date of mailing (8 CCR
9792.10.5(a)(1)), kept with the case's other notices. A case that recorded how its NOARFI was
served gets that notice (dated the day the reviewer was assigned, as the clock then counted)
addressed to the parties the regulation names, so no running clock is lost.

Revision ID: 0005_notices
Revises: 0004_audit_keys
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005_notices"
down_revision = "0004_audit_keys"
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
        "server_name": "recorded before notices were kept (migration 0005)",
        "details": {"migrated": True},
        "content_sha256": None,
    }


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: on SQLite a batch rebuild drops and recreates
    # `cases`, and with foreign keys on that would cascade-delete every case's parties,
    # documents and items.
    op.add_column("cases", sa.Column("eligibility_decided_on", sa.Date(), nullable=True))
    op.add_column(
        "cases", sa.Column("formulary", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "cases",
        sa.Column(
            "claims_administrator_agrees", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column("cases", sa.Column("liability_resolved_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("expedited_converted_on", sa.Date(), nullable=True))
    op.add_column("cases", sa.Column("notices", sa.JSON(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, assigned_on, noarfi_served_by FROM cases")).fetchall()
    for row in rows:
        notices: list[dict[str, Any]] = []
        if row.noarfi_served_by and row.assigned_on:
            notice = _assignment_notice(conn, row.id, row.assigned_on, row.noarfi_served_by)
            if notice["recipients"]:
                notices.append(notice)
        conn.execute(
            sa.text("UPDATE cases SET notices = :n WHERE id = :id").bindparams(
                sa.bindparam("n", type_=sa.JSON())
            ),
            {"n": notices, "id": row.id},
        )
    op.execute("ALTER TABLE cases DROP COLUMN noarfi_served_by")  # SQLite >= 3.35, PostgreSQL


def downgrade() -> None:
    op.add_column("cases", sa.Column("noarfi_served_by", sa.String(20), nullable=True))
    conn = op.get_bind()
    for row in conn.execute(sa.text("SELECT id, notices FROM cases")).fetchall():
        raw = row.notices
        notices = raw if isinstance(raw, list) else json.loads(raw or "[]")
        method = next((n["served_by"] for n in notices if n["kind"] == "assignment"), None)
        conn.execute(
            sa.text("UPDATE cases SET noarfi_served_by = :m WHERE id = :id"),
            {"m": method, "id": row.id},
        )
    for column in (
        "notices",
        "expedited_converted_on",
        "liability_resolved_on",
        "claims_administrator_agrees",
        "formulary",
        "eligibility_decided_on",
    ):
        op.execute(f"ALTER TABLE cases DROP COLUMN {column}")
