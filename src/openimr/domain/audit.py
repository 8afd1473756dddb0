"""Audit entries, their keyed hash chain, and checkpoints of the chain's head.

Tamper evidence in three layers, after Certificate Transparency, Trillian and Sigstore's Rekor:

1. **Chain.** Each entry's hash covers the entry before it, so changing, removing or
   reordering a stored entry breaks the chain from there on.
2. **Key.** The hash is an HMAC-SHA256 under a key the database does not hold (a setting or a
   key file): whoever can write the database but not read the key cannot recompute a
   rewritten history. Each entry names its key (`key_id`), so keys can be rotated.
3. **Checkpoints.** A signed statement of the log's size and head hash, written outside the
   database (`Checkpoint`, in the signed-note form of C2SP tlog-checkpoint): a truncated tail,
   or a history rewritten or replaced by someone who does hold the key, no longer matches the
   last checkpoint.

Entries written before the log was keyed (`key_id` "") carry plain SHA-256; the first keyed
entry covers their head, so they cannot change without breaking it. `verify_chain` reports the
first entry that does not hold, by sequence number.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
CHECKPOINT_TIME = "time "  # the extension line that dates a checkpoint


def canonical_json(data: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept; what the hash is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def utc_text(at: datetime) -> str:
    """A timestamp as naive-UTC ISO text; a naive value (SQLite returns them) is taken as UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


# -- keys ----------------------------------------------------------------------------------


def key_id_of(secret: bytes) -> str:
    """A short public name for a key (never the key): 16 hex digits of a domain-separated hash."""
    return hashlib.sha256(b"openimr audit key id\n" + secret).hexdigest()[:16]


@dataclass(frozen=True, repr=False)
class AuditKey:
    """One HMAC key. `repr` never shows the secret."""

    key_id: str
    secret: bytes

    @classmethod
    def of(cls, secret: bytes) -> AuditKey:
        if len(secret) < 32:
            raise ValueError("an audit key has at least 32 bytes")
        return cls(key_id_of(secret), secret)

    def __repr__(self) -> str:
        return f"AuditKey({self.key_id})"


@dataclass(frozen=True)
class AuditKeyRing:
    """The keys an audit log may be sealed with; the last one seals new entries."""

    keys: tuple[AuditKey, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("an audit key ring holds at least one key")

    @property
    def current(self) -> AuditKey:
        return self.keys[-1]

    def get(self, key_id: str) -> AuditKey | None:
        return next((k for k in self.keys if k.key_id == key_id), None)


# -- entries -------------------------------------------------------------------------------


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
    key_id: str = ""  # "" for an entry written before the log was keyed (plain SHA-256)

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
    *,
    key: AuditKey | None = None,
) -> str:
    """HMAC-SHA256 under `key` over the previous hash and this entry's fields (and the key's
    id); plain SHA-256 for an unkeyed entry written before the log was keyed."""
    fields: dict[str, object] = {
        "seq": seq,
        "at": utc_text(at),
        "actor": actor,
        "action": action,
        "case_number": case_number,
        "data": data,
    }
    if key is not None:
        fields["key_id"] = key.key_id
    message = f"{prev_hash}\n{canonical_json(fields)}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def seal(
    keys: AuditKeyRing,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    case_number: str | None,
    data: str,
) -> AuditEntry:
    """The entry `seq`, chained on `prev_hash` and sealed with the ring's current key."""
    key = keys.current
    digest = entry_hash(prev_hash, seq, at, actor, action, case_number, data, key=key)
    return AuditEntry(seq, at, actor, action, case_number, data, prev_hash, digest, key.key_id)


# -- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """What a checkpoint says: entry `size` has hash `head`; `label` names the checkpoint."""

    size: int
    head: str
    label: str


@dataclass(frozen=True)
class ChainReport:
    """The result of checking the chain: how many entries, and the first broken one."""

    entries: int
    first_broken_seq: int | None = None
    problem: str | None = None
    head: str = GENESIS_HASH  # the hash of the last entry read
    anchors_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify_chain(
    entries: Iterable[AuditEntry],
    keys: AuditKeyRing | None = None,
    anchors: Iterable[Anchor] = (),
) -> ChainReport:
    """Walk the log in order; report the first entry whose link, seal or anchor does not hold.

    `keys` check the HMAC of keyed entries (without them a keyed entry cannot be checked and
    is reported). `anchors` (from verified checkpoints) must each match the entry at their
    size, and none may lie beyond the log's end: that is a truncated tail.
    """
    by_size: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_size.setdefault(anchor.size, []).append(anchor)
    prev = GENESIS_HASH
    count = 0
    expected_seq = 1
    keyed_seen = False
    checked = 0

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(count, seq, problem, prev, checked)

    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return broken(entry.seq, f"entry {expected_seq} is missing (next is {entry.seq})")
        if entry.prev_hash != prev:
            return broken(entry.seq, "prev_hash does not match the entry before it")
        key: AuditKey | None = None
        if entry.key_id:
            keyed_seen = True
            key = keys.get(entry.key_id) if keys is not None else None
            if key is None:
                return broken(
                    entry.seq,
                    f"sealed with key {entry.key_id}, which is not configured here "
                    "(OPENIMR_AUDIT_KEY / OPENIMR_AUDIT_KEY_FILE)",
                )
        elif keyed_seen:
            return broken(entry.seq, "an unkeyed entry after keyed ones (rewritten)")
        recomputed = entry_hash(
            entry.prev_hash,
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.case_number,
            entry.data,
            key=key,
        )
        if not hmac.compare_digest(recomputed, entry.entry_hash):
            return broken(entry.seq, "content does not match its seal")
        for anchor in by_size.pop(entry.seq, []):
            checked += 1
            if anchor.head != entry.entry_hash:
                return broken(
                    entry.seq,
                    f"differs from checkpoint {anchor.label}: history rewritten or replaced",
                )
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
    for size in sorted(by_size):
        for anchor in by_size[size]:
            if size == 0 and anchor.head == GENESIS_HASH:
                checked += 1
                continue
            return ChainReport(
                count,
                count + 1,
                f"the log ends at entry {count} but checkpoint {anchor.label} covers {size} "
                f"entries: entries {count + 1}-{size} were removed (truncated tail)",
                prev,
                checked,
            )
    return ChainReport(count, head=prev, anchors_checked=checked)


# -- checkpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """The log's size and head hash at a moment, as the body of a signed note.

    The body is the C2SP tlog-checkpoint form: the origin (which log), the size in decimal,
    the head hash in base64, then extension lines — here one, `time <UTC ISO 8601>`. The head
    of a hash chain stands where a Merkle tree's root would.
    """

    origin: str
    size: int
    head: str  # hex
    at: datetime

    def body(self) -> str:
        head = base64.b64encode(bytes.fromhex(self.head)).decode()
        when = self.at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        return f"{self.origin}\n{self.size}\n{head}\n{CHECKPOINT_TIME}{when}\n"

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        """A checkpoint from its note body; ValueError naming what is wrong."""
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise ValueError("a checkpoint body has origin, size, hash and time lines")
        origin, size_text, head_text = lines[0], lines[1], lines[2]
        if not origin.strip():
            raise ValueError("the checkpoint names no origin")
        if not size_text.isdigit() or (size_text.startswith("0") and size_text != "0"):
            raise ValueError(f"checkpoint size {size_text!r} is not a decimal number")
        try:
            head = base64.b64decode(head_text, validate=True)
        except (binascii.Error, ValueError) as err:
            raise ValueError("checkpoint hash is not base64") from err
        if len(head) != 32:
            raise ValueError("checkpoint hash is not 32 bytes")
        stamps = [line for line in lines[3:-1] if line.startswith(CHECKPOINT_TIME)]
        if len(stamps) != 1:
            raise ValueError("the checkpoint has no time line")
        at = datetime.fromisoformat(stamps[0].removeprefix(CHECKPOINT_TIME).replace("Z", "+00:00"))
        return cls(origin, int(size_text), head.hex(), at)


def anchors_of(checkpoints: Mapping[str, Checkpoint]) -> list[Anchor]:
    """Each named checkpoint as an anchor for `verify_chain`."""
    return [Anchor(cp.size, cp.head, name) for name, cp in checkpoints.items()]
