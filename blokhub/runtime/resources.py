"""Clients built once per process (API lifespan or worker start-up) and shared by every request and job."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from blokhub.ai import LLMClient, create_llm_client
from blokhub.config import Settings
from blokhub.db.session import create_engine, create_sessionmaker
from blokhub.indexers.search import SearchEngine, create_search_engine
from blokhub.indexers.vectors import Embedder, VectorEngine, create_vector_engine
from blokhub.indexers.vectors.factory import IndexRole
from blokhub.runtime.pg_pool import BarePool

log = logging.getLogger(__name__)


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # ArqRedis is a redis.asyncio.Redis that can also enqueue jobs: one client for cache, limits, pub/sub, queue.
    redis: ArqRedis
    # Safe (GET/HEAD) requests only read: autocommit spares them the BEGIN and COMMIT round trips.
    read_sessionmaker: async_sessionmaker[AsyncSession]
    search: SearchEngine
    vectors: VectorEngine
    embedder: Embedder  # loads the model on first use (or at start in the background)
    llm: LLMClient | None  # None without an API key: generation uses the offline generator
    bare_pg: BarePool  # the per-request auth lookup of reads, without the ORM (see pg_pool.py)

    @classmethod
    def open(cls, settings: Settings, *, index_role: IndexRole = "alone") -> Resources:
        """Build clients without connecting: a dependency that is down must not stop the process from starting.
        `index_role`: how this process shares the embedded indexes with the other API processes of a `serve`."""
        assert settings.database_url, "the runtime resolves database_url before resources are built"
        engine = create_engine(settings)
        assert settings.redis_url
        pool = ConnectionPool.from_url(
            settings.redis_url, socket_connect_timeout=1.0, socket_timeout=2.0, health_check_interval=30
        )
        reader = create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))
        search = create_search_engine(
            data_dir=settings.data_dir,
            meilisearch_url=settings.meilisearch_url,
            meilisearch_key=settings.meilisearch_key,
            follow=index_role == "follower",
            cores_shared=index_role != "alone",
        )
        vectors = create_vector_engine(
            data_dir=settings.data_dir,
            qdrant_url=settings.qdrant_url,
            qdrant_api_key=settings.qdrant_api_key,
            role=index_role,
        )
        return cls(
            settings,
            engine,
            create_sessionmaker(engine),
            ArqRedis(connection_pool=pool),
            reader,
            search,
            vectors,
            Embedder(precision=settings.embedding_precision),
            create_llm_client(settings),
            BarePool(settings.database_url),
        )

    async def start(self) -> None:
        """Open what needs opening (index files, server clients). Failures are logged, not fatal: writes still
        land in PostgreSQL and the indexes catch up once the component is back."""
        for part in (self.search, self.vectors):
            try:
                await part.open()
            except Exception as exc:
                log.error("%s failed to open: %s", part.name, exc)

    async def close(self) -> None:
        for part in (self.search, self.vectors):
            try:
                await part.close()
            except Exception as exc:
                log.warning("%s close: %s", part.name, exc)
        self.embedder.close()
        if self.llm is not None:
            await self.llm.aclose()
        await self.redis.aclose(close_connection_pool=True)
        await self.bare_pg.close()
        await self.engine.dispose()
