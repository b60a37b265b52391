"""A small bare asyncpg pool beside SQLAlchemy's, for the few queries on the hottest read paths: the lookup every
authenticated read runs, and hydrating search hits.

SQLAlchemy's ORM path (session, compile cache, greenlet hop, row → entity) measured ~45% of the CPU of an
authenticated `GET /me`; the same lookup on a bare prepared statement costs a fraction of that. Everything else keeps
using the engine and its sessions. Created on first use, so processes that never run these never open it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import msgspec
from sqlalchemy.engine import make_url


async def _init(conn: asyncpg.Connection) -> None:
    # JSON columns arrive as Python values, not text, as with SQLAlchemy's asyncpg dialect; decoded by msgspec
    # (the same values as json.loads, ~4x faster: facts and health are decoded for every hit of every search).
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=msgspec.json.decode, schema="pg_catalog")


async def _keep(conn: asyncpg.Connection) -> None:
    """On release: nothing. The default reset is a round trip (UNLISTEN, RESET ALL, ...) after every query, and the
    statements run here never change session state."""


class BarePool:
    def __init__(self, database_url: str, *, max_size: int = 4) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._max_size = max_size
        self._pool: asyncpg.Pool | None = None
        self._lock = asyncio.Lock()

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        pool = self._pool or await self._open()
        return await pool.fetchrow(query, *args)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        pool = self._pool or await self._open()
        rows: list[asyncpg.Record] = await pool.fetch(query, *args)
        return rows

    async def _open(self) -> asyncpg.Pool:
        async with self._lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(
                    self._dsn,
                    min_size=1,
                    max_size=self._max_size,
                    init=_init,
                    reset=_keep,
                    server_settings={"jit": "off", "application_name": "blokhub-bare"},
                )
            return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
