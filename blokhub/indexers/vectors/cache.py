"""Embedding cache by content hash: text that did not change is never embedded again.

The protocol is deliberately small (two batch calls keyed by `text_hash`) so that PostgreSQL (a table of hash →
vector bytes) or Redis (MGET/MSET of raw float32 bytes) can back it later; `LRUEmbeddingCache` is the
in-process one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from blokhub.indexers.vectors.vector_types import Vector


@runtime_checkable
class EmbeddingCache(Protocol):
    async def get_many(self, hashes: Sequence[str]) -> dict[str, Vector]:
        """The cached vectors among `hashes` (missing ones are simply absent)."""
        ...

    async def put_many(self, vectors: Mapping[str, Vector]) -> None: ...


class LRUEmbeddingCache:
    """At most `max_items` vectors (1.5 kB each: 50,000 take ~77 MB), least recently used evicted first."""

    def __init__(self, max_items: int = 50_000) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.max_items = max_items
        self._items: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()  # shared by the API and an in-process worker, maybe from threads

    def __len__(self) -> int:
        return len(self._items)

    async def get_many(self, hashes: Sequence[str]) -> dict[str, Vector]:
        found: dict[str, Vector] = {}
        with self._lock:
            for h in hashes:
                vector = self._items.get(h)
                if vector is not None:
                    self._items.move_to_end(h)
                    found[h] = vector
        return found

    async def put_many(self, vectors: Mapping[str, Vector]) -> None:
        with self._lock:
            for h, vector in vectors.items():
                vector = vector.copy()  # a caller mutating its array must not change the cache
                vector.flags.writeable = False
                self._items[h] = vector
                self._items.move_to_end(h)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
