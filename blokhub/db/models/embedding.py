from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from blokhub.db.base import Base, utcnow


class EmbeddingCacheEntry(Base):
    """Vectors by content hash (model + text): text that did not change is never embedded again, across restarts
    and full reindexes."""

    __tablename__ = "embedding_cache"

    hash: Mapped[str] = mapped_column(String(80), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
