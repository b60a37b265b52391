"""Full-text search: the `SearchEngine` protocol, its value types and the two engines (tantivy, Meilisearch)."""

from blokhub.indexers.search.factory import create_search_engine
from blokhub.indexers.search.protocol import SearchEngine
from blokhub.indexers.search.search_types import (
    FACETS,
    MAX_PER_PAGE,
    SORTS,
    Facet,
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchQuery,
    SearchResult,
    Sort,
    Suggestion,
    SuggestionKind,
)
from blokhub.indexers.search.tantivy_engine import TantivySearchEngine

__all__ = [
    "FACETS",
    "MAX_PER_PAGE",
    "SORTS",
    "Facet",
    "SearchDocument",
    "SearchEngine",
    "SearchFilters",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "Sort",
    "Suggestion",
    "SuggestionKind",
    "TantivySearchEngine",
    "create_search_engine",
]
