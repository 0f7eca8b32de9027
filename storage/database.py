"""Open the database: SQLite (the embedded default) or PostgreSQL, same code.

`open_database(url)` builds the engine and session factory and brings the
schema up to date with the Alembic migrations. Importing this module does
nothing.

Writes go through `Database.write()` (a session) or `Database.run_write()` (a
function given one connection). On SQLite both hold an asyncio lock and start
the transaction with BEGIN IMMEDIATE, so writers queue instead of failing with
"database is locked"; on PostgreSQL writes run concurrently.

The hot path (a resident's turn) uses `run_write` and `run_read`: a plain
synchronous function of SQLAlchemy Core, run whole. On PostgreSQL it runs on
the async connection (SQLAlchemy's `run_sync`), and a read runs outside any
transaction, so it is one round trip, not three. On a SQLite file it runs on
the event loop itself, on a connection kept open for it: a turn's transaction
is about a millisecond of work, and every way of handing it elsewhere cost
more than the work. Through the async driver each statement is a trip to its
thread and back (the write lock held across a dozen trips round the loop);
one trip per transaction to a worker thread still cost more than the
transaction, most of it the two threads taking the interpreter lock from each
other. Measured (`make bench`, Direct Line, 100 residents): 45 turns a
second through the async driver, 290 on a worker thread, 500 on the loop.

What could make SQLite wait is kept off the loop: the loop's connections do
not wait for locks (another process writing makes them hand the work to a
thread that does), and they never checkpoint the write-ahead log; a worker
thread does that every few hundred commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final, TypeVar

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
# The execution option that leaves SQLite in autocommit: each statement reads the latest commit.
_AUTOCOMMIT_OPTION: Final = "survey_bot_autocommit"
# The loop's own SQLite connections: never wait for a lock, never checkpoint.
_LOOP_PRAGMAS: Final = ("PRAGMA busy_timeout=0", "PRAGMA wal_autocheckpoint=0")
# Commits on the loop between two checkpoints of the write-ahead log (in a worker thread).
CHECKPOINT_EVERY: Final = 500
T = TypeVar("T")
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
    """An open database: the engine, the session factory and the write helpers."""

    def __init__(self, engine: AsyncEngine, sync_engine: sa.Engine | None = None) -> None:
        self.engine = engine
        self.dialect: str = engine.dialect.name
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            engine, class_=AsyncSession, expire_on_commit=False
        )
        # SQLite has one writer at a time; queueing here beats "database is locked".
        self._write_lock = asyncio.Lock() if self.dialect == "sqlite" else None
        # A SQLite file is also opened synchronously, for `run_write` and `run_read`.
        self._file = _SQLiteFile(sync_engine) if sync_engine is not None else None

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

    async def run_write(self, work: Callable[[sa.Connection], T]) -> T:
        """Run `work(connection)` in one write transaction: committed if it returns.

        `work` is plain synchronous SQLAlchemy: it must not touch the event
        loop, and it may be run a second time if the first could not start.
        """
        if self._file is None:
            async with self._locked(), self.engine.connect() as connection:
                await connection.execution_options(**{_WRITE_OPTION: True})
                async with connection.begin():
                    return await connection.run_sync(work)
        async with self._locked():
            return await self._file.write(work)

    async def run_read(self, work: Callable[[sa.Connection], T]) -> T:
        """Run `work(connection)`, which only reads.

        Each statement sees what was committed when it ran: a read of several
        statements that must agree with each other belongs in `run_write`.
        """
        if self._file is None and self.dialect == "postgresql":
            # No transaction: BEGIN and COMMIT would be two more round trips.
            async with self.engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                return await connection.run_sync(work)
        if self._file is None:
            async with self.engine.connect() as connection, connection.begin():
                return await connection.run_sync(work)
        return await self._file.read(work)

    async def settled(self) -> None:
        """Wait for the work a write started in the background (a checkpoint) to finish."""
        if self._file is not None:
            await self._file.settled()

    def _locked(self) -> contextlib.AbstractAsyncContextManager[Any]:
        return self._write_lock if self._write_lock is not None else contextlib.nullcontext()

    async def close(self) -> None:
        """Close every connection."""
        if self._file is not None:
            await self._file.close()
        await self.engine.dispose()


class _SQLiteFile:
    """A SQLite file's synchronous side: connections for the loop, a thread for waiting."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        write, autocommit = {_WRITE_OPTION: True}, {_AUTOCOMMIT_OPTION: True}
        self.loop_writes = _ThreadConnections(engine, write, _LOOP_PRAGMAS)
        self.loop_reads = _ThreadConnections(engine, autocommit, _LOOP_PRAGMAS)
        self.thread_writes = _ThreadConnections(engine, write)
        self.thread_reads = _ThreadConnections(engine, autocommit)
        # One thread: it waits for other processes' locks, and checkpoints.
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite")
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None

    async def write(self, work: Callable[[sa.Connection], T]) -> T:
        """`work` in a write transaction: on the loop, or in the thread if the file is busy."""
        try:
            result = _run_in_transaction(self.loop_writes, work)
        except sa.exc.OperationalError as error:
            if not _busy(error):
                raise
            log.info("the SQLite file is busy: waiting for it in a worker thread")
            return await self._in_thread(self.thread_writes, work)
        self._commits += 1
        if self._commits >= CHECKPOINT_EVERY and self._checkpoint is None:
            self._commits = 0
            self._checkpoint = asyncio.ensure_future(
                self._in_thread(self.thread_reads, _checkpoint)
            )
            self._checkpoint.add_done_callback(self._checkpointed)
        return result

    async def read(self, work: Callable[[sa.Connection], T]) -> T:
        """`work` in autocommit: on the loop, or in the thread if the file is busy."""
        try:
            return _run_in_transaction(self.loop_reads, work)
        except sa.exc.OperationalError as error:
            if not _busy(error):
                raise
            return await self._in_thread(self.thread_reads, work)

    async def _in_thread(
        self, connections: _ThreadConnections, work: Callable[[sa.Connection], T]
    ) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, _run_in_transaction, connections, work)

    def _checkpointed(self, done: asyncio.Future[None]) -> None:
        self._checkpoint = None
        if not done.cancelled() and done.exception() is not None:
            log.warning("could not checkpoint the SQLite file", exc_info=done.exception())

    async def settled(self) -> None:
        """Wait for a checkpoint in flight, if there is one."""
        if self._checkpoint is not None:
            await asyncio.wait([self._checkpoint])

    async def close(self) -> None:
        """Wait for the thread's work, then close every connection."""
        await self.settled()
        self.thread.shutdown(wait=True)
        for connections in (self.loop_writes, self.loop_reads):
            connections.close_all()
        for connections in (self.thread_writes, self.thread_reads):
            connections.close_all()
        self.engine.dispose()


def _checkpoint(connection: sa.Connection) -> None:
    """Copy what the write-ahead log holds into the database file, without waiting for anyone."""
    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").close()


def _busy(error: sa.exc.OperationalError) -> bool:
    """Whether SQLite refused because another connection holds a lock."""
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class _ThreadConnections:
    """A connection of the synchronous engine for each thread that asks, kept open.

    Taking one from the pool for every transaction would cost more than most
    of the transactions on the hot path.
    """

    def __init__(
        self, engine: sa.Engine, options: dict[str, Any], pragmas: tuple[str, ...] = ()
    ) -> None:
        self._engine = engine
        self._options = options
        self._pragmas = pragmas
        self._local = threading.local()
        self._opened: list[sa.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sa.Connection:
        """This thread's connection, opened the first time (or after it was lost)."""
        connection: sa.Connection | None = getattr(self._local, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._engine.connect().execution_options(**self._options)
            cursor = connection.connection.cursor()
            for pragma in self._pragmas:
                cursor.execute(pragma)
            cursor.close()
            self._local.connection = connection
            with self._lock:
                self._opened.append(connection)
        return connection

    def close_all(self) -> None:
        """Close every connection (once the threads have stopped)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()


def _run_in_transaction(connections: _ThreadConnections, work: Callable[[sa.Connection], T]) -> T:
    """`work` on this thread's connection, in a transaction.

    For readers the transaction is SQLAlchemy's alone: SQLite stays in
    autocommit (see `_configure_sqlite`).
    """
    connection = connections.get()
    with connection.begin():
        return work(connection)


async def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database at `url` and, unless told not to, migrate it to the latest schema."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    sync_engine = None
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine.sync_engine)
        if parsed.database not in (None, "", ":memory:"):
            sync_engine = sa.create_engine(parsed.set(drivername="sqlite+pysqlite"))
            _configure_sqlite(sync_engine)
    db = Database(engine, sync_engine)
    if migrate:
        try:
            await migrate_database(db)
        except BaseException:
            await db.close()
            raise
    log.info("opened %s database %s", db.dialect, parsed.render_as_string(hide_password=True))
    return db


def _configure_sqlite(engine: sa.Engine) -> None:
    """Set the pragmas on each new connection and take over BEGIN from the driver."""

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver would otherwise open transactions lazily, at the first
        # INSERT, and never for SELECT; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that
        # reads and then writes can fail at once with "database is locked".
        options = connection.get_execution_options()
        if options.get(_AUTOCOMMIT_OPTION):
            return  # No transaction: the driver runs each statement on its own.
        if options.get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def dialect_of(bind: AsyncSession | sa.Connection) -> str:
    """The name of a session's or connection's database dialect: "sqlite" or "postgresql"."""
    if isinstance(bind, sa.Connection):
        return bind.dialect.name
    if bind.bind is None:
        raise RuntimeError("the session is bound to no database")
    return bind.bind.dialect.name


def insert_with_conflicts(
    bind: AsyncSession | sa.Connection | str, table: sa.Table
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT, in the database's dialect (or the one named)."""
    dialect = bind if isinstance(bind, str) else dialect_of(bind)
    if dialect == "postgresql":
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
