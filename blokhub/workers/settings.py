"""arq worker wiring: the worker built from the consumer table, and the in-process runner used by ``serve``
(the standalone process is started by ``blokhub.wiring.worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker

from blokhub.outbox.registry import Registry
from blokhub.runtime.context import JobContext
from blokhub.runtime.resources import Resources
from blokhub.workers.tasks import cron_jobs, functions

log = logging.getLogger(__name__)

# Short poll delay: jobs are kicked right after a commit and users wait for their effects (search, feed).
POLL_DELAY = 0.05


def build_worker(resources: Resources, registry: Registry, *, handle_signals: bool, burst: bool = False) -> Worker:
    """An arq worker with one relay job per lane of ``registry`` (the installed consumer table)."""
    assert resources.settings.redis_url
    ctx: JobContext = {"resources": resources}
    return Worker(
        functions=functions(registry),
        cron_jobs=cron_jobs(registry),
        redis_pool=resources.redis,
        redis_settings=RedisSettings.from_dsn(resources.settings.redis_url),
        ctx=dict(ctx),
        poll_delay=POLL_DELAY,
        handle_signals=handle_signals,
        burst=burst,
        max_jobs=10,
        job_timeout=300,
    )


class InProcessWorker:
    """Runs the arq worker as a task on the API's event loop (embedded engines are single-writer).

    If Redis is down the worker is rebuilt and retried; meanwhile writes keep landing in the outbox."""

    def __init__(self, resources: Resources, registry: Registry) -> None:
        self._resources = resources
        self._registry = registry
        self._task: asyncio.Task[Any] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="arq-worker")

    async def _run(self) -> None:
        while True:
            try:
                await build_worker(self._resources, self._registry, handle_signals=False).main()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("in-process worker stopped (%s); restarting in 2 s", exc)
            await asyncio.sleep(2)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        # close() would also close the shared Redis pool, which the API still owns; drop only the worker's state.
        self._task = None
