"""Exact facet counts with tantivy's terms aggregation over the keyword fast columns.

Counts are for the current query and filters. `segment_size` is set far above any field's distinct values per
segment, so every segment reports every value and the merged counts are exact (tantivy reports
`doc_count_error_upper_bound` = 0); only the number of values returned is capped (`MAX_FACET_VALUES`, the most
frequent ones, as Meilisearch's `maxValuesPerFacet` with values sorted by count).

Exact counts cost ~150 ns per matching document and facet: 150-210 ms for a query matching most of a million
documents, the whole latency budget several times over. So `estimated_facet_counts` first counts over one sample
bucket (1/16 of the documents, chosen by a hash of the id); when that predicts more than `EXACT_UP_TO` matches,
the sample's counts scaled up are the answer, flagged as estimates (as Algolia's `exhaustiveFacetsCount` and
Elasticsearch's sampler do). Smaller result sets, every result set of a small index included, get exact counts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any

import tantivy
from tantivy import Occur, Query

from blokhub.indexers.search._tantivy_schema import KEYWORD_FIELDS, SAMPLE_BUCKETS, SAMPLE_FIELD
from blokhub.indexers.search.search_types import MAX_FACET_VALUES

_SEGMENT_SIZE = 1 << 20
EXACT_UP_TO = 30_000  # estimated matches above which counts are estimated (~1,900 sampled documents at least)
_FIELDS = {**KEYWORD_FIELDS, "has_branches": "has_branches"}


def facet_request(facets: Sequence[str]) -> dict[str, Any]:
    return {
        name: {"terms": {"field": _FIELDS[name], "size": MAX_FACET_VALUES, "segment_size": _SEGMENT_SIZE}}
        for name in dict.fromkeys(facets)
        if name in _FIELDS
    }


def facet_counts(searcher: tantivy.Searcher, query: tantivy.Query, facets: Sequence[str]) -> dict[str, dict[str, int]]:
    request = facet_request(facets)
    if not request:
        return {}
    result = searcher.aggregate(query, request)
    out: dict[str, dict[str, int]] = {}
    for name in request:
        buckets = result.get(name, {}).get("buckets", [])
        out[name] = {str(b.get("key_as_string", b["key"])): int(b["doc_count"]) for b in buckets}
    return out


def estimated_facet_counts(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: tantivy.Query,
    facets: Sequence[str],
    exact_up_to: int = EXACT_UP_TO,
) -> tuple[dict[str, dict[str, int]], bool]:
    """(counts, exact): exact counts unless the query matches more than about `exact_up_to` documents."""
    if not facet_request(facets):
        return {}, True
    sample = Query.boolean_query([(Occur.Must, query), (Occur.Must, Query.term_query(schema, SAMPLE_FIELD, 0))])
    sampled = searcher.search(sample, 1, count=True)
    if int(getattr(sampled, "count", 0) or 0) * SAMPLE_BUCKETS <= exact_up_to:
        return facet_counts(searcher, query, facets), True
    counts = facet_counts(searcher, sample, facets)
    return {name: {value: n * SAMPLE_BUCKETS for value, n in values.items()} for name, values in counts.items()}, False


class FacetCache:
    """Facet counts of recent queries. Keys include the reader version, which every commit and swap bumps, so an
    entry is only ever read with the index state it was computed on. Pagination and repeated popular queries
    then pay for the counts once; the cost of a miss is one dict lookup."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._data: OrderedDict[Hashable, tuple[dict[str, dict[str, int]], bool]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[dict[str, dict[str, int]], bool] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: tuple[dict[str, dict[str, int]], bool]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)
