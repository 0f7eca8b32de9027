"""Open the database: SQLite (the embedded default) or PostgreSQL, same code.

`open_database(url)` builds the engine and session factory and brings the
schema up to date with the Alembic migrations. Importing this module does
nothing.

Writes go through `Database.write()`. On SQLite it holds an asyncio lock and
starts the transaction with BEGIN IMMEDIATE, so writers queue instead of
failing with "database is locked"; on PostgreSQL writes run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)

SQLITE_PRAGMAS: Final = (
    # Readers never block the writer, and the writer never blocks readers.
    "PRAGMA journal_mode=WAL",
    # SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked.
    "PRAGMA foreign_keys=ON",
    # Wait for another process's write lock instead of failing at once.
    "PRAGMA busy_timeout=5000",
    # Safe with WAL (a power cut may lose the last commits, never corrupt).
    "PRAGMA synchronous=NORMAL",
)
# The execution option that asks SQLite for a write transaction (BEGIN IMMEDIATE).
_WRITE_OPTION: Final = "survey_bot_write"
# Any fixed number: PostgreSQL instances starting at once migrate one at a time.
_MIGRATION_LOCK: Final = 7_215_001


def normalise_url(url: str) -> str:
    """The async-driver form of a database URL (aiosqlite, asyncpg)."""
    for plain, async_form in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return async_form + url.removeprefix(plain)
    return url


class Database:
    """An open database: the engine, the session factory and the write helper."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect: str = engine.dialect.name
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, class_=AsyncSession, expire_on_commit=False
        )
        # SQLite has one writer at a time; queueing here beats "database is locked".
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction: committed on success, rolled back on error.

        Do not open one inside another: on SQLite the inner one would wait for
        the outer one forever.
        """
        async with contextlib.AsyncExitStack() as stack:
            if self._write_lock is not None:
                await stack.enter_async_context(self._write_lock)
            session = await stack.enter_async_context(self.sessions())
            await stack.enter_async_context(session.begin())
            # Take the connection now, so the transaction starts as a write one.
            await session.connection(execution_options={_WRITE_OPTION: True})
            yield session

    async def close(self) -> None:
        """Close every connection."""
        await self.engine.dispose()


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database at `url` and, unless told not to, migrate it to the latest schema."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    db = Database(engine)
    if migrate:
        try:
            await migrate_database(db)
        except BaseException:
            await db.close()
            raise
    log.info("opened %s database %s", db.dialect, parsed.render_as_string(hide_password=True))
    return db


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Set the pragmas on each new connection and take over BEGIN from the driver."""

    @sa.event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver would otherwise open transactions lazily, at the first
        # INSERT, and never for SELECT; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @sa.event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that
        # reads and then writes can fail at once with "database is locked".
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def dialect_of(session: AsyncSession) -> str:
    """The name of the session's database dialect: "sqlite" or "postgresql"."""
    if session.bind is None:
        raise RuntimeError("the session is bound to no database")
    return session.bind.dialect.name


def insert_with_conflicts(
    session: AsyncSession, table: sa.Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT, in the session's database's dialect."""
    if dialect_of(session) == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for our migrations; no ini file needed."""
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    if url is not None:
        # ConfigParser treats "%" as interpolation; URLs may hold escaped characters.
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


async def migrate_database(db: Database, *, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision`, in one transaction."""
    config = alembic_config()
    async with db.engine.connect() as connection:
        await connection.execution_options(**{_WRITE_OPTION: True})
        async with connection.begin():
            if db.dialect == "postgresql":
                await connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
            await connection.run_sync(_upgrade, config, revision)


def _upgrade(connection: sa.Connection, config: Config, revision: str) -> None:
    """Run Alembic's upgrade on a connection we already hold (see migrations/env.py)."""
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
