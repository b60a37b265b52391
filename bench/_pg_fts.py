"""The PostgreSQL full-text baseline of `search_speed.py`: what a user would otherwise pick (GIN, ts_rank, facet
GROUP BYs), on the same listed documents and the same query mix."""

from __future__ import annotations

import time
from collections.abc import Callable

PG_SETUP = """
CREATE TABLE IF NOT EXISTS bench_fts AS
SELECT w.id,
       setweight(to_tsvector('english', w.title), 'A') || setweight(to_tsvector('english', w.description), 'B')
         || setweight(to_tsvector('english', array_to_string(w.tags, ' ')), 'A') AS doc,
       w.tags, w.facts->>'trigger' AS trigger,
       ARRAY(SELECT jsonb_array_elements_text(w.facts->'runtimes')) AS runtimes,
       ARRAY(SELECT jsonb_array_elements_text(w.facts->'nodes')) AS nodes,
       w.favorites_count
FROM workflows w WHERE {listed};
CREATE INDEX IF NOT EXISTS bench_fts_doc ON bench_fts USING GIN (doc);
ANALYZE bench_fts;
"""


def _tsquery(q: str) -> str:
    words = ["".join(c for c in w if c.isalnum()) for w in q.split()]
    words = [w for w in words if w]
    return " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else ""


async def pg_baseline(
    database_url: str, mix: list[dict[str, str]], is_typo: Callable[[dict[str, str]], bool]
) -> tuple[list[float], dict[str, int]]:
    import asyncpg
    from sqlalchemy.engine import make_url

    from blokhub.db.models.workflow import listed_sql

    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, server_settings={"jit": "off"})
    try:
        await conn.execute(PG_SETUP.format(listed=listed_sql("w")))
        times, typo = [], {"asked": 0, "answered": 0}
        for n, p in enumerate(mix):
            tsq = _tsquery(p["q"])
            cond, args = "doc @@ to_tsquery('english', $1)", [tsq]
            if "trigger" in p:
                cond, args = cond + " AND trigger = $2", [*args, p["trigger"]]
            if "runtime" in p:
                cond, args = cond + " AND $2 = ANY(runtimes)", [*args, p["runtime"]]
            t = time.perf_counter()
            await conn.fetch(
                f"SELECT id, ts_rank(doc, to_tsquery('english', $1)) AS r FROM bench_fts WHERE {cond} "
                "ORDER BY r DESC, favorites_count DESC LIMIT 20",
                *args,
            )
            total = await conn.fetchval(f"SELECT count(*) FROM bench_fts WHERE {cond}", *args)
            if "facets" in p:
                for col in ("tags", "runtimes", "nodes"):
                    await conn.fetch(
                        f"SELECT v, count(*) FROM bench_fts, unnest({col}) v WHERE {cond} "
                        "GROUP BY v ORDER BY 2 DESC LIMIT 100",
                        *args,
                    )
                await conn.fetch(
                    f"SELECT trigger, count(*) FROM bench_fts WHERE {cond} GROUP BY trigger ORDER BY 2 DESC", *args
                )
            if n >= 20:
                times.append((time.perf_counter() - t) * 1000)
            if is_typo(p):
                typo["asked"] += 1
                typo["answered"] += bool(total)
        return times, typo
    finally:
        await conn.close()
