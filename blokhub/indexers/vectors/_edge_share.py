"""Sharing one Qdrant Edge shard with the other API processes of a `serve`.

Edge locks its shard to one process, so the process that owns it answers the others' reads over a unix socket in
the data dir: length-prefixed msgpack frames, one request at a time per connection, vectors as float32 bytes.
Reads only: writes, rebuilds and optimisation stay with the owner (its in-process worker makes them).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import struct
import tempfile
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from blokhub.indexers.vectors.protocol import VectorEngine
from blokhub.indexers.vectors.vector_types import Vector, VectorFilter, VectorHit, VectorPoint, as_vector

log = logging.getLogger(__name__)
_HEADER = struct.Struct(">I")
_MAX_SOCKET_PATH = 107
_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder().decode


def socket_path(vectors_dir: Path) -> Path:
    """`<data_dir>/vectors/share.sock`, or a short path under /tmp when that is too long for a unix socket."""
    path = vectors_dir / "share.sock"
    if len(str(path)) > _MAX_SOCKET_PATH:
        digest = hashlib.sha256(str(vectors_dir.resolve()).encode()).hexdigest()[:16]
        path = Path(tempfile.gettempdir()) / f"blokhub-vectors-{digest}.sock"
    return path


def _hits(hits: list[VectorHit]) -> list[list[Any]]:
    return [[h.id, h.score, h.payload, None if h.vector is None else h.vector.tobytes()] for h in hits]


def _from_hits(rows: list[list[Any]]) -> list[VectorHit]:
    return [VectorHit(i, s, p, None if v is None else np.frombuffer(v, dtype=np.float32).copy()) for i, s, p, v in rows]


def _pack(vectors: Mapping[int, Any]) -> dict[int, bytes]:
    return {i: as_vector(v).tobytes() for i, v in vectors.items()}


def _unpack(raw: dict[Any, bytes]) -> dict[int, Vector]:
    return {int(i): np.frombuffer(v, dtype=np.float32).copy() for i, v in raw.items()}


def _filter(raw: dict[str, Any] | None) -> VectorFilter | None:
    return None if raw is None else VectorFilter(**raw)


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    return _decode(await reader.readexactly(size))


def _frame(value: Any) -> bytes:
    body = _encode(value)
    return _HEADER.pack(len(body)) + body


class ShareServer:
    """Runs in the owning process: answers read requests with its engine."""

    def __init__(self, engine: VectorEngine, path: Path) -> None:
        self._engine = engine
        self.path = path
        self._server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # left by a killed owner; the data dir lock says nobody else serves this dir
        self._server = await asyncio.start_unix_server(self._serve, path=str(self.path))
        os.chmod(self.path, 0o600)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()

    async def _answer(self, op: str, a: dict[str, Any]) -> Any:
        e = self._engine
        if op == "search":
            vector = np.frombuffer(a["vector"], dtype=np.float32)
            return _hits(await e.search(vector, a["limit"], _filter(a["filter"]), with_vectors=a["with_vectors"]))
        if op == "recommend":
            raw = a.get("examples")
            examples = None if raw is None else _unpack(raw)
            hits = await e.recommend(
                a["positive_ids"],
                a["negative_ids"],
                a["limit"],
                _filter(a["filter"]),
                with_vectors=a["with_vectors"],
                examples=examples,
            )
            return _hits(hits)
        if op == "vectors":
            return _pack(await e.vectors(a["ids"]))
        if op == "all_ids":
            return sorted(await e.all_ids())
        if op == "count":
            return await e.count()
        if op == "ping":
            return await e.ping()
        raise ValueError(f"unknown operation {op!r}")

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                op, args = await _read_frame(reader)
                try:
                    reply = {"ok": await self._answer(op, args)}
                except Exception as exc:  # the caller raises it; the connection stays usable
                    reply = {"error": f"{type(exc).__name__}: {exc}"}
                writer.write(_frame(reply))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


class SharedVectorEngine:
    """A `VectorEngine` for the API processes that do not own the shard: reads go to the owner's `ShareServer`."""

    name = "qdrant-edge (shared)"

    def __init__(self, path: Path, *, max_idle: int = 8) -> None:
        self.path = path
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._max_idle = max_idle

    async def _call(self, op: str, **args: Any) -> Any:
        conn = self._idle.pop() if self._idle else await asyncio.open_unix_connection(str(self.path))
        try:
            conn[1].write(_frame([op, args]))
            reply = await _read_frame(conn[0])
        except BaseException:
            conn[1].close()
            raise
        if len(self._idle) < self._max_idle:
            self._idle.append(conn)
        else:
            conn[1].close()
        if "error" in reply:
            raise RuntimeError(f"vector index owner: {reply['error']}")
        return reply["ok"]

    async def open(self) -> None:
        await self._call("ping")

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for _, writer in idle:
            writer.close()

    async def ping(self) -> bool:
        try:
            return bool(await self._call("ping"))
        except Exception:
            return False

    async def search(
        self, vector: Any, limit: int, filter: VectorFilter | None = None, *, with_vectors: bool = False
    ) -> list[VectorHit]:
        raw = None if filter is None else asdict(filter)
        data = as_vector(vector).tobytes()
        return _from_hits(await self._call("search", vector=data, limit=limit, filter=raw, with_vectors=with_vectors))

    async def recommend(
        self,
        positive_ids: Sequence[int],
        negative_ids: Sequence[int],
        limit: int,
        filter: VectorFilter | None = None,
        *,
        with_vectors: bool = False,
        examples: Mapping[int, Vector] | None = None,
    ) -> list[VectorHit]:
        rows = await self._call(
            "recommend",
            positive_ids=list(positive_ids),
            negative_ids=list(negative_ids),
            limit=limit,
            filter=None if filter is None else asdict(filter),
            with_vectors=with_vectors,
            examples=None if examples is None else _pack(examples),
        )
        return _from_hits(rows)

    async def vectors(self, ids: Sequence[int]) -> dict[int, Vector]:
        if not ids:
            return {}
        found = await self._call("vectors", ids=list(ids))
        return _unpack(found)

    async def all_ids(self) -> set[int]:
        return set(await self._call("all_ids"))

    async def count(self) -> int:
        return int(await self._call("count"))

    async def upsert(self, points: Sequence[VectorPoint]) -> None:
        raise RuntimeError("this process reads the shared vector index; the process that owns it writes")

    async def delete(self, ids: Sequence[int]) -> None:
        raise RuntimeError("this process reads the shared vector index; the process that owns it writes")

    async def rebuild(self, points: AsyncIterator[Sequence[VectorPoint]]) -> int:
        raise RuntimeError("this process reads the shared vector index; the process that owns it rebuilds")

    async def optimize(self) -> bool:
        return False  # the owner's periodic job does it
