"""Codes to carry on a stopped survey in another chat.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

A resident who stops is given a short code; typing it in any chat (the same
channel or another) carries on the survey where it stopped. Only a keyed hash of
the code is stored, with the conversation it belongs to and when it expires.
Written out in full, not imported from the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the table."""
    op.create_table(
        "carryoncode",
        sa.Column("code_hash", sa.String(length=64), primary_key=True),
        sa.Column("conversation_id", sa.String(length=200), nullable=False),
        sa.Column("state_key", sa.String(length=300), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_carryoncode_conversation_id", "carryoncode", ["conversation_id"])
    op.create_index("ix_carryoncode_expires_at", "carryoncode", ["expires_at"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_carryoncode_expires_at", table_name="carryoncode")
    op.drop_index("ix_carryoncode_conversation_id", table_name="carryoncode")
    op.drop_table("carryoncode")
