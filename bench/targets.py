"""The servers under test, and the databases and survey file they are started with.

Each survey-bot run gets a database of its own: a fresh SQLite file, or a
fresh PostgreSQL database created for the run and dropped after it. Two
survey-bot servers on one PostgreSQL database, behind a round-robin proxy,
are measured as one target, beside a single server.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench import scripts
from bench.scripts import Script
from dialogs.loader import DEFAULT_SURVEY

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
CONNECT_SECONDS = 10.0


@dataclass(frozen=True)
class Target:
    """One server to measure: which process, reached which way, on which database."""

    key: str
    label: str
    server: str  # a kind for `python -m bench.servers`
    channel: str  # "ceiling", "messages" or "directline"
    database: str = ""  # "", "sqlite" or "postgresql"
    # Servers sharing the database, behind the round-robin proxy when more than one.
    instances: int = 1

    @property
    def scripts(self) -> tuple[Script, ...]:
        """What its residents say."""
        if self.server == "ceiling":
            return (scripts.CEILING,)
        if self.server == "usual":
            return (scripts.USUAL,)
        return scripts.SURVEY_BOT

    @property
    def is_survey_bot(self) -> bool:
        """Whether this is survey-bot (with a database to check afterwards)."""
        return self.server == "survey-bot"


CEILING = Target("ceiling", "ceiling (bare aiohttp)", "ceiling", "ceiling")
USUAL = Target("usual", "usual way (botbuilder sample)", "usual", "messages")
DIRECT_LINE_SQLITE = Target(
    "directline-sqlite", "survey-bot, Direct Line, SQLite", "survey-bot", "directline", "sqlite"
)
DIRECT_LINE_POSTGRES = Target(
    "directline-postgresql",
    "survey-bot, Direct Line, PostgreSQL",
    "survey-bot",
    "directline",
    "postgresql",
)
DIRECT_LINE_POSTGRES_PAIR = Target(
    "directline-postgresql-x2",
    "survey-bot x2 round-robin, Direct Line, PostgreSQL",
    "survey-bot",
    "directline",
    "postgresql",
    instances=2,
)
MESSAGES_SQLITE = Target(
    "messages-sqlite", "survey-bot, /api/messages, SQLite", "survey-bot", "messages", "sqlite"
)
TARGETS = (
    CEILING,
    USUAL,
    DIRECT_LINE_SQLITE,
    DIRECT_LINE_POSTGRES,
    DIRECT_LINE_POSTGRES_PAIR,
    MESSAGES_SQLITE,
)
SURVEY_BOT_TARGETS = tuple(target for target in TARGETS if target.is_survey_bot)


def postgres_admin_url() -> str:
    """The PostgreSQL server to create benchmark databases on."""
    return os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_POSTGRES


async def postgres_available() -> str:
    """ "" if PostgreSQL can be reached, else why not."""
    try:
        connection = await asyncpg.connect(postgres_admin_url(), timeout=CONNECT_SECONDS)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return ""


@asynccontextmanager
async def database(target: Target, work_dir: Path) -> AsyncIterator[str]:
    """A fresh database URL for one run of `target`, removed afterwards."""
    if target.database == "sqlite":
        yield f"sqlite:///{work_dir / f'{target.key}-{secrets.token_hex(4)}.db'}"
        return
    if target.database != "postgresql":
        yield ""
        return
    admin = postgres_admin_url()
    name = f"surveybot_bench_{secrets.token_hex(6)}"
    await _admin(admin, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    finally:
        await _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url, timeout=CONNECT_SECONDS)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def open_survey_file(work_dir: Path) -> Path:
    """The default survey, open whatever today's date: the benchmark must not expire."""
    text = DEFAULT_SURVEY.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^opens = .*$", "opens = 2000-01-01", text, count=1)
    text = re.sub(r"(?m)^closes = .*$", "closes = 2999-12-31", text, count=1)
    path = work_dir / DEFAULT_SURVEY.name
    path.write_text(text, encoding="utf-8")
    return path
