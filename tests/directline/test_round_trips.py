"""A resident's turn on PostgreSQL costs few round trips to the database: counted, not timed.

Each statement the database driver sends is a round trip, and so are BEGIN and
COMMIT. The counts are taken from SQLAlchemy's events while the app serves a
resident going through the whole survey over Direct Line. (Before they were
counted, a turn made 10 to 12 statements, 12 to 14 round trips, and a poll
for the replies 3.)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import bot.app
from bot.directline import DIRECT_LINE
from bot.directline.limits import RateLimiter
from bot.settings import Settings
from tests.directline.conftest import (
    Client,
    Conversation,
    activities,
    post,
    start_conversation,
    survey_steps,
)

# A turn: the state read with the conversation's lock taken, then everything written.
MOST_STATEMENTS_PER_TURN = 2
# Those two, in one transaction: BEGIN and COMMIT are round trips too.
MOST_ROUND_TRIPS_PER_TURN = 4
# Reading the replies: one statement, outside any transaction.
MOST_ROUND_TRIPS_PER_POLL = 1
# A new conversation: is it known already (a read), then the welcome's turn.
MOST_ROUND_TRIPS_TO_START = MOST_ROUND_TRIPS_PER_POLL + MOST_ROUND_TRIPS_PER_TURN


@dataclass
class Trips:
    """Round trips counted: statements, and the BEGINs and COMMITs around them."""

    statements: list[str] = field(default_factory=list)
    begins: int = 0
    commits: int = 0

    @property
    def total(self) -> int:
        """Every round trip."""
        return len(self.statements) + self.begins + self.commits


@contextlib.contextmanager
def counted() -> Iterator[Trips]:
    """Count what every engine sends, until the block ends."""
    trips = Trips()

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        trips.statements.append(sql)

    def begin(conn: sa.Connection) -> None:
        if not autocommit(conn):
            trips.begins += 1

    def commit(conn: sa.Connection) -> None:
        if not autocommit(conn):
            trips.commits += 1

    listeners = [("before_cursor_execute", statement), ("begin", begin), ("commit", commit)]
    for name, listener in listeners:
        sa.event.listen(sa.engine.Engine, name, listener)
    try:
        yield trips
    finally:
        for name, listener in listeners:
            sa.event.remove(sa.engine.Engine, name, listener)


def autocommit(connection: sa.Connection) -> bool:
    """Whether the connection runs each statement on its own: no BEGIN, no COMMIT is sent."""
    return connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"


@pytest.fixture
async def client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Client]:
    """The whole app, without the purge it runs at start-up: those statements are no turn's."""
    monkeypatch.setattr(bot.app, "daily_purge", lambda *_: _no_purge)
    app = bot.app.create_app(settings)
    async with TestClient(TestServer(app, host="127.0.0.1")) as test_client:
        yield test_client


async def _no_purge(_app: web.Application) -> AsyncIterator[None]:
    yield


@pytest.fixture
def on_postgres(database_url: str) -> None:
    """Round trips are what PostgreSQL's turns are about; SQLite's stay in the process."""
    if not database_url.startswith("postgresql"):
        pytest.skip("counts round trips to PostgreSQL (set TEST_DATABASE_URL)")


async def survey_turns(client: Client, conversation: Conversation) -> list[tuple[Trips, Trips]]:
    """Each step of the survey: the round trips of posting it, and of polling for the reply."""
    # A test sends faster than a resident types: the per-conversation limit is not counted here.
    client.app[DIRECT_LINE].limiter = RateLimiter(burst=1000)
    turns = []
    watermark = ""
    for number, step in enumerate(survey_steps()):
        with counted() as posting:
            await post(client, conversation, step["answer"], f"step-{number}")
        with counted() as polling:
            _replies, watermark = await activities(client, conversation, watermark)
        turns.append((posting, polling))
    return turns


@pytest.mark.usefixtures("on_postgres")
async def test_a_turn_makes_two_statements_in_one_transaction(
    client: Client, conversation: Conversation
) -> None:
    turns = await survey_turns(client, conversation)

    for number, (posting, _polling) in enumerate(turns):
        assert len(posting.statements) <= MOST_STATEMENTS_PER_TURN, (number, posting.statements)
        assert posting.total <= MOST_ROUND_TRIPS_PER_TURN, (number, posting)


@pytest.mark.usefixtures("on_postgres")
async def test_polling_for_the_replies_makes_one_round_trip(
    client: Client, conversation: Conversation
) -> None:
    turns = await survey_turns(client, conversation)

    for number, (_posting, polling) in enumerate(turns):
        assert polling.total <= MOST_ROUND_TRIPS_PER_POLL, (number, polling)


@pytest.mark.usefixtures("on_postgres")
async def test_starting_a_conversation_reads_once_then_makes_one_turn(client: Client) -> None:
    with counted() as starting:
        await start_conversation(client)

    assert starting.total <= MOST_ROUND_TRIPS_TO_START, starting
