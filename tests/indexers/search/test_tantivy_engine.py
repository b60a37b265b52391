"""The embedded engine beyond the contract: persistence, generations on disk, threading, and agreement between
the Python highlighter's typo rules and tantivy's Levenshtein automata."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
import tantivy

from blokhub.indexers.search import (
    FACETS,
    SearchDocument,
    SearchEngine,
    SearchQuery,
    TantivySearchEngine,
    create_search_engine,
)
from blokhub.indexers.search._words import keyed, query_words, token_matches


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


async def test_index_survives_reopen(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    engine = TantivySearchEngine(tmp_path / "search")
    await engine.open()
    await engine.upsert(corpus)
    await engine.delete([3])
    await engine.close()
    again = TantivySearchEngine(tmp_path / "search")
    await again.open()
    try:
        assert await again.count() == len(corpus) - 1
        assert [h.id for h in (await again.search(SearchQuery(q="zebra twin"))).hits] == [41, 40]
    finally:
        await again.close()


async def test_rebuild_replaces_the_generation_on_disk(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    root = tmp_path / "search"
    engine = TantivySearchEngine(root)
    await engine.open()
    try:
        await engine.upsert(corpus[:10])
        before = generations(root)

        async def source() -> AsyncIterator[Sequence[SearchDocument]]:
            yield corpus[10:20]

        assert await engine.rebuild(source()) == 10
        after = generations(root)
        assert len(before) == len(after) == 1 and before != after
        assert (root / "CURRENT").read_text() == after[0]
        assert await engine.all_ids() == {d.id for d in corpus[10:20]}
    finally:
        await engine.close()


async def test_failed_rebuild_removes_its_partial_generation(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    root = tmp_path / "search"
    engine = TantivySearchEngine(root)
    await engine.open()
    try:
        before = generations(root)

        async def broken() -> AsyncIterator[Sequence[SearchDocument]]:
            yield corpus
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await engine.rebuild(broken())
        assert generations(root) == before
    finally:
        await engine.close()


async def test_threaded_search_with_parallel_facets_matches_inline(
    tmp_path: Path, corpus: list[SearchDocument]
) -> None:
    inline = TantivySearchEngine(tmp_path / "a")
    threaded = TantivySearchEngine(tmp_path / "b", inline_max_docs=0)
    for engine in (inline, threaded):
        await engine.open()
        await engine.upsert(corpus)
    try:
        for q in ("slack", "git", "payments stripe qqq", "", "notifcation"):
            query = SearchQuery(q=q, facets=list(FACETS), per_page=100)
            a, b = await inline.search(query), await threaded.search(query)
            assert [h.id for h in a.hits] == [h.id for h in b.hits]
            assert (a.total, a.facets, a.matched_words) == (b.total, b.facets, b.matched_words)
    finally:
        await inline.close()
        await threaded.close()


def test_highlighter_rules_agree_with_tantivy_automata() -> None:
    """Random words over a small alphabet (many near misses): the Python rule used for highlighting accepts
    exactly what tantivy's fuzzy/prefix automata match, except that for a prefix with two typos tantivy's
    automaton is occasionally stricter (the highlighter may then mark one extra word; it never misses one)."""
    rnd = random.Random(3)
    alphabet = "abcst"
    tokens = sorted({"".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 11))) for _ in range(1500)})
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", fast=True, indexed=True)
    sb.add_text_field("t", tokenizer_name="whitespace", index_option="basic")
    schema = sb.build()
    index = tantivy.Index(schema)
    writer = index.writer(15_000_000, 1)
    for i, token in enumerate(tokens):
        writer.add_document(tantivy.Document(id=i, t=keyed(token)))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    for _ in range(200):
        word = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 10)))
        for prefix in (False, True):
            qw = query_words([word], prefix)[0]
            query = tantivy.Query.fuzzy_term_query(schema, "t", qw.key, distance=qw.typos, prefix=prefix)
            hits = searcher.search(query, len(tokens), count=False).hits
            by_tantivy = {tokens[int(i or 0)] for i in searcher.fast_field_values("id", [a for _, a in hits])}
            by_python = {t for t in tokens if token_matches(qw, t)}
            if prefix and qw.typos == 2:
                assert by_tantivy <= by_python, word
            else:
                assert by_tantivy == by_python, (word, prefix)


def test_factory_selects_the_engine(tmp_path: Path) -> None:
    embedded = create_search_engine(data_dir=tmp_path, meilisearch_url=None, meilisearch_key=None)
    assert isinstance(embedded, TantivySearchEngine) and embedded.path == tmp_path / "search"
    server = create_search_engine(data_dir=tmp_path, meilisearch_url="http://127.0.0.1:7700", meilisearch_key="k")
    assert server.name == "meilisearch"
    assert isinstance(embedded, SearchEngine) and isinstance(server, SearchEngine)


async def test_an_index_of_another_schema_version_is_replaced(tmp_path: Path) -> None:
    root = tmp_path / "search"
    old = root / "gen-v0-1"
    old.mkdir(parents=True)
    (old / "meta.json").write_text("{}")
    (root / "CURRENT").write_text(old.name)
    engine = TantivySearchEngine(root)
    await engine.open()
    try:
        assert await engine.count() == 0  # empty: the caller's convergence check reindexes
        assert not old.exists() and generations(root) == [(root / "CURRENT").read_text()]
    finally:
        await engine.close()


def _tagged(i: int) -> SearchDocument:
    # Three tags in known shares (1/2, 1/4, 1/4); "ba" is a prefix of every title.
    tag = ["alpha", "alpha", "beta", "gamma"][i % 4]
    return SearchDocument(
        id=i,
        title=f"Backup job {i}",
        description="",
        tags=[tag],
        nodes=["noop"],
        step_names=[],
        author="erin",
        author_name="Erin",
        trigger="cron" if i % 2 else "http",
        method=None,
        runtimes=["python3"],
        has_branches=False,
        created_at=float(i),
        updated_at=float(i),
        favorites=0,
        forks=0,
        views=0,
        rating_score=0.0,
        rating_count=0,
        trending=0.0,
        popularity=0.0,
    )


async def test_facets_over_huge_result_sets_are_estimated_from_a_sample(tmp_path: Path) -> None:
    engine = TantivySearchEngine(tmp_path / "search", exact_facets_up_to=1_000)
    await engine.open()
    try:
        await engine.upsert([_tagged(i) for i in range(1, 4_001)])
        wide = await engine.search(SearchQuery(q="ba", facets=["tags", "trigger"]))  # 4,000 matches
        assert wide.total == 4_000 and not wide.facets_exact
        tags = wide.facets["tags"]
        assert set(tags) == {"alpha", "beta", "gamma"} and all(n % 16 == 0 for n in tags.values())
        for value, share in (("alpha", 0.5), ("beta", 0.25), ("gamma", 0.25)):
            assert tags[value] == pytest.approx(4_000 * share, rel=0.25)  # ~250 sampled documents
        narrow = await engine.search(SearchQuery(q="job 7", facets=["tags"]))  # a handful: exact
        assert narrow.facets_exact and sum(narrow.facets["tags"].values()) == narrow.total
        exact = TantivySearchEngine(tmp_path / "exact")  # the default threshold: this index is small, all exact
        await exact.open()
        try:
            await exact.upsert([_tagged(i) for i in range(1, 4_001)])
            counted = await exact.search(SearchQuery(q="ba", facets=["tags"]))
            assert counted.facets_exact and counted.facets["tags"] == {"alpha": 2_000, "beta": 1_000, "gamma": 1_000}
        finally:
            await exact.close()
    finally:
        await engine.close()


async def test_short_prefixes_match_through_their_own_terms(tmp_path: Path, corpus: list[SearchDocument]) -> None:
    # 1-3 letter prefixes (no typo budget) match through the indexed prefix terms: exactly the words they start.
    engine = TantivySearchEngine(tmp_path / "search")
    await engine.open()
    try:
        await engine.upsert(corpus)
        for word in ("zeb", "ze", "z", "sl", "sla", "api", "x"):
            hits = {h.id for h in (await engine.search(SearchQuery(q=word, per_page=100))).hits}
            expected = {d.id for d in corpus if any(t.startswith(word) for t in _words_of(d))}
            assert hits == expected, word
    finally:
        await engine.close()


def _words_of(doc: SearchDocument) -> list[str]:
    from blokhub.indexers.search._words import words

    texts = [doc.title, doc.description, *doc.tags, *doc.nodes, *doc.step_names, doc.author, doc.author_name]
    return [w for t in texts for w in words(t)]
