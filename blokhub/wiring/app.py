"""The app as entry points build it: the consumer table installed and, in embedded mode, the arq worker running on
the API's event loop (the embedded engines are single-writer, so one process owns them)."""

from __future__ import annotations

from litestar import Litestar

from blokhub.api.app import create_app
from blokhub.config import Settings, get_settings
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.settings import InProcessWorker


def build_app(settings: Settings) -> Litestar:
    return create_app(settings, CONSUMERS, worker=InProcessWorker if settings.in_process_worker else None)


def app_from_env() -> Litestar:
    """Entry point for an ASGI server started on its own (settings must carry the server URLs)."""
    return build_app(get_settings())
