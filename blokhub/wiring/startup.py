"""Start-up steps the command line composes: the event loop, migrations, index rebuilds and the HTTP server class.

Imports inside functions keep `blokhub --help` fast: each command pays only for the engines it starts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import click

from blokhub.config import Settings


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop when installed (it comes with litestar[standard]): markedly cheaper socket I/O than asyncio's loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return None
    return uvloop.new_event_loop


async def reindex(settings: Settings, *, progress: bool, vectors: bool = True) -> tuple[int, float]:
    """Rebuild the search index (and, unless told not to, the vector index) from PostgreSQL."""
    from blokhub.indexers.reindex import reindex, reindex_vectors
    from blokhub.runtime.resources import Resources

    resources = Resources.open(settings)
    try:
        await resources.start()
        written, seconds = await reindex(resources.read_sessionmaker, resources.search, progress=progress)
        if vectors:
            embedded, embed_seconds = await reindex_vectors(
                resources.read_sessionmaker,
                resources.sessionmaker,
                resources.vectors,
                resources.embedder,
                progress=progress,
            )
            click.echo(f"embedded {embedded:,} workflows in {embed_seconds:.1f}s", err=True)
        return written, seconds
    finally:
        await resources.close()


async def rebuild_if_empty(settings: Settings) -> None:
    """A keyword index that lost its files (new data dir, schema change) is rebuilt before serving, not left empty
    (seconds for 100k workflows). Re-embedding takes longer (~100 workflows/s), so an empty vector index is filled
    by a background job (`vectors.fill`) that the worker picks up once the server runs."""
    from sqlalchemy import func, select

    from blokhub.indexers import builder
    from blokhub.runtime.resources import Resources

    resources = Resources.open(settings)
    try:
        await resources.start()
        async with resources.read_sessionmaker() as db:
            searchable = int(await db.scalar(select(func.count()).where(builder.searchable())) or 0)
        search_empty = searchable > 0 and await resources.search.count() == 0
        vectors_empty = searchable > 0 and await resources.vectors.count() == 0
    finally:
        await resources.close()
    if vectors_empty:
        await enqueue_vector_fill(settings)
    if search_empty:
        click.echo(f"the search index is empty while {searchable:,} workflows are searchable: rebuilding", err=True)
        await reindex(settings, progress=True, vectors=False)
    if vectors_empty:
        click.echo(
            f"the vector index is empty: embedding {searchable:,} workflows in the background (~{searchable // 100 + 1}s);"
            " similar, recommendations and hybrid search answer once it is done",
            err=True,
        )


async def enqueue_vector_fill(settings: Settings) -> None:
    """Queue `vectors.fill` (fixed job id: queued once however often this runs); the worker of the next `serve`
    embeds whatever the vector index lacks."""
    from blokhub.runtime.resources import Resources
    from blokhub.workers.tasks import VECTORS_FILL

    resources = Resources.open(settings)
    try:
        await resources.redis.enqueue_job(VECTORS_FILL, _job_id=VECTORS_FILL)
    finally:
        await resources.close()


async def migrate(settings: Settings) -> None:
    from blokhub.db.migrate import upgrade
    from blokhub.db.session import create_engine

    engine = create_engine(settings)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def settle_heap_when_started(server: Any) -> None:
    """Freeze the start-up heap once the lifespan has opened everything (see runtime/heap.py: the stalls)."""
    from blokhub.runtime.heap import settle_after_startup

    while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, no event or hook)
        await asyncio.sleep(0.05)
    settle_after_startup()


def graceful_server_class() -> Any:
    import contextlib
    import signal
    import threading

    import uvicorn

    class GracefulServer(uvicorn.Server):
        """uvicorn re-raises SIGTERM/SIGINT after its own shutdown, which would kill the process before the
        embedded PostgreSQL and Redis are stopped; here the signal only starts a graceful shutdown.
        ``on_listening`` runs once the sockets are bound and the app has started."""

        on_listening: Callable[[], None] | None = None

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and self.on_listening is not None:
                self.on_listening()

        @contextlib.contextmanager
        def capture_signals(self) -> Any:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            # loop.add_signal_handler wakes uvloop at once; a plain signal.signal handler may wait for other I/O.
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.handle_exit, sig, None)
            try:
                yield
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    return GracefulServer
