"""Query building for the embedded engine: words (exact, typo, prefix) over the weighted fields, and filters.

Per query word and searchable field, a document can match
  * exactly: BM25 times the field weight, plus a constant bonus so an exact word outranks a typo;
  * within the word's typo budget and/or as a prefix (last word only): a constant times the field weight
    (tantivy's automaton queries do not compute BM25).
A word matches when any field matches it; every word must match. Filters are constant-score-zero musts, so
they restrict without changing the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import tantivy
from tantivy import FieldType, Occur, Query

from blokhub.indexers.search._tantivy_schema import KEYWORD_FIELDS, SEARCH_FIELDS
from blokhub.indexers.search._words import QueryWord
from blokhub.indexers.search.documents import SearchFilters

EXACT_BONUS = 2.0
TYPO_SCORE = 1.0
PREFIX_SCORE = 1.0


def word_query(schema: tantivy.Schema, qw: QueryWord, fields: Mapping[str, float]) -> Query:
    clauses: list[tuple[Occur, Query]] = []
    for field, weight in fields.items():
        exact = Query.term_query(schema, field, qw.key)
        clauses.append((Occur.Should, Query.boost_query(exact, weight)))
        clauses.append((Occur.Should, Query.const_score_query(exact, weight * EXACT_BONUS)))
        if qw.typos or qw.prefix:
            near = Query.fuzzy_term_query(
                schema, field, qw.key, distance=qw.typos, transposition_cost_one=True, prefix=qw.prefix
            )
            clauses.append(
                (Occur.Should, Query.const_score_query(near, weight * (PREFIX_SCORE if qw.prefix else TYPO_SCORE)))
            )
    return Query.boolean_query(clauses)


def text_query(schema: tantivy.Schema, qws: Sequence[QueryWord], fields: Mapping[str, float] = SEARCH_FIELDS) -> Query:
    return Query.boolean_query([(Occur.Must, word_query(schema, qw, fields)) for qw in qws])


def filter_queries(schema: tantivy.Schema, f: SearchFilters, ids: Sequence[int] | None) -> list[Query]:
    out: list[Query] = [Query.term_query(schema, KEYWORD_FIELDS["tags"], t) for t in dict.fromkeys(f.tags)]
    out += [Query.term_query(schema, KEYWORD_FIELDS["nodes"], n) for n in dict.fromkeys(f.nodes)]
    for facet, value in (("trigger", f.trigger), ("method", f.method), ("runtime", f.runtime), ("author", f.author)):
        if value is not None:
            out.append(Query.term_query(schema, KEYWORD_FIELDS[facet], value))
    if f.has_branches is not None:
        out.append(Query.term_query(schema, "has_branches", f.has_branches))
    if f.min_rating is not None:
        out.append(Query.range_query(schema, "rating_score", FieldType.Float, float(f.min_rating), None))
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
