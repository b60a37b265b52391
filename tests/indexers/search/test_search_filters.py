"""Contract: filters, exact facet counts, sorts, pagination and id restriction (every engine)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from blokhub.indexers.search import FACETS, SearchDocument, SearchEngine, SearchFilters, SearchQuery
from blokhub.indexers.search.search_types import MAX_PER_PAGE

NOW, DAY = 1_760_000_000.0, 86_400.0  # the corpus clock (conftest.NOW)
FILTER_CASES: list[tuple[str, SearchFilters, Callable[[SearchDocument], bool]]] = [
    ("tag", SearchFilters(tags=["slack"]), lambda d: "slack" in d.tags),
    ("any case", SearchFilters(tags=["Slack"], method="post"), lambda d: "slack" in d.tags and d.method == "POST"),
    ("all tags", SearchFilters(tags=["slack", "notifications"]), lambda d: {"slack", "notifications"} <= set(d.tags)),
    ("trigger", SearchFilters(trigger="cron"), lambda d: d.trigger == "cron"),
    ("method", SearchFilters(method="GET"), lambda d: d.method == "GET"),
    ("dialect", SearchFilters(dialect="v2"), lambda d: d.dialect == "v2"),
    ("method any", SearchFilters(method="*"), lambda d: d.method == "*"),
    ("runtime", SearchFilters(runtime="python3"), lambda d: "python3" in d.runtimes),
    ("node", SearchFilters(nodes=["@nanoservice-ts/api-call"]), lambda d: "@nanoservice-ts/api-call" in d.nodes),
    (
        "all nodes",
        SearchFilters(nodes=["postgres-query", "@nanoservice-ts/api-call"]),
        lambda d: {"postgres-query", "@nanoservice-ts/api-call"} <= set(d.nodes),
    ),
    ("author", SearchFilters(author="carol"), lambda d: d.author == "carol"),
    ("builtins only", SearchFilters(requirements="builtins_only"), lambda d: "builtins_only" in d.requirements),
    (
        "needs template nodes",
        SearchFilters(requirements="needs_template_nodes"),
        lambda d: "needs_template_nodes" in d.requirements,
    ),
    ("branches", SearchFilters(has_branches=True), lambda d: d.has_branches),
    ("no branches", SearchFilters(has_branches=False), lambda d: not d.has_branches),
    ("min rating", SearchFilters(min_rating=4.0), lambda d: d.rating_average >= 4.0),
    ("created after", SearchFilters(created_after=NOW - 60 * DAY), lambda d: d.created_at >= NOW - 60 * DAY),
    ("created before", SearchFilters(created_before=NOW - 300 * DAY), lambda d: d.created_at <= NOW - 300 * DAY),
    (
        "combined",
        SearchFilters(trigger="http", runtime="typescript", min_rating=3.5, created_after=NOW - 200 * DAY),
        lambda d: (
            d.trigger == "http"
            and "typescript" in d.runtimes
            and d.rating_average >= 3.5
            and d.created_at >= NOW - 200 * DAY
        ),
    ),
    ("nothing", SearchFilters(author="nobody"), lambda d: False),
]


async def hit_ids(engine: SearchEngine, **kw: object) -> list[int]:
    res = await engine.search(SearchQuery(per_page=100, **kw))  # type: ignore[arg-type]
    assert res.total == len(res.hits)
    return [h.id for h in res.hits]


@pytest.mark.parametrize(("name", "filters", "pred"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES])
async def test_filters(
    engine: SearchEngine, docs: Any, name: str, filters: SearchFilters, pred: Callable[[SearchDocument], bool]
) -> None:
    assert set(await hit_ids(engine, filters=filters)) == docs.where(pred)
    text = set(await hit_ids(engine, q="slack"))
    assert set(await hit_ids(engine, q="slack", filters=filters)) == text & docs.where(pred)


@pytest.mark.parametrize(
    ("q", "filters"),
    [
        ("", SearchFilters()),
        ("slack", SearchFilters()),
        ("git", SearchFilters(runtime="typescript")),
        ("", SearchFilters(trigger="http", has_branches=False)),
        ("api", SearchFilters(min_rating=3.0)),
        ("payments stripe", SearchFilters()),
    ],
)
async def test_facet_counts_are_exact(engine: SearchEngine, docs: Any, q: str, filters: SearchFilters) -> None:
    res = await engine.search(SearchQuery(q=q, filters=filters, facets=list(FACETS), per_page=100))
    matched = {h.id for h in res.hits}
    assert res.total == len(matched) > 0
    assert set(res.facets) == set(FACETS)
    for facet in FACETS:
        assert res.facets[facet] == docs.facet_counts(matched, facet), facet


async def test_unknown_and_repeated_facets_are_ignored(engine: SearchEngine) -> None:
    res = await engine.search(SearchQuery(q="stripe", facets=["trigger", "bogus", "trigger"]))  # type: ignore[list-item]
    assert list(res.facets) == ["trigger"] and sum(res.facets["trigger"].values()) == res.total


async def test_facets_for_no_hits_are_empty(engine: SearchEngine) -> None:
    res = await engine.search(SearchQuery(q="qqqzzz", facets=["tags", "author"]))
    assert res.total == 0 and res.facets == {"tags": {}, "author": {}}


SORT_KEYS: dict[str, Callable[[SearchDocument], float]] = {
    "newest": lambda d: d.created_at,
    "updated": lambda d: d.updated_at,
    "favorites": lambda d: d.favorites,
    "top_rated": lambda d: d.rating_score,
    "trending": lambda d: d.trending,
}


@pytest.mark.parametrize("sort", list(SORT_KEYS))
@pytest.mark.parametrize("q", ["", "slack", "api"])
async def test_sorts(engine: SearchEngine, docs: Any, sort: str, q: str) -> None:
    relevance = await hit_ids(engine, q=q)
    order = await hit_ids(engine, q=q, sort=sort)
    assert set(order) == set(relevance)
    keys = [SORT_KEYS[sort](docs.by_id[i]) for i in order]
    assert keys == sorted(keys, reverse=True)


async def test_browse_without_query_uses_popularity_for_relevance(engine: SearchEngine, docs: Any) -> None:
    order = await hit_ids(engine)
    assert len(order) == len(docs.docs)
    pops = [docs.by_id[i].popularity for i in order]
    assert pops == sorted(pops, reverse=True)


async def test_pagination(engine: SearchEngine, docs: Any) -> None:
    seen: list[int] = []
    for page in range(1, 7):
        res = await engine.search(SearchQuery(sort="newest", page=page, per_page=7))
        assert res.total == len(docs.docs)
        assert len(res.hits) == (7 if page < 6 else len(docs.docs) - 35)
        seen += [h.id for h in res.hits]
    assert len(seen) == len(set(seen)) == len(docs.docs)
    beyond = await engine.search(SearchQuery(sort="newest", page=7, per_page=7))
    assert beyond.hits == [] and beyond.total == len(docs.docs)
    big = await engine.search(SearchQuery(per_page=1000))
    assert len(big.hits) == min(MAX_PER_PAGE, len(docs.docs))
    relevance = [h.id for h in (await engine.search(SearchQuery(q="slack", per_page=3, page=2))).hits]
    assert relevance == (await hit_ids(engine, q="slack"))[3:6]


async def test_ids_restrict_results(engine: SearchEngine) -> None:
    assert set(await hit_ids(engine, q="slack", ids=[1, 2, 3, 4, 5])) == {1, 2, 3}
    assert set(await hit_ids(engine, ids=[4, 5, 999])) == {4, 5}
    res = await engine.search(SearchQuery(q="slack", ids=[], facets=["tags"]))
    assert (res.total, res.hits, res.facets) == (0, [], {"tags": {}})
    res = await engine.search(SearchQuery(ids=[1, 2], facets=["author"]))
    assert res.facets == {"author": {"alice": 1, "bob": 1}}
