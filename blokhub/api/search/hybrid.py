"""Hybrid ranking: keyword ranks fused with semantic nearest neighbours (reciprocal rank fusion).

Both lists are cut to the same candidate window; semantic candidates must pass every filter (checked by the keyword
engine restricted to their ids), and facets are counted over the fused candidate set, so filters and facets mean
the same thing with or without ``semantic_ratio``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from blokhub.indexers.search import SearchEngine, SearchHit, SearchQuery, SearchResult
from blokhub.indexers.vectors import Embedder, VectorEngine, VectorFilter

log = logging.getLogger(__name__)

WINDOW = 100  # candidates taken from each list
RRF_K = 60  # the usual constant: ranks matter, small differences at the top less so


async def hybrid_search(
    engine: SearchEngine, vectors: VectorEngine, embedder: Embedder, query: SearchQuery, ratio: float
) -> SearchResult:
    keyword = await engine.search(replace(query, page=1, per_page=WINDOW, facets=[]))
    try:
        vector = await embedder.embed_one(query.q)
        f = query.filters
        near = await vectors.search(vector, WINDOW, VectorFilter(tags=f.tags, nodes=f.nodes, trigger=f.trigger))
    except Exception as exc:  # semantic side down: keyword results still answer
        log.warning("semantic search unavailable, keyword only: %s", exc)
        return await engine.search(query)
    passing = await engine.search(SearchQuery(q="", filters=query.filters, ids=[h.id for h in near], per_page=WINDOW))
    allowed = {h.id for h in passing.hits}
    semantic = [h for h in near if h.id in allowed]
    scores: dict[int, float] = {}
    for rank, hit in enumerate(keyword.hits):
        scores[hit.id] = scores.get(hit.id, 0.0) + (1 - ratio) / (RRF_K + rank + 1)
    for rank, near_hit in enumerate(semantic):
        scores[near_hit.id] = scores.get(near_hit.id, 0.0) + ratio / (RRF_K + rank + 1)
    fused = sorted(scores, key=lambda i: -scores[i])
    highlights = {h.id: h.highlights for h in keyword.hits}
    facets: dict[str, dict[str, int]] = {}
    if query.facet_names() and fused:
        facets = (
            await engine.search(SearchQuery(q="", filters=query.filters, ids=fused, facets=query.facets, per_page=1))
        ).facets
    offset, limit = query.window()
    page = [
        SearchHit(id=i, score=scores[i] * 1000, highlights=highlights.get(i, {}))
        for i in fused[offset : offset + limit]
    ]
    return SearchResult(
        hits=page, total=len(fused), facets=facets, matched_words=keyword.matched_words, took_ms=keyword.took_ms
    )
