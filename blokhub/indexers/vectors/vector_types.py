"""The value types every vector engine speaks: what gets stored, how results are narrowed, what comes back.

Plain slotted dataclasses like the search package's: they cross thread boundaries (Qdrant Edge runs off the event
loop) and are built in bulk by the indexer and the benchmark. A point's payload carries only what filters and the
recommenders read; everything else is hydrated from PostgreSQL by id.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

DIMENSIONS = 384  # all-MiniLM-L6-v2
COLLECTION = "workflows"

# Payload keys, with the index each engine creates for them (keyword fields are matched exactly).
KEYWORD_FIELDS = ("author", "tags", "nodes", "trigger", "canonical_hash")
INTEGER_FIELDS = ("owner_id",)
FLOAT_FIELDS = ("created_at",)

Vector = npt.NDArray[np.float32]
VectorLike = npt.NDArray[Any] | Sequence[float]


@dataclass(slots=True)
class VectorPoint:
    id: int  # the workflow id
    vector: VectorLike  # DIMENSIONS floats; engines store it normalised (cosine)
    # author (str), tags (list[str]), nodes (list[str]), trigger (str | None), created_at (float, epoch seconds),
    # canonical_hash (str), owner_id (int)
    payload: dict[str, Any]


@dataclass(slots=True)
class VectorFilter:
    exclude_ids: list[int] = field(default_factory=list)
    exclude_owner_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # all must match
    nodes: list[str] = field(default_factory=list)  # all must match
    trigger: str | None = None
    ids: list[int] | None = None  # restrict to these ids; [] matches nothing


@dataclass(slots=True)
class VectorHit:
    id: int
    # `search`: cosine similarity to the query vector, -1..1.
    # `recommend`: cosine similarity to the closest positive example (see `VectorEngine.recommend`).
    score: float
    payload: dict[str, Any]
    vector: Vector | None = None  # only when asked for (`with_vectors=True`)


class ScoredLike(Protocol):
    """A scored point as both Qdrant Edge and qdrant-client return it."""

    @property
    def id(self) -> Any: ...
    @property
    def score(self) -> float: ...
    @property
    def payload(self) -> Any: ...
    @property
    def vector(self) -> Any: ...


def point_id(value: object) -> int:
    if isinstance(value, int):
        return value
    raise TypeError(f"unexpected point id {value!r}: this index only holds integer ids")


_PACK = struct.Struct(f"{DIMENSIONS}f").pack


def to_vector(value: object) -> Vector:
    """A float32 array from the engines' list of floats. Packing the list's floats into bytes and viewing them is
    about twice as fast as `np.asarray` on a list (2.8 vs 6.0 us for 384 floats), paid for every hit of every
    similar and for-you request. The array is read-only, as a hit's vector should be."""
    if type(value) is list and len(value) == DIMENSIONS:
        return np.frombuffer(_PACK(*value), dtype=np.float32)
    return np.asarray(value, dtype=np.float32)


def to_hits(points: Sequence[ScoredLike]) -> list[VectorHit]:
    # Each attribute is read once: Edge converts payload and vector to new Python objects on every access, and the
    # vector's 384 floats then cross into numpy (one array per hit measured cheaper than one matrix for them all).
    hits: list[VectorHit] = []
    for p in points:
        payload, vector = p.payload, p.vector
        hits.append(
            VectorHit(
                id=point_id(p.id),
                score=float(p.score),
                payload=payload if type(payload) is dict else dict(payload or {}),
                vector=None if vector is None else to_vector(vector),
            )
        )
    return hits


def as_vector(value: VectorLike) -> Vector:
    """A float32 vector of the right size; rejects anything else before it reaches an engine."""
    arr = np.asarray(value, dtype=np.float32)
    if arr.shape != (DIMENSIONS,):
        raise ValueError(f"expected a vector of {DIMENSIONS} floats, got shape {arr.shape}")
    if not np.isfinite(arr).all() or not arr.any():
        raise ValueError("a vector must be finite and non-zero (cosine distance normalises it)")
    return arr
