"""The embedder with the real all-MiniLM-L6-v2 from the installed wheel (loaded once per session)."""

from __future__ import annotations

import time

import anyio
import numpy as np
import pytest

from blokhub.indexers.vectors import Embedder, LRUEmbeddingCache, text_hash, workflow_text
from blokhub.indexers.vectors.embedder import BF16_MIN_BATCH, native_bf16

STRIPE_TO_SLACK = workflow_text(
    "Alert the team in Slack about failed Stripe charges",
    "Receives Stripe webhooks and posts a message to the #payments channel when a charge or invoice payment fails.",
    ["stripe", "slack", "payments", "alerts"],
    ["@nanoservice-ts/api-call", "@nanoservice-ts/if-else", "slack-send"],
    ["verify-signature", "filter-failed-charges", "post-to-slack"],
)
GITHUB_TO_POSTGRES = workflow_text(
    "Sync GitHub issues into Postgres",
    "Every hour, lists repository issues from the GitHub API and upserts them into a reporting table.",
    ["github", "postgres", "sync"],
    ["github-list", "postgres-query"],
    ["list-issues", "upsert-rows"],
)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


async def test_vectors_are_deterministic_unit_float32(embedder: Embedder) -> None:
    texts = ["Post deploy notifications to Slack", "Postgres backup to S3", "Post deploy notifications to Slack"]
    first = await embedder.embed(texts)
    second = await embedder.embed(texts)
    assert first.shape == (3, 384) and first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(first, second, atol=1e-6)
    np.testing.assert_allclose(first[0], first[2], atol=1e-6)  # the same text in one batch: the same vector
    alone = await embedder.embed_one("Postgres backup to S3")
    np.testing.assert_allclose(alone, first[1], atol=1e-5)  # batch composition does not change a vector
    assert (await embedder.embed([])).shape == (0, 384)


async def test_paraphrase_is_closer_than_an_unrelated_workflow(embedder: Embedder) -> None:
    query = await embedder.embed_one("notify my team on Slack when a Stripe payment fails")
    related, unrelated = await embedder.embed([STRIPE_TO_SLACK, GITHUB_TO_POSTGRES])
    assert cosine(query, related) > cosine(query, unrelated) + 0.2
    assert cosine(query, related) > 0.5


async def test_cache_avoids_recomputation(embedder: Embedder) -> None:
    cache = LRUEmbeddingCache()
    before = embedder.embedded
    got = await embedder.embed_cached([(1, STRIPE_TO_SLACK), (2, GITHUB_TO_POSTGRES), (3, STRIPE_TO_SLACK)], cache)
    assert embedder.embedded - before == 2  # the repeated text ran once
    assert set(got) == {1, 2, 3} and len(cache) == 2
    np.testing.assert_allclose(got[1], got[3])
    again = await embedder.embed_cached([(7, GITHUB_TO_POSTGRES), (8, STRIPE_TO_SLACK)], cache)
    assert embedder.embedded - before == 2  # all hits: the model was not called
    np.testing.assert_allclose(again[7], got[2])
    await embedder.embed_cached([(9, STRIPE_TO_SLACK + " Also emails the CFO.")], cache)
    assert embedder.embedded - before == 3  # only the changed text is embedded


async def test_lru_cache_evicts_least_recently_used() -> None:
    cache = LRUEmbeddingCache(max_items=2)
    v = {k: np.full(384, i, dtype=np.float32) for i, k in enumerate("abc")}
    await cache.put_many({"a": v["a"], "b": v["b"]})
    assert set(await cache.get_many(["a"])) == {"a"}  # "a" is now the most recent
    await cache.put_many({"c": v["c"]})
    assert set(await cache.get_many(["a", "b", "c"])) == {"a", "c"}
    stored = (await cache.get_many(["a"]))["a"]
    with pytest.raises(ValueError):
        stored[0] = 5.0  # cached vectors are read-only
    with pytest.raises(ValueError):
        LRUEmbeddingCache(max_items=0)


def test_text_hash_is_sha256_per_model_and_exact_text() -> None:
    h = text_hash("hello")
    assert len(h) == 64 and int(h, 16) >= 0
    assert h == text_hash("hello") != text_hash("hello ")
    assert text_hash("hello", namespace="other-model") != h


async def test_embedding_runs_off_the_event_loop(embedder: Embedder) -> None:
    """A heartbeat task keeps ticking while a big batch embeds (torch computes on its own thread)."""
    texts = [f"{STRIPE_TO_SLACK} Variant {i}." for i in range(192)]
    gaps: list[float] = []
    done = anyio.Event()

    async def heartbeat() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await anyio.sleep(0.01)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    async with anyio.create_task_group() as tg:
        tg.start_soon(heartbeat)
        started = time.perf_counter()
        vectors = await embedder.embed(texts)
        elapsed = time.perf_counter() - started
        done.set()
    assert vectors.shape == (192, 384)
    # The loop ran throughout: ticks every ~10 ms, never stalled like a blocked loop would (for `elapsed` s).
    assert len(gaps) >= elapsed / 0.01 * 0.3, (len(gaps), elapsed)
    assert max(gaps) < elapsed / 2, (max(gaps), elapsed)


def test_workflow_text_is_short_and_title_first() -> None:
    assert STRIPE_TO_SLACK.startswith("Alert the team in Slack about failed Stripe charges. Receives Stripe")
    assert "Uses: api call, if else, slack send." in STRIPE_TO_SLACK
    assert "Steps: verify signature, filter failed charges, post to slack." in STRIPE_TO_SLACK
    long = workflow_text("T", "word " * 500, [f"tag{i}" for i in range(50)], ["fetchCountries"] * 3, [])
    assert len(long) <= 600 and "tag8" not in long and "…" in long
    assert workflow_text("Only a title", "", [], [], []) == "Only a title."
    cut = workflow_text("T", "One two. " * 30, [], [], [])
    assert cut.startswith("T. One two. One") and cut.endswith("One two…") and ".…" not in cut
    assert "Uses: fetch countries." in workflow_text("T", "", [], ["fetchCountries", "fetch-countries"], [])
    assert workflow_text("T", "", [], ["html-to-markdown"], ["html-to-markdown", "notify"]).endswith(
        "Uses: html to markdown. Steps: notify."
    )


def test_unknown_precision_is_refused() -> None:
    with pytest.raises(ValueError, match="auto, fp32, bf16"):
        Embedder(precision="int4")


@pytest.mark.skipif(not native_bf16(), reason="this CPU has no native bfloat16; auto keeps fp32 here")
async def test_bf16_vectors_are_interchangeable_with_fp32(embedder: Embedder) -> None:
    # bf16 and fp32 vectors share one cache key and one index, so they must be the same vectors for ranking.
    fp32 = Embedder(precision="fp32")
    try:
        await fp32.warmup()
        assert fp32.precision == "fp32" and embedder.precision == "bf16"  # "auto" picked bf16 on this CPU
        texts = [STRIPE_TO_SLACK, GITHUB_TO_POSTGRES] + [
            f"Workflow number {i}: sync {i} rows to Slack" for i in range(10)
        ]
        full, reduced = await fp32.embed(texts), await embedder.embed(texts)
        assert len(texts) >= BF16_MIN_BATCH  # the batch really ran in bf16
        assert float((full * reduced).sum(axis=1).min()) > 0.999
        assert not np.array_equal(full, reduced)  # and it really was a different arithmetic
    finally:
        fp32.close()


async def test_the_model_loads_once_per_process_whichever_embedder_asks(embedder: Embedder) -> None:
    """Issue 13.12: `serve` opens several Resources (seeding, reindexing, the app); the model loaded once at start
    and again on the first import. Every Embedder of a process now shares one loaded model."""
    from blokhub.indexers.vectors import embedder as module

    await embedder.warmup()
    loads = module.LOADS[0]
    others = [Embedder(), Embedder(precision="fp32")]
    try:
        vectors = [await e.embed(["Post failed Stripe charges to Slack"]) for e in others]
        assert module.LOADS[0] == loads == 1
        assert others[0].load() is others[1].load() is embedder.load()
        assert np.allclose(vectors[0], vectors[1], atol=1e-3)
    finally:
        for e in others:
            e.close()
