"""Meilisearch index settings, document shape, filters and highlight rendering, chosen to behave like the
embedded engine (see `_words` for the shared matching rules):

* searchable attributes in weight order: title > tags > nodes > author (username, display name) > description
  > step names;
* typo tolerance: one typo from 4 letters (Meilisearch's default is 5; the product needs `slak` -> slack), two
  from 9; Meilisearch already counts a first-letter typo as two, which the embedded engine reproduces;
* ranking rules: `sort` first, then words, typo, proximity, attribute, exactness, and `popularity:desc` as the
  final tie-break. Meilisearch's default puts `sort` after the relevance rules, which makes "newest" only a
  tie-break among equally relevant hits; an explicit sort must be a total order (as on the embedded engine),
  and without a `sort` parameter the rule does nothing, so relevance searches are unaffected;
* exact totals and facet counts: page/hitsPerPage pagination (exhaustive `totalHits`), `maxTotalHits` raised,
  facet values sorted by count, at most `MAX_FACET_VALUES` per facet;
* suggestion keys (`sug_*`, see `_words.suggest_keys`) are filterable so facet search can complete them.

Highlights: Meilisearch inserts the pre/post tags into the raw text, which is user input. It is asked for two
private-use characters instead (stripped from indexed text, so a title cannot forge them), the result is
HTML-escaped, and only then are they replaced by `<mark>`/`</mark>`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from meilisearch_python_sdk.models.settings import (
    Faceting,
    MeilisearchSettings,
    MinWordSizeForTypos,
    Pagination,
    TypoTolerance,
)

from blokhub.indexers.search._words import ONE_TYPO_MIN_LEN, TWO_TYPOS_MIN_LEN, suggest_keys
from blokhub.indexers.search.search_types import MAX_FACET_VALUES, SearchDocument, SearchFilters, SuggestionKind

PRE, POST = "\ue000", "\ue001"
CROP_WORDS = 26  # about 160 characters of description around the first match
MAX_TOTAL_HITS = 1_000_000
FACET_ATTRIBUTES = {
    "tags": "tags",
    "nodes": "nodes",
    "trigger": "trigger",
    "method": "method",
    "runtime": "runtimes",
    "author": "author",
    "has_branches": "has_branches",
    "requirements": "requirements",
    "dialect": "dialect",
}
SUGGEST_ATTRIBUTES: dict[SuggestionKind, str] = {"tag": "sug_tag", "node": "sug_node", "user": "sug_user"}
SORT_RULES = {
    "newest": "created_at:desc",
    "updated": "updated_at:desc",
    "favorites": "favorites:desc",
    "top_rated": "rating_score:desc",
    "trending": "trending:desc",
}

SETTINGS = MeilisearchSettings(
    searchable_attributes=["title", "tags", "nodes", "author", "author_name", "description", "step_names"],
    filterable_attributes=[
        *FACET_ATTRIBUTES.values(),
        "rating_average",
        "created_at",
        "id",
        *SUGGEST_ATTRIBUTES.values(),
    ],
    sortable_attributes=["created_at", "updated_at", "favorites", "rating_score", "trending", "popularity"],
    ranking_rules=["sort", "words", "typo", "proximity", "attribute", "exactness", "popularity:desc"],
    displayed_attributes=["id", "title", "description"],
    typo_tolerance=TypoTolerance(
        enabled=True,
        min_word_size_for_typos=MinWordSizeForTypos(one_typo=ONE_TYPO_MIN_LEN, two_typos=TWO_TYPOS_MIN_LEN),
    ),
    faceting=Faceting(max_values_per_facet=MAX_FACET_VALUES, sort_facet_values_by={"*": "count"}),
    pagination=Pagination(max_total_hits=MAX_TOTAL_HITS),
    facet_search=True,
)


def _clean(text: str) -> str:
    return text.replace(PRE, "").replace(POST, "")


def to_document(doc: SearchDocument) -> dict[str, Any]:
    tags, nodes = list(dict.fromkeys(doc.tags)), list(dict.fromkeys(doc.nodes))
    return {
        "id": doc.id,
        "title": _clean(doc.title),
        "description": _clean(doc.description),
        "tags": tags,
        "nodes": nodes,
        "step_names": doc.step_names,
        "author": doc.author,
        "author_name": doc.author_name,
        "trigger": doc.trigger,
        "method": doc.method,
        "runtimes": list(dict.fromkeys(doc.runtimes)),
        "has_branches": doc.has_branches,
        "requirements": list(dict.fromkeys(doc.requirements)),
        "dialect": doc.dialect,
        "created_at": doc.created_at,
        "updated_at": doc.updated_at,
        "favorites": doc.favorites,
        "forks": doc.forks,
        "views": doc.views,
        "rating_score": doc.rating_score,
        "rating_count": doc.rating_count,
        "rating_average": doc.rating_average,
        "trending": doc.trending,
        "popularity": doc.popularity,
        "sug_tag": [k for t in tags for k in suggest_keys(t)],
        "sug_node": [k for n in nodes for k in suggest_keys(n)],
        "sug_user": list(dict.fromkeys((*suggest_keys(doc.author), *suggest_keys(doc.author_name, doc.author)))),
    }


def _quote(value: str) -> str:
    """A double-quoted filter string; the filter syntax escapes quotes and backslashes with a backslash."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def filter_expression(f: SearchFilters, ids: Sequence[int] | None) -> list[str]:
    """Filter clauses, ANDed by Meilisearch when sent as a list."""
    out = [f"tags = {_quote(t)}" for t in dict.fromkeys(f.tags)]
    out += [f"nodes = {_quote(n)}" for n in dict.fromkeys(f.nodes)]
    for attr, value in (
        ("trigger", f.trigger),
        ("method", f.method),
        ("runtimes", f.runtime),
        ("author", f.author),
        ("dialect", f.dialect),
        ("requirements", f.requirements),
    ):
        if value is not None:
            out.append(f"{attr} = {_quote(value)}")
    if f.has_branches is not None:
        out.append(f"has_branches = {'true' if f.has_branches else 'false'}")
    if f.min_rating is not None:
        out.append(f"rating_average >= {float(f.min_rating)!r}")
    if f.created_after is not None:
        out.append(f"created_at >= {float(f.created_after)!r}")
    if f.created_before is not None:
        out.append(f"created_at <= {float(f.created_before)!r}")
    if ids is not None:
        out.append(f"id IN [{', '.join(str(int(i)) for i in dict.fromkeys(ids))}]")
    return out


def render(formatted: str) -> str:
    return escape(formatted).replace(PRE, "<mark>").replace(POST, "</mark>")


def facets_from(distribution: Mapping[str, Any] | None, facets: Sequence[str]) -> dict[str, dict[str, int]]:
    dist = distribution or {}
    return {f: {str(k): int(v) for k, v in (dist.get(FACET_ATTRIBUTES[f]) or {}).items()} for f in facets}
