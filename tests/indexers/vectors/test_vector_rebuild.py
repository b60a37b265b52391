"""Contract: `rebuild` swaps in a fresh index atomically, carries concurrent writes over, and cleans up."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import anyio
import anyio.lowlevel
import pytest

from blokhub.indexers.vectors import VectorEngine, VectorPoint
from tests.indexers.vectors.conftest import LOCAL_MODE_WARNING, Corpus

pytestmark = pytest.mark.filterwarnings(LOCAL_MODE_WARNING)


def batches(
    points: Sequence[VectorPoint],
    size: int,
    pause: float = 0.0,
    gate: anyio.Event | None = None,
    first_taken: anyio.Event | None = None,
) -> AsyncIterator[Sequence[VectorPoint]]:
    """The points in batches, like a lazy read from PostgreSQL; with `gate`, the second batch waits for it (and
    `first_taken` says the engine has consumed the first one)."""

    async def gen() -> AsyncIterator[Sequence[VectorPoint]]:
        for start in range(0, len(points), size):
            if start and first_taken is not None:
                first_taken.set()
            if start and gate is not None:
                await gate.wait()
            await anyio.sleep(pause)
            yield points[start : start + size]

    return gen()


async def test_rebuild_swaps_while_readers_keep_finding_results(engine: VectorEngine, corpus: Corpus) -> None:
    """A search loop running through the whole rebuild never sees an empty or partial index."""
    # The new index holds a different set: even ids only, so the swap is observable.
    fresh = [p for p in corpus.points if p.id % 2 == 0]
    seen_counts: list[int] = []
    done = anyio.Event()

    async def search_loop() -> None:
        while not done.is_set():
            hits = await engine.search(corpus.vector(2), 100)
            seen_counts.append(len(hits))
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as tg:
        tg.start_soon(search_loop)
        written = await engine.rebuild(batches(fresh, size=5, pause=0.01))
        done.set()
    assert written == len(fresh)
    assert len(seen_counts) > 5 and min(seen_counts) > 0
    assert set(seen_counts) <= {len(corpus.points), len(fresh)}  # the old index or the new one, nothing between
    assert await engine.count() == len(fresh)
    assert await engine.all_ids() == {p.id for p in fresh}
    assert (await engine.search(corpus.vector(2), 1))[0].id == 2


async def test_rebuild_carries_over_writes_made_meanwhile(engine: VectorEngine, corpus: Corpus) -> None:
    gate, first_taken = anyio.Event(), anyio.Event()
    changed = replace(corpus.points[10], payload={**corpus.points[10].payload, "tags": ["changed"]})
    result: list[int] = []

    async def run() -> None:
        result.append(await engine.rebuild(batches(corpus.points, size=20, gate=gate, first_taken=first_taken)))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await first_taken.wait()  # the rebuild has its first batch in and waits at the gate
        await engine.delete([3])  # in the snapshot, deleted during the build
        await engine.upsert([changed])  # in the snapshot, changed during the build
        gate.set()
    assert result == [len(corpus.points)]
    assert await engine.all_ids() == corpus.ids - {3}
    hits = await engine.search(corpus.vector(11), 1)
    assert hits[0].id == 11 and hits[0].payload["tags"] == ["changed"]


async def test_rebuild_failure_keeps_the_live_index(engine: VectorEngine, corpus: Corpus) -> None:
    async def broken() -> AsyncIterator[Sequence[VectorPoint]]:
        yield corpus.points[:5]
        raise RuntimeError("source went away")

    with pytest.raises(RuntimeError, match="source went away"):
        await engine.rebuild(broken())
    assert await engine.count() == len(corpus.points)
    await engine.upsert([corpus.points[0]])  # still writable
    assert await engine.rebuild(batches(corpus.points[:7], size=3)) == 7  # and rebuildable
    assert await engine.count() == 7


async def test_rebuild_from_nothing_gives_an_empty_index(engine: VectorEngine, corpus: Corpus) -> None:
    assert await engine.rebuild(batches([], size=5)) == 0
    assert await engine.count() == 0
    assert await engine.search(corpus.vector(1), 5) == []
    assert await engine.optimize() is False
