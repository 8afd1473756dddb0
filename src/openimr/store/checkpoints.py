"""Audit checkpoints as files in a directory: written once, never rewritten.

The directory may be a local folder on another volume, or an object store mounted as a folder
(S3 with Object Lock, a WORM share); each note is one file named by its time and size, created
exclusively and left read-only, so a checkpoint already written is never overwritten.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

SUFFIX = ".checkpoint"


class FileCheckpointStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def add(self, at: datetime, size: int, note: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        name = f"{stamp}-{size:012d}{SUFFIX}"
        path = self.directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(note)
            out.flush()
            os.fsync(out.fileno())
        return name

    def all(self) -> list[tuple[str, str]]:
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}")):
            found.append((path.name, path.read_text(encoding="utf-8", errors="replace")))
        return found
