"""The SQLAlchemy unit of work: `with uow:` is one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from openimr.domain.audit import AuditKeyRing
from openimr.store.audit import SqlAuditLog
from openimr.store.casework import SqlDraftStore, SqlNotificationStore, SqlTextStore
from openimr.store.documents import SqlDocumentStore
from openimr.store.repository import SqlCaseRepository, SqlReviewerRepository


class SqlUnitOfWork:
    """Opens a session on enter; `commit()` writes the buffered audit entries, then commits."""

    cases: SqlCaseRepository
    reviewers: SqlReviewerRepository
    documents: SqlDocumentStore
    audit: SqlAuditLog
    drafts: SqlDraftStore
    texts: SqlTextStore
    notifications: SqlNotificationStore

    def __init__(self, session_factory: sessionmaker[Session], audit_keys: AuditKeyRing) -> None:
        self.session_factory = session_factory
        self.audit_keys = audit_keys
        self._session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._session is not None:
            raise RuntimeError("this unit of work is already open")
        self._session = self.session_factory()
        self.cases = SqlCaseRepository(self._session)
        self.reviewers = SqlReviewerRepository(self._session)
        self.documents = SqlDocumentStore(self._session)
        self.audit = SqlAuditLog(self._session, self.audit_keys)
        self.drafts = SqlDraftStore(self._session)
        self.texts = SqlTextStore(self._session)
        self.notifications = SqlNotificationStore(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            if self._session is not None:
                self._session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._session

    def commit(self) -> None:
        self.audit.flush()
        self.session.commit()

    def rollback(self) -> None:
        if self._session is not None:
            self.audit.discard()
            self._session.rollback()
