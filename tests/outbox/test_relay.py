"""The transactional outbox: committed writes are relayed exactly once, rolled-back writes never, crashes re-driven."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.db.models import OutboxEvent
from blokhub.outbox import Consumer, emit, installed
from blokhub.outbox.relay import process_pending
from blokhub.runtime.context import JobContext
from blokhub.runtime.resources import Resources
from tests.conftest import register

seen: list[tuple[str, int]] = []


async def _record(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    seen.extend((e.topic, e.aggregate_id) for e in events)


@pytest.fixture
def recorder() -> Any:
    seen.clear()
    installed().add(Consumer(("user.registered", "test.event"), _record))
    yield seen
    installed().remove(_record)


async def _pending(resources: Resources) -> int:
    async with resources.sessionmaker() as db:
        return int(await db.scalar(select(func.count()).where(OutboxEvent.processed_at.is_(None))) or 0)


async def test_committed_write_yields_exactly_one_processed_event(
    client: httpx.AsyncClient, resources: Resources, recorder: list[Any]
) -> None:
    alice = await register(client, "alice")
    ctx = {"resources": resources}
    assert await process_pending(ctx) == 1
    assert await process_pending(ctx) == 0  # nothing twice
    assert recorder == [("user.registered", alice.user["id"])]
    async with resources.sessionmaker() as db:
        event = (await db.scalars(select(OutboxEvent))).one()
    assert event.processed_at is not None and event.attempts == 1


async def test_rolled_back_write_yields_no_event(clean: Resources, recorder: list[Any]) -> None:
    async with clean.sessionmaker() as db:
        emit(db, "test.event", "test", 1)
        await db.flush()
        await db.rollback()
    assert await process_pending({"resources": clean}) == 0
    assert recorder == [] and await _pending(clean) == 0


async def test_failing_handler_is_retried_with_backoff(clean: Resources) -> None:
    calls: list[int] = []

    async def flaky(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
        calls.append(len(events))
        if len(calls) == 1:
            raise RuntimeError("index down")

    installed().add(Consumer(("test.flaky",), flaky))
    try:
        async with clean.sessionmaker() as db, db.begin():
            emit(db, "test.flaky", "test", 7)
        ctx = {"resources": clean}
        await process_pending(ctx)
        async with clean.sessionmaker() as db:
            event = (await db.scalars(select(OutboxEvent))).one()
            assert event.processed_at is None and event.attempts == 1 and "index down" in (event.last_error or "")
            # Pretend the back-off elapsed.
            await db.execute(update(OutboxEvent).values(available_at=func.now()))
            await db.commit()
        await process_pending(ctx)
        async with clean.sessionmaker() as db:
            event = (await db.scalars(select(OutboxEvent))).one()
            assert event.processed_at is not None and event.attempts == 2
        assert calls == [1, 1]
    finally:
        installed().remove(flaky)


async def test_worker_killed_mid_batch_leaves_events_to_redrive(clean: Resources, recorder: list[Any]) -> None:
    async with clean.sessionmaker() as db, db.begin():
        for i in range(3):
            emit(db, "test.event", "test", i)
    # A real worker process takes the batch, then dies (SIGKILL) while its handler runs.
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from blokhub.config import Settings
        from blokhub.outbox import Consumer, install
        from blokhub.outbox.relay import process_pending
        from blokhub.runtime.resources import Resources

        async def slow(ctx, session, events):
            print("taken", len(events), flush=True)
            await asyncio.sleep(60)

        install([Consumer(("test.event",), slow)])

        async def main():
            settings = Settings(database_url={clean.settings.database_url!r}, redis_url={clean.settings.redis_url!r},
                                secret_key="x")
            await process_pending({{"resources": Resources.open(settings)}})

        asyncio.run(main())
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        line = await asyncio.wait_for(asyncio.to_thread(proc.stdout.readline), timeout=30)  # type: ignore[union-attr]
        assert line.strip() == "taken 3"
        assert await process_pending({"resources": clean}) == 0  # rows are locked by the dying worker
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # Its transaction died with it: the events are pending again and the re-drive relays each exactly once.
    for _ in range(50):
        if await process_pending({"resources": clean}):
            break
        await asyncio.sleep(0.1)
    assert sorted(r[1] for r in recorder) == [0, 1, 2]
    assert await _pending(clean) == 0


async def test_in_process_worker_relays_after_commit(clean: Resources, recorder: list[Any]) -> None:
    """End to end: a request commits, the kick reaches the in-process arq worker, the handler runs."""
    from blokhub.api.app import create_app
    from blokhub.wiring.consumers import CONSUMERS
    from blokhub.workers.settings import InProcessWorker

    app = create_app(clean.settings, CONSUMERS, resources=clean)
    app.state.resources = clean
    worker = InProcessWorker(clean, installed())
    worker.start()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await register(client, "zoe")
        for _ in range(100):
            if recorder:
                break
            await asyncio.sleep(0.05)
        assert [topic for topic, _ in recorder] == ["user.registered"]
    finally:
        await worker.stop()


async def test_lanes_are_independent_consumers(clean: Resources, recorder: list[Any]) -> None:
    """A slow or failing lane (vectors) never holds back the main lane, and each lane sees every event once."""
    slow_calls: list[int] = []

    async def failing_vectors(ctx: JobContext, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
        slow_calls.extend(e.aggregate_id for e in events)
        raise RuntimeError("embedder down")

    installed().add(Consumer(("test.event",), failing_vectors, lane="testvectors"))
    try:
        async with clean.sessionmaker() as db, db.begin():
            emit(db, "test.event", "test", 42)
        ctx = {"resources": clean}
        assert await process_pending(ctx) == 1  # main lane: done
        assert recorder == [("test.event", 42)]
        assert await process_pending(ctx, lane="testvectors") == 1  # its own copy, failing
        assert slow_calls == [42]
        async with clean.sessionmaker() as db:
            rows = {e.lane: e for e in (await db.scalars(select(OutboxEvent))).all()}
        assert rows["main"].processed_at is not None
        assert rows["testvectors"].processed_at is None and rows["testvectors"].attempts == 1
        assert await process_pending(ctx) == 0  # nothing re-delivered to main
    finally:
        installed().remove(failing_vectors)
