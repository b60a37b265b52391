"""The value types every search engine speaks: what gets indexed, what gets asked, what comes back.

Plain slotted dataclasses: they cross thread boundaries (tantivy runs off the event loop) and are built in
tight loops by the indexer and the benchmark, so they stay free of validation machinery; the API layer
validates user input with its own msgspec schemas before building a `SearchQuery`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

Sort = Literal["relevance", "newest", "updated", "favorites", "top_rated", "trending"]
Facet = Literal["tags", "trigger", "method", "runtime", "nodes", "author", "has_branches", "dialect", "requirements"]
SuggestionKind = Literal["title", "tag", "node", "user"]

SORTS: tuple[Sort, ...] = get_args(Sort)
FACETS: tuple[Facet, ...] = get_args(Facet)
MAX_PER_PAGE = 100
# Meilisearch only looks at the first 10 query words; the embedded engine does the same so both agree.
MAX_QUERY_WORDS = 10
# Facet values returned per facet (Meilisearch's `maxValuesPerFacet`); counts stay exact for those returned.
MAX_FACET_VALUES = 100


@dataclass(slots=True)
class SearchDocument:
    id: int
    title: str
    description: str
    tags: list[str]
    nodes: list[str]  # node package names, e.g. "@nanoservice-ts/api-call", "postgres-query"
    step_names: list[str]
    author: str  # username
    author_name: str  # display name
    trigger: str | None  # "http" | "cron" | "manual" | "grpc" | "mcp"
    method: str | None  # "GET", "POST", ..., "*"
    runtimes: list[str]  # "typescript", "python3"
    has_branches: bool
    created_at: float  # epoch seconds
    updated_at: float
    favorites: int
    forks: int
    views: int
    rating_score: float  # Bayesian average, 0 when unrated
    rating_count: int
    trending: float
    popularity: float  # precomputed by the caller; the relevance tie-break
    rating_average: float = 0.0  # the average users see (stats.rating.average, 3 decimals); 0 when unrated
    # What it needs to run (blok.requirements values: "builtins_only", "needs_local_code", ...)
    requirements: list[str] = field(default_factory=list)
    dialect: str = "v1"  # the Blok dialect: "v1" (name/node steps plus nodes) or "v2" (id/use steps)


@dataclass(slots=True)
class SearchFilters:
    tags: list[str] = field(default_factory=list)  # all must match
    trigger: str | None = None
    method: str | None = None
    runtime: str | None = None
    nodes: list[str] = field(default_factory=list)  # all must match
    author: str | None = None  # username
    has_branches: bool | None = None
    requirements: str | None = None  # one of blok.requirements.REQUIREMENT_VALUES
    dialect: str | None = None  # "v1" | "v2"
    min_rating: float | None = None  # on the displayed average (`rating_average`), not the Bayesian score
    created_after: float | None = None  # epoch seconds, inclusive
    created_before: float | None = None  # epoch seconds, inclusive


@dataclass(slots=True)
class SearchQuery:
    q: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: Sort = "relevance"
    facets: list[Facet] = field(default_factory=list)
    page: int = 1
    per_page: int = 20
    ids: list[int] | None = None  # restrict to these ids (saved-search matching); [] matches nothing

    def facet_names(self) -> list[Facet]:
        """The requested facets, known ones only, each once, in request order."""
        return [f for f in dict.fromkeys(self.facets) if f in FACETS]

    def window(self) -> tuple[int, int]:
        """(offset, limit) after clamping page >= 1 and 1 <= per_page <= MAX_PER_PAGE."""
        per_page = min(max(self.per_page, 1), MAX_PER_PAGE)
        return (max(self.page, 1) - 1) * per_page, per_page


@dataclass(slots=True)
class SearchHit:
    id: int
    # Engine relevance, higher is better, comparable only within one result (tantivy: boosted BM25 times the
    # popularity factor, 0.0 under a non-relevance sort; Meilisearch: its 0..1 ranking score).
    score: float
    highlights: dict[str, str]  # {"title": "...<mark>slack</mark>...", "description": "snippet"}; HTML-safe


@dataclass(slots=True)
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]
    matched_words: int  # query words that were required after dropping words from the end
    took_ms: float
    facets_exact: bool = True  # False: counts estimated from a sample (very large result sets, embedded engine)


@dataclass(slots=True)
class Suggestion:
    text: str
    kind: SuggestionKind
    id: int | None = None  # the workflow id for titles
    # True when it completes what was typed (every typed word starts one of its words); False for a typo match.
    # Completions are listed before typo matches.
    completes: bool = True
    # Tags, nodes, users: a few workflows the index holds with this value, where the visibility check looks first
    # (empty: it looks everywhere).
    carriers: tuple[int, ...] = ()
