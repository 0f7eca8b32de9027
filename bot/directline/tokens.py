"""Direct Line tokens: signed, short-lived, bound to one conversation and one user.

A token is a JWT (HS256) whose key is derived from SESSION_SECRET, so a
token cannot be mistaken for a staff session cookie signed with the same
secret. Its claims follow Azure's Direct Line tokens (`conv`, `user`), which
is where Web Chat and the Direct Line client look for the user id.

Two kinds: a conversation token, which the client sends as a bearer token and
refreshes before it expires; and a stream token, carried in the WebSocket
stream URL (browsers cannot set headers on a WebSocket), good for that stream
only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import jwt

LIFETIME_SECONDS: Final = 30 * 60
ISSUER: Final = "survey-bot"
AUDIENCE: Final = "directline"
CONVERSATION: Final = "conversation"
# Kept by the survey page so a resident can carry on in the same browser after closing it;
# it can only be swapped for a new conversation token, for the same conversation.
RESUME: Final = "resume"
# Kept by the survey page so the same browser is the same resident next time (a random id,
# nothing about the person), for the one-response-per-resident setting.
RESIDENT: Final = "resident"
RESIDENT_SECONDS: Final = 120 * 24 * 3600
STREAM: Final = "stream"
# Clocks of several instances may differ a little.
LEEWAY_SECONDS: Final = 5
# Tokens checked lately, remembered so a resident's next request is not checked again.
REMEMBERED_TOKENS: Final = 20_000


class TokenError(Exception):
    """A token that cannot be used: malformed, forged, or of the wrong kind."""


class TokenExpired(TokenError):  # noqa: N818 (Direct Line's own name for it)
    """A token that was good but has expired."""


@dataclass(frozen=True)
class Grant:
    """What a token allows: one user in one conversation, until `expires_at` (Unix time)."""

    conversation_id: str
    user_id: str
    expires_at: int

    @property
    def expires_in(self) -> int:
        """Seconds left, never negative."""
        return max(0, self.expires_at - int(time.time()))


def new_conversation_id() -> str:
    """A conversation id nobody can guess."""
    return secrets.token_urlsafe(18)


def new_user_id() -> str:
    """A user id for a resident on the web chat.

    The "dl_" prefix is Direct Line's mark of a user id embedded in a token, so
    clients trust it and do not let anyone choose another.
    """
    return f"dl_{secrets.token_urlsafe(12)}"


class Tokens:
    """Issues and checks Direct Line tokens with a key derived from the session secret."""

    def __init__(
        self,
        session_secret: str,
        lifetime: int = LIFETIME_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._key = hmac.new(
            session_secret.encode(), b"survey-bot direct line tokens", hashlib.sha256
        ).digest()
        self.lifetime = lifetime
        # token -> (kind, grant): only tokens whose signature and claims were checked.
        self._checked: OrderedDict[str, tuple[str, Grant]] = OrderedDict()

    def issue(self, conversation_id: str, user_id: str) -> tuple[str, Grant]:
        """A fresh conversation token, and what it grants."""
        grant = Grant(conversation_id, user_id, int(self._clock()) + self.lifetime)
        return self._sign(grant, CONVERSATION), grant

    def resume(self, grant: Grant, lifetime: int) -> str:
        """A token that can be swapped for a new conversation token for `lifetime` seconds."""
        later = Grant(grant.conversation_id, grant.user_id, int(self._clock()) + lifetime)
        return self._sign(later, RESUME)

    def resident(self, user_id: str) -> str:
        """A token that names the same random user id in the browser's next conversation."""
        grant = Grant("", user_id, int(self._clock()) + RESIDENT_SECONDS)
        return self._sign(grant, RESIDENT)

    def stream(self, grant: Grant) -> str:
        """A token for the WebSocket stream, expiring with the token it was asked with."""
        return self._sign(grant, STREAM)

    def read(self, token: str, kind: str = CONVERSATION) -> Grant:
        """What the token grants; `TokenExpired` or `TokenError` if it grants nothing.

        Every request carries its token; one checked before is looked up, not
        checked again (its expiry still is).
        """
        checked = self._checked.get(token)
        if checked is not None and self._clock() <= checked[1].expires_at + LEEWAY_SECONDS:
            self._checked.move_to_end(token)
            if checked[0] != kind:
                raise TokenError(f"this is not a {kind} token")
            return checked[1]
        grant_kind, grant = self._check(token)
        self._checked[token] = (grant_kind, grant)
        while len(self._checked) > REMEMBERED_TOKENS:
            self._checked.popitem(last=False)
        if grant_kind != kind:
            raise TokenError(f"this is not a {kind} token")
        return grant

    def _check(self, token: str) -> tuple[str, Grant]:
        """The token's kind and grant, from its signed claims."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                audience=AUDIENCE,
                issuer=ISSUER,
                # Times are checked below, on this object's clock.
                options={
                    "require": ["exp", "conv", "user", "kind"],
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
            expires_at, starts_at = int(claims["exp"]), int(claims.get("nbf", 0))
        except (jwt.PyJWTError, TypeError, ValueError) as error:
            raise TokenError("the token is not valid") from error
        now = self._clock()
        if now > expires_at + LEEWAY_SECONDS:
            raise TokenExpired("the token has expired")
        if now < starts_at - LEEWAY_SECONDS:
            raise TokenError("the token is not valid yet")
        return str(claims["kind"]), Grant(str(claims["conv"]), str(claims["user"]), expires_at)

    def _sign(self, grant: Grant, kind: str) -> str:
        now = int(self._clock())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "nbf": now,
            "exp": grant.expires_at,
            "conv": grant.conversation_id,
            "user": grant.user_id,
            "kind": kind,
        }
        return jwt.encode(claims, self._key, algorithm="HS256")
