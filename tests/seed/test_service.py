"""Bulk seeding into the real database."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from blokhub.runtime.resources import Resources
from blokhub.seed.service import DEMO_PASSWORD, seed_corpus, seed_if_empty


async def _snapshot(resources: Resources) -> list[tuple[str, str, str, str]]:
    async with resources.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT u.username, w.title, w.canonical_hash, w.visibility FROM workflows w JOIN users u ON u.id = w.owner_id "
                "ORDER BY w.id"
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_seed_is_deterministic_valid_and_consistent(clean: Resources, table_names: list[str]) -> None:
    report = await seed_corpus(clean.settings, seed=7, users=40, workflows=400)
    assert (report.users, report.workflows, report.invalid) == (40, 400, 0)
    first = await _snapshot(clean)
    async with clean.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE"))
    await seed_corpus(clean.settings, seed=7, users=40, workflows=400)
    assert await _snapshot(clean) == first  # same seed, same corpus
    async with clean.engine.connect() as conn:
        valid = await conn.scalar(text("SELECT count(*) FROM workflows WHERE (health->>'valid')::boolean"))
        versions = await conn.scalar(text("SELECT count(*) FROM workflow_versions"))
        # forks_count counts the forks /forks lists (public, not hidden, not deleted)
        forks = await conn.scalar(
            text(
                "SELECT count(*) FROM workflows WHERE forked_from_id IS NOT NULL AND visibility = 'public' "
                "AND deleted_at IS NULL AND hidden_at IS NULL"
            )
        )
        fork_counts = await conn.scalar(text("SELECT sum(forks_count) FROM workflows"))
        bad_lineage = await conn.scalar(
            text(
                "SELECT count(*) FROM workflows f JOIN workflows o ON o.id = f.forked_from_id WHERE o.created_at > f.created_at"
            )
        )
        profile_mismatch = await conn.scalar(
            text(
                "SELECT count(*) FROM users u WHERE u.workflows_count <> (SELECT count(*) FROM workflows w WHERE "
                "w.owner_id = u.id AND w.visibility = 'public' AND w.deleted_at IS NULL)"
            )
        )
        slug_dupes = await conn.scalar(
            text("SELECT count(*) FROM (SELECT owner_id, slug FROM workflows GROUP BY 1, 2 HAVING count(*) > 1) d")
        )
    assert valid == 400 and versions == 400
    assert forks and forks == fork_counts
    assert bad_lineage == 0 and profile_mismatch == 0 and slug_dupes == 0
    other = await _snapshot_after_reseed(clean, table_names, seed=8)
    assert other != first  # another seed, another corpus


async def _snapshot_after_reseed(resources: Resources, tables: list[str], seed: int) -> list[tuple[str, str, str, str]]:
    async with resources.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    await seed_corpus(resources.settings, seed=seed, users=40, workflows=400)
    return await _snapshot(resources)


async def test_seed_if_empty_only_seeds_once_and_accounts_log_in(client: httpx.AsyncClient, clean: Resources) -> None:
    assert await seed_if_empty(clean.settings, 60) is not None
    assert await seed_if_empty(clean.settings, 60) is None
    async with clean.engine.connect() as conn:
        username = await conn.scalar(text("SELECT username FROM users ORDER BY id LIMIT 1"))
    r = await client.post("/api/v1/auth/login", json={"login": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    listed = (await client.get("/api/v1/workflows", params={"limit": 100})).json()["items"]
    assert listed and all(w["visibility"] == "public" for w in listed)


async def test_seed_into_a_non_empty_database_skips_taken_names(clean: Resources) -> None:
    await seed_corpus(clean.settings, seed=3, users=20, workflows=50)
    report = await seed_corpus(clean.settings, seed=3, users=20, workflows=50)  # same users again: reused
    assert report.workflows == 50
    async with clean.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM users")) == 20
        assert await conn.scalar(text("SELECT count(*) FROM workflows")) == 100
        dupes = await conn.scalar(
            text("SELECT count(*) FROM (SELECT owner_id, slug FROM workflows GROUP BY 1, 2 HAVING count(*) > 1) d")
        )
        assert dupes == 0
