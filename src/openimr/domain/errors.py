"""Every error openimr raises on purpose, in one tree.

    OpenIMRError                      root; `code` names it, `details` carry the data
    ├── NotFound                      404  no such case, document, reviewer, letter, store
    ├── InvalidInput                  422  a request, file or record fails validation (`field`)
    │   ├── UnreadablePdf                   PDFium cannot open it, or it needs a password
    │   ├── LetterParseError                a file is not a readable IMR determination letter
    │   └── IdentityLeak                    a letter still shows an identity (LC 4610.6(f))
    ├── StateConflict                 409  the request is valid but the case's state refuses it
    │   ├── InvalidTransition               the case cannot move to that state from this one
    │   ├── ConcurrentUpdate                the aggregate changed since it was read
    │   ├── Ineligible                      the application fails an eligibility rule
    │   └── DeadlinePassed                  a regulation's clock has run out
    ├── AuthenticationFailed          401  unknown user, wrong password, bad or expired token
    ├── PermissionDenied              403  logged in, but the role or assignment does not allow it
    ├── TooManyAttempts               429  logins throttled after repeated failures
    ├── Unavailable                   503  an optional part is not installed or not loaded here
    │   ├── AssistUnavailable               decision support (no model packaged, no corpus)
    │   └── EmbeddingsUnavailable           dense precedents without the `embeddings` extra
    └── RuleDataError                 500  a shipped rule or guideline file is invalid

The HTTP status of each branch is given by `openimr.api.errors.STATUS_BY_ERROR`, which the web
pages and the CLI reuse; a subclass answers with its branch's status. The domain imports the
standard library only, so every layer may raise these. The web pages also use two signals
that are not errors of openimr (`web.session.LoginRequired`, answered with a redirect to the
login page, and `web.session.CsrfFailed`, answered 403).
"""

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


class UnreadablePdf(InvalidInput):
    """Bytes that PDFium cannot open as a PDF, or a PDF that needs a password."""

    code = "unreadable_pdf"


class LetterParseError(InvalidInput):
    """A file that is not a readable IMR determination letter; the message says why."""

    code = "letter_parse_error"


class IdentityLeak(InvalidInput):
    """A letter still contains an identity it must never show (LC 4610.6(f))."""

    code = "identity_leak"


class StateConflict(OpenIMRError):
    """A valid request that the current state of the case refuses."""

    code = "conflict"


class InvalidTransition(StateConflict):
    """A case was asked to move to a state its current state does not allow."""

    code = "invalid_transition"


class Ineligible(StateConflict):
    code = "ineligible"


class DeadlinePassed(StateConflict):
    code = "deadline_passed"


class ConcurrentUpdate(StateConflict):
    """Optimistic locking: the aggregate changed since it was read."""

    code = "conflict"


class AuthenticationFailed(OpenIMRError):
    """Unknown user or wrong password (deliberately not saying which)."""

    code = "unauthenticated"


class PermissionDenied(OpenIMRError):
    code = "forbidden"


class TooManyAttempts(OpenIMRError):
    """Login throttled after repeated failures."""

    code = "too_many_attempts"


class Unavailable(OpenIMRError):
    """An optional part of openimr is not installed or not loaded in this deployment."""

    code = "unavailable"


class AssistUnavailable(Unavailable):
    """Decision support cannot run here (no model packaged, or no corpus)."""

    code = "assist_unavailable"


class EmbeddingsUnavailable(Unavailable):
    """Dense precedents were asked for but the `embeddings` extra is not installed."""

    code = "embeddings_unavailable"


class RuleDataError(OpenIMRError):
    """A shipped rule or guideline file is invalid; names the file and field path."""

    code = "rule_data_error"
