"""Workbench and case management: reviewer exclusions and records requests on the case,
autosaved review drafts, page texts and OCR progress, notifications and e-mail addresses.

Revision ID: 0005_workbench
Revises: 0004_audit_keys
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_workbench"
down_revision = "0004_audit_keys"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("excluded_reviewers", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("records_requests", sa.JSON(), nullable=False, server_default="[]")
        )
    op.create_table(
        "review_drafts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(40), nullable=False),
        sa.Column("reviewer_id", sa.String(80), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("saved_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_drafts"),
        sa.UniqueConstraint("case_number", "reviewer_id", name="uq_review_drafts_case_number"),
    )
    op.create_index("ix_review_drafts_case_number", "review_drafts", ["case_number"])
    op.create_table(
        "document_pages",
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("content_hash", "page", name="pk_document_pages"),
    )
    op.create_table(
        "document_ocr",
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("pages_done", sa.Integer(), nullable=False),
        sa.Column("pages_total", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("content_hash", name="pk_document_ocr"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recipient", sa.String(300), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_number", sa.String(40), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("read_at", TZ, nullable=True),
        sa.Column("emailed_at", TZ, nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notifications"),
        sa.UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
    )
    op.create_index("ix_notifications_recipient", "notifications", ["recipient"])
    op.create_table(
        "user_emails",
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("email", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_user_emails"),
    )


def downgrade() -> None:
    op.drop_table("user_emails")
    op.drop_index("ix_notifications_recipient", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("document_ocr")
    op.drop_table("document_pages")
    op.drop_index("ix_review_drafts_case_number", table_name="review_drafts")
    op.drop_table("review_drafts")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("records_requests")
        batch.drop_column("excluded_reviewers")
