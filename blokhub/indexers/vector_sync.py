"""The vectors lane of the outbox: embeddings follow PostgreSQL in their own arq job (``vectors.process``), so
keyword-search freshness never waits on embedding speed. Idempotent like the search consumer: reload, embed what
changed (content-hash cache), upsert or delete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from blokhub.db.models import OutboxEvent, Workflow
from blokhub.indexers.builder import searchable, step_names
from blokhub.indexers.sync import WORKFLOW_TOPICS
from blokhub.indexers.vector_cache import PgEmbeddingCache
from blokhub.indexers.vectors import VectorPoint, workflow_text
from blokhub.outbox import handles

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


async def points_for(resources: Any, rows: Sequence[Workflow]) -> list[VectorPoint]:
    vectors = await resources.embedder.embed_cached(
        [(w.id, text_of(w)) for w in rows], PgEmbeddingCache(resources.sessionmaker)
    )
    return [VectorPoint(id=w.id, vector=vectors[w.id], payload=payload_of(w)) for w in rows]


@handles(*WORKFLOW_TOPICS, lane=LANE)
async def embed_workflows(ctx: dict[str, Any], session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    resources = ctx["resources"]
    ids = sorted({e.aggregate_id for e in events if e.aggregate_type == "workflow"})
    if not ids:
        return
    rows = (
        await session.scalars(
            select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id.in_(ids), searchable())
        )
    ).all()
    if rows:
        await resources.vectors.upsert(await points_for(resources, rows))
    gone = sorted(set(ids) - {w.id for w in rows})
    if gone:
        await resources.vectors.delete(gone)
