"""The `SearchEngine` protocol: what the API, the outbox consumer and `blokhub reindex` rely on.

Two implementations behave alike (one contract test suite runs against both): `TantivySearchEngine`
(embedded, the default) and `MeilisearchSearchEngine` (a server, when `MEILISEARCH_URL` is set).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol, runtime_checkable

from blokhub.indexers.search.search_types import SearchDocument, SearchQuery, SearchResult, Suggestion


@runtime_checkable
class SearchEngine(Protocol):
    name: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> bool: ...

    async def upsert(self, docs: Sequence[SearchDocument]) -> None:
        """Insert or replace by id; idempotent. Visible to the next search once this returns."""
        ...

    async def delete(self, ids: Sequence[int]) -> None:
        """Remove by id; a missing id is not an error."""
        ...

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Completions for search-as-you-type: titles, tags, nodes and users by (typo-tolerant) prefix."""
        ...

    async def all_ids(self) -> set[int]: ...

    async def count(self) -> int: ...

    async def rebuild(self, docs: AsyncIterator[Sequence[SearchDocument]]) -> int:
        """Build a fresh index from the batches, then swap it in atomically: readers never see an empty or
        partial index, and writes that arrive during the rebuild are carried over. Returns documents written."""
        ...
