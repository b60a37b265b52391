"""Query building for the embedded engine: words (exact, typo, prefix) over the weighted fields, and filters.

Matching and ranking are separate queries over the same words:

* `match_query` decides which documents match: every word must be found, exactly or within its typo budget or
  (last word) as a prefix, in `s_all`, a field holding the tokens of every searchable field. One automaton per
  word instead of one per word and field: measured 3x cheaper than the per-field union, and it is what facet
  counts (which need no scores) run on.
* `ranked_query` orders them: the same per-word match (a small constant), plus BM25 of the exact word in each
  field times the field's weight, plus a large constant when the last word completes as typed. A word found
  exactly therefore outranks a typo (which scores only the constant), and a title match one in the description.
  Typo and prefix matches carry no BM25 (tantivy's automaton queries compute none). Measured at 1M documents,
  each extra constant-score automaton per word (a title typo bonus, an as-typed bonus for whole words) cost
  +25-35% of the ranked search's p95, so only the prefix one, which changes visible results, is kept.

Filters are constant-score-zero musts, so they restrict without changing the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import tantivy
from tantivy import FieldType, Occur, Query

from blokhub.indexers.search._tantivy_schema import (
    ALL_FIELD,
    KEYWORD_FIELDS,
    PREFIX_FIELD,
    SEARCH_FIELDS,
    filter_field,
)
from blokhub.indexers.search._words import MAX_INDEXED_PREFIX, QueryWord
from blokhub.indexers.search.search_types import SearchFilters

MATCH_SCORE = 1.0
AS_TYPED_SCORE = 50.0  # well above typical weighted BM25 sums


def _word(schema: tantivy.Schema, field: str, qw: QueryWord) -> Query:
    if field == ALL_FIELD and qw.prefix and not qw.typos and len(qw.word) <= MAX_INDEXED_PREFIX:
        return Query.term_query(schema, PREFIX_FIELD, qw.key)  # one posting list instead of a union of hundreds
    if qw.typos or qw.prefix:
        return Query.fuzzy_term_query(
            schema, field, qw.key, distance=qw.typos, transposition_cost_one=True, prefix=qw.prefix
        )
    return Query.term_query(schema, field, qw.key)


def match_query(schema: tantivy.Schema, qws: Sequence[QueryWord], field: str = ALL_FIELD) -> Query:
    return Query.boolean_query([(Occur.Must, _word(schema, field, qw)) for qw in qws])


def ranked_query(
    schema: tantivy.Schema, qws: Sequence[QueryWord], fields: Mapping[str, float] = SEARCH_FIELDS
) -> Query:
    words: list[tuple[Occur, Query]] = []
    for qw in qws:
        clauses = [(Occur.Must, Query.const_score_query(_word(schema, ALL_FIELD, qw), MATCH_SCORE))]
        for field, weight in fields.items():
            clauses.append((Occur.Should, Query.boost_query(Query.term_query(schema, field, qw.key), weight)))
        if qw.prefix and qw.typos:
            # A prefix never matches a whole term, so BM25 cannot tell "stri" -> stripe from "stri" -> script
            # (a typo): completing the prefix as typed earns a bonus, as Meilisearch ranks typos first.
            as_typed = Query.fuzzy_term_query(schema, ALL_FIELD, qw.key, distance=0, prefix=True)
            clauses.append((Occur.Should, Query.const_score_query(as_typed, AS_TYPED_SCORE)))
        words.append((Occur.Must, Query.boolean_query(clauses)))
    return Query.boolean_query(words)


def filter_queries(schema: tantivy.Schema, f: SearchFilters, ids: Sequence[int] | None) -> list[Query]:
    def term(facet: str, value: str) -> Query:
        return Query.term_query(schema, filter_field(KEYWORD_FIELDS[facet]), value.lower())  # case-insensitive

    out = [term("tags", t) for t in dict.fromkeys(f.tags)] + [term("nodes", n) for n in dict.fromkeys(f.nodes)]
    for facet, value in (
        ("trigger", f.trigger),
        ("method", f.method),
        ("runtime", f.runtime),
        ("author", f.author),
        ("dialect", f.dialect),
        ("requirements", f.requirements),
    ):
        if value is not None:
            out.append(term(facet, value))
    if f.has_branches is not None:
        out.append(Query.term_query(schema, "has_branches", f.has_branches))
    if f.min_rating is not None:
        out.append(Query.range_query(schema, "rating_average", FieldType.Float, float(f.min_rating), None))
    if f.created_after is not None or f.created_before is not None:
        lo = None if f.created_after is None else float(f.created_after)
        hi = None if f.created_before is None else float(f.created_before)
        out.append(Query.range_query(schema, "created_at", FieldType.Float, lo, hi))
    if ids is not None:
        out.append(Query.term_set_query(schema, "id", list(dict.fromkeys(ids))))
    return out


def combine(text: Query | None, filters: Sequence[Query]) -> Query:
    if not filters:
        return text if text is not None else Query.all_query()
    clauses = [(Occur.Must, Query.const_score_query(q, 0.0)) for q in filters]
    if text is not None:
        clauses.insert(0, (Occur.Must, text))
    return Query.boolean_query(clauses)
