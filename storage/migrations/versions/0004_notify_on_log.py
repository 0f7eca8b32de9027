"""PostgreSQL tells every instance when a conversation's log grows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

A trigger on `activitylog` sends a notification on the `survey_bot_log`
channel, the conversation's id as its payload, for each row added; PostgreSQL
sends it on commit, once per conversation per transaction. Instances listen
(`storage.notify`) and wake their open streams, so a reply written by one
instance reaches a resident streaming from another at once. SQLite has one
instance, so nothing changes there.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the trigger, on PostgreSQL."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION survey_bot_log_grew() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('survey_bot_log', NEW.conversation_id);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER activitylog_grew AFTER INSERT ON activitylog"
        " FOR EACH ROW EXECUTE FUNCTION survey_bot_log_grew()"
    )


def downgrade() -> None:
    """Drop the trigger, on PostgreSQL."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS activitylog_grew ON activitylog")
    op.execute("DROP FUNCTION IF EXISTS survey_bot_log_grew()")
