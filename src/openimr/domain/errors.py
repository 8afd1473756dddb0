"""One root error, subclassed by meaning. Errors carry data, not only a sentence."""

from __future__ import annotations

from typing import Any


class OpenIMRError(Exception):
    """Root of every error openimr raises on purpose."""

    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(OpenIMRError):
    code = "not_found"


class InvalidInput(OpenIMRError):
    """Input that fails validation; `field` names where."""

    code = "invalid_input"


class InvalidTransition(OpenIMRError):
    """A case was asked to move to a state its current state does not allow."""

    code = "invalid_transition"


class Ineligible(OpenIMRError):
    code = "ineligible"


class DeadlinePassed(OpenIMRError):
    code = "deadline_passed"


class ConcurrentUpdate(OpenIMRError):
    """Optimistic locking: the aggregate changed since it was read."""

    code = "conflict"


class PermissionDenied(OpenIMRError):
    code = "forbidden"


class RuleDataError(OpenIMRError):
    """A shipped rule or guideline file is invalid; names the file and field path."""

    code = "rule_data_error"
