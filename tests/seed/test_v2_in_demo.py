"""The seeded demo hub holds both dialects: v2 workflows are stored as v2 and flow through facts, hash, search
(the `dialect` facet), embeddings and similar like v1 ones."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from blokhub import blok
from blokhub.indexers.reindex import reindex, reindex_vectors
from blokhub.runtime.resources import Resources
from blokhub.seed.service import seed_corpus

S = "/api/v1/search/workflows"
W = "/api/v1/workflows"


async def test_seeded_v2_workflows_are_searchable_similar_and_counted_by_dialect(
    client: httpx.AsyncClient, clean: Resources
) -> None:
    report = await seed_corpus(clean.settings, seed=7, users=40, workflows=400)
    assert report.invalid == 0
    await reindex(clean.read_sessionmaker, clean.search, progress=False)
    await reindex_vectors(clean.read_sessionmaker, clean.sessionmaker, clean.vectors, clean.embedder)
    async with clean.engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT id, definition, canonical_hash, facts->>'dialect', facts->'control_flow', visibility "
                    "FROM workflows ORDER BY id"
                )
            )
        ).all()
        listed = dict(
            (
                await conn.execute(
                    text("SELECT facts->>'dialect', count(*) FROM workflows WHERE visibility = 'public' GROUP BY 1")
                )
            ).all()
        )
    v2 = [r for r in rows if r[3] == "v2"]
    assert 0.15 <= len(v2) / len(rows) <= 0.3
    for _id, definition, digest, _dialect, _flow, _visibility in v2:
        assert "nodes" not in definition and blok.dialect_of(definition) is blok.Dialect.V2
        assert digest == blok.canonical_hash(definition)
    assert {"tryCatch", "forEach", "branch"} <= {kind for r in v2 for kind in r[4]}

    facets = (await client.get(S, params={"facets": "dialect", "limit": 1})).json()["facets"]["dialect"]
    assert facets == {"v1": listed["v1"], "v2": listed["v2"]}
    only = (await client.get(S, params={"dialect": "v2", "limit": 50})).json()
    assert only["total"] == listed["v2"] and {h["workflow"]["dialect"] for h in only["hits"]} == {"v2"}

    public_v2 = next(r[0] for r in v2 if r[5] == "public")
    detail = (await client.get(f"{W}/{public_v2}")).json()
    assert detail["dialect"] == "v2" and detail["facts"]["dialect"] == "v2"
    similar = (await client.get(f"{W}/{public_v2}/similar")).json()["items"]
    assert similar and all(item["reason"] for item in similar)
