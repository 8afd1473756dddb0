"""Audit entries and their hash chain: each entry's hash covers the one before it.

Changing, removing or reordering any stored entry breaks the chain from that entry on,
which `verify_chain` reports by sequence number (tamper evidence for the record of
every read and write of a case).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(data: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept; what the hash is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def utc_text(at: datetime) -> str:
    """A timestamp as naive-UTC ISO text; a naive value (SQLite returns them) is taken as UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log. `data` is canonical JSON text, hashed as stored."""

    seq: int
    at: datetime
    actor: str
    action: str
    case_number: str | None
    data: str
    prev_hash: str
    entry_hash: str

    @property
    def details(self) -> dict[str, Any]:
        loaded = json.loads(self.data)
        return loaded if isinstance(loaded, dict) else {"value": loaded}


def entry_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    case_number: str | None,
    data: str,
) -> str:
    """sha256 over the previous hash and this entry's fields."""
    body = canonical_json(
        {
            "seq": seq,
            "at": utc_text(at),
            "actor": actor,
            "action": action,
            "case_number": case_number,
            "data": data,
        }
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: how many entries, and the first broken one."""

    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk the log in order; report the first entry whose link or hash does not hold."""
    prev = GENESIS_HASH
    count = 0
    expected_seq: int | None = None
    for entry in entries:
        count += 1
        if expected_seq is not None and entry.seq != expected_seq:
            return ChainReport(
                count, entry.seq, f"entry {expected_seq} is missing (next is {entry.seq})"
            )
        if entry.prev_hash != prev:
            return ChainReport(count, entry.seq, "prev_hash does not match the entry before it")
        recomputed = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.case_number,
            entry.data,
        )
        if recomputed != entry.entry_hash:
            return ChainReport(count, entry.seq, "content does not match its hash")
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
    return ChainReport(count)
