"""Workflow shapes that are not event alerts: HTTP APIs, scheduled reports and manual maintenance jobs.

The HTTP API builders themselves are in :mod:`blokhub.seed.api_patterns`; titles are in ``data/texts.json``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blokhub.seed.api_patterns import (
    PROXIES,
    RES_BY_TABLE,
    api_cached,
    api_crud,
    api_intake,
    api_pdf,
    api_proxy,
    api_rag,
)
from blokhub.seed.corpus_build import Ctx, Step, env_ref, pg_conn
from blokhub.seed.corpus_patterns import (
    ALERT_CATS,
    STORE_CATS,
    Out,
    cap,
    fields,
    notes_sentence,
    pick_sink,
    weighted,
)
from blokhub.seed.corpus_steps import AI_BY_KEY, ai_step, embed_step, shape_rows, vector_store_step
from blokhub.seed.corpus_text import (
    EMAIL_REPORT_TITLES,
    MANUAL_TITLES,
    PDF_REPORT_TITLES,
    REPORT_TITLES,
    REPORTS,
)
from blokhub.seed.python_steps import py_misc, py_pdf
from blokhub.seed.tables import load

_TEXTS = load("texts")

_API_TITLES: dict[str, tuple[str, ...]] = _TEXTS["api_titles"]
_API_VARIANTS = weighted((("proxy", 28), ("crud", 30), ("cache", 13), ("intake", 15), ("rag", 7), ("pdf", 7)))


def p_api(c: Ctx, trig: Any) -> Out:
    res = RES_BY_TABLE[c.src.table]
    variant = c.pick(_API_VARIANTS)
    if variant == "proxy":
        proxy = c.pick(PROXIES)
        steps, method, path, info = api_proxy(c, proxy)
        title = c.pick(proxy.titles)
        tags = ["api", *proxy.tags, "proxy"]
        f: dict[str, str] = {}
    else:
        builder: Callable[..., tuple[list[Step], str, str, dict[str, Any]]] = {
            "crud": api_crud,
            "cache": api_cached,
            "intake": api_intake,
            "rag": api_rag,
            "pdf": api_pdf,
        }[variant]
        steps, method, path, info = builder(c, res)
        f = {
            "Res": cap(res.plural),
            "res": res.plural,
            "one": res.singular,
            "One": cap(res.singular),
            "Backend": info["Backend"],
            "coll": info.get("coll", "docs"),
        }
        title = c.pick(_API_TITLES[variant]).format(**f)
        f["S"] = info["Backend"]
        tags = [
            "api",
            "rest",
            variant if variant != "rag" else "ai",
            res.table.replace("_", "-"),
            info["Backend"].lower().replace("in-memory storage", "memory-storage"),
        ]
    trig.set_http(c, method, path)
    body = [info["sentence"]] if info["sentence"] else []
    lead = "proxy" if variant == "proxy" else "rag" if variant == "rag" else "api"
    return Out(steps, title, body, tags, lead, f)


_REPORT_VARIANTS = weighted((("pdf", 35), ("ai", 25), ("py", 10), ("mapper", 30)))
_REPORT_SINKS = weighted((("email", 45), ("chat", 35), ("storage", 20)))


def p_report(c: Ctx, trig: Any) -> Out:
    src = c.src
    report = REPORTS[src.key]
    steps: list[Step] = [src.fetch(c)] if src.fetch is not None else []
    if src.many and c.chance(0.7):
        steps.append(shape_rows(c))
    variant = c.pick(_REPORT_VARIANTS)
    sink = pick_sink(c, _REPORT_SINKS)
    f = fields(c, sink, trig)
    f.update(report=report, Report=cap(report))
    if variant == "pdf" and c.chance(0.7):
        titles = PDF_REPORT_TITLES
    elif sink.cat == "email" and c.chance(0.8):
        titles = EMAIL_REPORT_TITLES
    else:
        titles = REPORT_TITLES
    title = c.pick(titles).format(**f)
    if variant == "pdf":
        steps.append(py_pdf(c, f"{trig.adj} {report} report"))
        c.msg = f"Your {trig.adj.lower()} {report} report is ready."
    elif variant == "ai":
        step, _ = ai_step(c, AI_BY_KEY["digest"])
        steps.append(step)
    elif variant == "py":
        steps.append(py_misc(c))
    else:
        steps.append(
            c.step(
                c.pick(("build-summary", "summarise-numbers", "format-report")),
                "mapper",
                {
                    "model": {
                        "title": f"{cap(report)} report",
                        "generated_at": "js/new Date().toISOString()",
                        "rows": "js/ctx.response.data",
                    }
                },
            )
        )
    steps.append(sink.build(c))
    if c.chance(0.15):
        steps.append(pick_sink(c, ALERT_CATS).build(c))
    tags = ["reporting", *src.tags, *sink.tags, "pdf" if variant == "pdf" else "scheduled"]
    return Out(steps, title, notes_sentence(c), tags, "report", f)


def _cleanup_sessions(c: Ctx) -> list[Step]:
    inputs = pg_conn(c, "app")
    inputs["query"] = "DELETE FROM sessions WHERE expires_at < now() - interval '7 days'"
    return [
        c.step("purge-sessions", "postgres-query", inputs),
        c.step("report", "mapper", {"model": {"deleted": "js/ctx.response.data.total"}}),
    ]


def _cleanup_cache(c: Ctx) -> list[Step]:
    return [c.step("clear-cache", "memory-storage", {"action": "clear"})]


def _cleanup_mongo(c: Ctx) -> list[Step]:
    return [
        c.step(
            "delete-test-orders",
            "@blokjs/mongodb",
            {
                "uri": env_ref(c, "MONGODB_URI"),
                "database": "shop",
                "collection": "orders",
                "operation": "deleteMany",
                "filter": {"test": True},
            },
        )
    ]


def _cleanup_vacuum(c: Ctx) -> list[Step]:
    inputs = pg_conn(c, "warehouse")
    inputs["query"] = "VACUUM (ANALYZE) events; REINDEX TABLE CONCURRENTLY events;"
    return [c.step("vacuum-analyze", "postgres-query", inputs)]


def _cleanup_redis(c: Ctx) -> list[Step]:
    return [
        c.step(
            "flush-rate-limits",
            "@blokjs/redis",
            {"url": env_ref(c, "REDIS_URL"), "command": "DEL", "key": "ratelimit:*"},
        ),
        c.step("done", "mapper", {"model": {"ok": True}}),
    ]


_CLEANUPS: tuple[tuple[str, str, Callable[[Ctx], list[Step]], tuple[str, ...]], ...] = (
    ("Purge expired sessions from Postgres", "purge expired sessions", _cleanup_sessions, ("postgres", "maintenance")),
    ("Clear the workflow cache", "clear the in-memory cache", _cleanup_cache, ("cache", "maintenance")),
    ("Delete test orders from MongoDB", "delete test orders", _cleanup_mongo, ("mongodb", "maintenance")),
    ("Vacuum and reindex the events table", "vacuum the warehouse", _cleanup_vacuum, ("postgres", "database")),
    ("Reset rate limits in Redis", "reset every rate limit", _cleanup_redis, ("redis", "maintenance")),
)
_MANUAL_JOBS = weighted((("backfill", 40), ("export", 25), ("reindex", 15), ("cleanup", 20)))


def _cleanup(c: Ctx) -> Out:
    title, phrase, build, tags = c.pick(_CLEANUPS)
    steps = build(c)
    if c.chance(0.4):
        c.msg = f"Maintenance done: {phrase}."
        steps.append(pick_sink(c, ("chat",)).build(c))
    return Out(steps, title, [], ["maintenance", *tags, "manual"], "manual", {}, phrase)


def p_manual(c: Ctx, trig: Any) -> Out:
    src = c.src
    job = c.pick(_MANUAL_JOBS)
    if job == "cleanup":
        return _cleanup(c)
    steps: list[Step] = [src.fetch(c)] if src.fetch is not None else []
    f = fields(c, None, trig)
    if job == "reindex":
        steps.append(embed_step(c))
        step, store = vector_store_step(c, src.table)
        steps.append(step)
        f["Store"] = store
        tags = ["ai", "embeddings", *src.tags, store.lower()]
        phrase = f"re-embed {src.nouns} into {store}"
    else:
        sink = pick_sink(c, STORE_CATS if job == "backfill" else ("storage",), fallback="postgres")
        if src.many and sink.cat not in ("tracker", "analytics"):
            steps.append(shape_rows(c))
        steps.append(sink.build(c))
        f["S"] = sink.name
        tags = ["backfill" if job == "backfill" else "export", *src.tags, *sink.tags]
        phrase = f"{'backfill' if job == 'backfill' else 'export'} {src.nouns} to {sink.name}"
    return Out(steps, c.pick(MANUAL_TITLES[job]).format(**f), notes_sentence(c), [*tags, "manual"], "manual", f, phrase)
