"""Our types to and from qdrant-client's models (the server engine's side of `_edge_convert`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdrant_client import models

from blokhub.indexers.vectors._query import FilterPlan
from blokhub.indexers.vectors.vector_types import (
    DIMENSIONS,
    FLOAT_FIELDS,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    VectorPoint,
    as_vector,
)

VECTOR_PARAMS = models.VectorParams(size=DIMENSIONS, distance=models.Distance.COSINE)
# Same graph parameters as the Edge shard, so both engines trade recall for speed alike.
HNSW = models.HnswConfigDiff(m=16, ef_construct=100)
PAYLOAD_INDEXES: tuple[tuple[str, models.PayloadSchemaType], ...] = (
    *((key, models.PayloadSchemaType.KEYWORD) for key in KEYWORD_FIELDS),
    *((key, models.PayloadSchemaType.INTEGER) for key in INTEGER_FIELDS),
    *((key, models.PayloadSchemaType.FLOAT) for key in FLOAT_FIELDS),
)


def is_compatible(params: Any) -> bool:
    """Whether a collection's vector config is ours (one unnamed cosine vector of DIMENSIONS floats)."""
    return (
        isinstance(params, models.VectorParams)
        and params.size == DIMENSIONS
        and params.distance == models.Distance.COSINE
    )


def to_filter(plan: FilterPlan) -> models.Filter | None:
    if plan.is_empty:
        return None
    must: list[models.Condition] = [
        models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in plan.must_match
    ]
    if plan.only_ids is not None:
        must.append(models.HasIdCondition(has_id=sorted(plan.only_ids)))
    must_not: list[models.Condition] = []
    if plan.exclude_ids:
        must_not.append(models.HasIdCondition(has_id=sorted(plan.exclude_ids)))
    if plan.exclude_owner_ids:
        must_not.append(models.FieldCondition(key="owner_id", match=models.MatchAny(any=list(plan.exclude_owner_ids))))
    return models.Filter(must=must or None, must_not=must_not or None)


def to_batches(points: Sequence[VectorPoint], size: int) -> list[models.Batch]:
    """Requests of at most `size` points (one huge request would time out or hit body limits); for an id given
    twice the last point wins, as a sequence of upserts would."""
    unique = list({int(p.id): p for p in points}.values())
    return [
        models.Batch(
            ids=[int(p.id) for p in chunk],
            vectors=[as_vector(p.vector).tolist() for p in chunk],
            payloads=[dict(p.payload) for p in chunk],
        )
        for chunk in (unique[i : i + size] for i in range(0, len(unique), size))
    ]
