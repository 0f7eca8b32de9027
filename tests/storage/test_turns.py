"""A turn is written in one transaction: all of it, or nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import col, func, select

from storage.database import Database
from storage.errors import DuplicateActivity, EtagConflict, NoOpenResponse
from storage.models import ActivityLog, Answer, ConversationState, Response, TranscriptLine
from storage.turns import AnswerWrite, TurnOutcome, TurnRecord, commit_turn

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def make_turn(conversation_id: str = "conv-1", number: int = 1, **changes: Any) -> TurnRecord:
    """A turn with an incoming message and one reply; `changes` override any field."""
    turn = TurnRecord(
        conversation_id=conversation_id,
        channel="webchat",
        survey_id="contact",
        survey_version=1,
        state_key=f"webchat/conversations/{conversation_id}",
        expected_etag=None,
        new_state={"turn": number},
        resident="resident-hash",
        incoming={"type": "message", "id": f"{conversation_id}-in-{number}", "text": "hi"},
        outgoing=[{"type": "message", "text": f"reply {number}"}],
    )
    return dataclasses.replace(turn, **changes)


def answering(conversation_id: str = "conv-1", **changes: Any) -> TurnRecord:
    """A first turn that starts a response, answers two questions and says so."""
    fields: dict[str, Any] = {
        "start_response": True,
        "response_changes": {"consented": True, "last_question": "q2"},
        "answers": [AnswerWrite("q1", "", "yes", "Yes"), AnswerWrite("q2", "", [1, 2], "1,2")],
        "transcript": [("resident", "Yes", AT), ("bot", "Thanks", AT)],
    }
    return make_turn(conversation_id, **{**fields, **changes})


async def count(db: Database, conversation_id: str) -> dict[str, int]:
    """How many rows of each kind the conversation has."""
    responses = select(Response.id).where(Response.conversation_id == conversation_id)
    queries = {
        "responses": select(func.count()).where(Response.conversation_id == conversation_id),
        "answers": select(func.count()).where(col(Answer.response_id).in_(responses)),
        "transcript": select(func.count()).where(TranscriptLine.conversation_id == conversation_id),
        "activities": select(func.count()).where(ActivityLog.conversation_id == conversation_id),
        "states": select(func.count()).where(
            ConversationState.key == f"webchat/conversations/{conversation_id}"
        ),
    }
    async with db.sessions() as session:
        return {name: (await session.exec(query)).one() for name, query in queries.items()}


async def stored_state(db: Database, conversation_id: str = "conv-1") -> ConversationState | None:
    """The conversation's stored state row."""
    async with db.sessions() as session:
        return await session.get(ConversationState, f"webchat/conversations/{conversation_id}")


async def test_a_turn_records_state_response_answers_transcript_and_activities(
    db: Database,
) -> None:
    outcome = await commit_turn(db, turn=answering())

    assert outcome.response_id is not None
    assert outcome.incoming_seq == 1
    assert outcome.outgoing_seqs == [2]
    state = await stored_state(db)
    assert state is not None
    assert (state.data, state.etag) == ({"turn": 1}, outcome.etag)
    assert await count(db, "conv-1") == {
        "responses": 1,
        "answers": 2,
        "transcript": 2,
        "activities": 2,
        "states": 1,
    }


async def test_a_failure_after_some_writes_leaves_nothing_of_the_turn(db: Database) -> None:
    first = await commit_turn(db, turn=make_turn(start_response=True))
    before = await count(db, "conv-1")
    unserialisable = {"type": "message", "text": "bye", "value": object()}
    failing = answering(
        number=2,
        expected_etag=first.etag,
        new_state={"turn": 2},
        outgoing=[{"type": "message", "text": "fine"}, unserialisable],
    )

    with pytest.raises(sa.exc.StatementError):
        await commit_turn(db, turn=failing)

    assert await count(db, "conv-1") == before
    state = await stored_state(db)
    assert state is not None
    assert (state.data, state.etag) == ({"turn": 1}, first.etag)


async def test_a_constraint_violation_leaves_nothing_of_the_turn(db: Database) -> None:
    await commit_turn(db, turn=answering("taken", response_changes={"reference": "AB12"}))

    with pytest.raises(sa.exc.IntegrityError):
        await commit_turn(db, turn=answering("conv-1", response_changes={"reference": "AB12"}))

    assert await count(db, "conv-1") == dict.fromkeys(
        ["responses", "answers", "transcript", "activities", "states"], 0
    )


async def test_a_repeated_activity_raises_duplicate_with_the_first_replies(db: Database) -> None:
    replies = [{"type": "message", "text": "one"}, {"type": "message", "text": "two"}]
    await commit_turn(db, turn=answering(outgoing=replies))
    before = await count(db, "conv-1")
    retry = answering(expected_etag="*", new_state={"turn": "again"}, outgoing=[])

    with pytest.raises(DuplicateActivity) as raised:
        await commit_turn(db, turn=retry)

    assert [reply["text"] for reply in raised.value.replies] == ["one", "two"]
    assert [reply["id"] for reply in raised.value.replies] == ["conv-1|0000002", "conv-1|0000003"]
    assert await count(db, "conv-1") == before


async def test_a_stale_etag_raises_conflict_and_writes_nothing(db: Database) -> None:
    await commit_turn(db, turn=make_turn(start_response=True))
    before = await count(db, "conv-1")

    with pytest.raises(EtagConflict):
        await commit_turn(db, turn=answering(number=2, expected_etag="stale"))

    assert await count(db, "conv-1") == before


async def test_a_turn_expecting_no_state_conflicts_when_there_is_one(db: Database) -> None:
    await commit_turn(db, turn=make_turn())

    with pytest.raises(EtagConflict):
        await commit_turn(db, turn=make_turn(number=2, expected_etag=None))


async def test_a_turn_can_delete_the_state(db: Database) -> None:
    first = await commit_turn(db, turn=make_turn())

    outcome = await commit_turn(
        db, turn=make_turn(number=2, expected_etag=first.etag, new_state=None)
    )

    assert outcome.etag is None
    assert await stored_state(db) is None


async def test_answering_a_question_again_replaces_the_earlier_answer(db: Database) -> None:
    first = await commit_turn(db, turn=answering())
    again = make_turn(
        number=2, expected_etag=first.etag, answers=[AnswerWrite("q1", "", "no", "No")]
    )

    await commit_turn(db, turn=again)

    async with db.sessions() as session:
        answers = await session.exec(select(Answer).order_by(col(Answer.question_id)))
        assert [(a.question_id, a.value, a.raw) for a in answers] == [
            ("q1", "no", "No"),
            ("q2", [1, 2], "1,2"),
        ]


async def test_answers_in_a_loop_are_kept_per_item_and_forgotten_per_item(db: Database) -> None:
    loop = [AnswerWrite("how_often", item, "weekly", "weekly") for item in ("phone", "web")]
    first = await commit_turn(db, turn=answering(answers=loop))

    await commit_turn(
        db, turn=make_turn(number=2, expected_etag=first.etag, forget=[("how_often", "phone")])
    )

    async with db.sessions() as session:
        left = await session.exec(select(Answer.question_id, Answer.item))
        assert left.all() == [("how_often", "web")]


async def test_an_answer_forgotten_and_given_again_in_one_turn_is_kept(db: Database) -> None:
    first = await commit_turn(db, turn=answering())

    await commit_turn(
        db,
        turn=make_turn(
            number=2,
            expected_etag=first.etag,
            forget=[("q1", ""), ("q2", "")],
            answers=[AnswerWrite("q1", "", "no", "No")],
        ),
    )

    async with db.sessions() as session:
        left = await session.exec(select(Answer.question_id, Answer.value))
        assert left.all() == [("q1", "no")]


async def test_safety_flags_are_added_once_each(db: Database) -> None:
    first = await commit_turn(db, turn=answering(add_flags=["danger", "danger"]))

    await commit_turn(
        db,
        turn=make_turn(number=2, expected_etag=first.etag, add_flags=["self_harm", "danger"]),
    )

    async with db.sessions() as session:
        response = await session.get(Response, first.response_id)
        assert response is not None
        assert response.flags == ["danger", "self_harm"]


async def test_completing_a_response_stamps_it_and_closes_it(db: Database) -> None:
    first = await commit_turn(db, turn=answering())

    await commit_turn(
        db,
        turn=make_turn(
            number=2, expected_etag=first.etag, response_changes={"status": "completed"}
        ),
    )

    async with db.sessions() as session:
        response = await session.get(Response, first.response_id)
        assert response is not None
        assert response.status == "completed"
        assert response.completed_at is not None
        assert response.completed_at.tzinfo is not None
        assert response.updated_at > response.started_at


async def test_answers_without_a_response_in_progress_are_refused(db: Database) -> None:
    with pytest.raises(NoOpenResponse):
        await commit_turn(db, turn=answering(start_response=False))

    assert (await count(db, "conv-1"))["states"] == 0


async def test_changes_with_no_open_response_are_dropped_but_the_turn_is_kept(
    db: Database,
) -> None:
    outcome = await commit_turn(
        db, turn=make_turn(add_flags=["danger"], response_changes={"last_question": "consent"})
    )

    assert outcome.response_id is None
    assert await count(db, "conv-1") == {
        "responses": 0,
        "answers": 0,
        "transcript": 0,
        "activities": 2,
        "states": 1,
    }


async def test_a_stopped_response_reopens_when_the_resident_carries_on(db: Database) -> None:
    first = await commit_turn(db, turn=answering())
    stopped = await commit_turn(
        db,
        turn=make_turn(
            number=2, expected_etag=first.etag, response_changes={"status": "abandoned"}
        ),
    )

    resumed = await commit_turn(
        db,
        turn=make_turn(
            number=3,
            expected_etag=stopped.etag,
            response_changes={"status": "in_progress"},
            answers=[AnswerWrite("q3", "", "later", "later")],
        ),
    )

    assert resumed.response_id == first.response_id
    assert (await count(db, "conv-1"))["answers"] == 3


async def test_a_completed_response_is_not_reopened(db: Database) -> None:
    first = await commit_turn(db, turn=answering(response_changes={"status": "completed"}))

    again = await commit_turn(
        db, turn=answering(number=2, expected_etag=first.etag, response_changes={})
    )

    assert again.response_id != first.response_id
    assert (await count(db, "conv-1"))["responses"] == 2


async def test_transcript_lines_before_the_response_starts_belong_to_no_response(
    db: Database,
) -> None:
    await commit_turn(db, turn=make_turn(transcript=[("bot", "Will you take part?", AT)]))

    async with db.sessions() as session:
        line = (await session.exec(select(TranscriptLine))).one()
        assert (line.response_id, line.text, line.at) == (None, "Will you take part?", AT)


async def test_discarding_a_conversation_leaves_nothing_of_it_and_keeps_the_others(
    db: Database,
) -> None:
    first = await commit_turn(db, turn=answering("declined"))
    await commit_turn(db, turn=answering("kept"))
    kept = await count(db, "kept")

    await commit_turn(
        db,
        turn=make_turn(
            "declined",
            number=2,
            expected_etag=first.etag,
            new_state=None,
            discard_conversation=True,
            outgoing=[],
        ),
    )

    # Only the resident's last message stays in the chat log, for the widget's echo.
    assert await count(db, "declined") == {**dict.fromkeys(kept, 0), "activities": 1}
    assert await count(db, "kept") == kept


async def test_a_discarding_turn_logs_its_message_and_reply_after_the_purge(
    db: Database,
) -> None:
    first = await commit_turn(db, turn=answering("declined"))
    discard = make_turn(
        "declined",
        number=2,
        expected_etag=first.etag,
        new_state=None,
        discard_conversation=True,
        outgoing=[{"type": "message", "text": "Nothing was kept."}],
    )

    outcome = await commit_turn(db, turn=discard)

    # Numbered after what was purged, so a client's watermark still finds it.
    assert outcome == TurnOutcome(None, None, 3, [4])
    async with db.sessions() as session:
        logged = (await session.exec(select(ActivityLog).order_by(ActivityLog.seq))).all()
        assert [row.direction for row in logged] == ["in", "out"]
        assert logged[1].activity["text"] == "Nothing was kept."
    with pytest.raises(DuplicateActivity) as raised:
        await commit_turn(db, turn=discard)
    assert [reply["text"] for reply in raised.value.replies] == ["Nothing was kept."]


async def test_twenty_turns_on_different_conversations_at_once_all_succeed(db: Database) -> None:
    turns = [answering(f"conv-{n}") for n in range(20)]

    outcomes = await asyncio.gather(*(commit_turn(db, turn=turn) for turn in turns))

    assert all(outcome.outgoing_seqs == [2] for outcome in outcomes)
    assert len({outcome.response_id for outcome in outcomes}) == 20


async def test_of_twenty_first_turns_on_one_conversation_at_once_one_wins(db: Database) -> None:
    turns = [make_turn("conv-1", number=n, start_response=True) for n in range(20)]

    results = await asyncio.gather(
        *(commit_turn(db, turn=turn) for turn in turns), return_exceptions=True
    )

    assert sum(isinstance(result, TurnOutcome) for result in results) == 1
    assert sum(isinstance(result, EtagConflict) for result in results) == 19
    assert await count(db, "conv-1") == {
        "responses": 1,
        "answers": 0,
        "transcript": 0,
        "activities": 2,
        "states": 1,
    }
