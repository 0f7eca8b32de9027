"""Opening the database: URLs, SQLite's settings, timestamps, write transactions."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from storage import database
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


def _sqlite_file(db: Database) -> Path:
    if db.dialect != "sqlite" or db.engine.url.database is None:
        pytest.skip("about SQLite files")
    return Path(db.engine.url.database)


def _count_states(connection: sa.Connection) -> int:
    return int(connection.execute(sa.text("SELECT count(*) FROM conversationstate")).scalar_one())


def _add_state(key: str) -> Callable[[sa.Connection], None]:
    def work(connection: sa.Connection) -> None:
        connection.execute(
            sa.text(
                "INSERT INTO conversationstate (key, etag, data, updated_at) "
                "VALUES (:key, 'e', '{}', '2026-11-28 00:00:00.000000')"
            ),
            {"key": key},
        )

    return work


async def test_turn_writes_wait_off_the_loop_while_another_process_writes(db: Database) -> None:
    other = sqlite3.connect(_sqlite_file(db), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        write = asyncio.ensure_future(db.run_write(_add_state("a")))
        await asyncio.sleep(0.01)
        # The loop goes on while the write waits: a read is answered, and sees no write yet.
        assert await asyncio.wait_for(db.run_read(_count_states), timeout=30) == 0
        assert not write.done()
    finally:
        other.execute("COMMIT")
        other.close()
    await write
    assert await db.run_read(_count_states) == 1


async def test_turn_writes_checkpoint_the_log_in_a_thread_now_and_then(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sqlite_file(db)
    checkpoints: list[str] = []
    real = database._checkpoint

    def checkpoint(connection: sa.Connection) -> None:
        checkpoints.append(threading.current_thread().name)
        real(connection)

    monkeypatch.setattr(database, "CHECKPOINT_EVERY", 3)
    monkeypatch.setattr(database, "_checkpoint", checkpoint)
    for number in range(7):
        await db.run_write(_add_state(f"k{number}"))
        await db.settled()  # One checkpoint runs at a time: let it finish.
    assert len(checkpoints) == 2
    assert all(name != threading.current_thread().name for name in checkpoints)
    assert await db.run_read(_count_states) == 7


async def test_a_turn_write_that_fails_is_rolled_back(db: Database) -> None:
    def fail(connection: sa.Connection) -> None:
        _add_state("a")(connection)
        raise RuntimeError("the engine fell over")

    with pytest.raises(RuntimeError):
        await db.run_write(fail)
    await db.run_write(_add_state("b"))
    assert await db.run_read(_count_states) == 1
