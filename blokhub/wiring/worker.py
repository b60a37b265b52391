"""``blokhub worker``: a separate worker process against configured servers, with the consumer table installed."""

from __future__ import annotations

import asyncio

from blokhub.config import Settings
from blokhub.outbox.registry import install
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.settings import build_worker


def run_standalone(settings: Settings) -> None:
    registry = install(CONSUMERS)

    async def main() -> None:
        resources = Resources.open(settings)
        await resources.start()
        worker = build_worker(resources, registry, handle_signals=True)
        try:
            await worker.main()
        finally:
            await resources.close()

    asyncio.run(main())
