"""Qdrant Edge specifics: the shard's configuration and our types to and from `qdrant_edge`'s.

Everything here runs in worker threads (the calls into Edge hold the GIL while they work; see `edge_engine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qdrant_edge import (
    Distance,
    EdgeConfig,
    EdgeOptimizersConfig,
    EdgeShard,
    EdgeVectorParams,
    FieldCondition,
    Filter,
    HasIdCondition,
    HnswIndexConfig,
    MatchAny,
    MatchValue,
    PayloadSchemaType,
    Point,
    UpdateOperation,
)

from blokhub.indexers.vectors._query import FilterPlan
from blokhub.indexers.vectors.vector_types import (
    DIMENSIONS,
    FLOAT_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    VectorPoint,
    as_vector,
)

if TYPE_CHECKING:
    from qdrant_edge import ConditionType  # a type alias of the stubs only

_VECTOR_KB = DIMENSIONS * 4 / 1024  # Edge sizes its thresholds in KB of vectors


def shard_config(hnsw_min_points: int) -> EdgeConfig:
    """Cosine over 384 floats, HNSW (m=16, ef_construct=100: Qdrant's defaults, ~0.99 recall at this size).

    Segments smaller than `hnsw_min_points` vectors stay plain (a scan of a few thousand vectors is well under a
    millisecond); filtered searches whose payload-index cardinality is below the full-scan threshold scan the
    matching points exactly instead of walking the graph, which keeps selective filters accurate.
    """
    return EdgeConfig(
        vectors=EdgeVectorParams(size=DIMENSIONS, distance=Distance.Cosine),
        hnsw_config=HnswIndexConfig(m=16, ef_construct=100, full_scan_threshold=10_000, max_indexing_threads=0),
        optimizers=EdgeOptimizersConfig(indexing_threshold=max(1, int(hnsw_min_points * _VECTOR_KB))),
    )


def create_shard(path: Path, hnsw_min_points: int) -> EdgeShard:
    shard = EdgeShard.create(str(path), shard_config(hnsw_min_points))
    for key in KEYWORD_FIELDS:
        shard.update(UpdateOperation.create_field_index(key, PayloadSchemaType.Keyword))
    for key in INTEGER_FIELDS:
        shard.update(UpdateOperation.create_field_index(key, PayloadSchemaType.Integer))
    for key in FLOAT_FIELDS:
        shard.update(UpdateOperation.create_field_index(key, PayloadSchemaType.Float))
    return shard


def to_filter(plan: FilterPlan) -> Filter | None:
    if plan.is_empty:
        return None
    must: list[ConditionType] = [FieldCondition(k, match=MatchValue(v)) for k, v in plan.must_match]
    if plan.only_ids is not None:
        must.append(HasIdCondition(set(plan.only_ids)))
    must_not: list[ConditionType] = []
    if plan.exclude_ids:
        must_not.append(HasIdCondition(set(plan.exclude_ids)))
    if plan.exclude_owner_ids:
        must_not.append(FieldCondition("owner_id", match=MatchAny(list(plan.exclude_owner_ids))))
    return Filter(must=must or None, must_not=must_not or None)


def to_points(points: Sequence[VectorPoint]) -> list[Point]:
    unique = {p.id: p for p in points}  # last one wins, as a sequence of upserts would
    return [Point(p.id, as_vector(p.vector).tolist(), dict(p.payload)) for p in unique.values()]
