"""Rebuild the search index from PostgreSQL (``blokhub reindex``): the index is a projection, this is its source."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from blokhub.db.models import Workflow
from blokhub.indexers import builder
from blokhub.indexers.search import SearchDocument
from blokhub.runtime.resources import Resources

BATCH = 2_000


async def reindex(resources: Resources, *, progress: bool = False) -> tuple[int, float]:
    """Stream every searchable workflow in id order into a fresh index and swap it in. Returns (documents, s)."""
    from tqdm import tqdm

    started = time.perf_counter()
    async with resources.read_sessionmaker() as db:
        total = int(await db.scalar(select(func.count()).where(builder.searchable())) or 0)
    bar = tqdm(total=total, unit="doc", desc="reindexing", disable=not progress, smoothing=0.1)

    async def batches() -> AsyncIterator[Sequence[SearchDocument]]:
        last_id = 0
        while True:
            async with resources.read_sessionmaker() as db:
                rows = (
                    await db.scalars(
                        select(Workflow)
                        .options(joinedload(Workflow.owner))
                        .where(builder.searchable(), Workflow.id > last_id)
                        .order_by(Workflow.id)
                        .limit(BATCH)
                    )
                ).all()
            if not rows:
                return
            last_id = rows[-1].id
            docs = [builder.document(w) for w in rows]
            bar.update(len(docs))
            yield docs

    try:
        written = await resources.search.rebuild(batches())
    finally:
        bar.close()
    return written, time.perf_counter() - started


async def reindex_vectors(resources: Resources, *, progress: bool = False) -> tuple[int, float]:
    """Re-embed (cache first) and rebuild the vector index from PostgreSQL, swapping it in at the end."""
    from tqdm import tqdm

    from blokhub.indexers.vector_sync import points_for
    from blokhub.indexers.vectors import VectorPoint

    started = time.perf_counter()
    async with resources.read_sessionmaker() as db:
        total = int(await db.scalar(select(func.count()).where(builder.searchable())) or 0)
    bar = tqdm(total=total, unit="doc", desc="embedding", disable=not progress, smoothing=0.1)

    async def batches() -> AsyncIterator[Sequence[VectorPoint]]:
        last_id = 0
        while True:
            async with resources.read_sessionmaker() as db:
                rows = (
                    await db.scalars(
                        select(Workflow)
                        .options(joinedload(Workflow.owner))
                        .where(builder.searchable(), Workflow.id > last_id)
                        .order_by(Workflow.id)
                        .limit(256)
                    )
                ).all()
            if not rows:
                return
            last_id = rows[-1].id
            points = await points_for(resources, rows)
            bar.update(len(points))
            yield points

    try:
        written = await resources.vectors.rebuild(batches())
    finally:
        bar.close()
    return written, time.perf_counter() - started
