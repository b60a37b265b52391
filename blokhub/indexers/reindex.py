"""Rebuild the search and vector indexes from PostgreSQL (``blokhub reindex``): indexes are projections, this is
their source. Each rebuild streams every searchable workflow in id order into a fresh index and swaps it in."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from blokhub.db.models import Workflow
from blokhub.indexers import builder
from blokhub.indexers.search import SearchEngine
from blokhub.indexers.vector_sync import points_for
from blokhub.indexers.vectors import Embedder, VectorEngine

T = TypeVar("T")


async def _rebuild(
    reader: async_sessionmaker[AsyncSession],
    *,
    desc: str,
    batch: int,
    convert: Callable[[Sequence[Workflow]], Awaitable[Sequence[T]]],
    rebuild: Callable[[AsyncIterator[Sequence[T]]], Awaitable[int]],
    progress: bool,
) -> tuple[int, float]:
    from tqdm import tqdm

    started = time.perf_counter()
    async with reader() as db:
        total = int(await db.scalar(select(func.count()).where(builder.searchable())) or 0)
    bar = tqdm(total=total, unit="doc", desc=desc, disable=not progress, smoothing=0.1)

    async def batches() -> AsyncIterator[Sequence[T]]:
        last_id = 0
        while True:
            async with reader() as db:
                rows = (
                    await db.scalars(
                        select(Workflow)
                        .options(joinedload(Workflow.owner))
                        .where(builder.searchable(), Workflow.id > last_id)
                        .order_by(Workflow.id)
                        .limit(batch)
                    )
                ).all()
            if not rows:
                return
            last_id = rows[-1].id
            items = await convert(rows)
            bar.update(len(items))
            yield items

    try:
        written = await rebuild(batches())
    finally:
        bar.close()
    return written, time.perf_counter() - started


async def reindex(
    reader: async_sessionmaker[AsyncSession], search: SearchEngine, *, progress: bool = False
) -> tuple[int, float]:
    """The keyword index. Returns (documents, seconds)."""

    async def convert(rows: Sequence[Workflow]) -> Sequence[Any]:
        return [builder.document(w) for w in rows]

    return await _rebuild(
        reader, desc="reindexing", batch=2_000, convert=convert, rebuild=search.rebuild, progress=progress
    )


async def reindex_vectors(
    reader: async_sessionmaker[AsyncSession],
    writer: async_sessionmaker[AsyncSession],
    vectors: VectorEngine,
    embedder: Embedder,
    *,
    progress: bool = False,
) -> tuple[int, float]:
    """The vector index: embeddings come from the cache (kept through ``writer``) when the text did not change.
    Returns (points, seconds)."""

    async def convert(rows: Sequence[Workflow]) -> Sequence[Any]:
        return await points_for(embedder, writer, rows)

    return await _rebuild(
        reader, desc="embedding", batch=256, convert=convert, rebuild=vectors.rebuild, progress=progress
    )
