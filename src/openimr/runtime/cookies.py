"""Signed session cookies and CSRF tokens for the web pages.

The cookie holds the login-session secret signed with itsdangerous (so a forged
or edited cookie is refused before the database is asked); the session itself
lives in the database, so logging out revokes it. The CSRF token is an HMAC of
the session secret (synchronizer token without server state); before login a
signed random cookie plays the same part for the login form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "openimr_session"
PRELOGIN_COOKIE = "openimr_prelogin"
SESSION_MAX_AGE = 12 * 3600


class CookieSigner:
    """Signs and checks the two cookies, and derives CSRF tokens from them."""

    def __init__(self, secret_key: str) -> None:
        self._secret = secret_key.encode()
        self._session = URLSafeTimedSerializer(secret_key, salt="openimr-session")
        self._prelogin = URLSafeTimedSerializer(secret_key, salt="openimr-prelogin")

    def sign_session(self, raw: str) -> str:
        return self._session.dumps(raw)

    def unsign_session(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            value = self._session.loads(cookie, max_age=SESSION_MAX_AGE)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def new_prelogin(self) -> tuple[str, str]:
        """(raw, signed cookie value) for an anonymous visitor."""
        raw = secrets.token_urlsafe(16)
        return raw, self._prelogin.dumps(raw)

    def unsign_prelogin(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            value = self._prelogin.loads(cookie, max_age=3600)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def csrf_token(self, raw: str) -> str:
        return hmac.new(self._secret, b"csrf:" + raw.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, raw: str | None, token: str | None) -> bool:
        if not raw or not token:
            return False
        return hmac.compare_digest(self.csrf_token(raw), token)
