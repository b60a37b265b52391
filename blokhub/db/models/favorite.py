from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class Favorite(Base):
    __tablename__ = "favorites"
    __table_args__ = (
        Index("ix_favorites_user_created", "user_id", text("created_at DESC"), text("workflow_id DESC")),
        Index("ix_favorites_workflow", "workflow_id"),
    )

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The user's ban, copied here: a banned user's favorites are not counted (triggers).
    author_banned_at: Mapped[datetime | None] = mapped_column()
