"""Fixtures shared by the whole suite.

The database under test is SQLite, a fresh file for every test (a copy of one
migrated once per session), unless the
environment variable TEST_DATABASE_URL names another one (PostgreSQL). That
database is migrated once per session and emptied before every test, so tests
never see each other's rows either way.

- `database_url`: the URL of an empty, migrated (or about to be) database.
- `db`: that database, open; closed after the test.
- `settings`: the app's settings for a test, on that database.

`Settings()` reads the environment for anything not passed, so every test starts
with none of the settings' variables set, whatever the shell running the tests has.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from bot.settings import Settings, documented
from dialogs.loader import DEFAULT_SURVEY
from storage.database import Database, normalise_url, open_database

# The loopback Bot Framework connector fixture, for every package's tests.
pytest_plugins = ["tests.connector"]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def server_database_url() -> str | None:
    """TEST_DATABASE_URL, migrated to the latest schema; None when testing on SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    db = await open_database(normalise_url(url))
    await db.close()
    return normalise_url(url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite file migrated to the latest schema, once: each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "survey-bot.db"
    db = await open_database(f"sqlite+aiosqlite:///{path}")
    await db.close()
    return path


@pytest.fixture
async def database_url(
    tmp_path: Path, server_database_url: str | None, migrated_sqlite_file: Path
) -> str:
    """The URL of an empty database for this test."""
    if server_database_url is None:
        path = tmp_path / "survey-bot.db"
        shutil.copyfile(migrated_sqlite_file, path)
        return f"sqlite+aiosqlite:///{path}"
    await _empty_tables(server_database_url)
    return server_database_url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The test's database, open and migrated."""
    database = await open_database(database_url)
    yield database
    await database.close()


async def _empty_tables(url: str) -> None:
    """Delete every row of every table and restart the id counters: fast, unlike re-creating."""
    tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def survey_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped survey with its dates opened wide, so no test depends on today's date."""
    source = DEFAULT_SURVEY.read_text(encoding="utf-8")
    source = re.sub(r"^opens = .*$", "opens = 2000-01-01", source, flags=re.MULTILINE)
    source = re.sub(r"^closes = .*$", "closes = 2999-12-31", source, flags=re.MULTILINE)
    path = tmp_path_factory.mktemp("survey") / DEFAULT_SURVEY.name
    path.write_text(source, encoding="utf-8")
    return str(path)


@pytest.fixture(autouse=True)
def _no_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset every setting's environment variable for the test."""
    for variable, _, _ in documented():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def settings(database_url: str, survey_file: str) -> Settings:
    """Settings for a test app on the test's database, with strong secrets.

    Packages that need more (a Direct Line secret, authentication) override this
    fixture and build on it with `settings.replace(...)`.
    """
    return Settings(
        environment="test",
        survey_file=survey_file,
        database_url=database_url,
        session_secret="test-session-secret-of-forty-characters!",
        resident_hash_key="test-resident-hash-key-of-forty-characters",
    )
