"""Reads against one Qdrant Edge shard; each function runs whole in a worker thread."""

from __future__ import annotations

from collections.abc import Mapping

from qdrant_edge import EdgeShard, Query, QueryRequest, RecommendQuery, ScrollRequest

from blokhub.indexers.vectors._edge_convert import to_filter
from blokhub.indexers.vectors._query import FilterPlan, cosine_from_best_score
from blokhub.indexers.vectors.vector_types import Vector, VectorHit, VectorPoint, point_id, to_hits, to_vector

_ID_PAGE = 10_000


def search(
    shard: EdgeShard, *, query: list[float], limit: int, plan: FilterPlan, with_vectors: bool = False
) -> list[VectorHit]:
    request = QueryRequest(
        limit=limit, query=Query.Nearest(query), filter=to_filter(plan), with_payload=True, with_vector=with_vectors
    )
    return to_hits(shard.query(request))


def recommend(
    shard: EdgeShard,
    *,
    positives: list[int],
    negatives: list[int],
    limit: int,
    plan: FilterPlan,
    with_vectors: bool = False,
    found: Mapping[int, Vector] | None = None,
) -> list[VectorHit]:
    # Edge's RecommendQuery takes vectors, not ids: look the examples up first unless the caller has them (missing
    # ones are ignored).
    if found is None:
        found = vectors(shard, ids=[*positives, *negatives])
    pos = [found[i].tolist() for i in positives if i in found]
    if not pos:
        return []
    neg = [found[i].tolist() for i in negatives if i in found]
    request = QueryRequest(
        limit=limit,
        query=Query.RecommendBestScore(RecommendQuery(pos, neg)),
        filter=to_filter(plan),  # also excludes the examples themselves, as Qdrant does for ids
        with_payload=True,
        with_vector=with_vectors,
        score_threshold=0.0,  # best_score is negative exactly for candidates closer to a negative example
    )
    hits = to_hits(shard.query(request))
    for hit in hits:
        hit.score = cosine_from_best_score(hit.score)
    return hits


def vectors(shard: EdgeShard, *, ids: list[int]) -> dict[int, Vector]:
    records = shard.retrieve(list(ids), with_payload=False, with_vector=True)
    return {point_id(r.id): to_vector(r.vector) for r in records if r.vector is not None}


def page(shard: EdgeShard, *, offset: int | None, limit: int) -> tuple[list[VectorPoint], int | None]:
    """Up to `limit` whole points from `offset` on (id order), and the offset of the next page."""
    request = ScrollRequest(offset=offset, limit=limit, with_payload=True, with_vector=True)
    records, next_offset = shard.scroll(request)
    points = [VectorPoint(point_id(r.id), to_vector(r.vector), dict(r.payload or {})) for r in records]
    return points, None if next_offset is None else point_id(next_offset)


def all_ids(shard: EdgeShard) -> set[int]:
    ids: set[int] = set()
    offset = None
    while True:
        records, offset = shard.scroll(ScrollRequest(offset=offset, limit=_ID_PAGE, with_payload=False))
        ids.update(point_id(r.id) for r in records)
        if offset is None:
            return ids
