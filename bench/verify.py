"""After a survey-bot run: is everything the residents were told was kept in the database?

Two checks:
- every resident who was given a reference has a completed response with
  that reference and exactly the answers their script gives;
- every message the server answered is in the conversation's activity log
  (so nothing acknowledged was lost, whether or not the resident finished).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa

from bench.load import Resident
from storage.database import open_database
from storage.models import ActivityLog
from storage.queries import list_responses


@dataclass
class Verification:
    """What the database holds against what the residents were told."""

    completed: int = 0  # residents given a reference
    stored: int = 0  # of those, responses found completed with that reference
    missing_responses: int = 0
    wrong_answers: int = 0  # answers missing or with another value, over all responses
    answered_messages: int = 0
    unlogged_messages: int = 0  # answered, but not in the activity log

    @property
    def lost(self) -> int:
        """Anything acknowledged but not kept."""
        return self.missing_responses + self.wrong_answers + self.unlogged_messages

    def as_dict(self) -> dict[str, Any]:
        """For the JSON results."""
        return {**asdict(self), "lost": self.lost}


async def verify(database_url: str, residents: Sequence[Resident]) -> Verification:
    """Check the database against what the residents were told."""
    result = Verification()
    db = await open_database(database_url, migrate=False)
    try:
        responses = {
            response.conversation_id: response
            for response in await list_responses(db, status="completed")
        }
        async with db.sessions() as session:
            rows = await session.exec(
                sa.select(ActivityLog.conversation_id, sa.func.count())  # type: ignore[call-overload]
                .where(ActivityLog.direction == "in")
                .group_by(ActivityLog.conversation_id)
            )
            logged: dict[str, int] = dict(rows.all())
    finally:
        await db.close()
    for resident in residents:
        conversation = resident.conversation
        result.answered_messages += conversation.answered
        result.unlogged_messages += max(0, conversation.answered - logged.get(conversation.id, 0))
        if not resident.completed:
            continue
        result.completed += 1
        response = responses.get(conversation.id)
        if response is None or response.reference != resident.reference:
            result.missing_responses += 1
            continue
        result.stored += 1
        stored = {(answer.question_id, answer.item): answer.value for answer in response.answers}
        expected = resident.script.expected
        result.wrong_answers += sum(1 for key in expected if stored.get(key, ...) != expected[key])
        result.wrong_answers += len(set(stored) - set(expected))
    return result
