"""The embedded vector engine: Qdrant Edge in-process, shard on disk under `<data_dir>/vectors`.

* Single writer: write batches run one at a time under an async lock, in a worker thread; Edge applies them
  synchronously (WAL first), so the next search sees them (read-your-writes). Edge itself locks the shard's WAL,
  so a second process opening the same directory fails loudly instead of corrupting it.
* Writes and long reads (scrolls, counts) run in a worker thread, reads at most two at once. The request path's
  reads (search, recommend, stored vectors: ~0.3-2 ms at 100k points) run inline on the event loop instead: a
  thread round trip cost more than the query itself on the loaded 2-core box (issue 17: p50 5.4 ms through a
  thread, 2.4 ms inline, 2.0 ms for the bare Edge call), and the other core is used by another API process.
  Upserts go `write_batch` points at a time (~8 ms each for 128 points).
* HNSW: Edge builds its graph only when asked (`EdgeShard.optimize()`), and that call blocks the shard and the
  whole interpreter until done. So a live shard is never optimized in place: `rebuild` fills a new generation,
  closes it, lets a child process build the graph (`_edge_optimize`), reopens it, replays the writes that
  arrived meanwhile and swaps it in (`_edge_store`). Later writes land in a plain appendable segment that is
  searched exactly; `optimize()` (a periodic job) rebuilds from the live shard once enough have accumulated.
* `share_at`: the other API processes of a `serve` read through this engine over a unix socket (`_edge_share`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread
from qdrant_edge import CountRequest, EdgeShard, Point, UpdateOperation

from blokhub.indexers.vectors import _edge_optimize
from blokhub.indexers.vectors import _edge_reads as reads
from blokhub.indexers.vectors._edge_convert import create_shard, shard_config, to_points
from blokhub.indexers.vectors._edge_share import ShareServer
from blokhub.indexers.vectors._edge_store import Generation, GenerationStore
from blokhub.indexers.vectors._query import plan_filter
from blokhub.indexers.vectors.vector_types import Vector, VectorFilter, VectorHit, VectorLike, VectorPoint, as_vector

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_SCROLL_PAGE = 1_000


@dataclass(frozen=True, slots=True)
class _Op:
    """One write batch: points to upsert or ids to delete."""

    upserts: list[Point] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)


def _size(op: _Op) -> int:
    return len(op.upserts) + len(op.deletes)


def _apply(shard: EdgeShard, ops: Sequence[_Op], batch: int) -> None:
    for op in ops:
        if op.deletes:
            shard.update(UpdateOperation.delete_points(list(op.deletes)))
        # Several short calls rather than one long one: the event loop gets the GIL back between them.
        for start in range(0, len(op.upserts), batch):
            shard.update(UpdateOperation.upsert_points(op.upserts[start : start + batch]))


class EdgeVectorEngine:
    name = "qdrant-edge"

    def __init__(
        self,
        path: Path,
        *,
        hnsw_min_points: int = 5_000,
        optimize_after: int = 20_000,
        write_batch: int = 128,
        read_threads: int = 2,
        share_at: Path | None = None,
    ) -> None:
        self.path = path
        self._share = ShareServer(self, share_at) if share_at is not None else None
        self._hnsw_min_points = hnsw_min_points  # smaller indexes are searched exactly (well under 1 ms)
        self._optimize_after = optimize_after  # unindexed points that make `optimize()` rebuild
        self._write_batch = write_batch
        self._store = GenerationStore(path)
        self._readers = anyio.CapacityLimiter(read_threads)
        self._write_lock = anyio.Lock()
        self._rebuild_lock = anyio.Lock()
        self._journal: list[_Op] | None = None  # writes made while a rebuild runs, replayed onto the new shard
        self._unindexed = 0  # points written since the live generation's HNSW build (what `optimize()` weighs)

    # -- lifecycle ---------------------------------------------------------------------------------------
    def _open_sync(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        path = self._store.current_path()
        if path is None:
            path = self._store.new_path()
            shard = create_shard(path, self._hnsw_min_points)
            shard.flush()
            self._store.publish(path)
        else:
            # With a config, Edge checks it against the stored shard and raises when incompatible; a load error
            # (also: another process holds the shard) is never "fixed" by starting over, which would drop data.
            shard = EdgeShard.load(str(path), shard_config(self._hnsw_min_points))
        self._store.sweep(keep=path)
        self._store.swap(Generation(path, shard))
        saved = GenerationStore.read_unindexed(path)
        info = shard.info()
        # Unknown after a crash: assume everything is unindexed when no graph exists yet, otherwise nothing new.
        self._unindexed = saved if saved is not None else (info.points_count if not info.indexed_vectors_count else 0)

    async def open(self) -> None:
        await anyio.to_thread.run_sync(self._open_sync)
        if self._share is not None:
            await self._share.start()

    async def close(self) -> None:
        if self._share is not None:
            await self._share.stop()
        async with self._write_lock:
            if (live := self._store.live) is not None:
                await anyio.to_thread.run_sync(GenerationStore.write_unindexed, live.path, self._unindexed)
            if (gen := self._store.clear()) is not None:
                await anyio.to_thread.run_sync(GenerationStore.dispose, gen)

    async def ping(self) -> bool:
        try:
            await self.count()
        except Exception:
            return False
        return True

    # -- writes --------------------------------------------------------------------------------------------
    async def _write(self, op: _Op) -> None:
        async with self._write_lock:
            await self._with_shard(partial(_apply, ops=[op], batch=self._write_batch), limiter=None)
            self._unindexed += _size(op)
            if self._journal is not None:
                self._journal.append(op)

    async def upsert(self, points: Sequence[VectorPoint]) -> None:
        if points:
            await self._write(_Op(upserts=to_points(points)))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write(_Op(deletes=list(dict.fromkeys(ids))))

    # -- reads ---------------------------------------------------------------------------------------------
    async def _with_shard(self, fn: Callable[[EdgeShard], _T], limiter: anyio.CapacityLimiter | None = None) -> _T:
        gen = self._store.lease()
        try:
            return await anyio.to_thread.run_sync(fn, gen.shard, limiter=limiter)
        finally:
            if (dead := self._store.release(gen)) is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(GenerationStore.dispose, dead)

    async def _read(self, fn: Callable[[EdgeShard], _T]) -> _T:
        return await self._with_shard(fn, self._readers)

    async def _read_now(self, fn: Callable[[EdgeShard], _T]) -> _T:
        """A short read on the request path, inline (see the module docstring)."""
        gen = self._store.lease()
        try:
            return fn(gen.shard)
        finally:
            if (dead := self._store.release(gen)) is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(GenerationStore.dispose, dead)

    async def search(
        self, vector: VectorLike, limit: int, filter: VectorFilter | None = None, *, with_vectors: bool = False
    ) -> list[VectorHit]:
        query = as_vector(vector).tolist()
        plan = plan_filter(filter)
        if limit <= 0 or plan.matches_nothing:
            return []
        return await self._read_now(
            partial(reads.search, query=query, limit=limit, plan=plan, with_vectors=with_vectors)
        )

    async def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        filter: VectorFilter | None = None,
        *,
        with_vectors: bool = False,
        examples: Mapping[int, Vector] | None = None,
    ) -> list[VectorHit]:
        positives, negatives = list(dict.fromkeys(positive_ids)), list(dict.fromkeys(negative_ids))
        plan = plan_filter(filter, also_exclude=[*positives, *negatives])
        if limit <= 0 or not positives or plan.matches_nothing:
            return []
        fn = partial(
            reads.recommend,
            positives=positives,
            negatives=negatives,
            limit=limit,
            plan=plan,
            with_vectors=with_vectors,
            found=examples,
        )
        return await self._read_now(fn)

    async def vectors(self, ids: Sequence[int]) -> dict[int, Vector]:
        if not ids:
            return {}
        return await self._read_now(partial(reads.vectors, ids=list(dict.fromkeys(ids))))

    async def all_ids(self) -> set[int]:
        return await self._read(reads.all_ids)

    async def count(self) -> int:
        return await self._read(lambda shard: shard.count(CountRequest(exact=True)))

    # -- rebuild -------------------------------------------------------------------------------------------
    async def rebuild(self, points: AsyncIterator[Sequence[VectorPoint]]) -> int:
        async with self._rebuild_lock:
            path = self._store.new_path()
            shard: EdgeShard | None = None
            try:
                shard = await anyio.to_thread.run_sync(create_shard, path, self._hnsw_min_points)
                async with self._write_lock:
                    self._journal = []
                written = await self._fill(shard, points)
                unindexed = written
                if written + len(self._journal or ()) >= self._hnsw_min_points:
                    unindexed = 0
                    await anyio.to_thread.run_sync(shard.close)
                    shard = None
                    await self._build_hnsw(path)
                    shard = await anyio.to_thread.run_sync(EdgeShard.load, str(path))
                async with self._write_lock:
                    journal, self._journal = self._journal or [], None
                    # Writes that reached the live shard during the build, in order, on top of the snapshot.
                    await anyio.to_thread.run_sync(partial(_apply, shard, journal, self._write_batch))
                    await anyio.to_thread.run_sync(shard.flush)
                    await anyio.to_thread.run_sync(self._store.publish, path)
                    # Published: from here on the new generation is the index, also after a crash.
                    retired = self._store.swap(Generation(path, shard))
                    self._unindexed = unindexed + sum(_size(op) for op in journal)
            except BaseException:
                self._journal = None
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(_discard, shard, path)
                raise
            if retired is not None:
                await anyio.to_thread.run_sync(GenerationStore.dispose, retired)
        return written

    async def _fill(self, shard: EdgeShard, points: AsyncIterator[Sequence[VectorPoint]]) -> int:
        written = 0
        async for batch in points:
            if batch:
                op = _Op(upserts=to_points(batch))
                await anyio.to_thread.run_sync(partial(_apply, shard, [op], self._write_batch))
                written += len(op.upserts)
        return written

    async def _build_hnsw(self, path: Path) -> None:
        """Optimize the closed shard at `path` in a child process. A failure is logged and tolerated: the shard is
        complete without its graph, only slower to search (exact scans) until the next rebuild."""
        # Run as a script, not `-m`: it imports only qdrant_edge, so it works whatever the child's sys.path.
        cmd = [sys.executable, _edge_optimize.__file__, str(path)]
        result = await anyio.run_process(cmd, check=False)
        if result.returncode != 0:
            log.warning("HNSW build failed (exit %s): %s", result.returncode, result.stderr.decode()[-2000:])

    # -- maintenance ---------------------------------------------------------------------------------------
    async def stats(self) -> dict[str, int]:
        """Shard figures for metrics and tests: points, of them in the HNSW graph, segments."""
        info = await self._read(lambda shard: shard.info())
        return {
            "points": info.points_count,
            "indexed_vectors": info.indexed_vectors_count,  # Edge's figure: still counts replaced/deleted points
            "segments": info.segments_count,
            "unindexed_writes": self._unindexed,
        }

    async def optimize(self) -> bool:
        if self._unindexed < self._optimize_after or await self.count() < self._hnsw_min_points:
            return False
        await self.rebuild(self._snapshot())
        return True

    async def _snapshot(self) -> AsyncIterator[list[VectorPoint]]:
        """The live shard's points, page by page (the rebuild journal covers writes made while it reads)."""
        offset: int | None = None
        while True:
            points, offset = await self._read(partial(reads.page, offset=offset, limit=_SCROLL_PAGE))
            yield points
            if offset is None:
                return


def _discard(shard: EdgeShard | None, path: Path) -> None:
    """Drop a failed build: close its shard (Edge keeps files open), then delete it. Best effort: the build's own
    error is the one to report."""
    try:
        if shard is not None:
            shard.close()
    except Exception:
        log.exception("closing a failed vector index build")
    GenerationStore.remove(path)
