"""Staff passwords: hashed with Argon2id, checked in a worker thread.

Hashing is deliberately slow (tens of milliseconds and 64 MiB), so it runs off
the event loop: residents' turns are not held up by a login.
"""

from __future__ import annotations

import asyncio
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
_hasher = PasswordHasher()  # Argon2id with the library's current recommended cost


class WeakPassword(ValueError):  # noqa: N818 (the name says what happened)
    """A password too easy to guess."""


def check_strength(password: str, *, email: str = "") -> None:
    """Refuse passwords that are short or the email itself."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"The password must be at least {MIN_LENGTH} characters long.")
    if email and password.strip().lower() == email.strip().lower():
        raise WeakPassword("The password must not be the email address.")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker settings than today's."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@functools.cache
def _stand_in() -> str:
    """A hash to check when there is no account: a wrong email takes as long as a wrong password."""
    return _hasher.hash("a stand-in password, never used to log in")


def verify(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash, spend the same time and say no."""
    try:
        if password_hash is None:
            _hasher.verify(_stand_in(), password)
            return False
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_in_thread(password_hash: str | None, password: str) -> bool:
    """`verify`, off the event loop."""
    return await asyncio.to_thread(verify, password_hash, password)
