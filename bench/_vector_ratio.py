"""The vector engine class against a bare Qdrant Edge query (same request), for `search_speed.py`: the class, the
bare query whose answer is not read, and the bare query whose answer is read."""

from __future__ import annotations

import random
import time
from pathlib import Path


async def vector_ratio(data_dir: Path, samples: int) -> tuple[list[float], list[float], list[float]]:
    from qdrant_edge import Query, QueryRequest

    from blokhub.indexers.vectors import VectorFilter
    from blokhub.indexers.vectors._edge_convert import to_filter
    from blokhub.indexers.vectors._query import plan_filter
    from blokhub.indexers.vectors.edge_engine import EdgeVectorEngine

    engine = EdgeVectorEngine(data_dir / "vectors")
    await engine.open()
    try:
        ids = sorted(await engine.all_ids())
        rnd = random.Random(5)
        picks = [rnd.choice(ids) for _ in range(samples + 20)]
        vecs = await engine.vectors(picks)
        shard = engine._store.live.shard  # type: ignore[union-attr]  # the bare shard, for the comparison only
        cls, bare, read = [], [], []
        for i, wid in enumerate(picks):
            f = VectorFilter(exclude_ids=[wid])
            request = QueryRequest(
                limit=30,
                query=Query.Nearest(vecs[wid].tolist()),
                filter=to_filter(plan_filter(f)),
                with_payload=True,
                with_vector=True,
            )
            # Untimed first: whichever ran first would otherwise pay for the graph pages the other then finds warm.
            shard.query(request)
            timed: dict[str, float] = {}
            order = ["class", "bare", "read"] if i % 2 else ["read", "bare", "class"]
            for kind in order:
                t = time.perf_counter()
                if kind == "class":
                    await engine.search(vecs[wid], 30, f, with_vectors=True)
                elif kind == "bare":
                    shard.query(request)
                else:  # what any caller must read of the answer
                    _ = [(p.id, p.score, p.payload, p.vector) for p in shard.query(request)]
                timed[kind] = (time.perf_counter() - t) * 1000
            if i >= 20:
                cls.append(timed["class"])
                bare.append(timed["bare"])
                read.append(timed["read"])
        return cls, bare, read
    finally:
        await engine.close()
