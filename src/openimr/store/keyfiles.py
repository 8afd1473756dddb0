"""Key material on disk: the audit log's HMAC keys and the checkpoint signing key.

Both live outside the database on purpose (SECURITY.md): whoever can write the database must
not also be able to re-seal a rewritten audit log or sign a checkpoint for it. A missing file
is made (mode 0600) only where the caller allows it — a local or test install; production
configures its own.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from openimr.domain.errors import InvalidInput


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def read_audit_keys(path: Path, *, create: bool) -> list[bytes]:
    """The HMAC keys in `path`, one per line (the last seals new entries); `#` comments.

    With `create`, a missing file gets one new random 256-bit key (hex)."""
    if not path.exists():
        if not create:
            raise InvalidInput(
                f"no audit key file at {path} (set OPENIMR_AUDIT_KEY_FILE or OPENIMR_AUDIT_KEY)",
                field="audit_key_file",
            )
        # Another process may make it first: then read theirs.
        with contextlib.suppress(FileExistsError):
            _write_private(path, (secrets.token_hex(32) + "\n").encode())
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(
            f"cannot read audit key file {path}: {err}", field="audit_key_file"
        ) from err
    keys = [line.strip().encode() for line in lines if line.strip() and not line.startswith("#")]
    if not keys:
        raise InvalidInput(f"audit key file {path} holds no key", field="audit_key_file")
    short = [n for n, k in enumerate(keys, 1) if len(k) < 32]
    if short:
        raise InvalidInput(
            f"audit key file {path}: key {short[0]} is shorter than 32 characters",
            field="audit_key_file",
        )
    return keys


def public_key_path(private_path: Path) -> Path:
    return private_path.with_suffix(".pub")


def read_signing_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    """The Ed25519 checkpoint signing key (PEM, PKCS#8). With `create`, a missing one is made,
    its public half written beside it (`.pub`) for auditors."""
    if not path.exists() and create:
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        try:
            _write_private(path, pem)
            public_key_path(path).write_bytes(
                key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            )
        except FileExistsError:
            pass
    try:
        loaded = load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as err:
        raise InvalidInput(
            f"no checkpoint signing key at {path} (OPENIMR_AUDIT_SIGNING_KEY_FILE)",
            field="audit_signing_key_file",
        ) from err
    except (OSError, ValueError, TypeError) as err:
        raise InvalidInput(
            f"{path} is not a PEM private key: {err}", field="audit_signing_key_file"
        ) from err
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(f"{path} is not an Ed25519 key", field="audit_signing_key_file")
    return loaded


def read_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM public key file — or from the private key's file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InvalidInput(f"cannot read {path}: {err}", field="public_key") from err
    try:
        if b"PRIVATE KEY" in data:
            private = load_pem_private_key(data, password=None)
            key: object = private.public_key()
        else:
            key = load_pem_public_key(data)
    except (ValueError, TypeError) as err:
        raise InvalidInput(f"{path} is not a PEM key: {err}", field="public_key") from err
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidInput(f"{path} is not an Ed25519 key", field="public_key")
    return key
