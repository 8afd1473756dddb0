"""The audit log table's repository: append (HMAC-chained) and read; never update or delete.

Entries are buffered and written at commit, inside the same transaction as the change
they record. On PostgreSQL an advisory transaction lock serializes appenders so the
chain cannot fork; on SQLite the write lock taken by BEGIN IMMEDIATE does the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from openimr.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    AuditKeyRing,
    ChainReport,
    canonical_json,
    seal,
    verify_chain,
)
from openimr.store.tables import AuditEntryRow

# Any constant: the key of the PostgreSQL advisory lock guarding the chain's tail.
_AUDIT_LOCK_KEY = 4610_0006


@dataclass(frozen=True)
class _Pending:
    at: datetime
    actor: str
    action: str
    case_number: str | None
    data: str


def entry_from_row(row: AuditEntryRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        case_number=row.case_number,
        data=row.data,
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
        key_id=row.key_id,
    )


class SqlAuditLog:
    def __init__(self, session: Session, keys: AuditKeyRing) -> None:
        self.session = session
        self.keys = keys
        self._pending: list[_Pending] = []

    def append(
        self,
        action: str,
        *,
        actor: str,
        at: datetime,
        case_number: str | None,
        data: dict[str, Any],
    ) -> None:
        self._pending.append(_Pending(at, actor, action, case_number, canonical_json(data)))

    def flush(self) -> None:
        """Write the buffered entries, chained onto the current tail (called at commit)."""
        if not self._pending:
            return
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
        seq, prev = self.tail() or (0, GENESIS_HASH)
        rows = []
        for p in self._pending:
            seq += 1
            entry = seal(self.keys, prev, seq, p.at, p.actor, p.action, p.case_number, p.data)
            rows.append(vars(entry))
            prev = entry.entry_hash
        self._pending.clear()
        # A Core INSERT: the log is write-once, the ORM's unit of work has nothing to track.
        self.session.execute(insert(cast(Table, AuditEntryRow.__table__)), rows)

    def discard(self) -> None:
        self._pending.clear()

    def for_case(self, case_number: str) -> list[AuditEntry]:
        rows = self.session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.case_number == case_number)
            .order_by(AuditEntryRow.seq)
        )
        return [entry_from_row(r) for r in rows]

    def entries(self, after_seq: int = 0) -> Iterator[AuditEntry]:
        rows = self.session.scalars(
            select(AuditEntryRow)
            .where(AuditEntryRow.seq > after_seq)
            .order_by(AuditEntryRow.seq)
            .execution_options(yield_per=1000)
        )
        for row in rows:
            yield entry_from_row(row)

    def tail(self) -> tuple[int, str] | None:
        row = self.session.execute(
            select(AuditEntryRow.seq, AuditEntryRow.entry_hash)
            .order_by(AuditEntryRow.seq.desc())
            .limit(1)
        ).first()
        return (row[0], row[1]) if row else None

    def verify(self) -> ChainReport:
        return verify_chain(self.entries(), self.keys)
