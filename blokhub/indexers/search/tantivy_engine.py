"""The embedded search engine: tantivy in-process, index on disk under `<data_dir>/search`.

* Single writer: one `IndexWriter` per engine (64 MB heap, one indexing thread), used under an async lock.
  Every upsert/delete batch is committed and the reader reloaded before the call returns, so the next search
  sees it (read-your-writes).
* Blocking tantivy calls run in worker threads (tantivy releases the GIL), except searches on small indexes,
  where the thread hop costs more than the search itself (measured: see `INLINE_MAX_DOCS`).
* `rebuild` writes a new generation in a sibling directory while searches keep using the live one, replays the
  writes that arrived meanwhile, then publishes and swaps it under the write lock (see `_tantivy_store`). Its
  own writer gets a large heap (1 GB over 2 threads) for a short while: segments are flushed when the heap is
  full, and fewer, larger segments search faster (measured at 1M documents: 8 segments -> 1 cut the engine's
  p50 by ~30%); tantivy-py exposes no explicit merge.
* `follow=True` opens the index read-only for another process that owns the writer (`serve` with several API
  processes). Before each read it stats `CURRENT` and the live generation's `meta.json` (both replaced by rename,
  so a new inode means a new commit or a new generation) and reloads or switches on change: a search never sees
  less than the last commit made before it started. Retired generations are left for the owner to delete.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread
import tantivy

from blokhub.indexers.search import _tantivy_search
from blokhub.indexers.search._tantivy_facets import EXACT_UP_TO, FacetCache
from blokhub.indexers.search._tantivy_schema import build_schema, to_document
from blokhub.indexers.search._tantivy_store import Generation, GenerationStore
from blokhub.indexers.search.search_types import SearchDocument, SearchQuery, SearchResult, Suggestion

# Up to this many documents a search runs on the event loop. Measured on the 2-core target: a worker-thread round
# trip costs 80-105 us; at 40 documents a search is ~0.5 ms inline vs ~0.6 ms threaded, and most of it is Python
# (query building, highlighting) that holds the GIL anyway. From ~1,000 documents the Rust part (matching, facet
# counts, which release the GIL and overlap on the second core) dominates and the thread wins at p95.
# That holds for one API process. When `serve` runs one per core, the other processes already use the other core:
# the hop and the facet thread only add context switches (9% of a search's CPU, measured at 16 connections), so
# the factory makes every search inline there.
INLINE_MAX_DOCS = 1_000
_T = TypeVar("_T")
log = logging.getLogger(__name__)


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns


@dataclass(frozen=True, slots=True)
class _Op:
    """One write batch: documents to upsert or ids to delete."""

    upserts: list[SearchDocument] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)


def _apply(writer: tantivy.IndexWriter, schema: tantivy.Schema, ops: Sequence[_Op]) -> None:
    for op in ops:
        for doc_id in op.deletes:
            writer.delete_documents_by_term("id", doc_id)
        for doc in op.upserts:
            # Delete-then-add in one commit: tantivy orders operations by opstamp, so the delete removes
            # only the older copy and an upsert of an existing id leaves exactly one document.
            writer.delete_documents_by_term("id", doc.id)
            writer.add_document(to_document(doc, schema))


def _commit(writer: tantivy.IndexWriter, schema: tantivy.Schema, ops: Sequence[_Op]) -> None:
    try:
        _apply(writer, schema, ops)
        writer.commit()
    except BaseException:
        writer.rollback()
        raise


def _discard(writer: tantivy.IndexWriter | None, path: Path) -> None:
    """Drop a failed build: stop its writer (its threads may still be flushing into `path`), then delete it."""
    if writer is not None:
        try:
            writer.rollback()
        finally:
            writer.wait_merging_threads()
    GenerationStore.remove(path)


class TantivySearchEngine:
    name = "tantivy"

    def __init__(
        self,
        path: Path,
        *,
        writer_heap_bytes: int = 64_000_000,
        rebuild_heap_bytes: int = 1_000_000_000,
        rebuild_threads: int = 2,
        inline_max_docs: int = INLINE_MAX_DOCS,
        exact_facets_up_to: int = EXACT_UP_TO,
        follow: bool = False,
    ) -> None:
        self.path = path
        self._follow = follow  # read-only: another process owns the writer
        self._seen: tuple[tuple[int, int], tuple[int, int]] | None = None  # (CURRENT, meta.json) stamps
        self._schema = build_schema()
        self._store = GenerationStore(path)
        self._writer: tantivy.IndexWriter | None = None
        self._writer_heap = writer_heap_bytes
        self._rebuild_heap = rebuild_heap_bytes
        self._rebuild_threads = rebuild_threads
        self._inline_max_docs = inline_max_docs
        self._write_lock = anyio.Lock()
        self._rebuild_lock = anyio.Lock()
        self._journal: list[_Op] | None = None  # writes made while a rebuild runs, replayed onto the new index
        self._pool: ThreadPoolExecutor | None = None  # facet counts in parallel with the top-k search
        self._facet_cache = FacetCache()
        self._exact_facets_up_to = exact_facets_up_to  # facet counts over more matches are estimated

    # -- lifecycle ---------------------------------------------------------------------------------------
    def _open_index(self, path: Path, *, create: bool) -> tantivy.Index:
        index = tantivy.Index(self._schema, path=str(path), reuse=not create)
        index.config_reader(reload_policy="manual")  # we reload after each commit; no watcher thread
        return index

    def _open_sync(self) -> None:
        if self._follow:
            self._catch_up()
            if self._store.live is None:
                raise RuntimeError(f"no search index to follow in {self.path}")
            return
        self.path.mkdir(parents=True, exist_ok=True)
        path = self._store.current_path()
        if path is None:
            path = self._store.new_path()
            index = self._open_index(path, create=True)
            index.writer(15_000_000, 1).commit()  # an empty commit writes meta.json: a valid, empty index
            self._store.publish(path)
        else:
            index = self._open_index(path, create=False)
        self._store.sweep(keep=path)
        self._writer = index.writer(self._writer_heap, 1)
        self._store.swap(Generation(path, index))

    async def open(self) -> None:
        await anyio.to_thread.run_sync(self._open_sync)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tantivy-facets")

    async def close(self) -> None:
        async with self._write_lock:
            writer, self._writer = self._writer, None
            if writer is not None:
                await anyio.to_thread.run_sync(writer.wait_merging_threads)  # finishes merges, frees the lock
            self._store.clear()
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown(wait=False)

    def _catch_up(self) -> None:
        """Follower: switch to a newly published generation, or reload after the owner's last commit."""
        try:
            pointer = _stamp(self.path / "CURRENT")
            live = self._store.live
            if live is None or self._seen is None or self._seen[0] != pointer:
                path = self._store.current_path()
                if path is None:
                    return
                meta = _stamp(path / "meta.json")
                self._store.swap(Generation(path, self._open_index(path, create=False)))
            else:
                meta = _stamp(live.path / "meta.json")
                if meta == self._seen[1]:
                    return
                self._store.reload(live)
            self._seen = (pointer, meta)
        except (OSError, ValueError) as exc:  # the owner is mid-swap or collecting segments: keep the last searcher
            log.debug("search index follower: keeping the current reader (%s)", exc)

    async def ping(self) -> bool:
        gen = self._store.live
        writable = self._writer is not None or self._follow
        return gen is not None and writable and gen.index.searcher().num_docs >= 0

    # -- writes --------------------------------------------------------------------------------------------
    async def _write(self, op: _Op) -> None:
        if self._follow:
            raise RuntimeError("this process follows the search index; the process that owns it writes")
        async with self._write_lock:
            gen, writer = self._store.live, self._writer
            if gen is None or writer is None:
                raise RuntimeError("the search index is not open")
            await anyio.to_thread.run_sync(_commit, writer, self._schema, [op])
            await anyio.to_thread.run_sync(self._store.reload, gen)
            if self._journal is not None:
                self._journal.append(op)

    async def upsert(self, docs: Sequence[SearchDocument]) -> None:
        if docs:
            await self._write(_Op(upserts=list({d.id: d for d in docs}.values())))

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write(_Op(deletes=list(dict.fromkeys(ids))))

    # -- reads ---------------------------------------------------------------------------------------------
    async def _read(self, fn: Callable[[tantivy.Searcher, Executor | None, int], _T]) -> _T:
        if self._follow:
            self._catch_up()
        gen, searcher, version = self._store.lease()
        try:
            if searcher.num_docs <= self._inline_max_docs:
                return fn(searcher, None, version)
            return await anyio.to_thread.run_sync(fn, searcher, self._pool, version)
        finally:
            if (dead := self._store.release(gen)) is not None and not self._follow:
                await anyio.to_thread.run_sync(GenerationStore.remove, dead.path)

    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        search = partial(
            _search_on,
            schema=self._schema,
            query=query,
            cache=self._facet_cache,
            exact_facets_up_to=self._exact_facets_up_to,
        )
        result = await self._read(search)
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    async def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        return await self._read(partial(_suggest_on, schema=self._schema, prefix=prefix, limit=limit))

    async def all_ids(self) -> set[int]:
        return await self._read(_all_ids)

    async def segments(self) -> int:
        """Number of index segments (diagnostics: fewer, larger segments search faster)."""
        return await self._read(_segments)

    async def count(self) -> int:
        return await self._read(_count)

    # -- rebuild -------------------------------------------------------------------------------------------
    async def rebuild(self, docs: AsyncIterator[Sequence[SearchDocument]]) -> int:
        if self._follow:
            raise RuntimeError("this process follows the search index; the process that owns it rebuilds")
        async with self._rebuild_lock:
            path = await anyio.to_thread.run_sync(self._store.new_path)
            writer: tantivy.IndexWriter | None = None
            try:
                index = self._open_index(path, create=True)
                writer = index.writer(self._rebuild_heap, self._rebuild_threads)
                async with self._write_lock:
                    self._journal = []
                written = await self._fill(writer, docs)
                async with self._write_lock:
                    journal, self._journal = self._journal or [], None
                    # Writes that reached the live index during the build, in order, on top of the snapshot.
                    await anyio.to_thread.run_sync(_commit, writer, self._schema, journal)
                    await anyio.to_thread.run_sync(index.reload)
                    done, writer = writer, None
                    await anyio.to_thread.run_sync(done.wait_merging_threads)  # releases the build writer's lock
                    new_writer = index.writer(self._writer_heap, 1)
                    await anyio.to_thread.run_sync(self._store.publish, path)
                    # Published: from here on the new generation is the index, also after a crash.
                    old_writer, self._writer = self._writer, new_writer
                    retired = self._store.swap(Generation(path, index))
            except BaseException:
                self._journal = None
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(_discard, writer, path)
                raise
            if old_writer is not None:
                await anyio.to_thread.run_sync(old_writer.wait_merging_threads)
            if retired is not None:
                await anyio.to_thread.run_sync(GenerationStore.remove, retired.path)
        return written

    async def _fill(self, writer: tantivy.IndexWriter, docs: AsyncIterator[Sequence[SearchDocument]]) -> int:
        written = 0
        async for batch in docs:
            if batch:
                unique = list({d.id: d for d in batch}.values())
                await anyio.to_thread.run_sync(_apply, writer, self._schema, [_Op(upserts=unique)])
                written += len(unique)
        return written


def _search_on(
    searcher: tantivy.Searcher,
    pool: Executor | None,
    version: int,
    *,
    schema: tantivy.Schema,
    query: SearchQuery,
    cache: FacetCache,
    exact_facets_up_to: int,
) -> SearchResult:
    return _tantivy_search.search(searcher, schema, query, pool, cache, version, exact_facets_up_to)


def _suggest_on(
    searcher: tantivy.Searcher, pool: Executor | None, version: int, *, schema: tantivy.Schema, prefix: str, limit: int
) -> list[Suggestion]:
    return _tantivy_search.suggest(searcher, schema, prefix, limit)


def _count(searcher: tantivy.Searcher, pool: Executor | None, version: int) -> int:
    return int(searcher.num_docs)


def _segments(searcher: tantivy.Searcher, pool: Executor | None, version: int) -> int:
    return int(searcher.num_segments)


def _all_ids(searcher: tantivy.Searcher, pool: Executor | None, version: int) -> set[int]:
    n = searcher.num_docs
    if not n:
        return set()
    hits = searcher.search(tantivy.Query.all_query(), n, count=False).hits
    return {int(v) for v in searcher.fast_field_values("id", [a for _, a in hits]) if v is not None}
