"""Signed checkpoints of the audit log, written outside the database, and the log's audit.

A checkpoint (`domain.audit.Checkpoint`) is signed as a C2SP signed note with Ed25519: the
body, a blank line, and one line `— <name> <base64(key hash ‖ signature)>`, where the key hash
is the first four bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key). This is the form
Trillian, Sigstore's Rekor and the Go checksum database use for their tree heads, so anyone
with the public key can check one with standard tools.

`write_checkpoint` seals the current head into the checkpoint store; `audit_log` walks the
whole chain with the HMAC keys and every checkpoint whose signature holds, and reports the
first thing wrong: a changed or missing entry, a truncated tail, a rewritten or replaced
history, a checkpoint that is not ours, or checkpoints that go back in time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from openimr.domain.audit import (
    GENESIS_HASH,
    AuditKeyRing,
    ChainReport,
    Checkpoint,
    anchors_of,
    verify_chain,
)
from openimr.service.ports import CheckpointStore, Clock, UnitOfWork

SIGNATURE_DASH = "\u2014 "  # an em dash and a space open every signature line of a note
ED25519 = b"\x01"  # the signed-note algorithm byte for Ed25519


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_hash(name: str, public: Ed25519PublicKey) -> bytes:
    """The four bytes that say which key signed a note line."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + _raw(public)).digest()[:4]


def sign_note(body: str, name: str, private: Ed25519PrivateKey) -> str:
    """`body` (ending in a newline) as a signed note by `name`."""
    if not body.endswith("\n") or "\n\n" in body:
        raise ValueError("a note body ends with one newline and has no blank line")
    if not name or any(c.isspace() or c == "+" for c in name):
        raise ValueError(f"a note key name has no spaces or '+': {name!r}")
    signature = private.sign(body.encode())
    blob = base64.b64encode(key_hash(name, private.public_key()) + signature).decode()
    return f"{body}\n{SIGNATURE_DASH}{name} {blob}\n"


def open_note(note: str, name: str, public: Ed25519PublicKey) -> str:
    """The body of `note` when `name`'s key signed it; ValueError saying why not."""
    body, sep, signatures = note.partition("\n\n")
    if not sep:
        raise ValueError("not a signed note (no blank line before the signatures)")
    body += "\n"
    wanted = key_hash(name, public)
    for line in signatures.splitlines():
        if not line.startswith(SIGNATURE_DASH):
            raise ValueError(f"not a signature line: {line[:40]!r}")
        signer, _, blob = line.removeprefix(SIGNATURE_DASH).partition(" ")
        try:
            raw = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            continue
        if signer != name or raw[:4] != wanted:
            continue
        try:
            public.verify(raw[4:], body.encode())
        except InvalidSignature as err:
            raise ValueError(f"the signature of {name} does not hold") from err
        return body
    raise ValueError(f"no signature by {name} with this public key")


@dataclass(frozen=True)
class SignedCheckpoint:
    name: str  # where the store keeps it
    checkpoint: Checkpoint
    note: str


def write_checkpoint(
    uow: UnitOfWork,
    store: CheckpointStore,
    signer: Ed25519PrivateKey,
    clock: Clock,
    *,
    origin: str,
    signer_name: str,
) -> SignedCheckpoint:
    """Sign the log's current size and head and put the note in `store` (outside the
    database). Read in one transaction, so size and head belong together."""
    with uow:
        tail = uow.audit.tail()
    size, head = tail if tail is not None else (0, GENESIS_HASH)
    checkpoint = Checkpoint(origin, size, head, clock())
    note = sign_note(checkpoint.body(), signer_name, signer)
    name = store.add(checkpoint.at, size, note)
    return SignedCheckpoint(name, checkpoint, note)


@dataclass(frozen=True)
class AuditLogReport:
    """What `openimr audit verify` found."""

    chain: ChainReport
    checkpoints: int  # signed checkpoints whose signature held
    latest: Checkpoint | None  # the largest of them
    problem: str | None = None  # the first problem, chain or checkpoints

    @property
    def ok(self) -> bool:
        return self.problem is None


def audit_log(
    uow: UnitOfWork,
    keys: AuditKeyRing,
    store: CheckpointStore | None,
    public: Ed25519PublicKey | None,
    *,
    origin: str,
    signer_name: str,
) -> AuditLogReport:
    """Check the chain (links, HMAC seals) against every signed checkpoint in `store`.

    A checkpoint that does not open with `public`, names another log, or is older than a
    smaller one is itself a finding: checkpoints only ever grow.
    """
    checkpoints: dict[str, Checkpoint] = {}
    if store is not None and public is not None:
        for name, note in store.all():
            try:
                checkpoint = Checkpoint.parse(open_note(note, signer_name, public))
            except ValueError as err:
                return _checkpoint_problem(f"checkpoint {name}: {err}")
            if checkpoint.origin != origin:
                return _checkpoint_problem(
                    f"checkpoint {name} is of log {checkpoint.origin!r}, not {origin!r}"
                )
            checkpoints[name] = checkpoint
    order = sorted(checkpoints.items(), key=lambda kv: kv[1].at)
    for (earlier, a), (later, b) in zip(order, order[1:], strict=False):
        if b.size < a.size:
            return _checkpoint_problem(
                f"checkpoint {later} ({b.size} entries) is later than {earlier} ({a.size}) "
                "yet smaller: checkpoints were replaced"
            )
    with uow:
        chain = verify_chain(uow.audit.entries(), keys, anchors_of(checkpoints))
    latest = max(checkpoints.values(), key=lambda c: c.size, default=None)
    problem = None if chain.ok else f"entry {chain.first_broken_seq}: {chain.problem}"
    return AuditLogReport(chain, len(checkpoints), latest, problem)


def _checkpoint_problem(problem: str) -> AuditLogReport:
    return AuditLogReport(ChainReport(0), 0, None, problem)
