"""The activity log: numbered per conversation, read back from a watermark."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import col, select

from storage.database import Database
from storage.errors import DuplicateActivity
from storage.models import ActivityLog
from storage.turns import TurnRecord, activities_since, append_activities, commit_turn


def message(text: str, **fields: str) -> dict[str, str]:
    """A message activity."""
    return {"type": "message", "text": text, **fields}


def turn(conversation_id: str, incoming_id: str, *replies: str) -> TurnRecord:
    """A turn that needs no state of its own: an incoming message and its replies."""
    return TurnRecord(
        conversation_id=conversation_id,
        channel="directline",
        survey_id="contact",
        survey_version=1,
        state_key=f"state/{conversation_id}/{incoming_id}",
        expected_etag=None,
        new_state={},
        incoming=message("hello", id=incoming_id),
        outgoing=[message(reply) for reply in replies],
    )


async def test_activities_are_numbered_one_two_three_in_each_conversation(db: Database) -> None:
    first = await commit_turn(db, turn=turn("a", "a-1", "r1", "r2"))
    other = await commit_turn(db, turn=turn("b", "b-1", "r1"))
    second = await commit_turn(db, turn=turn("a", "a-2", "r3"))

    assert (first.incoming_seq, first.outgoing_seqs) == (1, [2, 3])
    assert (other.incoming_seq, other.outgoing_seqs) == (1, [2])
    assert (second.incoming_seq, second.outgoing_seqs) == (4, [5])


async def test_activities_since_a_watermark_are_the_later_ones_in_order(db: Database) -> None:
    await commit_turn(db, turn=turn("a", "a-1", "r1"))
    await commit_turn(db, turn=turn("a", "a-2", "r2", "r3"))

    activities, watermark = await activities_since(db, conversation_id="a", watermark=2)

    assert [activity["text"] for activity in activities] == ["hello", "r2", "r3"]
    assert watermark == 5


async def test_nothing_new_since_the_watermark_keeps_the_watermark(db: Database) -> None:
    await commit_turn(db, turn=turn("a", "a-1", "r1"))

    assert await activities_since(db, conversation_id="a", watermark=2) == ([], 2)
    assert await activities_since(db, conversation_id="unknown", watermark=0) == ([], 0)


async def test_logged_activities_get_an_id_and_a_timestamp_unless_they_have_them(
    db: Database,
) -> None:
    await append_activities(
        db,
        conversation_id="a",
        activities=[message("new"), message("given", id="x-1", timestamp="2026-01-01T00:00:00Z")],
    )

    (new, given), _ = await activities_since(db, conversation_id="a", watermark=0)

    assert new["id"] == "a|0000001"
    assert datetime.fromisoformat(new["timestamp"]).utcoffset() is not None
    assert (given["id"], given["timestamp"]) == ("x-1", "2026-01-01T00:00:00Z")


async def test_the_callers_activities_are_not_changed(db: Database) -> None:
    activities = [message("new")]

    await append_activities(db, conversation_id="a", activities=activities)

    assert activities == [message("new")]


async def test_replies_point_at_the_activity_they_answer(db: Database) -> None:
    await commit_turn(db, turn=turn("a", "a-1", "r1"))
    await append_activities(
        db, conversation_id="a", activities=[message("later", replyToId="a-1"), message("aside")]
    )

    async with db.sessions() as session:
        rows = await session.exec(
            select(ActivityLog.direction, ActivityLog.activity_id, ActivityLog.reply_to).order_by(
                col(ActivityLog.seq)
            )
        )
        assert rows.all() == [
            ("in", "a-1", None),
            ("out", None, "a-1"),
            ("out", None, "a-1"),
            ("out", None, None),
        ]


async def test_an_incoming_activity_logged_twice_raises_duplicate(db: Database) -> None:
    await append_activities(
        db, conversation_id="a", activities=[message("hi", id="in-1")], direction="in"
    )

    with pytest.raises(DuplicateActivity):
        await append_activities(
            db, conversation_id="a", activities=[message("hi", id="in-1")], direction="in"
        )

    assert len((await activities_since(db, conversation_id="a", watermark=0))[0]) == 1


async def test_the_same_incoming_id_in_another_conversation_is_not_a_duplicate(
    db: Database,
) -> None:
    await commit_turn(db, turn=turn("a", "same-id", "r1"))

    outcome = await commit_turn(db, turn=turn("b", "same-id", "r1"))

    assert outcome.incoming_seq == 1
