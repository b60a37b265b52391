"""Contract: what every vector engine does the same (Edge, the server engine on local mode, a real server)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from blokhub.indexers.vectors import VectorEngine, VectorFilter
from tests.indexers.vectors.conftest import LOCAL_MODE_WARNING, Corpus

pytestmark = pytest.mark.filterwarnings(LOCAL_MODE_WARNING)


async def test_ping_count_and_ids(engine: VectorEngine, corpus: Corpus) -> None:
    assert await engine.ping()
    assert await engine.count() == len(corpus.points)
    assert await engine.all_ids() == corpus.ids


async def test_upsert_is_idempotent_and_replaces(engine: VectorEngine, corpus: Corpus) -> None:
    moved = replace(
        corpus.points[0], vector=corpus.vector(2) + 0.01, payload={**corpus.points[0].payload, "tags": ["x"]}
    )
    await engine.upsert([moved, moved])  # the same id twice in one batch
    await engine.upsert([moved])  # and again
    assert await engine.count() == len(corpus.points)
    assert await engine.all_ids() == corpus.ids
    hits = await engine.search(corpus.vector(2), 2, VectorFilter(exclude_ids=[2]))
    assert hits[0].id == 1 and hits[0].payload["tags"] == ["x"]  # new vector and new payload, one copy
    assert [h.id for h in await engine.search(corpus.vector(1), 60)].count(1) == 1


async def test_delete_removes_and_ignores_missing(engine: VectorEngine, corpus: Corpus) -> None:
    await engine.delete([1, 25, 999_999])
    await engine.delete([1])
    await engine.delete([])
    assert await engine.count() == len(corpus.points) - 2
    assert await engine.all_ids() == corpus.ids - {1, 25}
    assert 1 not in {h.id for h in await engine.search(corpus.vector(1), 10)}
    await engine.upsert([corpus.points[0]])  # and it can come back
    assert (await engine.search(corpus.vector(1), 1))[0].id == 1


@pytest.mark.parametrize("query_id", [3, 17, 42])
async def test_search_orders_by_cosine(engine: VectorEngine, corpus: Corpus, query_id: int) -> None:
    rng = np.random.default_rng(query_id)
    query = corpus.vector(query_id) + 0.8 * rng.standard_normal(384).astype(np.float32) / np.sqrt(384)
    hits = await engine.search(query, 10)
    expected = corpus.nearest(query, 10)
    assert [h.id for h in hits] == [i for i, _ in expected]
    assert [h.score for h in hits] == pytest.approx([s for _, s in expected], abs=1e-4)
    assert hits[0].payload == corpus.points[hits[0].id - 1].payload
    assert await engine.search(query, 0) == []
    assert len(await engine.search(query, 1000)) == len(corpus.points)


@pytest.mark.parametrize(
    "flt",
    [
        VectorFilter(exclude_ids=[5, 10, 15]),
        VectorFilter(exclude_owner_ids=[0, 3]),
        VectorFilter(tags=["slack"]),
        VectorFilter(tags=["slack", "stripe"]),  # all must match
        VectorFilter(nodes=["if-else"]),
        VectorFilter(trigger="cron"),
        VectorFilter(ids=[2, 4, 8, 16, 32]),
        VectorFilter(ids=[2, 4, 8], exclude_ids=[4]),
        VectorFilter(exclude_ids=[1], exclude_owner_ids=[2], tags=["github"], nodes=["api-call"], trigger="http"),
    ],
    ids=["exclude-ids", "exclude-owners", "tag", "two-tags", "node", "trigger", "ids", "ids-minus-excluded", "all"],
)
async def test_filters(engine: VectorEngine, corpus: Corpus, flt: VectorFilter) -> None:
    query = corpus.vector(1)
    allowed = corpus.allowed(flt)
    assert allowed and allowed != corpus.ids  # each case narrows, without emptying
    hits = await engine.search(query, 100, flt)
    assert {h.id for h in hits} == allowed
    assert [h.id for h in hits] == [i for i, _ in corpus.nearest(query, 100, flt)]


async def test_filters_that_match_nothing(engine: VectorEngine, corpus: Corpus) -> None:
    query = corpus.vector(1)
    assert await engine.search(query, 10, VectorFilter(ids=[])) == []
    assert await engine.search(query, 10, VectorFilter(ids=[3], exclude_ids=[3])) == []
    assert await engine.search(query, 10, VectorFilter(tags=["no-such-tag"])) == []
    assert await engine.search(query, 10, VectorFilter(ids=[999_999])) == []


def _best_score_oracle(
    corpus: Corpus, positives: list[int], negatives: list[int], exclude: set[int]
) -> list[tuple[int, float]]:
    """Qdrant best_score, as documented on `VectorEngine.recommend`: keep candidates closer to some positive than
    to every negative, ranked by the similarity to their closest positive."""
    out = []
    for i in corpus.ids - set(positives) - set(negatives) - exclude:
        v = corpus.vector(i)
        best_pos = max(float(v @ corpus.vector(p)) for p in positives)
        best_neg = max((float(v @ corpus.vector(n)) for n in negatives), default=-np.inf)
        if best_pos > best_neg:
            out.append((i, best_pos))
    return sorted(out, key=lambda t: -t[1])


async def test_recommend_with_positives_only(engine: VectorEngine, corpus: Corpus) -> None:
    hits = await engine.recommend([4], [], 8)
    assert [h.id for h in hits] == [h.id for h in await engine.search(corpus.vector(4), 9)][1:]  # like "similar"
    expected = _best_score_oracle(corpus, [4], [], set())[:8]
    assert [(h.id, round(h.score, 4)) for h in hits] == [(i, round(s, 4)) for i, s in expected]


async def test_recommend_with_positives_and_negatives(engine: VectorEngine, corpus: Corpus) -> None:
    positives, negatives = [4, 9, 30], [12, 50]
    hits = await engine.recommend(positives, negatives, 60)
    expected = _best_score_oracle(corpus, positives, negatives, set())
    assert [h.id for h in hits] == [i for i, _ in expected]  # closer-to-a-negative candidates are dropped
    assert [h.score for h in hits] == pytest.approx([s for _, s in expected], abs=1e-4)  # cosine, not squashed
    assert not {h.id for h in hits} & {4, 9, 30, 12, 50}  # examples never come back
    assert len(hits) < len(corpus.points) - 5


async def test_recommend_with_the_examples_vectors_given(engine: VectorEngine, corpus: Corpus) -> None:
    """The caller that already read the examples' vectors passes them: same answer, one lookup fewer."""
    positives, negatives = [4, 9, 30], [12, 50]
    stored = await engine.vectors([*positives, *negatives])
    given = await engine.recommend(positives, negatives, 20, with_vectors=True, examples=stored)
    looked_up = await engine.recommend(positives, negatives, 20, with_vectors=True)
    assert [h.id for h in given] == [h.id for h in looked_up]
    assert [h.score for h in given] == pytest.approx([h.score for h in looked_up], abs=1e-6)
    # An example missing from the mapping counts as not in the index, like an unknown id.
    without_4 = {i: v for i, v in stored.items() if i != 4}
    expected = _best_score_oracle(corpus, [9, 30], negatives, {4})[:20]
    hits = await engine.recommend(positives, negatives, 20, examples=without_4)
    assert [h.id for h in hits] == [i for i, _ in expected]


async def test_recommend_with_filter_and_missing_examples(engine: VectorEngine, corpus: Corpus) -> None:
    flt = VectorFilter(exclude_owner_ids=[1], trigger="http")
    hits = await engine.recommend([7, 999_999], [888_888], 5, flt)
    excluded = corpus.ids - corpus.allowed(flt)
    expected = _best_score_oracle(corpus, [7], [], excluded)[:5]
    assert [h.id for h in hits] == [i for i, _ in expected]
    assert all(h.payload["trigger"] == "http" and h.payload["owner_id"] != 1 for h in hits)
    assert await engine.recommend([999_999], [7], 5) == []  # no known positive
    assert await engine.recommend([], [7], 5) == []
    assert await engine.recommend([7], [], 0) == []
    assert await engine.recommend([7], [], 5, VectorFilter(ids=[])) == []


async def test_vectors(engine: VectorEngine, corpus: Corpus) -> None:
    got = await engine.vectors([3, 3, 8, 999_999])
    assert set(got) == {3, 8}
    for i, v in got.items():
        assert v.dtype == np.float32 and v.shape == (384,)
        np.testing.assert_allclose(v, corpus.vector(i), atol=1e-5)
    assert await engine.vectors([]) == {}
    await engine.upsert([replace(corpus.points[2], vector=corpus.vector(3) * 5.0)])  # stored normalised
    np.testing.assert_allclose((await engine.vectors([3]))[3], corpus.vector(3), atol=1e-5)


async def test_rejects_malformed_vectors(engine: VectorEngine, corpus: Corpus) -> None:
    with pytest.raises(ValueError):
        await engine.search([0.1, 0.2], 5)
    with pytest.raises(ValueError):
        await engine.upsert([replace(corpus.points[0], vector=np.zeros(384, dtype=np.float32))])
    with pytest.raises(ValueError):
        await engine.upsert([replace(corpus.points[0], vector=np.full(384, np.nan, dtype=np.float32))])
    assert await engine.count() == len(corpus.points)


async def test_hits_carry_their_vectors_only_when_asked(engine: VectorEngine, corpus: Corpus) -> None:
    plain = await engine.search(corpus.vector(5), 6)
    assert all(h.vector is None for h in plain)
    searched = await engine.search(corpus.vector(5), 6, with_vectors=True)
    recommended = await engine.recommend([5], [], 6, with_vectors=True)
    assert [h.id for h in searched] == [h.id for h in plain]  # same hits, same order
    assert all(h.vector is None for h in await engine.recommend([5], [], 6))
    for hit in [*searched, *recommended]:
        assert hit.vector is not None and hit.vector.dtype == np.float32 and hit.vector.shape == (384,)
        np.testing.assert_allclose(hit.vector, corpus.vector(hit.id), atol=1e-5)
