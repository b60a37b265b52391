"""outbox lanes

Revision ID: e51b17408fca
Revises: 7c5b25e9a650
Create Date: 2026-11-25 18:50:30.431922
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e51b17408fca"
down_revision = "7c5b25e9a650"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_events", sa.Column("lane", sa.String(length=16), server_default="main", nullable=False))
    op.drop_index(
        op.f("ix_outbox_events_pending"), table_name="outbox_events", postgresql_where="(processed_at IS NULL)"
    )
    op.create_index(
        "ix_outbox_events_pending",
        "outbox_events",
        ["lane", "available_at", "id"],
        unique=False,
        postgresql_where=sa.text("processed_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_outbox_events_pending", table_name="outbox_events", postgresql_where=sa.text("processed_at IS NULL")
    )
    op.create_index(
        op.f("ix_outbox_events_pending"),
        "outbox_events",
        ["available_at", "id"],
        unique=False,
        postgresql_where="(processed_at IS NULL)",
    )
    op.drop_column("outbox_events", "lane")
