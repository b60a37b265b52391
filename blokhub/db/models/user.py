from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, TimestampMixin


class Role(StrEnum):
    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        # Uniqueness is case-insensitive: "Alice" and "alice" are the same account.
        Index("uq_users_username_lower", text("lower(username)"), unique=True),
        Index("uq_users_email_lower", text("lower(email)"), unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    username: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_url: Mapped[str | None] = mapped_column(String(500))
    links: Mapped[list[Any]] = mapped_column(JSONB, default=list)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER.value)
    banned_at: Mapped[datetime | None] = mapped_column()
    # Profile counters, kept exact with atomic increments by the features that change them.
    workflows_count: Mapped[int] = mapped_column(default=0, server_default="0")
    followers_count: Mapped[int] = mapped_column(default=0, server_default="0")
    following_count: Mapped[int] = mapped_column(default=0, server_default="0")
    favorites_received: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)
