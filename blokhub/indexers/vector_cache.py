"""The embedding cache backed by PostgreSQL, so unchanged text is never re-embedded across restarts and reindexes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from blokhub.db.models import EmbeddingCacheEntry
from blokhub.indexers.vectors import Vector


class PgEmbeddingCache:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def get_many(self, hashes: Sequence[str]) -> dict[str, Vector]:
        if not hashes:
            return {}
        async with self._sessionmaker() as db:
            rows = (
                await db.execute(
                    select(EmbeddingCacheEntry.hash, EmbeddingCacheEntry.vector).where(
                        EmbeddingCacheEntry.hash.in_(hashes)
                    )
                )
            ).all()
        return {h: np.frombuffer(v, dtype="<f4").copy() for h, v in rows}

    async def put_many(self, vectors: Mapping[str, Vector]) -> None:
        if not vectors:
            return
        rows = [{"hash": h, "vector": np.asarray(v, dtype="<f4").tobytes()} for h, v in vectors.items()]
        async with self._sessionmaker() as db, db.begin():
            await db.execute(insert(EmbeddingCacheEntry).values(rows).on_conflict_do_nothing())
