"""Engine and session factory, built once per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from blokhub.config import Settings


def create_engine(settings: Settings) -> AsyncEngine:
    assert settings.database_url, "the runtime resolves database_url before engines are built"
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_size,
        pool_pre_ping=False,
        # JIT only slows the short OLTP queries this service runs.
        connect_args={"server_settings": {"jit": "off", "application_name": "blokhub"}},
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def session_scope(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One transaction for one unit of work (a job): commit on success, roll back on error."""
    from blokhub.db import after_commit

    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            after_commit.discard(session)
            raise
        await after_commit.run(session)
