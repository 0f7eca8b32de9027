"""What can go wrong in storage, as errors the callers can act on.

Views turn these into HTTP answers (RecordNotFound into 404, EtagConflict into
409 or a retried turn); nothing here knows about HTTP.
"""

# The names say what happened; an "Error" suffix would add nothing.
# ruff: noqa: N818

from __future__ import annotations

from typing import Any


class StorageError(Exception):
    """Base class of the errors storage raises on purpose."""


class RecordNotFound(StorageError):
    """The record asked for does not exist."""


class EtagConflict(StorageError):
    """Stored state changed since it was read: its e-tag no longer matches."""

    def __init__(self, key: str = "") -> None:
        super().__init__(f"state {key!r} was changed by someone else")
        self.key = key


class DuplicateActivity(StorageError):
    """This incoming activity was recorded before: send the earlier replies again."""

    def __init__(self, replies: list[dict[str, Any]], activity_id: str = "") -> None:
        super().__init__(f"activity {activity_id!r} was already recorded")
        self.activity_id = activity_id
        self.replies = replies


class NoOpenResponse(StorageError):
    """A turn records answers or changes but the conversation has no open response."""

    def __init__(self, conversation_id: str = "") -> None:
        super().__init__(f"conversation {conversation_id!r} has no response in progress")
        self.conversation_id = conversation_id
