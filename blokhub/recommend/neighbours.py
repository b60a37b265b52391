"""Similar workflows: nearest public neighbours, clones collapsed, diversified, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from blokhub.db.models import Workflow
from blokhub.indexers.vector_sync import points_for
from blokhub.indexers.vectors import Embedder, VectorEngine, VectorLike
from blokhub.recommend.diversity import NEAR_DUPLICATE, Candidate, candidates, collapse, mmr


@dataclass(frozen=True, slots=True)
class Source:
    """What a similar list needs of the workflow it is about: one bare row, not an ORM entity."""

    id: int
    owner_id: int
    canonical_hash: str | None
    forked_from_id: int | None
    created_at: datetime
    nodes: list[str]
    tags: list[str]


def reason(source_nodes: list[str], source_tags: list[str], payload: dict[str, Any], copies: int) -> str:
    shared_nodes = [
        n for n in payload.get("nodes", []) if n in source_nodes and not n.endswith(("api-call", "if-else"))
    ]
    shared_tags = [t for t in payload.get("tags", []) if t in source_tags]
    if shared_nodes:
        text = "also uses " + ", ".join(shared_nodes[:2])
    elif shared_tags:
        text = "also about " + ", ".join(shared_tags[:3])
    else:
        text = "does a similar job"
    return text + (f" ({copies} near-identical copies folded in)" if copies else "")


def _later_copy(payload: dict[str, Any], score: float, canonical_hash: str | None, published: float) -> bool:
    """A copy of the workflow itself (same definition, or near-identical) published after it: folded into it, as
    every near-duplicate group is attributed to its earliest member. An earlier one is the original: it stays."""
    same = payload.get("canonical_hash") == canonical_hash or score >= NEAR_DUPLICATE
    return same and float(payload.get("created_at", 0)) >= published


async def similar(
    vectors: VectorEngine,
    embedder: Embedder,
    sessionmaker: async_sessionmaker[AsyncSession],
    workflow: Source,
    limit: int,
) -> list[tuple[int, float, str]]:
    """(id, score, reason) of up to ``limit`` public workflows like ``workflow``; none of them its own copies."""
    stored = (await vectors.vectors([workflow.id])).get(workflow.id)
    vector: VectorLike
    if stored is not None:
        vector = stored
    else:  # not indexed yet (or private): embed it on the spot
        async with sessionmaker() as db:
            row = await db.scalar(
                select(Workflow).options(joinedload(Workflow.owner)).where(Workflow.id == workflow.id)
            )
        if row is None:  # deleted since it was looked up
            return []
        vector = (await points_for(embedder, sessionmaker, [row]))[0].vector
    # The workflow itself is dropped here rather than by an id filter, which made the index search ~1 ms slower.
    hits = await vectors.search(vector, candidates(limit) + 1, with_vectors=True)
    published = workflow.created_at.timestamp()
    hits = [
        h
        for h in hits
        if h.id != workflow.id and not _later_copy(h.payload, h.score, workflow.canonical_hash, published)
    ]
    found = [
        Candidate(h.id, h.score, h.vector, h.payload.get("canonical_hash"), float(h.payload.get("created_at", 0)))
        for h in hits
        if h.vector is not None
    ]
    payloads = {h.id: h.payload for h in hits}
    picked = mmr(collapse(found), limit)
    return [(c.id, c.score, reason(workflow.nodes, workflow.tags, payloads[c.id], c.copies)) for c in picked]
