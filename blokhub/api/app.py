"""Litestar application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig

from blokhub import __version__
from blokhub.api import deps
from blokhub.api.ai.controllers import AiController
from blokhub.api.auth.controllers import AuthController, PasswordController
from blokhub.api.client_address import client_address_middleware
from blokhub.api.discovery.controllers import RecommendationController, SimilarController, TrendingController
from blokhub.api.edge import BODY_REFUSED, LINE_REFUSED, edge_guard_middleware
from blokhub.api.errors import EXCEPTION_HANDLERS
from blokhub.api.feed.controllers import FeedController
from blokhub.api.moderation.controllers import AdminController, ReportController
from blokhub.api.notifications.controllers import MuteController, NotificationController, notifications_ws
from blokhub.api.notifications.hub import NotificationHub
from blokhub.api.observability import request_id_middleware
from blokhub.api.openapi.document import FinishedJsonRenderPlugin, FinishedSwaggerRenderPlugin
from blokhub.api.openapi.text_rules import TextRules
from blokhub.api.ops.controllers import MetricsController, OpsController
from blokhub.api.routing import fix_options_allow
from blokhub.api.search.controllers import SavedSearchController, SearchAnalyticsController, SearchController
from blokhub.api.social.controllers import (
    CommentController,
    FollowController,
    MyFavoritesController,
    WorkflowSocialController,
)
from blokhub.api.users.controllers import MeController, UsersController
from blokhub.api.workflows.controllers import WorkflowController
from blokhub.config import Settings
from blokhub.outbox.registry import Consumer, install
from blokhub.runtime.resources import Resources

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
# What the edge guard refuses, said on every request-side string of the published schema.
TEXT_RULES = TextRules(body=BODY_REFUSED, line=LINE_REFUSED)


def api_router() -> Router:
    return Router(
        path=API_PREFIX,
        route_handlers=[
            AuthController,
            PasswordController,
            MeController,
            UsersController,
            WorkflowController,
            WorkflowSocialController,
            CommentController,
            FollowController,
            MyFavoritesController,
            FeedController,
            NotificationController,
            MuteController,
            notifications_ws,
            ReportController,
            AdminController,
            SearchController,
            SavedSearchController,
            SearchAnalyticsController,
            TrendingController,
            SimilarController,
            RecommendationController,
            AiController,
        ],
    )


class BackgroundWorker(Protocol):
    """A job runner living on the app's event loop (``blokhub.workers.settings.InProcessWorker``)."""

    def start(self) -> None: ...

    async def stop(self) -> None: ...


def create_app(
    settings: Settings,
    consumers: Sequence[Consumer],
    *,
    resources: Resources | None = None,
    worker: Callable[[Resources], BackgroundWorker] | None = None,
) -> Litestar:
    """Build the app. ``consumers`` is the outbox consumer table, installed now; ``resources`` may be handed in
    (tests share one set), otherwise the lifespan owns them; ``worker`` (injected by the wiring layer) builds the
    in-process job runner, none when jobs run in their own process."""
    install(consumers)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        owned = resources is None
        res = resources or Resources.open(settings)
        if owned:
            await res.start()
        app.state.resources = res
        assert res.settings.redis_url
        app.state.hub = hub = NotificationHub.for_url(res.settings.redis_url)
        hub.start()
        running = worker(res) if worker else None
        if running:
            running.start()
        try:
            yield
        finally:
            # Bounded: a component that will not stop must not keep the process (and its engines) alive.
            for name, stop in (("worker", running.stop if running else None), ("notification hub", hub.stop)):
                if stop is None:
                    continue
                try:
                    await asyncio.wait_for(stop(), timeout=5)
                except TimeoutError:
                    log.warning("%s did not stop within 5 s; leaving it behind", name)
            if owned:
                await res.close()

    prometheus = PrometheusConfig(app_name="blokhub", prefix="blokhub", group_path=True, exclude=["/metrics"])
    app = Litestar(
        # /ws is also served at the root, where browsers and the API guide expect it.
        route_handlers=[OpsController, MetricsController, api_router(), notifications_ws],
        dependencies={
            "resources": Provide(deps.provide_resources, sync_to_thread=False),
            "db": Provide(deps.provide_db),
            "user": Provide(deps.provide_user),
            "viewer": Provide(deps.provide_viewer),
            "moderator": Provide(deps.provide_moderator),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[
            client_address_middleware(settings.trusted_proxies),
            request_id_middleware,
            edge_guard_middleware(settings.max_body_bytes),
            prometheus.middleware,
        ],
        lifespan=[lifespan],
        cors_config=CORSConfig(allow_origins=settings.cors_origins) if settings.cors_origins else None,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="Blok Hub API",
            version=__version__,
            description="Find, share and generate Blok workflows.",
            path="/schema",
            # The JSON and Swagger UI serve the finished document (true errors, Bearer scheme, raw bodies).
            render_plugins=[
                ScalarRenderPlugin(),
                FinishedSwaggerRenderPlugin(path="/swagger", text_rules=TEXT_RULES),
                FinishedJsonRenderPlugin(text_rules=TEXT_RULES),
            ],
        ),
        debug=False,
        logging_config=None,  # blokhub.api.observability configures logging once per process
    )
    fix_options_allow(app)
    return app
