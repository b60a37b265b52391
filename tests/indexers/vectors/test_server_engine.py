"""Qdrant server engine specifics (run on qdrant-client's local mode): the alias and its collections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient, models

from blokhub.indexers.vectors import create_vector_engine
from blokhub.indexers.vectors.server_engine import ServerVectorEngine
from tests.indexers.vectors.conftest import LOCAL_MODE_WARNING, Corpus
from tests.indexers.vectors.test_vector_rebuild import batches

pytestmark = pytest.mark.filterwarnings(LOCAL_MODE_WARNING)


@pytest.fixture
async def client() -> AsyncIterator[AsyncQdrantClient]:
    c = AsyncQdrantClient(":memory:")
    yield c
    await c.close()


async def alias_target(client: AsyncQdrantClient, alias: str = "workflows") -> str | None:
    return next((a.collection_name for a in (await client.get_aliases()).aliases if a.alias_name == alias), None)


async def collection_names(client: AsyncQdrantClient) -> set[str]:
    return {c.name for c in (await client.get_collections()).collections}


async def test_workflows_is_an_alias_that_rebuild_moves(client: AsyncQdrantClient, corpus: Corpus) -> None:
    engine = ServerVectorEngine(client=client)
    await engine.open()
    first = await alias_target(client)
    assert first is not None and first.startswith("workflows_")
    await engine.upsert(corpus.points)
    assert await engine.rebuild(batches(corpus.points[:10], size=4)) == 10
    second = await alias_target(client)
    assert second not in (None, first)
    assert await collection_names(client) == {second}  # the old collection is dropped
    assert await engine.count() == 10
    await engine.close()
    assert await client.collection_exists("workflows")  # a client passed in is left open


async def test_reopen_keeps_the_live_collection(client: AsyncQdrantClient, corpus: Corpus) -> None:
    engine = ServerVectorEngine(client=client)
    await engine.open()
    await engine.upsert(corpus.points)
    target = await alias_target(client)
    again = ServerVectorEngine(client=client)
    await again.open()
    assert await alias_target(client) == target and await again.count() == len(corpus.points)


async def test_a_plain_collection_is_adopted_then_replaced(client: AsyncQdrantClient, corpus: Corpus) -> None:
    params = models.VectorParams(size=384, distance=models.Distance.COSINE)
    await client.create_collection("workflows", vectors_config=params)
    engine = ServerVectorEngine(client=client)
    await engine.open()
    assert await alias_target(client) is None  # used as it is
    await engine.upsert(corpus.points[:5])
    assert await engine.count() == 5
    assert await engine.rebuild(batches(corpus.points, size=30)) == len(corpus.points)
    target = await alias_target(client)
    assert target is not None and await collection_names(client) == {target}
    assert await engine.count() == len(corpus.points)


async def test_an_incompatible_collection_is_replaced_by_an_empty_one(client: AsyncQdrantClient) -> None:
    params = models.VectorParams(size=3, distance=models.Distance.DOT)
    await client.create_collection("workflows_old", vectors_config=params)
    await client.upsert("workflows_old", points=[models.PointStruct(id=1, vector=[1.0, 0.0, 0.0])])
    alias = models.CreateAlias(collection_name="workflows_old", alias_name="workflows")
    await client.update_collection_aliases([models.CreateAliasOperation(create_alias=alias)])
    engine = ServerVectorEngine(client=client)
    await engine.open()
    target = await alias_target(client)
    assert target not in (None, "workflows_old") and "workflows_old" not in await collection_names(client)
    assert await engine.count() == 0  # the convergence check reindexes it


def test_needs_exactly_one_of_url_and_client(client: AsyncQdrantClient) -> None:
    with pytest.raises(ValueError):
        ServerVectorEngine()
    with pytest.raises(ValueError):
        ServerVectorEngine(url="http://localhost:6333", client=client)


async def test_factory_picks_the_server_with_a_url(tmp_path: Path) -> None:
    engine = create_vector_engine(data_dir=tmp_path, qdrant_url="http://localhost:6333", qdrant_api_key="k")
    assert isinstance(engine, ServerVectorEngine) and engine.url == "http://localhost:6333"
    assert await engine.optimize() is False
