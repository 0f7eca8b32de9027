"""Staff accounts: creating, finding, disabling and counting failed logins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.database import Database
from storage.errors import RecordNotFound
from storage.staff import (
    StaffExists,
    create_staff,
    disable_staff,
    find_staff,
    get_staff,
    is_locked,
    list_staff,
    record_failed_login,
    record_login,
)

NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_an_account_is_found_by_email_whatever_its_case(db: Database) -> None:
    made = await create_staff(db, email=" Ann@Example.org ", password_hash="h", role="admin")

    found = await find_staff(db, email="ANN@example.ORG")

    assert found is not None
    assert (found.id, found.email, found.role) == (made.id, "ann@example.org", "admin")


async def test_an_email_can_have_only_one_account(db: Database) -> None:
    await create_staff(db, email="ann@example.org", password_hash="h")

    with pytest.raises(StaffExists):
        await create_staff(db, email="ANN@example.org", password_hash="h")


async def test_an_unknown_role_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="superuser"):
        await create_staff(db, email="ann@example.org", password_hash="h", role="superuser")


async def test_accounts_are_listed_by_email(db: Database) -> None:
    for email in ("bob@example.org", "ann@example.org"):
        await create_staff(db, email=email, password_hash="h")

    assert [u.email for u in await list_staff(db)] == ["ann@example.org", "bob@example.org"]


async def test_a_missing_account_is_none_or_record_not_found(db: Database) -> None:
    assert await find_staff(db, email="nobody@example.org") is None
    with pytest.raises(RecordNotFound):
        await get_staff(db, staff_id=99)
    with pytest.raises(RecordNotFound):
        await disable_staff(db, email="nobody@example.org")


async def test_disabling_an_account_keeps_it(db: Database) -> None:
    made = await create_staff(db, email="ann@example.org", password_hash="h")
    assert made.id is not None

    await disable_staff(db, email="ann@example.org")

    assert (await get_staff(db, staff_id=made.id)).disabled


async def test_failed_logins_lock_the_account_at_the_limit(db: Database) -> None:
    await create_staff(db, email="ann@example.org", password_hash="h")
    lock = timedelta(minutes=15)

    first = await record_failed_login(db, email="ann@example.org", limit=2, lock_for=lock, now=NOON)
    second = await record_failed_login(
        db, email="ann@example.org", limit=2, lock_for=lock, now=NOON
    )

    assert first is not None
    assert second is not None
    assert (first.failed_logins, first.locked_until) == (1, None)
    assert second.locked_until == NOON + lock
    assert is_locked(second, NOON + timedelta(minutes=14))
    assert not is_locked(second, NOON + timedelta(minutes=16))


async def test_a_failed_login_for_no_account_changes_nothing(db: Database) -> None:
    found = await record_failed_login(
        db, email="nobody@example.org", limit=2, lock_for=timedelta(minutes=1)
    )

    assert found is None
    assert await list_staff(db) == []


async def test_a_login_clears_failures_and_can_store_a_new_hash(db: Database) -> None:
    made = await create_staff(db, email="ann@example.org", password_hash="old")
    assert made.id is not None
    await record_failed_login(db, email="ann@example.org", limit=5, lock_for=timedelta(1))

    await record_login(db, staff_id=made.id, new_password_hash="new")

    user = await get_staff(db, staff_id=made.id)
    assert (user.failed_logins, user.locked_until, user.password_hash) == (0, None, "new")
