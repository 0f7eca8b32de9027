"""Themes in the answers to free-text questions, kept with staff's choices.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

`theme` holds each question's themes and their labels; `answertheme` which
answers are in which theme (or were taken out of one by staff, so the model
does not put them back); `themedanswer` the answers already looked at, so
answers that arrive later show as new. Rows go with their answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def timestamp(name: str) -> sa.Column[sa.DateTime]:
    """A timezone-aware timestamp column."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.String(length=100), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_theme_question", "theme", ["survey_id", "question_id"])
    op.create_table(
        "answertheme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        timestamp("at"),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("answer_id", "theme_id"),
    )
    op.create_index("ix_answertheme_answer_id", "answertheme", ["answer_id"])
    op.create_index("ix_answertheme_theme_id", "answertheme", ["theme_id"])
    op.create_table(
        "themedanswer",
        sa.Column("answer_id", sa.Integer(), autoincrement=False, nullable=False),
        timestamp("at"),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("answer_id"),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("themedanswer")
    op.drop_index("ix_answertheme_theme_id", table_name="answertheme")
    op.drop_index("ix_answertheme_answer_id", table_name="answertheme")
    op.drop_table("answertheme")
    op.drop_index("ix_theme_question", table_name="theme")
    op.drop_table("theme")
