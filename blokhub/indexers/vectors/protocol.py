"""The `VectorEngine` protocol: what semantic search, similar/recommendations, the outbox consumer and
`blokhub reindex` rely on.

Two implementations behave alike (one contract suite runs against both): `EdgeVectorEngine` (Qdrant Edge
in-process, the default) and `ServerVectorEngine` (a Qdrant server, when `QDRANT_URL` is set).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Protocol, runtime_checkable

from blokhub.indexers.vectors.vector_types import Vector, VectorFilter, VectorHit, VectorLike, VectorPoint


@runtime_checkable
class VectorEngine(Protocol):
    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> bool: ...

    async def upsert(self, points: Sequence[VectorPoint]) -> None:
        """Insert or replace by id; idempotent. Visible to the next search once this returns."""
        ...

    async def delete(self, ids: Sequence[int]) -> None:
        """Remove by id; a missing id is not an error."""
        ...

    async def search(
        self, vector: VectorLike, limit: int, filter: VectorFilter | None = None, *, with_vectors: bool = False
    ) -> list[VectorHit]:
        """Nearest points by cosine similarity, best first; `with_vectors` also returns each hit's vector (what MMR
        needs) in the same call."""
        ...

    async def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        filter: VectorFilter | None = None,
        *,
        with_vectors: bool = False,
        examples: Mapping[int, Vector] | None = None,
    ) -> list[VectorHit]:
        """Qdrant's recommend with the **best_score** strategy: each candidate is compared with every example;
        it is kept when it is closer to some positive than to every negative, and ranked by its cosine similarity
        to the closest positive (that similarity is the hit's score). Candidates closer to a negative are dropped,
        so fewer than `limit` hits can come back. Examples never appear in the result; ids that are not in the
        index are ignored; no known positive gives no hits. Unlike an averaged query vector, best_score keeps a
        user's separate interests apart (Slack bots and Postgres backups do not blur into neither).
        `examples`: the examples' stored vectors when the caller already has them (from `vectors`), which saves
        looking them up again; an id missing from it counts as not in the index."""
        ...

    async def vectors(self, ids: Sequence[int]) -> dict[int, Vector]:
        """Stored (normalised) vectors of the ids that exist, for MMR and near-duplicate checks."""
        ...

    async def all_ids(self) -> set[int]: ...

    async def count(self) -> int: ...

    async def rebuild(self, points: AsyncIterator[Sequence[VectorPoint]]) -> int:
        """Build a fresh index from the batches, then swap it in atomically: readers never see an empty or
        partial index, and writes that arrive during the rebuild (through this engine) are carried over.
        Returns points written."""
        ...

    async def optimize(self) -> bool:
        """Bring the index back to its best search shape when enough was written since the last build (Qdrant
        Edge: rebuild its HNSW graph beside the live one and swap; a server optimises in the background, so
        there it is a no-op). Cheap when there is nothing to do; meant for a periodic job. True if work was
        done."""
        ...
