from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint("follower_id <> followee_id", name="not_self"),
        Index("ix_follows_followee_created", "followee_id", text("created_at DESC"), text("follower_id DESC")),
        Index("ix_follows_follower_created", "follower_id", text("created_at DESC"), text("followee_id DESC")),
    )

    follower_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    followee_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Either side's ban, copied here: a follow counts while neither account is banned (triggers).
    follower_banned_at: Mapped[datetime | None] = mapped_column()
    followee_banned_at: Mapped[datetime | None] = mapped_column()
