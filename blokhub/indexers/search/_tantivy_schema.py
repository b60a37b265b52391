"""The tantivy schema and the mapping from `SearchDocument` to a tantivy document.

Three kinds of fields:

* searchable text (`s_*`, and all of them again in `s_all`): our own tokens (see `_words`: folded, first letter doubled), split by tantivy's
  whitespace tokenizer, indexed with frequencies but no positions (no phrase queries, so positions would only
  cost space and indexing time), not stored;
* keywords: the value as one term, twice: `kw_*` as given, a fast column for exact facet counts that shows the
  original spelling, and `f_*` lower-cased, for filters that ignore case (as Meilisearch's do);
* numbers (fast columns): range filters and sorts.

The original title and description are kept in one stored bytes field (`src`) for highlighting; tantivy text
fields cannot be stored-only, and storing the keyed tokens would be useless for display.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec
import tantivy

from blokhub.indexers.search._words import index_prefixes, index_text, index_values, suggest_keys
from blokhub.indexers.search.search_types import SearchDocument, SuggestionKind

# Attribute weights (boosts): title > tags > nodes > author > description > step names.
SEARCH_FIELDS: dict[str, float] = {
    "s_title": 8.0,
    "s_tags": 5.0,
    "s_nodes": 3.5,
    "s_author": 2.5,
    "s_description": 1.5,
    "s_steps": 1.0,
}
# Every searchable token once more, in one field: which documents match (see `_tantivy_query`).
ALL_FIELD = "s_all"
# The short prefixes of those tokens (see `_words.index_prefixes`).
PREFIX_FIELD = "s_prefix"
# Each document's sample bucket, `sample_bucket(id)`: facet counts over a huge result set are estimated from the
# documents of bucket 0 (see `_tantivy_facets`).
SAMPLE_FIELD = "sample"
SAMPLE_BUCKETS = 16
# Facet name (public) -> keyword field.
KEYWORD_FIELDS: dict[str, str] = {
    "tags": "kw_tag",
    "nodes": "kw_node",
    "trigger": "kw_trigger",
    "method": "kw_method",
    "runtime": "kw_runtime",
    "author": "kw_author",
    "requirements": "kw_requirement",
    "dialect": "kw_dialect",
}
SUGGEST_FIELDS: dict[SuggestionKind, str] = {"tag": "sug_tag", "node": "sug_node", "user": "sug_user"}
SORT_FIELDS = {
    "newest": "created_at",
    "updated": "updated_at",
    "favorites": "favorites",
    "top_rated": "rating_score",
    "trending": "trending",
    "relevance": "popularity",  # the browse order when there are no query words
}

# Relevance tie-break. tantivy's `weight_by_field` multiplies the score by log2(2 + w); we store w so that the
# factor is 1 + POPULARITY_ALPHA * ln(1 + popularity), capped at 1 + POPULARITY_CAP: popularity orders hits
# whose text relevance is equal or close, and never lifts a weak match over a clearly better one.
POPULARITY_ALPHA = 0.02
POPULARITY_CAP = 0.25


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", indexed=True, fast=True)
    sb.add_bytes_field("src", stored=True)
    for name in SEARCH_FIELDS:
        sb.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field(ALL_FIELD, tokenizer_name="whitespace", index_option="basic")  # doc ids only: no scoring
    sb.add_text_field(PREFIX_FIELD, tokenizer_name="whitespace", index_option="basic")
    sb.add_integer_field(SAMPLE_FIELD, indexed=True)
    for name in KEYWORD_FIELDS.values():
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
        sb.add_text_field(filter_field(name), tokenizer_name="raw", index_option="basic")
    for name in SUGGEST_FIELDS.values():
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_boolean_field("has_branches", indexed=True, fast=True)
    for name in ("created_at", "updated_at", "rating_score", "rating_average", "trending", "popularity", "rank_weight"):
        sb.add_float_field(name, fast=True)
    sb.add_integer_field("favorites", fast=True)
    return sb.build()


def rank_weight(popularity: float) -> float:
    factor = 1.0 + min(POPULARITY_ALPHA * math.log1p(max(popularity, 0.0)), POPULARITY_CAP)
    return float(2.0**factor - 2.0)


def sample_bucket(doc_id: int) -> int:
    """A bucket independent of anything about the document: a multiplicative hash of its id (ids are sequential,
    and `id % n` would follow whatever pattern created them)."""
    return ((doc_id * 2654435761) & 0xFFFFFFFF) * SAMPLE_BUCKETS >> 32


def filter_field(keyword_field: str) -> str:
    return "f_" + keyword_field.removeprefix("kw_")


def _unique(values: list[str]) -> list[str]:
    # Multi-valued keyword columns count a value once per occurrence; facet counts are per document.
    return list(dict.fromkeys(v for v in values if v))


def to_fields(doc: SearchDocument) -> dict[str, Any]:
    tags, nodes, runtimes = _unique(doc.tags), _unique(doc.nodes), _unique(doc.runtimes)
    searchable = {
        "s_title": index_text(doc.title),
        "s_tags": index_values(tags),
        "s_nodes": index_values(nodes),
        "s_author": index_values((doc.author, doc.author_name)),
        "s_description": index_text(doc.description),
        "s_steps": index_values(doc.step_names),
    }
    all_tokens = " ".join(searchable.values())
    fields: dict[str, Any] = {
        "id": doc.id,
        SAMPLE_FIELD: sample_bucket(doc.id),
        "src": msgspec.msgpack.encode((doc.title, doc.description)),
        **searchable,
        ALL_FIELD: all_tokens,
        PREFIX_FIELD: index_prefixes(all_tokens),
        "kw_tag": tags,
        "kw_node": nodes,
        "kw_runtime": runtimes,
        "kw_author": doc.author,
        "kw_requirement": _unique(doc.requirements),
        "kw_dialect": doc.dialect,
        "sug_tag": [k for t in tags for k in suggest_keys(t)],
        "sug_node": [k for n in nodes for k in suggest_keys(n)],
        "sug_user": list(dict.fromkeys((*suggest_keys(doc.author), *suggest_keys(doc.author_name, doc.author)))),
        "has_branches": doc.has_branches,
        "created_at": float(doc.created_at),
        "updated_at": float(doc.updated_at),
        "rating_score": float(doc.rating_score),
        "rating_average": float(doc.rating_average),
        "trending": float(doc.trending),
        "popularity": float(doc.popularity),
        "rank_weight": rank_weight(doc.popularity),
        "favorites": int(doc.favorites),
    }
    if doc.trigger:
        fields["kw_trigger"] = doc.trigger
    if doc.method:
        fields["kw_method"] = doc.method
    for name in KEYWORD_FIELDS.values():
        if (value := fields.get(name)) is not None:
            fields[filter_field(name)] = [v.lower() for v in value] if isinstance(value, list) else value.lower()
    return fields


def to_document(doc: SearchDocument, schema: tantivy.Schema) -> tantivy.Document:
    return tantivy.Document.from_dict(to_fields(doc), schema)


def source(stored: tantivy.Document) -> tuple[str, str]:
    """(title, description) from a stored document."""
    raw = stored.get_first("src")
    if not isinstance(raw, bytes):
        return "", ""
    title, description = msgspec.msgpack.decode(raw, type=tuple[str, str])
    return title, description
