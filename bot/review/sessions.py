"""Staff sessions in a signed cookie: nothing is kept on the server, any instance can read it.

The cookie holds a random session id, the account id (none before login), a
CSRF token and two times: when the person logged in and when they were last
seen. It is signed with a key derived from SESSION_SECRET, so it cannot be
forged or changed. A session ends after a spell of inactivity (idle timeout)
and, however busy, a fixed time after login (absolute timeout). Logging in
always starts a new session, with a new id and a new CSRF token.

Whether the account still exists, is enabled, and which role it has are read
from the database on every request, so disabling an account takes effect at
once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import asdict, dataclass, replace
from typing import Any

COOKIE_NAME = "review_session"
_PURPOSE = b"survey-bot staff session"


@dataclass(frozen=True)
class Session:
    """What the cookie says."""

    sid: str
    csrf: str
    staff_id: int | None
    logged_in_at: float  # seconds since the epoch; the start of the session before login
    seen_at: float

    @classmethod
    def new(cls, staff_id: int | None = None, now: float | None = None) -> Session:
        """A fresh session with a new id and CSRF token."""
        now = time.time() if now is None else now
        return cls(
            sid=secrets.token_urlsafe(18),
            csrf=secrets.token_urlsafe(24),
            staff_id=staff_id,
            logged_in_at=now,
            seen_at=now,
        )

    def touched(self, now: float | None = None) -> Session:
        """The same session, seen now."""
        return replace(self, seen_at=time.time() if now is None else now)


@dataclass(frozen=True)
class SessionPolicy:
    """How sessions are signed and when they end."""

    secret: str
    idle_seconds: float
    absolute_seconds: float

    @property
    def key(self) -> bytes:
        """A key for sessions alone, so the secret's other uses cannot be confused with it."""
        return hmac.new(self.secret.encode(), _PURPOSE, hashlib.sha256).digest()

    def dump(self, session: Session) -> str:
        """The cookie value: the session as JSON, then its signature."""
        body = json.dumps(asdict(session), separators=(",", ":")).encode()
        encoded = base64.urlsafe_b64encode(body).rstrip(b"=")
        return f"{encoded.decode()}.{self._sign(encoded)}"

    def load(self, value: str | None, now: float | None = None) -> Session | None:
        """The session in a cookie value, or None if it is forged, damaged or has expired."""
        if not value or "." not in value:
            return None
        encoded, signature = value.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(encoded.encode())):
            return None
        try:
            padded = encoded + "=" * (-len(encoded) % 4)
            data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
            session = Session(**data)
        except (binascii.Error, ValueError, TypeError):
            return None
        return None if self.expired(session, now) else session

    def expired(self, session: Session, now: float | None = None) -> bool:
        """Whether the session has been idle too long or lasted too long."""
        now = time.time() if now is None else now
        return (
            now - session.seen_at > self.idle_seconds
            or now - session.logged_in_at > self.absolute_seconds
        )

    def _sign(self, encoded: bytes) -> str:
        digest = hmac.new(self.key, encoded, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def same_token(expected: str, given: object) -> bool:
    """Whether a submitted CSRF token is the session's, compared in constant time."""
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode())
