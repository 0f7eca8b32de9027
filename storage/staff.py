"""Staff accounts for the review site: create, find, list, disable, and count failed logins.

Emails are kept in lower case, so "Ann@Example.org" and "ann@example.org" are
one account. Passwords arrive here already hashed: storage never sees them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.database import Database
from storage.errors import RecordNotFound, StorageError
from storage.models import StaffRole, StaffUser, utcnow


class StaffExists(StorageError):  # noqa: N818 (the name says what happened)
    """There is already an account with this email."""


def normalise_email(email: str) -> str:
    """The form an email is stored and looked up in."""
    return email.strip().lower()


async def create_staff(
    db: Database, *, email: str, password_hash: str, role: str = StaffRole.REVIEWER
) -> StaffUser:
    """Add an account; `StaffExists` if the email is taken, `ValueError` for an unknown role."""
    role = StaffRole(role).value
    email = normalise_email(email)
    try:
        async with db.write() as session:
            taken = await session.exec(select(StaffUser.id).where(StaffUser.email == email))
            if taken.first() is not None:
                raise StaffExists(f"there is already an account for {email}")
            user = StaffUser(email=email, password_hash=password_hash, role=role)
            session.add(user)
    except sa.exc.IntegrityError as error:  # two processes adding the same email at once
        raise StaffExists(f"there is already an account for {email}") from error
    return user


async def find_staff(db: Database, *, email: str) -> StaffUser | None:
    """The account with this email, or None."""
    async with db.sessions() as session:
        found = await session.exec(
            select(StaffUser).where(StaffUser.email == normalise_email(email))
        )
        return found.first()


async def get_staff(db: Database, *, staff_id: int) -> StaffUser:
    """The account with this id; `RecordNotFound` if there is none."""
    async with db.sessions() as session:
        user = await session.get(StaffUser, staff_id)
    if user is None:
        raise RecordNotFound(f"no staff account {staff_id}")
    return user


async def list_staff(db: Database) -> list[StaffUser]:
    """Every account, by email."""
    async with db.sessions() as session:
        return list(await session.exec(select(StaffUser).order_by(col(StaffUser.email))))


async def disable_staff(db: Database, *, email: str) -> StaffUser:
    """Stop an account logging in (its audit entries stay); `RecordNotFound` if there is none."""
    async with db.write() as session:
        user = await _locked(session, email=email)
        user.disabled = True
        session.add(user)
    return user


async def record_failed_login(
    db: Database, *, email: str, limit: int, lock_for: timedelta, now: datetime | None = None
) -> StaffUser | None:
    """Count a wrong password; at `limit` in a row, lock the account for `lock_for`.

    Returns the account, or None when there is no account with this email.
    """
    now = now or utcnow()
    async with db.write() as session:
        try:
            user = await _locked(session, email=email)
        except RecordNotFound:
            return None
        user.failed_logins += 1
        if user.failed_logins >= limit:
            user.locked_until = now + lock_for
            user.failed_logins = 0
        session.add(user)
    return user


async def record_login(
    db: Database, *, staff_id: int, new_password_hash: str | None = None
) -> None:
    """A successful login: forget earlier failures; store a stronger hash if one is given."""
    async with db.write() as session:
        user = await session.get(StaffUser, staff_id, with_for_update=True)
        if user is None:
            raise RecordNotFound(f"no staff account {staff_id}")
        user.failed_logins = 0
        user.locked_until = None
        if new_password_hash:
            user.password_hash = new_password_hash
        session.add(user)


async def end_sessions(db: Database, *, staff_id: int, now: datetime | None = None) -> None:
    """Log out: every session of this account that began before now is over."""
    async with db.write() as session:
        user = await session.get(StaffUser, staff_id, with_for_update=True)
        if user is None:
            raise RecordNotFound(f"no staff account {staff_id}")
        user.sessions_ended_at = now or utcnow()
        session.add(user)


def session_ended(user: StaffUser, started_at: float) -> bool:
    """Whether a session that began at `started_at` (seconds since the epoch) has been ended."""
    return user.sessions_ended_at is not None and started_at <= user.sessions_ended_at.timestamp()


def is_locked(user: StaffUser, now: datetime | None = None) -> bool:
    """Whether the account is locked after too many wrong passwords."""
    return user.locked_until is not None and user.locked_until > (now or utcnow())


async def _locked(session: AsyncSession, *, email: str) -> StaffUser:
    """The account with this email, its row locked until the transaction ends."""
    found = await session.exec(
        select(StaffUser).where(StaffUser.email == normalise_email(email)).with_for_update()
    )
    user = found.first()
    if user is None:
        raise RecordNotFound(f"no staff account for {normalise_email(email)}")
    return user
