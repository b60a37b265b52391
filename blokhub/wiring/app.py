"""The app as entry points build it: the consumer table installed and, in embedded mode, the arq worker running on
the API's event loop (the embedded engines are single-writer, so one process owns them)."""

from __future__ import annotations

from litestar import Litestar

from blokhub.api.app import create_app
from blokhub.config import Settings, get_settings
from blokhub.indexers.vectors.factory import IndexRole
from blokhub.outbox.registry import install
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from blokhub.workers.settings import InProcessWorker


def build_app(settings: Settings, *, index_role: IndexRole = "alone") -> Litestar:
    """`index_role` "follower" (a `serve` replica) never runs the worker: the owning process does."""
    registry = install(CONSUMERS)

    def in_process(resources: Resources) -> InProcessWorker:
        return InProcessWorker(resources, registry)

    run_worker = settings.in_process_worker and index_role != "follower"
    return create_app(settings, CONSUMERS, worker=in_process if run_worker else None, index_role=index_role)


def app_from_env() -> Litestar:
    """Entry point for an ASGI server started on its own (settings must carry the server URLs)."""
    return build_app(get_settings())
