"""Synchronous search and suggest over one tantivy searcher (the engine runs these off the event loop)."""

from __future__ import annotations

from concurrent.futures import Executor

import tantivy
from tantivy import Order, Query

from blokhub.indexers.search._highlight import Marker
from blokhub.indexers.search._suggest import completes, interleave
from blokhub.indexers.search._tantivy_facets import EXACT_UP_TO, FacetCache, estimated_facet_counts
from blokhub.indexers.search._tantivy_query import combine, filter_queries, match_query, ranked_query
from blokhub.indexers.search._tantivy_schema import SORT_FIELDS, SUGGEST_FIELDS, source
from blokhub.indexers.search._words import (
    KEY_SEP,
    QueryWord,
    fold,
    keyed,
    parse_query,
    query_words,
    token_matches,
    typo_budget,
)
from blokhub.indexers.search.search_types import SearchHit, SearchQuery, SearchResult, Suggestion

_RANK_WEIGHT = "rank_weight"
_FUZZY_SUGGEST_CANDIDATES = 2_000
_CARRIERS = 3


def _count(res: tantivy.SearchResult) -> int:
    # `count` exists at run time (we always pass count=True) but is missing from tantivy's type stubs.
    return int(getattr(res, "count", 0) or 0)


def _run(
    searcher: tantivy.Searcher, query: Query, sort: str, ranked: bool, offset: int, limit: int
) -> tuple[list[tuple[float, tantivy.DocAddress]], int]:
    # `weight_by_field` multiplies scores by the popularity factor; without query words every score is equal and
    # the relevance order is the popularity order itself.
    if sort == "relevance" and ranked:
        res = searcher.search(query, limit, count=True, offset=offset, weight_by_field=_RANK_WEIGHT)
        return [(float(s), a) for s, a in res.hits], _count(res)
    res = searcher.search(query, limit, count=True, order_by_field=SORT_FIELDS[sort], offset=offset, order=Order.Desc)
    return [(0.0, a) for _, a in res.hits], _count(res)


def search(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: SearchQuery,
    pool: Executor | None = None,
    cache: FacetCache | None = None,
    version: int = 0,
    exact_facets_up_to: int = EXACT_UP_TO,
) -> SearchResult:
    """Run `query`. With a `pool`, facet counts for the full query start at once on another thread (tantivy
    releases the GIL, so they use the second core) and overlap the top-k search and the highlighting. With a
    `cache`, counts computed for the same words, filters and reader `version` are reused. Counts over more than
    about `exact_facets_up_to` matches are estimated (see `_tantivy_facets`)."""
    offset, limit = query.window()
    found, typing = parse_query(query.q)
    facet_names = query.facet_names()
    empty_facets: dict[str, dict[str, int]] = {f: {} for f in facet_names}
    if query.ids is not None and not query.ids:
        return SearchResult([], 0, empty_facets, len(found), 0.0)
    filters = filter_queries(schema, query.filters, query.ids)
    qws = query_words(found, typing)
    matching = full = combine(match_query(schema, qws) if qws else None, filters)
    key = (version, tuple(found), typing, repr(query.filters), tuple(query.ids or ()), tuple(facet_names))
    cached = cache.get(key) if cache is not None and facet_names else None
    pending = None
    if pool is not None and facet_names and cached is None:
        pending = pool.submit(estimated_facet_counts, searcher, schema, full, facet_names, exact_facets_up_to)
    # Scores are only computed when they order the page; a field sort runs on the cheaper matching query.
    relevance = query.sort == "relevance" and bool(qws)
    ranked = combine(ranked_query(schema, qws), filters) if relevance else full
    hits, total = _run(searcher, ranked, query.sort, relevance, offset, limit)
    # All words must match; when nothing does, drop words from the end (Meilisearch's "last" strategy). The last
    # word is a prefix only while it is the word being typed, i.e. never after dropping.
    n = len(found)
    while not total and n > 1:
        n -= 1
        qws = query_words(found[:n], False)
        matching = combine(match_query(schema, qws), filters)
        ranked = combine(ranked_query(schema, qws), filters) if relevance else matching
        hits, total = _run(searcher, ranked, query.sort, relevance, offset, limit)
    if not total:  # nothing matches even one word: report the query as asked
        n, qws, matching = len(found), query_words(found, typing), full
    ids = searcher.fast_field_values("id", [a for _, a in hits]) if hits else []
    out: list[SearchHit] = []
    marker = Marker(qws)
    for (score, addr), doc_id in zip(hits, ids, strict=True):
        title, description = source(searcher.doc(addr))
        marks = {"title": marker.highlight(title), "description": marker.snippet(description)}
        out.append(SearchHit(id=int(doc_id or 0), score=score, highlights=marks))
    exact = True
    if not total or not facet_names:
        facets = empty_facets
    elif matching is not full:  # words were dropped: count for the query that matched
        facets, exact = estimated_facet_counts(searcher, schema, matching, facet_names, exact_facets_up_to)
    else:
        if cached is None:
            if pending is not None:
                cached = pending.result()
            else:
                cached = estimated_facet_counts(searcher, schema, full, facet_names, exact_facets_up_to)
            if cache is not None:
                cache.put(key, cached)
        counted, exact = cached
        facets = {name: dict(counts) for name, counts in counted.items()}
    return SearchResult(hits=out, total=total, facets=facets, matched_words=n, took_ms=0.0, facets_exact=exact)


def _title_suggestions(
    searcher: tantivy.Searcher, schema: tantivy.Schema, qws: list[QueryWord], limit: int
) -> list[Suggestion]:
    title_q = match_query(schema, qws, field="s_title")
    # Clones share a title and are shown once: fetch a few more so that `limit` distinct titles can remain.
    res = searcher.search(title_q, limit * 3, count=False, weight_by_field=_RANK_WEIGHT)
    if not res.hits:
        return []
    ids = searcher.fast_field_values("id", [a for _, a in res.hits])
    typed = [q.word for q in qws]
    out = []
    for (_, a), i in zip(res.hits, ids, strict=True):
        title = source(searcher.doc(a))[0]
        out.append(Suggestion(text=title, kind="title", id=int(i or 0), completes=completes(typed, title)))
    return out


def _key_suggestions(searcher: tantivy.Searcher, field: str, prefix: str, limit: int) -> list[tuple[str, bool, str]]:
    """(value, completes, one of its keys) for values whose suggestion keys start with `prefix`, most used first;
    then, when the prefix is long enough to have a typo budget and exact prefixes found too few, typo matches
    (completes False)."""
    counts: dict[str, int] = {}
    keys: dict[str, str] = {}
    # A value has several keys (one per word start) with the same count: keep the max, do not add them up.
    for key, n in searcher.terms_with_prefix(field, prefix, limit=limit * 4):
        shown = key.partition(KEY_SEP)[2]
        counts[shown] = max(counts.get(shown, 0), n)
        keys.setdefault(shown, key)
    exact = set(counts)
    budget = typo_budget(prefix)
    if len(counts) < limit and budget:
        # A first-letter typo costs two (see `_words`), so completions with a typo share the first letter: the
        # candidates are the most used keys under that letter, checked with the highlighter's rule.
        qw = QueryWord(prefix, keyed(prefix), budget, True)
        for key, n in searcher.terms_with_prefix(field, prefix[0], limit=_FUZZY_SUGGEST_CANDIDATES):
            text, _, shown = key.partition(KEY_SEP)
            if token_matches(qw, text):
                counts[shown] = max(counts.get(shown, 0), n)
                keys.setdefault(shown, key)
    ordered = sorted(counts, key=lambda s: (s not in exact, -counts[s], s))[:limit]
    return [(s, s in exact, keys[s]) for s in ordered]


def suggest(searcher: tantivy.Searcher, schema: tantivy.Schema, prefix: str, limit: int) -> list[Suggestion]:
    found, _ = parse_query(prefix)
    key_prefix = fold(prefix.strip())
    if not found or limit <= 0:
        return []
    lists: list[list[Suggestion]] = [_title_suggestions(searcher, schema, query_words(found, True), limit)]
    term_of: dict[tuple[str, str], str] = {}
    for kind, field in SUGGEST_FIELDS.items():
        keys = _key_suggestions(searcher, field, key_prefix, limit)
        lists.append([Suggestion(text=v, kind=kind, completes=c) for v, c, _ in keys])
        term_of.update({(kind, v): key for v, _, key in keys})
    out = interleave(lists, limit)
    for s in out:
        if s.kind != "title":
            s.carriers = _carriers(searcher, schema, SUGGEST_FIELDS[s.kind], term_of[(s.kind, s.text)])
    return out


def _carriers(searcher: tantivy.Searcher, schema: tantivy.Schema, field: str, key: str) -> tuple[int, ...]:
    """A few live documents holding suggestion key ``key``: PostgreSQL checks these first (by primary key) that the
    value still names something listed, instead of looking through every workflow with it."""
    res = searcher.search(Query.term_query(schema, field, key), _CARRIERS, count=False)
    if not res.hits:
        return ()
    return tuple(int(i) for i in searcher.fast_field_values("id", [a for _, a in res.hits]) if i is not None)
