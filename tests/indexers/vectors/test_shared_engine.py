"""The API processes that do not own the Qdrant Edge shard read it through the owner (a unix socket): same answers
as the owner's engine, reads only."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from blokhub.indexers.vectors import VectorFilter, create_vector_engine
from blokhub.indexers.vectors._edge_share import SharedVectorEngine, socket_path
from tests.indexers.vectors.conftest import Corpus


async def test_a_follower_reads_what_the_owner_reads_and_never_writes(tmp_path: Path, corpus: Corpus) -> None:
    owner = create_vector_engine(data_dir=tmp_path, qdrant_url=None, qdrant_api_key=None, role="owner")
    await owner.open()
    follower = create_vector_engine(data_dir=tmp_path, qdrant_url=None, qdrant_api_key=None, role="follower")
    assert isinstance(follower, SharedVectorEngine)
    try:
        await follower.open()
        await owner.upsert(corpus.points)
        assert await follower.count() == await owner.count() == len(corpus.points)
        assert await follower.all_ids() == corpus.ids
        query = corpus.vector(7)
        f = VectorFilter(tags=["slack"], exclude_ids=[7])
        for with_vectors in (False, True):
            mine = await owner.search(query, 10, f, with_vectors=with_vectors)
            theirs = await follower.search(query, 10, f, with_vectors=with_vectors)
            assert [(h.id, h.score, h.payload) for h in theirs] == [(h.id, h.score, h.payload) for h in mine]
            if with_vectors:
                assert all(np.array_equal(a.vector, b.vector) for a, b in zip(mine, theirs, strict=True))  # type: ignore[arg-type]
        recommended = await follower.recommend([3, 4], [5], 5, with_vectors=True)
        assert [h.id for h in recommended] == [h.id for h in await owner.recommend([3, 4], [5], 5)]
        examples = await follower.vectors([3, 4, 5])  # sent along as bytes: the owner does not look them up again
        given = await follower.recommend([3, 4], [5], 5, examples=examples)
        assert [h.id for h in given] == [h.id for h in recommended]
        stored = await follower.vectors([1, 2, 10_000])
        assert set(stored) == {1, 2} and np.allclose(stored[1], corpus.vector(1), atol=1e-6)
        assert await follower.ping() and not await follower.optimize()
        with pytest.raises(RuntimeError, match="owns it writes"):
            await follower.upsert(corpus.points[:1])
        with pytest.raises(RuntimeError, match="owns it writes"):
            await follower.delete([1])
    finally:
        await follower.close()
        await owner.close()
    assert not socket_path(tmp_path / "vectors").exists()  # the owner removed its socket
    assert not await follower.ping()  # and nothing answers any more


def test_deep_data_dirs_get_a_short_socket_path(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 120) / "vectors"
    assert len(str(socket_path(deep))) <= 107
    assert socket_path(deep) != socket_path(tmp_path / ("e" * 120) / "vectors")
