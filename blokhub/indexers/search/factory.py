"""Engine selection: Meilisearch when its URL is configured, the embedded tantivy index otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

from blokhub.indexers.search.protocol import SearchEngine
from blokhub.indexers.search.tantivy_engine import INLINE_MAX_DOCS, TantivySearchEngine


def create_search_engine(
    *,
    data_dir: Path,
    meilisearch_url: str | None,
    meilisearch_key: str | None,
    follow: bool = False,
    cores_shared: bool = False,
) -> SearchEngine:
    """Build (not open) the configured engine; the caller opens it in its lifespan and closes it at shutdown.
    `follow`: read the embedded index another process of the same `serve` writes. `cores_shared`: other API
    processes of the same `serve` keep the other cores busy, so searches run inline (see `INLINE_MAX_DOCS`)."""
    if meilisearch_url:
        # Imported lazily: the embedded setup never needs the HTTP client stack.
        from blokhub.indexers.search.meilisearch_engine import MeilisearchSearchEngine

        return MeilisearchSearchEngine(meilisearch_url, meilisearch_key)
    inline_max_docs = sys.maxsize if cores_shared else INLINE_MAX_DOCS
    return TantivySearchEngine(data_dir / "search", follow=follow, inline_max_docs=inline_max_docs)
