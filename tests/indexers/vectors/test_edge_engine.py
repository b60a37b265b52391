"""Qdrant Edge specifics: persistence, generations on disk, the HNSW build in a child process, `optimize()`."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import anyio
import pytest

from blokhub.indexers.vectors import EdgeVectorEngine, VectorPoint, create_vector_engine
from blokhub.indexers.vectors._edge_optimize import main as optimize_main
from tests.indexers.vectors.conftest import Corpus
from tests.indexers.vectors.test_vector_rebuild import batches


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


async def test_persists_across_reopen(tmp_path: Path, corpus: Corpus) -> None:
    engine = EdgeVectorEngine(tmp_path / "vectors")
    await engine.open()
    await engine.upsert(corpus.points)
    await engine.delete([5])
    await engine.close()

    again = EdgeVectorEngine(tmp_path / "vectors")
    await again.open()
    try:
        assert await again.all_ids() == corpus.ids - {5}
        assert (await again.search(corpus.vector(9), 1))[0].id == 9
    finally:
        await again.close()


async def test_a_second_process_cannot_open_the_same_shard(tmp_path: Path, corpus: Corpus) -> None:
    """Edge locks the shard's WAL; the engine reports that instead of starting over on an empty shard."""
    engine = EdgeVectorEngine(tmp_path / "vectors")
    await engine.open()
    try:
        await engine.upsert(corpus.points)
        with pytest.raises(Exception, match="WAL"):
            await EdgeVectorEngine(tmp_path / "vectors").open()
        assert await engine.count() == len(corpus.points)
    finally:
        await engine.close()


async def test_rebuild_builds_hnsw_in_a_child_process_while_serving(tmp_path: Path, corpus: Corpus) -> None:
    root = tmp_path / "vectors"
    engine = EdgeVectorEngine(root, hnsw_min_points=20)  # 60 points: big enough for a graph here
    await engine.open()
    try:
        await engine.upsert(corpus.points)
        before = generations(root)
        assert (await engine.stats())["indexed_vectors"] == 0
        found: list[int] = []
        done = anyio.Event()

        async def search_loop() -> None:
            while not done.is_set():
                found.append(len(await engine.search(corpus.vector(1), 10)))
                await anyio.sleep(0.005)

        async with anyio.create_task_group() as tg:
            tg.start_soon(search_loop)
            assert await engine.rebuild(batches(corpus.points, size=25)) == len(corpus.points)
            done.set()
        stats = await engine.stats()
        assert stats["points"] == len(corpus.points) and stats["indexed_vectors"] >= len(corpus.points)
        assert found and min(found) == 10  # served throughout, from the old generation then the new
        after = generations(root)
        assert len(after) == 1 and after != before  # the old generation is gone
        assert (root / "CURRENT").read_text() == after[0]
        assert [h.id for h in await engine.search(corpus.vector(1), 3)] == [
            i for i, _ in corpus.nearest(corpus.vector(1), 3)
        ]
    finally:
        await engine.close()


async def test_optimize_rebuilds_once_enough_is_unindexed(tmp_path: Path, corpus: Corpus) -> None:
    engine = EdgeVectorEngine(tmp_path / "vectors", hnsw_min_points=20, optimize_after=30)
    await engine.open()
    try:
        await engine.upsert(corpus.points[:25])
        assert await engine.optimize() is False  # 25 unindexed: under the threshold
        await engine.upsert(corpus.points[25:])
        assert await engine.optimize() is True
        stats = await engine.stats()
        assert stats["points"] == len(corpus.points) and stats["indexed_vectors"] >= len(corpus.points)
        assert await engine.optimize() is False  # nothing left to do
        assert await engine.all_ids() == corpus.ids
        hits = await engine.search(corpus.vector(30), 1)
        assert hits[0].id == 30 and hits[0].payload == corpus.points[29].payload  # payloads survive the copy
        await engine.upsert(corpus.points[:40])  # updates of indexed points: Edge's own counters miss these
    finally:
        await engine.close()
    again = EdgeVectorEngine(tmp_path / "vectors", hnsw_min_points=20, optimize_after=30)
    await again.open()
    try:
        assert (await again.stats())["unindexed_writes"] == 40  # kept across a restart
        assert await again.optimize() is True
        assert (await again.stats())["unindexed_writes"] == 0
    finally:
        await again.close()


async def test_failed_rebuild_leaves_no_stray_generation(tmp_path: Path, corpus: Corpus) -> None:
    root = tmp_path / "vectors"
    engine = EdgeVectorEngine(root)
    await engine.open()
    try:
        before = generations(root)

        async def broken() -> AsyncIterator[Sequence[VectorPoint]]:
            yield corpus.points[:5]
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            await engine.rebuild(broken())
        assert generations(root) == before
    finally:
        await engine.close()


def test_optimize_entry_point_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert optimize_main([sys.argv[0]]) == 2
    assert "usage" in capsys.readouterr().err


def test_factory_picks_edge_without_url(tmp_path: Path) -> None:
    engine = create_vector_engine(data_dir=tmp_path, qdrant_url=None, qdrant_api_key=None)
    assert isinstance(engine, EdgeVectorEngine) and engine.path == tmp_path / "vectors"
