"""Themes in storage: staff's choices stay, answers go with their responses."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from storage.database import Database
from storage.errors import RecordNotFound
from storage.models import ThemeStatus
from storage.retention import erase_by_reference
from storage.themes import (
    NewTheme,
    ThemeConflict,
    add_members,
    delete_theme,
    merge_themes,
    move_answer,
    rename_theme,
    replace_suggestions,
    text_answers,
    theme_set,
)
from storage.turns import AnswerWrite, TurnRecord, commit_turn

SURVEY = "herts-non-emergency-contact"


async def add_answer(db: Database, text: str, *, question: str = "changes") -> tuple[int, str]:
    """A completed response with one typed answer; (the answer's id, the reference)."""
    conversation = f"conv-{uuid.uuid4().hex[:10]}"
    reference = uuid.uuid4().hex[:8].upper()
    await commit_turn(
        db,
        turn=TurnRecord(
            conversation_id=conversation,
            channel="webchat",
            survey_id=SURVEY,
            survey_version=1,
            state_key=f"webchat/conversations/{conversation}",
            expected_etag=None,
            new_state={"phase": "done"},
            start_response=True,
            response_changes={"status": "completed", "consented": True, "reference": reference},
            answers=[AnswerWrite(question, "", text, text)],
        ),
    )
    found = await text_answers(db, survey_id=SURVEY, question_id=question)
    return next(a.answer_id for a in found if a.reference == reference), reference


async def two_themes(db: Database) -> tuple[list[int], list[Any]]:
    ids = [(await add_answer(db, f"answer number {n}"))[0] for n in range(4)]
    made = await replace_suggestions(
        db,
        survey_id=SURVEY,
        question_id="changes",
        found=[
            NewTheme("Waiting", {ids[0]: 0.9, ids[1]: 0.8}),
            NewTheme("Patrols", {ids[2]: 0.7, ids[3]: 0.6}),
        ],
        looked_at=ids,
    )
    return ids, made


async def test_finding_themes_again_replaces_suggestions_but_keeps_approved_themes(
    db: Database,
) -> None:
    ids, (waiting, _patrols) = await two_themes(db)
    await rename_theme(db, theme_id=waiting.id, label="101 waiting times")

    await replace_suggestions(
        db,
        survey_id=SURVEY,
        question_id="changes",
        found=[NewTheme("Police on foot", {ids[2]: 0.5})],
        looked_at=ids,
    )

    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert [(t.label, t.status) for t in current.themes] == [
        ("101 waiting times", ThemeStatus.APPROVED),
        ("Police on foot", ThemeStatus.SUGGESTED),
    ]
    assert current.themes_of(ids[0]) == [waiting.id]


async def test_an_answer_taken_out_of_a_theme_is_not_put_back_by_the_model(db: Database) -> None:
    ids, (waiting, patrols) = await two_themes(db)

    await move_answer(db, answer_id=ids[0], out_of=waiting.id, into=patrols.id)
    added = await add_members(db, members={ids[0]: {waiting.id: 0.99}}, looked_at=[ids[0]])

    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert added == 0
    assert current.themes_of(ids[0]) == [patrols.id]
    assert current.removed(ids[0]) == {waiting.id}


async def test_merging_keeps_every_answer_once_and_deletes_the_merged_theme(db: Database) -> None:
    ids, (waiting, patrols) = await two_themes(db)
    await add_members(db, members={ids[0]: {patrols.id: 0.4}}, looked_at=[])

    merged = await merge_themes(db, into=waiting.id, others=[patrols.id], label="Everything")

    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert [t.label for t in current.themes] == ["Everything"]
    assert merged.status == ThemeStatus.APPROVED
    assert sorted(m.answer_id for m in current.in_theme(waiting.id)) == sorted(ids)


async def test_two_themes_of_one_question_cannot_share_a_name(db: Database) -> None:
    _, (_waiting, patrols) = await two_themes(db)

    with pytest.raises(ThemeConflict):
        await rename_theme(db, theme_id=patrols.id, label="WAITING")


async def test_an_answer_cannot_be_put_in_a_theme_of_another_question(db: Database) -> None:
    _, (waiting, _) = await two_themes(db)
    other, _ = await add_answer(db, "it would save time", question="changes_why")

    with pytest.raises(ThemeConflict):
        await move_answer(db, answer_id=other, out_of=None, into=waiting.id)


async def test_erasing_a_response_takes_its_answer_out_of_every_theme(db: Database) -> None:
    _, (waiting, _) = await two_themes(db)
    answer_id, reference = await add_answer(db, "answer 101 faster")
    await add_members(db, members={answer_id: {waiting.id: 0.5}}, looked_at=[answer_id])

    await erase_by_reference(db, reference=reference)

    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert answer_id not in {m.answer_id for m in current.members}
    assert answer_id not in current.looked_at


async def test_a_deleted_theme_is_gone_and_its_answers_stay(db: Database) -> None:
    ids, (waiting, _) = await two_themes(db)

    await delete_theme(db, theme_id=waiting.id)

    current = await theme_set(db, survey_id=SURVEY, question_id="changes")
    assert current.themes_of(ids[0]) == []
    assert len(await text_answers(db, survey_id=SURVEY, question_id="changes")) == 4
    with pytest.raises(RecordNotFound):
        await delete_theme(db, theme_id=waiting.id)
