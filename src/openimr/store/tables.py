"""The case store's tables (SQLAlchemy 2 `Mapped[...]`). Rows only: no domain logic here.

`store/mapping.py` turns rows into domain objects and back. JSON columns hold values
that are always read and written whole with their aggregate (findings, the signed
determination, a reviewer's licences).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from openimr.store.base import Base


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(40), unique=True)
    jurisdiction: Mapped[str] = mapped_column(String(40), index=True)
    # Idempotent intake: the same application submitted twice finds the first case.
    intake_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    # sha256 of rules.eligibility.dispute_key: finds earlier applications for the same dispute.
    dispute_key: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(20))
    date_of_injury: Mapped[date | None] = mapped_column(Date, nullable=True)
    ur_decision_date: Mapped[date] = mapped_column(Date)
    ur_decision_served_by: Mapped[str] = mapped_column(String(20))
    application_received_on: Mapped[date] = mapped_column(Date)
    application_signed: Mapped[bool] = mapped_column(Boolean)
    dispute_type: Mapped[str] = mapped_column(String(60))
    claim_number: Mapped[str | None] = mapped_column(String(80), nullable=True)
    applicant_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    applicant_sex: Mapped[str | None] = mapped_column(String(20), nullable=True)
    condition: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    filed_by: Mapped[str | None] = mapped_column(String(300), nullable=True)
    assigned_reviewer_id: Mapped[str | None] = mapped_column(
        ForeignKey("reviewers.reviewer_id"), nullable=True, index=True
    )
    assigned_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reviewer_assigned_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    released_reviewers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    noarfi_served_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    records_received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    records_served_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    published_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    eligibility_findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    eligibility_decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    formulary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    liability_agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    liability_resolved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    expedited_converted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The notices served (kind, date of mailing, method, recipients, details), read and
    # written whole with the case like the eligibility findings.
    notices: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=list)
    determination: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    excluded_reviewers: Mapped[list[str]] = mapped_column(JSON, default=list)
    records_requests: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    # SQLAlchemy adds "AND version = :read_version" to every UPDATE (optimistic locking).
    __mapper_args__ = {"version_id_col": version}

    parties: Mapped[list[PartyRow]] = relationship(
        order_by="PartyRow.position", cascade="all, delete-orphan", lazy="selectin"
    )
    documents: Mapped[list[CaseDocumentRow]] = relationship(
        order_by="CaseDocumentRow.position", cascade="all, delete-orphan", lazy="selectin"
    )
    items: Mapped[list[DisputedItemRow]] = relationship(
        order_by="DisputedItemRow.position", cascade="all, delete-orphan", lazy="selectin"
    )


class PartyRow(Base):
    __tablename__ = "case_parties"
    __table_args__ = (UniqueConstraint("case_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), index=True)
    organization: Mapped[str | None] = mapped_column(String(300), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)


class DocumentBlobRow(Base):
    """Document bytes, content-addressed: one row per distinct sha256."""

    __tablename__ = "document_blobs"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CaseDocumentRow(Base):
    __tablename__ = "case_documents"
    __table_args__ = (UniqueConstraint("case_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(ForeignKey("document_blobs.content_hash"), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int] = mapped_column(Integer)
    author: Mapped[str | None] = mapped_column(String(300), nullable=True)
    document_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    filename: Mapped[str | None] = mapped_column(String(500), nullable=True)


class DisputedItemRow(Base):
    __tablename__ = "disputed_items"
    __table_args__ = (UniqueConstraint("case_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    original_request: Mapped[str | None] = mapped_column(Text, nullable=True)
    authorized_portion: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReviewerRow(Base):
    __tablename__ = "reviewers"

    reviewer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    profession: Mapped[str] = mapped_column(String(20))
    specialties: Mapped[list[str]] = mapped_column(JSON, default=list)
    board_certifications: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    licenses: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    years_active_practice: Mapped[float] = mapped_column(Float)
    hours_per_week: Mapped[float] = mapped_column(Float)
    affiliations: Mapped[list[str]] = mapped_column(JSON, default=list)
    financial_interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity_per_week: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unavailable: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseNumberRow(Base):
    """A counter: inserting a row hands out the next case-number sequence value."""

    __tablename__ = "case_number_seq"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntryRow(Base):
    """Append-only, HMAC-chained audit log. Triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    case_number: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    data: Mapped[str] = mapped_column(Text)  # canonical JSON: hashed exactly as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The id (never the secret) of the HMAC key that sealed the entry; "" before keying.
    key_id: Mapped[str] = mapped_column(String(16), default="", server_default="")


class ReviewDraftRow(Base):
    """A reviewer's unsigned workbench form, autosaved (one per case and reviewer)."""

    __tablename__ = "review_drafts"
    __table_args__ = (UniqueConstraint("case_number", "reviewer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_number: Mapped[str] = mapped_column(String(40), index=True)
    reviewer_id: Mapped[str] = mapped_column(String(80))
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentPageRow(Base):
    """The text of one page of stored document bytes (text layer or OCR)."""

    __tablename__ = "document_pages"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    page: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(10))


class DocumentOcrRow(Base):
    """Progress of the OCR of one document's bytes."""

    __tablename__ = "document_ocr"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NotificationRow(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # "staff" (the staff's shared inbox), "reviewer:<id>" or "party:<key>".
    recipient: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    case_number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Once per user, kind, case and key (e.g. the clock and threshold of a deadline).
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)


class UserEmailRow(Base):
    """Where a user's notifications are e-mailed (optional)."""

    __tablename__ = "user_emails"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    email: Mapped[str] = mapped_column(String(300))
