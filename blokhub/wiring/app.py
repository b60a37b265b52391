"""The app as entry points build it: the consumer table installed and, in embedded mode, the arq worker running on
the API's event loop (the embedded engines are single-writer, so one process owns them)."""

from __future__ import annotations

from litestar import Litestar

from blokhub.api.app import create_app
from blokhub.config import Settings, get_settings
from blokhub.outbox.registry import install
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.settings import InProcessWorker


def build_app(settings: Settings) -> Litestar:
    registry = install(CONSUMERS)

    def in_process(resources: Resources) -> InProcessWorker:
        return InProcessWorker(resources, registry)

    return create_app(settings, CONSUMERS, worker=in_process if settings.in_process_worker else None)


def app_from_env() -> Litestar:
    """Entry point for an ASGI server started on its own (settings must carry the server URLs)."""
    return build_app(get_settings())
