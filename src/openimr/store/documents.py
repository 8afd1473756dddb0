"""Content-addressed document bytes, stored in the database in the case's transaction.

Keeping the bytes in the same transaction as the case means an intake that fails
leaves no orphan file behind, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from openimr.domain.errors import NotFound
from openimr.store.tables import DocumentBlobRow


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class SqlDocumentStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, content: bytes, media_type: str) -> str:
        digest = content_hash(content)
        values = {
            "content_hash": digest,
            "media_type": media_type,
            "size": len(content),
            "content": content,
        }
        # INSERT ... ON CONFLICT DO NOTHING: two requests storing the same bytes both succeed.
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(insert(DocumentBlobRow).values(**values).on_conflict_do_nothing())
        return digest

    def get(self, content_hash: str) -> bytes:
        row = self.session.get(DocumentBlobRow, content_hash)
        if row is None:
            raise NotFound(f"no document with hash {content_hash}", content_hash=content_hash)
        return row.content
