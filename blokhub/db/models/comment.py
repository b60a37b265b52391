from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from blokhub.db.base import Base, utcnow
from blokhub.db.models.user import User

DELETED_BODY = "[deleted]"


class Comment(Base):
    """A comment in a thread of any depth on one workflow. Deleting keeps the node so replies keep their place."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_workflow_created", "workflow_id", text("created_at"), text("id")),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    workflow_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("workflows.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("comments.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()
    hidden_at: Mapped[datetime | None] = mapped_column()  # moderation
    # The author's ban, copied here so the comment counter (a trigger) counts only what readers see.
    author_banned_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[User] = relationship(lazy="raise")
