"""The keyed audit chain and its checkpoints: every tampering is reported at its entry.

Before #16 the chain was unkeyed SHA-256 with nothing outside the database: recomputing every
later hash hid a rewritten entry, and deleting the last entries left a valid chain. The tests
marked "(was undetected)" are those attacks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openimr.domain.audit import (
    GENESIS_HASH,
    Anchor,
    AuditEntry,
    AuditKey,
    AuditKeyRing,
    Checkpoint,
    canonical_json,
    entry_hash,
    seal,
    utc_text,
    verify_chain,
)

KEYS = AuditKeyRing((AuditKey.of(b"k" * 32),))
T0 = datetime(2015, 6, 1, tzinfo=UTC)


def chain(
    n: int, keys: AuditKeyRing | None = KEYS, start: list[AuditEntry] | None = None
) -> list[AuditEntry]:
    """`n` more entries after `start`; `keys=None` writes legacy unkeyed entries."""
    entries = list(start or [])
    prev = entries[-1].entry_hash if entries else GENESIS_HASH
    for seq in range(len(entries) + 1, len(entries) + n + 1):
        at = T0 + timedelta(minutes=seq)
        data = canonical_json({"n": seq})
        if keys is None:
            digest = entry_hash(prev, seq, at, "staff:1", "CaseRead", "CM15-0000001", data)
            entry = AuditEntry(seq, at, "staff:1", "CaseRead", "CM15-0000001", data, prev, digest)
        else:
            entry = seal(keys, prev, seq, at, "staff:1", "CaseRead", "CM15-0000001", data)
        entries.append(entry)
        prev = entry.entry_hash
    return entries


def reseal(
    entries: list[AuditEntry], keys: AuditKeyRing | None, from_index: int
) -> list[AuditEntry]:
    """What an attacker does after changing an entry: recompute it and every later one."""
    out = entries[:from_index]
    prev = out[-1].entry_hash if out else GENESIS_HASH
    for e in entries[from_index:]:
        if keys is None:
            digest = entry_hash(prev, e.seq, e.at, e.actor, e.action, e.case_number, e.data)
            e = replace(e, prev_hash=prev, entry_hash=digest, key_id="")
        else:
            e = seal(keys, prev, e.seq, e.at, e.actor, e.action, e.case_number, e.data)
        out.append(e)
        prev = e.entry_hash
    return out


def anchor(entries: list[AuditEntry], size: int) -> Anchor:
    return Anchor(size, entries[size - 1].entry_hash, f"cp-{size}")


def test_an_untouched_chain_verifies() -> None:
    report = verify_chain(chain(5), KEYS)
    assert report.ok and report.entries == 5


def test_changed_content_is_reported_at_that_entry() -> None:
    entries = chain(5)
    entries[2] = replace(entries[2], data=canonical_json({"n": 99}))
    report = verify_chain(entries, KEYS)
    assert report.first_broken_seq == 3
    assert report.problem == "content does not match its seal"


def test_a_removed_entry_is_reported() -> None:
    entries = chain(5)
    del entries[1]
    assert verify_chain(entries, KEYS).first_broken_seq == 3


def test_a_rewritten_history_without_the_key_is_reported_at_the_first_change() -> None:
    # (was undetected) recomputing every later hash made a rewritten entry look valid
    entries = chain(6)
    entries[2] = replace(entries[2], actor="admin:mallory")
    for guess in (None, AuditKeyRing((AuditKey.of(b"g" * 32),))):
        forged = reseal(entries, guess, 2)
        if guess is not None:  # claim the real key's id too
            forged = forged[:2] + [replace(e, key_id=KEYS.current.key_id) for e in forged[2:]]
        report = verify_chain(forged, KEYS)
        assert report.first_broken_seq == 3, guess


def test_a_truncated_tail_is_reported_against_the_last_checkpoint() -> None:
    # (was undetected) deleting the last entries left a valid chain
    entries = chain(8)
    checkpoint = anchor(entries, 8)
    report = verify_chain(entries[:5], KEYS, [checkpoint])
    assert report.first_broken_seq == 6
    assert "truncated tail" in (report.problem or "") and "6-8" in (report.problem or "")
    assert verify_chain(entries, KEYS, [checkpoint]).ok


def test_a_history_rewritten_with_the_key_is_reported_against_the_checkpoint() -> None:
    # Someone holding the key re-seals a rewritten history: only the checkpoint can tell.
    entries = chain(6)
    checkpoint = anchor(entries, 6)
    entries[1] = replace(entries[1], actor="admin:mallory")
    forged = reseal(entries, KEYS, 1)
    assert verify_chain(forged, KEYS).ok  # the chain alone cannot tell
    report = verify_chain(forged, KEYS, [checkpoint])
    assert report.first_broken_seq == 6 and "cp-6" in (report.problem or "")


def test_a_replaced_chain_is_reported_against_the_checkpoint() -> None:
    entries = chain(4)
    checkpoint = anchor(entries, 4)
    replacement = chain(9)  # a whole new, well-sealed log
    replacement = [replace(e, at=e.at + timedelta(seconds=1)) for e in replacement]
    replacement = reseal(replacement, KEYS, 0)
    report = verify_chain(replacement, KEYS, [checkpoint])
    assert report.first_broken_seq == 4 and "rewritten or replaced" in (report.problem or "")


def test_an_unknown_key_is_named() -> None:
    report = verify_chain(chain(2), AuditKeyRing((AuditKey.of(b"z" * 32),)))
    assert report.first_broken_seq == 1 and KEYS.current.key_id in (report.problem or "")


def test_rotated_keys_verify_with_both_on_the_ring() -> None:
    new = AuditKeyRing((KEYS.current, AuditKey.of(b"n" * 32)))
    entries = chain(3, new, start=chain(3))
    assert {e.key_id for e in entries} == {k.key_id for k in new.keys}
    assert verify_chain(entries, new).ok
    assert verify_chain(entries, AuditKeyRing((new.current,))).first_broken_seq == 1


def test_legacy_unkeyed_entries_are_anchored_by_the_first_keyed_one() -> None:
    legacy = chain(3, keys=None)
    entries = chain(2, start=legacy)
    assert verify_chain(entries, KEYS).ok
    changed = list(entries)
    changed[0] = replace(changed[0], actor="admin:mallory")
    forged = reseal(changed[:3], None, 0) + changed[3:]  # the legacy part re-hashed
    report = verify_chain(forged, KEYS)
    assert report.first_broken_seq == 4 and "prev_hash" in (report.problem or "")
    # An unkeyed entry may not follow keyed ones.
    tail = reseal(entries, None, 4)
    assert verify_chain(tail, KEYS).first_broken_seq == 5


@given(
    index=st.integers(min_value=0, max_value=5),
    field=st.sampled_from(["actor", "action", "case_number", "data", "at", "seq", "key_id"]),
)
def test_any_single_change_to_any_entry_is_reported_at_or_before_it(index: int, field: str) -> None:
    entries = chain(6)
    value: object = {
        "actor": "x",
        "action": "Y",
        "case_number": None,
        "data": "{}",
        "at": entries[index].at + timedelta(microseconds=1),
        "seq": entries[index].seq + 100,
        "key_id": "0" * 16,
    }[field]
    entries[index] = replace(entries[index], **{field: value})
    report = verify_chain(entries, KEYS)
    assert report.first_broken_seq is not None
    assert report.first_broken_seq <= entries[index].seq


def test_a_checkpoint_body_round_trips_and_bad_ones_are_refused() -> None:
    checkpoint = Checkpoint("openimr audit log", 12, "ab" * 32, T0)
    body = checkpoint.body()
    assert body.splitlines()[:2] == ["openimr audit log", "12"]
    assert Checkpoint.parse(body) == checkpoint
    for bad in (body.replace("\n12\n", "\n012\n"), body.replace("time ", "tim "), "x\n"):
        with pytest.raises(ValueError):
            Checkpoint.parse(bad)


def test_naive_timestamps_are_read_as_utc() -> None:
    aware = datetime(2015, 6, 1, 12, 0, tzinfo=UTC)
    assert utc_text(aware) == utc_text(aware.replace(tzinfo=None))


def test_a_key_never_shows_its_secret() -> None:
    assert "kkkk" not in repr(KEYS) and KEYS.current.key_id in repr(KEYS)
