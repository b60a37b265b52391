"""The vectors lane of the outbox: embeddings follow PostgreSQL in their own arq job (``vectors.process``), so
keyword-search freshness never waits on embedding speed. Idempotent like the search consumer: reload, embed what
changed (content-hash cache), upsert or delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from blokhub.db.models import OutboxEvent, Workflow
from blokhub.indexers.builder import searchable, step_names
from blokhub.indexers.vector_cache import PgEmbeddingCache
from blokhub.indexers.vectors import Embedder, VectorEngine, VectorPoint, workflow_text

LANE = "vectors"


def text_of(w: Workflow) -> str:
    facts = w.facts or {}
    return workflow_text(w.title, w.description, list(w.tags), list(facts.get("nodes", [])), step_names(w.definition))


def payload_of(w: Workflow) -> dict[str, Any]:
    facts = w.facts or {}
    return {
        "author": w.owner.username,
        "owner_id": w.owner_id,
        "tags": list(w.tags),
        "nodes": list(facts.get("nodes", [])),
        "trigger": facts.get("trigger"),
        "created_at": w.created_at.timestamp(),
        "canonical_hash": w.canonical_hash,
    }


async def points_for(
    embedder: Embedder, sessionmaker: async_sessionmaker[AsyncSession], rows: Sequence[Workflow]
) -> list[VectorPoint]:
    """Vectors for ``rows``; unchanged texts come from the PostgreSQL cache (written through ``sessionmaker``)."""
    vectors = await embedder.embed_cached([(w.id, text_of(w)) for w in rows], PgEmbeddingCache(sessionmaker))
    return [VectorPoint(id=w.id, vector=vectors[w.id], payload=payload_of(w)) for w in rows]


async def embed_workflows(
    vectors: VectorEngine,
    embedder: Embedder,
    sessionmaker: async_sessionmaker[AsyncSession],
    session: AsyncSession,
    events: Sequence[OutboxEvent],
) -> None:
    ids = sorted({e.aggregate_id for e in events if e.aggregate_type == "workflow"})
    if not ids:
        return
    rows = (
        await session.scalars(
            select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id.in_(ids), searchable())
        )
    ).all()
    if rows:
        await vectors.upsert(await points_for(embedder, sessionmaker, rows))
    gone = sorted(set(ids) - {w.id for w in rows})
    if gone:
        await vectors.delete(gone)
