"""Create the tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Written out in full, not imported from the models: a migration describes the
schema as it was at this revision, whatever the models say later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[sa.DateTime]:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """Create every table with its indexes and constraints."""
    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("survey_version", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=50), nullable=False),
        sa.Column("resident", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("consented", sa.Boolean(), nullable=False),
        sa.Column("last_question", sa.String(length=100), nullable=True),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        timestamp("started_at"),
        timestamp("updated_at"),
        timestamp("completed_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index("ix_response_survey_id", "response", ["survey_id"])
    op.create_index("ix_response_conversation_id", "response", ["conversation_id"])
    op.create_index("ix_response_resident", "response", ["resident"])
    op.create_index("ix_response_status", "response", ["status"])
    op.create_index("ix_response_started_at", "response", ["started_at"])

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        timestamp("answered_at"),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "question_id", "item"),
    )
    op.create_index("ix_answer_response_id", "answer", ["response_id"])

    op.create_table(
        "transcriptline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=50), nullable=False),
        timestamp("at"),
        sa.ForeignKeyConstraint(["response_id"], ["response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_transcriptline_conversation_id", "transcriptline", ["conversation_id"])
    op.create_index("ix_transcriptline_response_id", "transcriptline", ["response_id"])
    op.create_index("ix_transcriptline_at", "transcriptline", ["at"])

    op.create_table(
        "conversationstate",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("etag", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_conversationstate_updated_at", "conversationstate", ["updated_at"])

    op.create_table(
        "activitylog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("activity_id", sa.String(length=200), nullable=True),
        sa.Column("reply_to", sa.String(length=200), nullable=True),
        sa.Column("activity", sa.JSON(), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id", "seq"),
    )
    op.create_index("ix_activitylog_reply", "activitylog", ["conversation_id", "reply_to"])
    op.create_index(
        "ux_activitylog_incoming", "activitylog", ["conversation_id", "activity_id"], unique=True
    )

    op.create_table(
        "staffuser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        timestamp("locked_until", nullable=True),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )

    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_email", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        timestamp("at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_auditentry_staff_email", "auditentry", ["staff_email"])
    op.create_index("ix_auditentry_at", "auditentry", ["at"])


def downgrade() -> None:
    """Drop every table (and with them their indexes)."""
    for table in (
        "auditentry",
        "staffuser",
        "activitylog",
        "conversationstate",
        "transcriptline",
        "answer",
        "response",
    ):
        op.drop_table(table)
