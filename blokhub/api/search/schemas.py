from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from blokhub.api.schemas import Input, Output
from blokhub.api.workflows.schemas import WorkflowSummary

# Facts name module/local steps "typescript" and runtime.<x> steps "<x>" (v2 has many runtimes).
RuntimeName = Literal[
    "typescript", "python3", "nodejs", "bun", "go", "java", "rust", "php", "csharp", "ruby", "docker", "wasm"
]


class Hit(Output):
    workflow: WorkflowSummary
    score: float
    highlights: dict[str, str]


class GenerateSuggestion(Output):
    generate: bool
    prompt: str


class SearchOut(Output):
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    # False when the counts are estimates: the embedded engine samples result sets of tens of thousands and more.
    facets_exact: bool
    total: int
    page: int
    per_page: int
    took_ms: float
    matched_words: int
    suggestion: GenerateSuggestion | None = None


class SuggestionOut(Output):
    text: str
    kind: str
    id: int | None = None


class SuggestOut(Output):
    items: list[SuggestionOut]


class SavedSearchIn(Input):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    q: Annotated[str, msgspec.Meta(max_length=200)] = ""
    filters: dict[str, Any] = msgspec.field(default_factory=dict)


class SavedSearchOut(Output):
    id: int
    name: str
    q: str
    filters: dict[str, Any]
    created_at: datetime


class QueryStatOut(Output):
    query: str
    count: int
    zero_results: int
    last_at: datetime
