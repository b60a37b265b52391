from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow

GROUPED = "read_at IS NULL AND workflow_id IS NOT NULL"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # Newest event first: a group keeps its first id and rises by its latest event's time.
        Index("ix_notifications_user_created", "user_id", text("created_at DESC"), text("id DESC")),
        Index("ix_notifications_unread", "user_id", text("id DESC"), postgresql_where=text("read_at IS NULL")),
        # Unread notifications are grouped by target and kind: one row per (user, kind, workflow) with a count.
        Index(
            "uq_notifications_unread_group",
            "user_id",
            "kind",
            "workflow_id",
            unique=True,
            postgresql_where=text(GROUPED),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # comment_reply, workflow_comment, workflow_review, new_follower, ...
    actor_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    workflow_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("comments.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # events in this group
    excerpt: Mapped[str | None] = mapped_column(Text)  # of the latest one (a comment's or review's words)


class NotificationMute(Base):
    """A user's wish to hear nothing more about one workflow."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    workflow_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
