"""Loading the demo corpus into PostgreSQL in bulk (COPY), fast enough for a million workflows.

The corpus itself (users, workflows, forks, near-duplicates) comes from :mod:`blokhub.seed.corpus`; this module
checks every document with :mod:`blokhub.blok` exactly as the API would and writes rows in batches. Seeding writes no
outbox events: search and vector indexes are rebuilt from PostgreSQL afterwards (``blokhub reindex``), which is far
cheaper than relaying a million individual events.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

import asyncpg
import msgspec
from tqdm import tqdm

from blokhub import blok
from blokhub.api.auth.passwords import hash_password
from blokhub.api.workflows.slugs import slugify
from blokhub.config import Settings
from blokhub.db.models import listed_sql
from blokhub.db.workflow_rows import facts_of, first_version, health_of
from blokhub.seed.corpus import SeedWorkflow, generate_users, generate_workflows
from blokhub.seed.history import HistoryReport, seed_history
from blokhub.seed.staff import insert_staff

log = logging.getLogger(__name__)

BATCH = 2_000
DEMO_PASSWORD = "blokhub-demo-password"  # every seeded account; documented in the README
_json = msgspec.json.Encoder()

WORKFLOW_COLUMNS = [
    "id",
    "owner_id",
    "slug",
    "title",
    "description",
    "tags",
    "visibility",
    "version",
    "definition",
    "source_format",
    "canonical_hash",
    "facts",
    "health",
    "forked_from_id",
    "forked_from_version",
    "published_at",
    "created_at",
    "updated_at",
    "favorites_count",
    "comments_count",
    "forks_count",
    "views_count",
    "rating_count",
    "rating_sum",
]
VERSION_COLUMNS = ["workflow_id", "version", "definition", "canonical_hash", "changelog", "created_at"]


def asyncpg_dsn(settings: Settings) -> str:
    assert settings.database_url
    return settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class SeedReport:
    users: int = 0
    workflows: int = 0
    invalid: int = 0
    seconds: float = 0.0
    index_to_id: dict[int, int] = field(default_factory=dict, repr=False)
    history: HistoryReport | None = None  # the demo's engagement (see seed_demo)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


async def _insert_users(conn: asyncpg.Connection, seed: int, count: int, now: datetime) -> list[int]:
    """Insert users (skipping names or emails already taken) and return the id of user #i at position i."""
    password_hash = await hash_password(DEMO_PASSWORD)
    users = list(generate_users(seed, count))
    await conn.execute(
        "CREATE TEMP TABLE seed_users (username text, email text, display_name text, bio text, created_at timestamptz)"
        " ON COMMIT DROP"
    )
    await conn.copy_records_to_table(
        "seed_users",
        records=[(u.username, u.email, u.display_name, u.bio, now - timedelta(days=u.created_days_ago)) for u in users],
    )
    await conn.execute(
        "INSERT INTO users (username, email, display_name, bio, links, password_hash, role, created_at, updated_at) "
        "SELECT username, email, display_name, bio, '[]'::jsonb, $1, 'user', created_at, created_at FROM seed_users "
        "ON CONFLICT DO NOTHING",
        password_hash,
    )
    rows = await conn.fetch(
        "SELECT s.username, u.id FROM seed_users s JOIN users u ON lower(u.username) = lower(s.username)"
    )
    ids = {r["username"]: r["id"] for r in rows}
    return [ids[u.username] for u in users]


class _Slugs:
    """Per-owner slug uniqueness without a query per workflow."""

    def __init__(self, taken: dict[int, set[str]]) -> None:
        self.taken = taken

    def claim(self, owner_id: int, title: str) -> str:
        used = self.taken.setdefault(owner_id, set())
        base = slugify(title)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        return slug


_COUNTERS = dict.fromkeys(
    ("favorites_count", "comments_count", "forks_count", "views_count", "rating_count", "rating_sum"), 0
)


def _rows(
    item: SeedWorkflow, wid: int, owner_id: int, slug: str, forked: tuple[int, int] | None, now: datetime
) -> tuple[tuple[Any, ...], tuple[Any, ...], bool]:
    """COPY records for one workflow, built by the same `first_version` as the API's publish()."""
    result = blok.validate(item.definition)
    values, version = first_version(
        owner_id=owner_id,
        title=item.title[:200],
        description=item.description,
        tags=item.tags,
        visibility=item.visibility,
        definition=item.definition,
        source_format="json",
        canonical_hash=blok.canonical_hash(item.definition),
        facts=facts_of(result),
        health=health_of(result),
        forked_from=forked,
        at=now - timedelta(days=item.created_days_ago),
    )
    definition = _json.encode(item.definition).decode()
    values.update(_COUNTERS, id=wid, slug=slug, definition=definition)
    for column in ("facts", "health"):  # COPY takes jsonb as text
        values[column] = _json.encode(values[column]).decode()
    version.update(workflow_id=wid, definition=definition)
    workflow = tuple(values[c] for c in WORKFLOW_COLUMNS)
    return workflow, tuple(version[c] for c in VERSION_COLUMNS), result.valid


async def seed_corpus(
    settings: Settings, *, seed: int, users: int, workflows: int, progress: bool = False
) -> SeedReport:
    """Insert ``users`` users and ``workflows`` workflows generated deterministically from ``seed``."""
    started = time.perf_counter()
    report = SeedReport()
    now = datetime.now(UTC)
    conn = await asyncpg.connect(asyncpg_dsn(settings))
    try:
        async with conn.transaction():
            user_ids = await _insert_users(conn, seed, users, now)
            report.users = len(user_ids)
            taken: dict[int, set[str]] = {}
            for r in await conn.fetch(
                "SELECT owner_id, slug FROM workflows WHERE deleted_at IS NULL AND owner_id = ANY($1::bigint[])",
                user_ids,
            ):
                taken.setdefault(r["owner_id"], set()).add(r["slug"])
            slugs = _Slugs(taken)
            bar = tqdm(total=workflows, unit="wf", desc="seeding workflows", disable=not progress, smoothing=0.1)
            for chunk in _batches(generate_workflows(seed, workflows, users), BATCH):
                ids = [
                    r[0]
                    for r in await conn.fetch(
                        "SELECT nextval(pg_get_serial_sequence('workflows', 'id')) FROM generate_series(1, $1)",
                        len(chunk),
                    )
                ]
                wf_rows, version_rows = [], []
                for item, wid in zip(chunk, ids, strict=True):
                    report.index_to_id[item.index] = wid
                    owner_id = user_ids[item.owner_index]
                    forked = None
                    if item.forked_from is not None and item.forked_from in report.index_to_id:
                        forked = (report.index_to_id[item.forked_from], 1)
                    wf, ver, valid = _rows(item, wid, owner_id, slugs.claim(owner_id, item.title), forked, now)
                    report.invalid += not valid
                    wf_rows.append(wf)
                    version_rows.append(ver)
                await conn.copy_records_to_table("workflows", records=wf_rows, columns=WORKFLOW_COLUMNS)
                await conn.copy_records_to_table("workflow_versions", records=version_rows, columns=VERSION_COLUMNS)
                report.workflows += len(chunk)
                bar.update(len(chunk))
            bar.close()
            if report.index_to_id:
                await conn.execute(
                    "UPDATE workflows w SET forks_count = f.n FROM (SELECT forked_from_id AS id, count(*) AS n "
                    "FROM workflows WHERE forked_from_id IS NOT NULL AND visibility = 'public' "
                    "AND deleted_at IS NULL AND hidden_at IS NULL GROUP BY 1) f "
                    "WHERE w.id = f.id"
                )
            await conn.execute(
                "UPDATE users u SET workflows_count = c.n FROM (SELECT owner_id, count(*) AS n FROM workflows "
                f"WHERE {listed_sql()} AND owner_id = ANY($1::bigint[]) "
                "GROUP BY 1) c WHERE u.id = c.owner_id",
                user_ids,
            )
        await conn.execute("ANALYZE workflows")
    finally:
        await conn.close()
    report.seconds = time.perf_counter() - started
    log.info("seeded %d users and %d workflows in %.1fs", report.users, report.workflows, report.seconds)
    return report


async def seed_demo(
    settings: Settings, *, seed: int, users: int, workflows: int, history: bool = True, progress: bool = False
) -> SeedReport:
    """The demo: the corpus, the staff accounts and (unless ``history`` is off, for benchmarks that measure the
    corpus alone) four weeks of deterministic engagement with trending and scores computed. `blokhub seed` and
    `serve`'s seed-on-empty both come here, so they load the same demo."""
    report = await seed_corpus(settings, seed=seed, users=users, workflows=workflows, progress=progress)
    conn = await asyncpg.connect(asyncpg_dsn(settings))
    try:
        await insert_staff(conn, DEMO_PASSWORD)  # a moderator and an admin to try moderation with
        if history:
            # Alive on the first request: follows, favorites, reviews, comments and views; trending and scores.
            report.history = await seed_history(settings, conn, seed=seed)
    finally:
        await conn.close()
    return report


async def seed_if_empty(settings: Settings, workflows: int) -> SeedReport | None:
    """``serve`` on an empty database loads the demo, so a first `make run` has something to show."""
    conn = await asyncpg.connect(asyncpg_dsn(settings))
    try:
        if await conn.fetchval("SELECT EXISTS (SELECT 1 FROM workflows)"):
            return None
    finally:
        await conn.close()
    return await seed_demo(settings, seed=42, users=max(10, workflows // 6), workflows=workflows, progress=True)
