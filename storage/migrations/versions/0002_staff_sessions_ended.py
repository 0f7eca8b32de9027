"""Staff sessions can be ended on the server: logging out ends them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Sessions live in a signed cookie, so a copied cookie would work until it timed
out. `sessions_ended_at` is when the account last logged out: a session that
began before it is refused, whoever holds its cookie.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the column; no account has logged out yet."""
    with op.batch_alter_table("staffuser") as table:
        table.add_column(sa.Column("sessions_ended_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("staffuser") as table:
        table.drop_column("sessions_ended_at")
