"""A turn's start: the lock taken and everything the turn needs read, in one statement."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy as sa

from storage.database import Database
from storage.errors import DuplicateActivity, EtagConflict
from storage.turn_start import TurnStart, begin_turn
from storage.turns import append_activities, commit_turn, write_turn
from tests.storage.test_turns import answering, count, make_turn

KEY = "webchat/conversations/conv-1"


def start(connection: sa.Connection, activity_id: str | None = None, **more: Any) -> TurnStart:
    """`begin_turn` for conv-1."""
    return begin_turn(
        connection, conversation_id="conv-1", state_key=KEY, activity_id=activity_id, **more
    )


@pytest.fixture
def on_postgres(db: Database) -> None:
    """Instances racing for a conversation's lock share a database only on PostgreSQL."""
    if db.dialect != "postgresql":
        pytest.skip("about PostgreSQL's lock and what a statement sees")


async def test_a_new_conversation_starts_with_nothing(db: Database) -> None:
    begun = await db.run_write(start)

    assert begun == TurnStart(state=None, last_seq=0, response=None, taken_part=False)


async def test_the_start_reads_the_state_the_log_and_the_open_response(db: Database) -> None:
    first = await commit_turn(
        db, turn=answering(add_flags=["danger"], response_changes={"last_question": "q2"})
    )

    begun = await db.run_write(start)

    assert begun.state == {"turn": 1, "e_tag": first.etag}
    assert begun.last_seq == 2
    assert begun.response is not None
    assert begun.response.id == first.response_id
    assert (begun.response.status, begun.response.last_question) == ("in_progress", "q2")
    assert (begun.response.flags, begun.response.consented) == (["danger"], False)


async def test_the_start_knows_a_resident_who_has_taken_part(db: Database) -> None:
    await commit_turn(db, turn=answering("earlier", response_changes={"status": "completed"}))

    same = await db.run_write(lambda c: start(c, resident="resident-hash", survey_id="contact"))
    other = await db.run_write(lambda c: start(c, resident="someone-else", survey_id="contact"))

    assert (same.taken_part, other.taken_part) == (True, False)


async def test_the_start_refuses_an_activity_seen_before(db: Database) -> None:
    await commit_turn(db, turn=make_turn())

    with pytest.raises(DuplicateActivity) as raised:
        await db.run_write(lambda connection: start(connection, "conv-1-in-1"))

    assert [reply["text"] for reply in raised.value.replies] == ["reply 1"]


@pytest.mark.usefixtures("on_postgres")
async def test_a_turn_read_before_something_was_logged_writes_nothing(db: Database) -> None:
    first = await commit_turn(db, turn=answering())
    begun = await db.run_write(start)
    # Logged after the start was read, as by another instance just before the lock was taken.
    await append_activities(db, conversation_id="conv-1", activities=[{"type": "message"}])
    before = await count(db, "conv-1")
    turn = make_turn(number=2, expected_etag=first.etag)

    with pytest.raises(EtagConflict):
        await db.run_write(lambda connection: write_turn(connection, turn, begun))

    assert await count(db, "conv-1") == before


@pytest.mark.usefixtures("on_postgres")
async def test_a_turn_waiting_for_the_lock_reads_what_the_holder_committed(db: Database) -> None:
    async with db.engine.connect() as holder:
        async with holder.begin():
            first = await holder.run_sync(lambda c: write_turn(c, answering()))
            waiting = asyncio.create_task(db.run_write(start))
            await asyncio.sleep(0.3)
            assert not waiting.done(), "the other turn did not wait for the lock"
        begun = await waiting

    assert begun.state == {"turn": 1, "e_tag": first.etag}
    assert begun.last_seq == 2
