"""embedding cache

Revision ID: c2d42096c3a3
Revises: e51b17408fca
Create Date: 2026-11-25 18:52:25.340444
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c2d42096c3a3"
down_revision = "e51b17408fca"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "embedding_cache",
        sa.Column("hash", sa.String(length=80), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_embedding_cache")),
    )


def downgrade() -> None:
    op.drop_table("embedding_cache")
