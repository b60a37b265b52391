"""Contract: which documents match a query and how they are ranked and highlighted (every engine)."""

from __future__ import annotations

from typing import Any

import pytest

from blokhub.indexers.search import SearchEngine, SearchQuery
from blokhub.indexers.search._words import fold, parse_query, query_words, token_matches

SLACK_DOCS = {1, 2, 3, 21, 25, 27, 32}  # "slack" in a title, tag, node or description


def expected(docs: Any, q: str) -> set[int]:
    """Documents in which every query word matches some word under the typo/prefix rules (the oracle)."""
    qws = query_words(*parse_query(q))
    return {d.id for d in docs.docs if all(any(token_matches(qw, fold(w)) for w in docs.words(d)) for qw in qws)}


async def ids(engine: SearchEngine, q: str, **kw: object) -> list[int]:
    res = await engine.search(SearchQuery(q=q, per_page=100, **kw))  # type: ignore[arg-type]
    assert res.total == len(res.hits)
    return [h.id for h in res.hits]


@pytest.mark.parametrize(
    ("q", "must_include"),
    [
        ("slak", SLACK_DOCS),  # 4 letters, one typo (the contract's reason for oneTypo = 4)
        ("notifcation", {3, 11, 12, 31, 38}),  # a missing letter in a long word
        ("githbu", {1, 6, 7, 18, 33}),  # a transposition counts as one typo
        ("git", {1, 6, 7, 18, 33, 38}),  # prefix: github and gitlab
        ("stri", {2, 4, 5, 19, 24}),  # prefix: stripe
        ("Slack", SLACK_DOCS),  # case-insensitive
    ],
)
async def test_typos_and_prefixes(engine: SearchEngine, docs: Any, q: str, must_include: set[int]) -> None:
    found = set(await ids(engine, q))
    assert must_include <= found
    assert found == expected(docs, q)


async def test_short_words_allow_no_typo(engine: SearchEngine) -> None:
    assert await ids(engine, "apu ") == []  # 3 letters: no typo, so not "api"
    assert await ids(engine, "sms ") == [12]
    assert set(await ids(engine, "slck ")) == SLACK_DOCS  # from 4 letters one typo is allowed


async def test_first_letter_typo_costs_two(engine: SearchEngine) -> None:
    # "flack" is one substitution away from "slack", but on the first letter: two typos, over the budget of one.
    assert await ids(engine, "flack ") == []


async def test_all_words_must_match(engine: SearchEngine, docs: Any) -> None:
    res = await engine.search(SearchQuery(q="slack stripe"))
    assert {h.id for h in res.hits} == expected(docs, "slack stripe") == {2}
    assert res.matched_words == 2
    assert set(await ids(engine, "postgres backup")) == {8}


async def test_words_are_dropped_from_the_end_when_nothing_matches(engine: SearchEngine, docs: Any) -> None:
    res = await engine.search(SearchQuery(q="slack stripe qqqzzz", per_page=100))
    assert res.matched_words == 2
    assert {h.id for h in res.hits} == expected(docs, "slack stripe ")
    res = await engine.search(SearchQuery(q="slack qqqzzz xxxyyy", per_page=100))
    assert res.matched_words == 1
    # After dropping, "slack" is a finished word (no longer a prefix); with its one typo it finds the same docs.
    assert {h.id for h in res.hits} == SLACK_DOCS
    res = await engine.search(SearchQuery(q="qqqzzz slack"))
    assert (res.total, res.hits, res.matched_words) == (0, [], 2)  # nothing matches even one word


async def test_title_matches_rank_above_description_matches(engine: SearchEngine) -> None:
    order = await ids(engine, "slack")
    assert order.index(32) > max(order.index(i) for i in (1, 2, 3, 21, 25, 27))


async def test_words_as_typed_rank_above_typos(engine: SearchEngine) -> None:
    order = await ids(engine, "stri")
    assert 21 in order  # "<script>": a prefix with one typo
    assert order.index(21) > max(order.index(i) for i in (2, 4, 5, 19, 24))


async def test_popularity_breaks_ties(engine: SearchEngine) -> None:
    assert await ids(engine, "zebra twin") == [41, 40]  # identical text; 41 is the more popular


async def test_highlights_mark_exact_typo_and_prefix_matches(engine: SearchEngine) -> None:
    for q in ("slack", "slak"):
        res = await engine.search(SearchQuery(q=q, per_page=100))
        by_id = {h.id: h.highlights for h in res.hits}
        assert by_id[1]["title"] == "<mark>Slack</mark> notifier for new GitHub issues"
        assert "<mark>Slack</mark>" in by_id[1]["description"]
    res = await engine.search(SearchQuery(q="git", per_page=100))
    titles = {h.id: h.highlights["title"] for h in res.hits}
    assert titles[38].startswith("<mark>Git") and "</mark>" in titles[38]


async def test_highlights_escape_html(engine: SearchEngine) -> None:
    res = await engine.search(SearchQuery(q="script", ids=[21]))
    marks = res.hits[0].highlights
    assert "<script>" not in marks["title"] and "&lt;" in marks["title"]
    assert "<mark>script</mark>" in marks["title"]
    assert "<b>" not in marks["description"] and "&lt;b&gt;" in marks["description"]
    assert "&amp;" in marks["description"]


async def test_description_snippet_is_cropped_around_the_match(engine: SearchEngine, docs: Any) -> None:
    res = await engine.search(SearchQuery(q="slack", ids=[32]))
    snippet = res.hits[0].highlights["description"]
    assert "<mark>Slack</mark>" in snippet
    plain = snippet.replace("<mark>", "").replace("</mark>", "")
    assert len(plain) < len(docs.by_id[32].description) and len(plain) <= 220
    assert snippet.startswith("…") and snippet.endswith("…")
    short = (await engine.search(SearchQuery(q="digest", ids=[2]))).hits[0].highlights["description"]
    assert short == "Collects yesterday&#x27;s charges and posts a <mark>digest</mark>."
