"""The tables survey-bot keeps, in one place.

Every timestamp is timezone-aware UTC. JSON columns hold plain JSON only
(dict, list, str, int, float, bool, None) so any database can hold them and a
person can read them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp column that is timezone-aware UTC on every database.

    PostgreSQL keeps the zone; SQLite keeps none and would give back naive
    datetimes. So values are converted to UTC on the way in (naive ones are
    refused: their zone is unknown) and read back with UTC attached.
    """

    impl = sa.DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Refuse naive datetimes, store aware ones in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Give back an aware UTC datetime whatever the database returned."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ResponseStatus(StrEnum):
    """Where a resident's response stands."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class Response(SQLModel, table=True):
    """One resident's answers to one survey: started, and perhaps completed."""

    id: int | None = Field(default=None, primary_key=True)
    survey_id: str = Field(index=True, max_length=100)
    survey_version: int
    conversation_id: str = Field(index=True, max_length=200)
    channel: str = Field(max_length=50)
    # A keyed hash of the channel's user id: never the id itself.
    resident: str | None = Field(default=None, index=True, max_length=100)
    status: str = Field(default=ResponseStatus.IN_PROGRESS, index=True, max_length=20)
    consented: bool = False
    # The last question the resident was on: where abandoned responses stopped.
    last_question: str | None = Field(default=None, max_length=100)
    reference: str | None = Field(default=None, unique=True, max_length=20)
    # Safety categories raised during the conversation, for staff to follow up.
    flags: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON, nullable=False))
    started_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, index=True),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )
    completed_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )


class Answer(SQLModel, table=True):
    """One answer: a question (and, in a loop, the option it was asked for)."""

    __table_args__ = (sa.UniqueConstraint("response_id", "question_id", "item"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    question_id: str = Field(max_length=100)
    # The loop option this answer belongs to, or "" outside loops.
    item: str = Field(default="", max_length=100)
    # The typed value: an option id, a list of ids, a number, text, or None when skipped.
    value: Any = Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True))
    # What the resident actually typed or tapped (redacted).
    raw: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    answered_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )


class TranscriptLine(SQLModel, table=True):
    """One message in a conversation, as staff will read it (redacted)."""

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True, max_length=200)
    response_id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("response.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    sender: str = Field(max_length=20)  # "resident" or "bot"
    text: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    channel: str = Field(max_length=50)
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, index=True),
    )


class ConversationState(SQLModel, table=True):
    """A conversation's state, stored with an e-tag for optimistic concurrency."""

    key: str = Field(primary_key=True, max_length=300)
    etag: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, index=True),
    )


class CarryOnCode(SQLModel, table=True):
    """A code a resident was given when they stopped, to carry on in any chat.

    Only a keyed hash of the code is kept. It points at the conversation the
    survey was stopped in, and works until `expires_at`, once.
    """

    code_hash: str = Field(primary_key=True, max_length=64)
    conversation_id: str = Field(index=True, max_length=200)
    state_key: str = Field(max_length=300)
    expires_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False, index=True))


class ActivityLog(SQLModel, table=True):
    """Activities in and out of a conversation, numbered: the Direct Line log.

    Incoming activities carry the channel's activity id so a retried activity is
    recognised; outgoing ones point at the activity they answer so the same
    replies can be sent again.
    """

    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "seq"),
        sa.Index("ix_activitylog_reply", "conversation_id", "reply_to"),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(max_length=200)
    seq: int
    direction: str = Field(max_length=3)  # "in" or "out"
    # For incoming activities: the channel's id, unique within the conversation.
    activity_id: str | None = Field(default=None, max_length=200)
    reply_to: str | None = Field(default=None, max_length=200)
    activity: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON, nullable=False))
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )


sa.Index(
    "ux_activitylog_incoming",
    col(ActivityLog.conversation_id),
    col(ActivityLog.activity_id),
    unique=True,
)


class StaffRole(StrEnum):
    """What a member of staff may do on the review site."""

    REVIEWER = "reviewer"
    ADMIN = "admin"


class StaffUser(SQLModel, table=True):
    """A member of staff who can log in to the review site."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=320)
    password_hash: str = Field(max_length=300)
    role: str = Field(default=StaffRole.REVIEWER, max_length=20)
    disabled: bool = False
    failed_logins: int = 0
    locked_until: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    # When the account last logged out: sessions that began before then are over.
    sessions_ended_at: datetime | None = Field(
        default=None, sa_column=sa.Column(UTCDateTime(), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )


class AuditEntry(SQLModel, table=True):
    """Who did what on the review site, and when. Written, never edited."""

    id: int | None = Field(default=None, primary_key=True)
    staff_email: str = Field(index=True, max_length=320)
    action: str = Field(max_length=50)  # "login", "view_response", "export", "erase", ...
    detail: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False)
    )
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False, index=True),
    )


class ThemeStatus(StrEnum):
    """Whether staff have approved a theme, or the model only suggests it."""

    SUGGESTED = "suggested"
    APPROVED = "approved"


class MemberSource(StrEnum):
    """Who put an answer in a theme, or took it out."""

    MODEL = "model"  # the theme model sorted it there
    STAFF = "staff"  # a member of staff put it there
    REMOVED = "removed"  # a member of staff took it out: the model may not put it back


class Theme(SQLModel, table=True):
    """A theme in the answers to one free-text question, with its label."""

    __table_args__ = (sa.Index("ix_theme_question", "survey_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: str = Field(max_length=100)
    question_id: str = Field(max_length=100)
    label: str = Field(max_length=100)
    status: str = Field(default=ThemeStatus.SUGGESTED, max_length=20)
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )


class AnswerTheme(SQLModel, table=True):
    """An answer in a theme (an answer may be in several), or staff's word that it is not."""

    __table_args__ = (sa.UniqueConstraint("answer_id", "theme_id"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("answer.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    theme_id: int = Field(
        sa_column=sa.Column(
            sa.Integer, sa.ForeignKey("theme.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    source: str = Field(default=MemberSource.MODEL, max_length=10)
    # How near the answer is to the middle of its theme: the nearest are quoted.
    score: float = 0.0
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )


class ThemedAnswer(SQLModel, table=True):
    """An answer the theming has looked at; answers without one are new, not yet themed."""

    answer_id: int = Field(
        sa_column=sa.Column(
            sa.Integer,
            sa.ForeignKey("answer.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    at: datetime = Field(
        default_factory=utcnow,
        sa_column=sa.Column(UTCDateTime(), nullable=False),
    )
