"""Synchronous search and suggest over one tantivy searcher (the engine runs these off the event loop)."""

from __future__ import annotations

from collections.abc import Iterable

import tantivy
from tantivy import Order, Query

from blokhub.indexers.search._highlight import highlight, snippet
from blokhub.indexers.search._tantivy_facets import facet_counts
from blokhub.indexers.search._tantivy_query import combine, filter_queries, text_query
from blokhub.indexers.search._tantivy_schema import KEY_SEP, SORT_FIELDS, SUGGEST_FIELDS, source
from blokhub.indexers.search._words import QueryWord, fold, parse_query, query_words, token_matches, typo_budget
from blokhub.indexers.search.documents import SearchHit, SearchQuery, SearchResult, Suggestion

_RANK_WEIGHT = "rank_weight"
_FUZZY_SUGGEST_CANDIDATES = 200


def _count(res: tantivy.SearchResult) -> int:
    # `count` exists at run time (we always pass count=True) but is missing from tantivy's type stubs.
    return int(getattr(res, "count", 0) or 0)


def _run(
    searcher: tantivy.Searcher, query: Query, sort: str, relevance: bool, offset: int, limit: int
) -> tuple[list[tuple[float, tantivy.DocAddress]], int]:
    if sort == "relevance" and relevance:
        res = searcher.search(query, limit, count=True, offset=offset, weight_by_field=_RANK_WEIGHT)
        return [(float(s), a) for s, a in res.hits], _count(res)
    res = searcher.search(query, limit, count=True, order_by_field=SORT_FIELDS[sort], offset=offset, order=Order.Desc)
    return [(0.0, a) for _, a in res.hits], _count(res)


def search(searcher: tantivy.Searcher, schema: tantivy.Schema, query: SearchQuery) -> SearchResult:
    offset, limit = query.window()
    found, typing = parse_query(query.q)
    if query.ids is not None and not query.ids:
        return SearchResult([], 0, {f: {} for f in query.facets}, len(found), 0.0)
    filters = filter_queries(schema, query.filters, query.ids)
    # All words must match; when nothing does, drop words from the end (Meilisearch's "last" strategy). The last
    # word is a prefix only while it is the word being typed, i.e. never after dropping.
    n = len(found)
    while True:
        qws = query_words(found[:n], typing and n == len(found))
        q = combine(text_query(schema, qws) if qws else None, filters)
        hits, total = _run(searcher, q, query.sort, bool(qws), offset, limit)
        if total or n <= 1:
            break
        n -= 1
    if not total and n != len(found):  # nothing matches even one word: report the query as asked
        n, qws = len(found), query_words(found, typing)
        q = combine(text_query(schema, qws), filters)
    ids = searcher.fast_field_values("id", [a for _, a in hits]) if hits else []
    out: list[SearchHit] = []
    for (score, addr), doc_id in zip(hits, ids, strict=True):
        title, description = source(searcher.doc(addr))
        marks = {"title": highlight(title, qws), "description": snippet(description, qws)}
        out.append(SearchHit(id=int(doc_id or 0), score=score, highlights=marks))
    facets = facet_counts(searcher, q, query.facets) if total else {f: {} for f in query.facets}
    return SearchResult(hits=out, total=total, facets=facets, matched_words=n, took_ms=0.0)


def _title_suggestions(
    searcher: tantivy.Searcher, schema: tantivy.Schema, qws: list[QueryWord], limit: int
) -> list[Suggestion]:
    res = searcher.search(text_query(schema, qws, {"s_title": 1.0}), limit, count=False, weight_by_field=_RANK_WEIGHT)
    if not res.hits:
        return []
    ids = searcher.fast_field_values("id", [a for _, a in res.hits])
    return [
        Suggestion(text=source(searcher.doc(a))[0], kind="title", id=int(i or 0))
        for (_, a), i in zip(res.hits, ids, strict=True)
    ]


def _key_suggestions(
    searcher: tantivy.Searcher, schema: tantivy.Schema, field: str, prefix: str, limit: int
) -> list[str]:
    """Values whose suggestion keys start with `prefix`, most used first; typo-tolerant when the prefix is long
    enough to have a typo budget and exact prefixes found too few."""
    counts: dict[str, int] = {}
    for key, n in searcher.terms_with_prefix(field, prefix, limit=limit * 4):
        shown = key.partition(KEY_SEP)[2]
        counts[shown] = counts.get(shown, 0) + n
    budget = typo_budget(prefix)
    if len(counts) < limit and budget:
        qw = QueryWord(prefix, prefix[0] + prefix, budget, True)
        near = Query.fuzzy_term_query(schema, field, prefix, distance=budget, transposition_cost_one=True, prefix=True)
        agg = searcher.aggregate(near, {"k": {"terms": {"field": field, "size": _FUZZY_SUGGEST_CANDIDATES}}})
        for bucket in agg.get("k", {}).get("buckets", []):
            text, _, shown = str(bucket["key"]).partition(KEY_SEP)
            if shown not in counts and token_matches(qw, text):
                counts[shown] = int(bucket["doc_count"])
    return sorted(counts, key=lambda s: (-counts[s], s))[:limit]


def suggest(searcher: tantivy.Searcher, schema: tantivy.Schema, prefix: str, limit: int) -> list[Suggestion]:
    found, _ = parse_query(prefix)
    key_prefix = fold(prefix.strip())
    if not found or limit <= 0:
        return []
    lists: list[list[Suggestion]] = [_title_suggestions(searcher, schema, query_words(found, True), limit)]
    for kind, field in SUGGEST_FIELDS.items():
        lists.append(
            [Suggestion(text=v, kind=kind) for v in _key_suggestions(searcher, schema, field, key_prefix, limit)]
        )
    return interleave(lists, limit)


def interleave(lists: Iterable[list[Suggestion]], limit: int) -> list[Suggestion]:
    """Round-robin over the kinds (title, tag, node, user) so one kind cannot crowd out the others."""
    queues = [list(x) for x in lists]
    out: list[Suggestion] = []
    seen: set[tuple[str, str, int | None]] = set()
    while len(out) < limit and any(queues):
        for q in queues:
            if q and len(out) < limit:
                s = q.pop(0)
                if (s.kind, s.text, s.id) not in seen:
                    seen.add((s.kind, s.text, s.id))
                    out.append(s)
    return out
