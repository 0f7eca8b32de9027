"""Carrying a stopped survey on in another chat, with the code the resident was given.

A resident who stops is given a short code (`bot.conversation` makes it, the
engine says it). Typed into any chat, on the same channel or another, it moves
the survey there: the open response and the conversation's state go to the new
conversation, and the code is used up. Only a keyed hash of the code is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import sqlalchemy as sa

from storage.models import CarryOnCode, ConversationState, Response, ResponseStatus
from storage.state import read_state

_CODE: Final[sa.Table] = CarryOnCode.__table__  # type: ignore[attr-defined]
_RESPONSE: Final[sa.Table] = Response.__table__  # type: ignore[attr-defined]
_STATE: Final[sa.Table] = ConversationState.__table__  # type: ignore[attr-defined]


def keep_code(
    connection: sa.Connection,
    *,
    code_hash: str,
    conversation_id: str,
    state_key: str,
    expires_at: datetime,
) -> None:
    """Keep a new code for a conversation; an earlier code for it stops working."""
    connection.execute(sa.delete(_CODE).where(_CODE.c.conversation_id == conversation_id))
    connection.execute(
        sa.insert(_CODE).values(
            code_hash=code_hash,
            conversation_id=conversation_id,
            state_key=state_key,
            expires_at=expires_at,
        )
    )


def stopped_at(
    connection: sa.Connection, *, code_hash: str, now: datetime
) -> tuple[str, str] | None:
    """The conversation (its id and state key) a code that still works belongs to."""
    found = connection.execute(
        sa.select(_CODE.c.conversation_id, _CODE.c.state_key).where(
            _CODE.c.code_hash == code_hash, _CODE.c.expires_at > now
        )
    ).first()
    return None if found is None else (str(found[0]), str(found[1]))


def carry_on(
    connection: sa.Connection,
    *,
    code_hash: str,
    old_key: str,
    old_conversation: str,
    new_key: str,
    new_conversation: str,
    channel: str,
) -> dict[str, Any] | None:
    """Move a stopped survey to a new conversation; its state, or None if nothing is there.

    The caller holds both conversations' locks. The open response (not yet
    completed) now belongs to the new conversation and channel; the old
    conversation's state and the code are gone, and the new conversation's own
    state (a welcome not yet answered) is replaced.
    """
    state = read_state(connection, old_key)
    connection.execute(sa.delete(_CODE).where(_CODE.c.code_hash == code_hash))
    if state is None:
        return None
    connection.execute(
        sa.update(_RESPONSE)
        .where(
            _RESPONSE.c.conversation_id == old_conversation,
            _RESPONSE.c.status != ResponseStatus.COMPLETED.value,
        )
        .values(conversation_id=new_conversation, channel=channel)
    )
    connection.execute(sa.delete(_STATE).where(_STATE.c.key.in_([old_key, new_key])))
    return state


def forget_codes(connection: sa.Connection, *, conversation_id: str) -> None:
    """The conversation's code stops working (it was carried on, erased or finished)."""
    connection.execute(sa.delete(_CODE).where(_CODE.c.conversation_id == conversation_id))
