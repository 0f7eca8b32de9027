"""Opening the database: URLs, SQLite's settings, timestamps, write transactions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from storage.database import Database, normalise_url, open_database
from storage.models import AuditEntry


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/survey.db", "sqlite+aiosqlite:///data/survey.db"),
        ("sqlite:////var/lib/survey.db", "sqlite+aiosqlite:////var/lib/survey.db"),
        ("postgresql://u:p@db:5432/survey", "postgresql+asyncpg://u:p@db:5432/survey"),
        ("postgres://u@db/survey", "postgresql+asyncpg://u@db/survey"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+asyncpg://db/survey", "postgresql+asyncpg://db/survey"),
    ],
)
def test_urls_are_given_their_async_driver(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


async def test_opening_sqlite_makes_the_missing_folder(tmp_path: Path) -> None:
    db = await open_database(f"sqlite:///{tmp_path}/new/folder/survey.db")
    await db.close()

    assert (tmp_path / "new" / "folder" / "survey.db").exists()


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    db = await open_database(f"sqlite:///{tmp_path}/survey.db", migrate=False)
    try:
        async with db.engine.connect() as connection:
            pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
            }
    finally:
        await db.close()

    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 1,
    }


async def test_many_tasks_writing_at_once_all_succeed(db: Database) -> None:
    async def audit(number: int) -> None:
        async with db.write() as session:
            session.add(
                AuditEntry(staff_email="a@example.org", action="view", detail={"n": number})
            )
            await session.flush()
            # Hold the transaction open across an await, as real writes do.
            await asyncio.sleep(0)

    await asyncio.gather(*(audit(number) for number in range(30)))

    async with db.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(AuditEntry))).one() == 30


async def test_a_failed_write_is_rolled_back(db: Database) -> None:
    async def audit_then_fail() -> None:
        async with db.write() as session:
            session.add(AuditEntry(staff_email="a@example.org", action="view"))
            await session.flush()
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        await audit_then_fail()

    async with db.sessions() as session:
        assert (await session.exec(select(func.count()).select_from(AuditEntry))).one() == 0


async def test_timestamps_come_back_timezone_aware_in_utc(db: Database) -> None:
    summer = datetime(2026, 7, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    async with db.write() as session:
        session.add(AuditEntry(staff_email="a@example.org", action="view", at=summer))

    async with db.sessions() as session:
        entry = (await session.exec(select(AuditEntry))).one()

    assert entry.at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert entry.at.tzinfo == UTC


async def test_naive_timestamps_are_refused(db: Database) -> None:
    naive = datetime(2026, 7, 1)  # noqa: DTZ001  (naive on purpose)

    with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
        async with db.write() as session:
            session.add(AuditEntry(staff_email="a@example.org", action="view", at=naive))
