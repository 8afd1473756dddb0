"""Core case store: cases, parties, documents, disputed items, reviewers, audit log.

Revision ID: 0001_core
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# The audit log is append-only below the application too: the database refuses
# UPDATE and DELETE on it (tamper evidence is the hash chain; this is prevention).
SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()""",
]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(80), nullable=False),
        sa.Column("case_number", sa.String(40), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_audit_log_entry_hash")),
    )
    op.create_index(op.f("ix_audit_log_action"), "audit_log", ["action"])
    op.create_index(op.f("ix_audit_log_case_number"), "audit_log", ["case_number"])
    op.create_table(
        "case_number_seq",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("issued_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_number_seq")),
    )
    op.create_table(
        "document_blobs",
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name=op.f("pk_document_blobs")),
    )
    op.create_table(
        "reviewers",
        sa.Column("reviewer_id", sa.String(80), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("profession", sa.String(20), nullable=False),
        sa.Column("specialties", sa.JSON(), nullable=False),
        sa.Column("board_certifications", sa.JSON(), nullable=False),
        sa.Column("licenses", sa.JSON(), nullable=False),
        sa.Column("years_active_practice", sa.Float(), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("affiliations", sa.JSON(), nullable=False),
        sa.Column("financial_interests", sa.JSON(), nullable=False),
        sa.Column("capacity_per_week", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("reviewer_id", name=op.f("pk_reviewers")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("intake_key", sa.String(64), nullable=True),
        sa.Column("dispute_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("date_of_injury", sa.Date(), nullable=False),
        sa.Column("ur_decision_date", sa.Date(), nullable=False),
        sa.Column("ur_decision_served_by", sa.String(20), nullable=False),
        sa.Column("application_received_on", sa.Date(), nullable=False),
        sa.Column("application_signed", sa.Boolean(), nullable=False),
        sa.Column("dispute_type", sa.String(60), nullable=False),
        sa.Column("claim_number", sa.String(80), nullable=True),
        sa.Column("applicant_age", sa.Integer(), nullable=True),
        sa.Column("applicant_sex", sa.String(20), nullable=True),
        sa.Column("condition", sa.Text(), nullable=False),
        sa.Column("assigned_reviewer_id", sa.String(80), nullable=True),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("noarfi_served_by", sa.String(20), nullable=True),
        sa.Column("records_received_on", sa.Date(), nullable=True),
        sa.Column("records_served_by", sa.String(20), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("eligibility_findings", sa.JSON(), nullable=False),
        sa.Column("determination", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_reviewer_id"],
            ["reviewers.reviewer_id"],
            name=op.f("fk_cases_assigned_reviewer_id_reviewers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_number", name=op.f("uq_cases_case_number")),
        sa.UniqueConstraint("intake_key", name=op.f("uq_cases_intake_key")),
    )
    op.create_index(op.f("ix_cases_assigned_reviewer_id"), "cases", ["assigned_reviewer_id"])
    op.create_index(op.f("ix_cases_dispute_key"), "cases", ["dispute_key"])
    op.create_index(op.f("ix_cases_state"), "cases", ["state"])
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(300), nullable=True),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("filename", sa.String(500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_documents_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["content_hash"],
            ["document_blobs.content_hash"],
            name=op.f("fk_case_documents_content_hash_document_blobs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        sa.UniqueConstraint("case_id", "document_id", name=op.f("uq_case_documents_case_id")),
    )
    op.create_index(op.f("ix_case_documents_case_id"), "case_documents", ["case_id"])
    op.create_index(op.f("ix_case_documents_content_hash"), "case_documents", ["content_hash"])
    op.create_table(
        "case_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("organization", sa.String(300), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_parties_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_parties")),
        sa.UniqueConstraint("case_id", "position", name=op.f("uq_case_parties_case_id")),
    )
    op.create_index(op.f("ix_case_parties_case_id"), "case_parties", ["case_id"])
    op.create_index(op.f("ix_case_parties_key"), "case_parties", ["key"])
    op.create_table(
        "disputed_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("original_request", sa.Text(), nullable=True),
        sa.Column("authorized_portion", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_disputed_items_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputed_items")),
        sa.UniqueConstraint("case_id", "item_id", name=op.f("uq_disputed_items_case_id")),
    )
    op.create_index(op.f("ix_disputed_items_case_id"), "disputed_items", ["case_id"])

    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_refuse_change()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    for table in (
        "disputed_items",
        "case_parties",
        "case_documents",
        "cases",
        "reviewers",
        "document_blobs",
        "case_number_seq",
        "audit_log",
    ):
        op.drop_table(table)
