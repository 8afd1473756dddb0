"""The audit hash chain: any change, removal or reordering breaks it at that entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from openimr.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    canonical_json,
    entry_hash,
    utc_text,
    verify_chain,
)


def chain(n: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        at = datetime(2015, 6, 1, tzinfo=UTC) + timedelta(minutes=seq)
        data = canonical_json({"n": seq})
        digest = entry_hash(prev, seq, at, "staff:1", "CaseRead", "CM15-1", data)
        entries.append(AuditEntry(seq, at, "staff:1", "CaseRead", "CM15-1", data, prev, digest))
        prev = digest
    return entries


def test_an_untouched_chain_verifies() -> None:
    report = verify_chain(chain(5))
    assert report.ok and report.entries == 5


def test_changed_content_is_reported_at_that_entry() -> None:
    entries = chain(5)
    entries[2] = replace(entries[2], data=canonical_json({"n": 99}))
    report = verify_chain(entries)
    assert report.first_broken_seq == 3
    assert report.problem == "content does not match its hash"


def test_a_removed_entry_is_reported() -> None:
    entries = chain(5)
    del entries[1]
    assert verify_chain(entries).first_broken_seq == 3


def test_a_recomputed_hash_still_breaks_the_next_link() -> None:
    entries = chain(4)
    forged = replace(entries[1], actor="admin:mallory")
    forged = replace(
        forged,
        entry_hash=entry_hash(
            forged.prev_hash,
            forged.seq,
            forged.at,
            forged.actor,
            forged.action,
            forged.case_number,
            forged.data,
        ),
    )
    entries[1] = forged
    report = verify_chain(entries)
    assert report.first_broken_seq == 3
    assert "prev_hash" in (report.problem or "")


def test_naive_timestamps_are_read_as_utc() -> None:
    aware = datetime(2015, 6, 1, 12, 0, tzinfo=UTC)
    assert utc_text(aware) == utc_text(aware.replace(tzinfo=None))
