"""HTTP API workflows for the demo corpus: CRUD endpoints over a resource, caches, intake forms, RAG, PDFs, proxies.

The resources and the public APIs proxied are data (``data/apis.json``); each builder fills a `Ctx` and returns the
steps, the HTTP method and path, and the words its description needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Source, Step, bearer, call, env_ref, json_headers, pg_conn
from blokhub.seed.corpus_patterns import SINK_BY_KEY, cap, if_else, pick_sink, weighted
from blokhub.seed.corpus_steps import (
    cache_get,
    cache_set,
    respond,
)
from blokhub.seed.tables import load

_APIS = load("apis")


@dataclass(frozen=True, slots=True)
class Resource:
    plural: str
    singular: str
    table: str
    cols: tuple[str, ...]


RESOURCES: tuple[Resource, ...] = tuple(Resource(**r) for r in _APIS["resources"])


def api_source(res: Resource) -> Source:
    body = "ctx.request.body"
    return Source(
        key=f"api-{res.table}",
        service="your app",
        tags=("api", "rest"),
        kind="api",
        clause=f"a {res.singular} changes",
        noun=res.singular,
        nouns=res.plural,
        msgs=(f"New {res.singular} created: ${{{body}.{res.cols[0]}}}",),
        subject=f"New {res.singular}",
        text=f"JSON.stringify({body})",
        row=tuple((col, f"{body}.{col}") for col in res.cols),
        table=res.table,
        channel="#api",
        email=f"{body}.email" if "email" in res.cols else None,
    )


API_SOURCES: tuple[Source, ...] = tuple(api_source(r) for r in RESOURCES)
RES_BY_TABLE = {r.table: r for r in RESOURCES}
_BACKENDS = weighted((("postgres", 40), ("mongo", 30), ("blok-pg", 12), ("memory", 18)))
_BACKEND_NAMES = {"postgres": "Postgres", "mongo": "MongoDB", "blok-pg": "Postgres", "memory": "in-memory storage"}


def _crud_step(c: Ctx, backend: str, op: str, res: Resource) -> Step:
    t = res.table
    base = (
        {
            "list": f"list-{t}",
            "get": f"get-{res.singular.replace(' ', '-')}",
            "create": f"create-{res.singular}",
            "update": f"update-{res.singular}",
            "delete": f"delete-{res.singular}",
        }[op]
        .replace(" ", "-")
        .replace("_", "-")
    )
    if backend == "memory":
        action = {"list": "get-all", "get": "get", "create": "set", "update": "set", "delete": "delete"}[op]
        inputs: dict[str, Any] = {"action": action}
        if op != "list":
            inputs["key"] = "${ctx.request.params.id}" if op != "create" else "${ctx.request.body.id}"
        if op in ("create", "update"):
            inputs["value"] = "js/ctx.request.body"
        return c.step(base, "memory-storage", inputs)
    if backend == "mongo":
        inputs = {"collection": t}
        if op in ("get", "update", "delete"):
            inputs["id"] = "${ctx.request.params.id}"
        if op in ("create", "update"):
            inputs["data"] = "js/ctx.request.body"
        if op == "list":
            inputs.update(
                {
                    "limit": "js/Number(ctx.request.query.limit || 20)",
                    "skip": "js/Number(ctx.request.query.offset || 0)",
                }
            )
        return c.step(base, "mongo-query", inputs)
    cols = ", ".join(res.cols)
    vals = ", ".join(f"'${{ctx.request.body.{col}}}'" for col in res.cols)
    sets = ", ".join(f"{col} = '${{ctx.request.body.{col}}}'" for col in res.cols)
    sql = {
        "list": f"SELECT * FROM {t} ORDER BY id DESC LIMIT ${{ctx.request.query.limit || 20}}",
        "get": f"SELECT * FROM {t} WHERE id = '${{ctx.request.params.id}}'",
        "create": f"INSERT INTO {t} ({cols}) VALUES ({vals}) RETURNING *",
        "update": f"UPDATE {t} SET {sets} WHERE id = '${{ctx.request.params.id}}' RETURNING *",
        "delete": f"DELETE FROM {t} WHERE id = '${{ctx.request.params.id}}'",
    }[op]
    if backend == "blok-pg":
        return c.step(base, "@blokjs/postgres", {"connectionString": env_ref(c, "DATABASE_URL"), "query": sql})
    inputs = pg_conn(c, c.pick(("app", "api", "backoffice")))
    inputs["query"] = sql
    return c.step(base, "postgres-query", inputs)


_METHOD_COND = 'ctx.request.method.toLowerCase() === "{m}"'


def api_crud(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    backend = c.pick(_BACKENDS)
    name = c.reserve(c.pick(("filter-request", "route-request", "method-router")))
    ops = [
        ("get", "list", " && ctx.request.params.id === undefined"),
        ("get", "get", ""),
        ("post", "create", ""),
        ("put", "update", ""),
        ("delete", "delete", ""),
    ]
    branches: list[tuple[str | None, list[Step]]] = []
    for m, op, extra in ops:
        if op in ("update", "delete") and c.chance(0.25):
            continue
        branches.append((_METHOD_COND.format(m=m) + extra, [_crud_step(c, backend, op, res)]))
    branches.append((None, [c.step("method-not-allowed", "error", {"message": "Method not allowed"})]))
    steps = [if_else(c, name, branches)]
    path = (
        "/:collection/:id?" if backend == "mongo" and c.chance(0.3) else c.pick(("/:id?", "/:id?", "/:function?/:id?"))
    )
    verbs = "list, read, create, update and delete" if len(branches) == 6 else "list, read and create"
    return (
        steps,
        "*",
        path,
        {
            "sentence": f"Routes on the HTTP method to {verbs} {res.plural}.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "crud",
        },
    )


def api_cached(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    key = f"{res.table}:${{ctx.request.params.id}}"
    get = cache_get(c, key)
    name = c.reserve(c.pick(("is-cached", "cache-hit", "check-cached")))
    hit = c.step("return-cached", "mapper", {"model": f"js/ctx.vars['{get['name']}'].value"})
    backend = c.pick(("postgres", "mongo", "blok-pg"))
    miss = [_crud_step(c, backend, "get", res), cache_set(c, key)]
    if c.chance(0.5):
        miss.append(
            c.step(
                "format-response",
                "mapper",
                {"model": {"data": "js/ctx.response.data.data?.[0] ?? ctx.response.data", "cached": False}},
            )
        )
    step = if_else(c, name, [(f"ctx.vars['{get['name']}']?.value !== undefined", [hit]), (None, miss)])
    return (
        [get, step],
        "GET",
        c.pick(("/:id", "/:id", f"/{res.table.replace('_', '-')}/:id")),
        {
            "sentence": f"Looks the {res.singular} up in memory first and only hits the database on a miss.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "cache",
        },
    )


def api_intake(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    steps: list[Step] = []
    if c.chance(0.5):
        steps.append(
            c.step(
                c.pick(("validate-body", "validate-input")),
                c.pick(("@blokjs/validate", "@community/json-schema")),
                {
                    "data": "js/ctx.request.body",
                    "schema": {
                        "type": "object",
                        "required": list(res.cols[:2]),
                        "properties": {col: {"type": "string"} for col in res.cols},
                    },
                },
            )
        )
    backend = c.pick(("postgres", "mongo", "blok-pg"))
    steps.append(_crud_step(c, backend, "create", res))
    if c.src.email is not None and c.chance(0.6):
        steps.append(SINK_BY_KEY[c.pick(("sendgrid", "postmark", "resend", "mailgun"))].build(c))
    elif c.chance(0.5):
        steps.append(pick_sink(c, ("chat",)).build(c))
    steps.append(respond(c, ok_only=True))
    return (
        steps,
        "POST",
        c.pick(("/", "/", f"/{res.table.replace('_', '-')}")),
        {
            "sentence": f"Accepts a JSON body and saves the {res.singular} to {_BACKEND_NAMES[backend]}.",
            "Backend": _BACKEND_NAMES[backend],
            "variant": "intake",
        },
    )


def api_rag(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    steps = [
        call(
            c,
            "embed-question",
            "POST",
            api("openai") + "/v1/embeddings",
            bearer(c, "OPENAI_API_KEY"),
            {"model": "text-embedding-3-small", "input": "${ctx.request.body.question}"},
            set_var=True,
        )
    ]
    c.env.append("QDRANT_API_KEY")
    coll = c.pick(("docs", "help-center", "handbook", "kb-articles", "product-docs"))
    steps.append(
        call(
            c,
            "search-qdrant",
            "POST",
            f"${{ctx.env.QDRANT_URL}}/collections/{coll}/points/search",
            {"api-key": "${ctx.env.QDRANT_API_KEY}", "Content-Type": "application/json"},
            {
                "vector": "js/ctx.vars['embed-question'].data[0].embedding",
                "limit": c.pick((3, 5, 8)),
                "with_payload": True,
            },
            set_var=True,
        )
    )
    steps.append(
        c.step(
            "answer",
            "openai",
            {
                "system": [
                    "Answer the question using only the context below. Say you don't know if it isn't there.",
                    "js/ctx.vars['search-qdrant'].result.map(p => p.payload.text).join('\\n---\\n')",
                ],
                "prompt": ["${ctx.request.body.question}"],
            },
        )
    )
    steps.append(
        c.step(
            "create-response",
            "mapper",
            {
                "model": {
                    "answer": "js/ctx.response.data",
                    "sources": "js/ctx.vars['search-qdrant'].result.map(p => p.payload.url)",
                }
            },
        )
    )
    return (
        steps,
        "POST",
        c.pick(("/ask", "/", "/search")),
        {
            "sentence": f"Embeds the question, searches the `{coll}` collection in Qdrant and lets OpenAI answer "
            "from the top matches.",
            "Backend": "Qdrant",
            "variant": "rag",
            "coll": coll.replace("-", " "),
        },
    )


def api_pdf(c: Ctx, res: Resource) -> tuple[list[Step], str, str, dict[str, Any]]:
    """The rentals-pdf shape: query, shape rows, render with the Python runtime, return base64-pdf."""
    inputs = pg_conn(c, c.pick(("app", "reporting", "backoffice")))
    inputs["query"] = (
        f"SELECT {', '.join(res.cols)} FROM {res.table} "
        "WHERE created_at >= date_trunc('month', now()) ORDER BY created_at LIMIT 500"
    )
    steps = [
        c.step(f"get-{res.table.replace('_', '-')}", "postgres-query", inputs),
        c.step(
            c.pick(("format-data", "shape-rows")),
            "array-map",
            {
                "array": "js/ctx.response.data.data",
                "map": "{ " + ", ".join(f"{col}: data.{col}" for col in res.cols) + " }",
            },
        ),
        c.step(
            "generate-pdf",
            "generate-pdf",
            {"title": f"{cap(res.plural)} this month", "sales_data": "js/ctx.response.data"},
            kind="runtime.python3",
        ),
        c.step("response", "base64-pdf", {"base64": "${ctx.response.data.pdf_base64}"}),
    ]
    return (
        steps,
        "GET",
        c.pick(("/", "/pdf", "/export")),
        {
            "sentence": f"Queries this month's {res.plural}, renders them with the Python `generate-pdf` node and "
            "returns the PDF.",
            "Backend": "Postgres",
            "variant": "pdf",
        },
    )


@dataclass(frozen=True, slots=True)
class Proxy:
    key: str
    titles: tuple[str, ...]
    url: str
    path: str
    tags: tuple[str, ...]
    env: str | None = None
    model: tuple[tuple[str, str], ...] = ()


PROXIES: tuple[Proxy, ...] = tuple(
    Proxy(
        key=p["key"],
        titles=p["titles"],
        url=api(p["api"]) + p["url"] if "api" in p else p["url"],
        path=p["path"],
        tags=p["tags"],
        env=p.get("env"),
        model=tuple(p.get("model", {}).items()),
    )
    for p in _APIS["proxies"]
)


def api_proxy(c: Ctx, proxy: Proxy) -> tuple[list[Step], str, str, dict[str, Any]]:
    headers = bearer(c, proxy.env) if proxy.env and "appid" not in proxy.url else json_headers()
    if proxy.env and "appid" in proxy.url:
        c.env.append(proxy.env)
    steps: list[Step] = []
    limited = c.chance(0.2)
    if limited:
        steps.append(
            c.step(
                "rate-limit",
                c.pick(("@blokjs/rate-limit", "@community/rate-limiter")),
                {"key": "${ctx.request.ip}", "limit": c.pick((30, 60, 120)), "window": "1m"},
            )
        )
    base = c.pick((f"get-{proxy.key}", f"fetch-{proxy.key}", "api", f"call-{proxy.key}-api"))
    steps.append(call(c, base, "GET", proxy.url, headers))
    if proxy.model and c.chance(0.65):
        steps.append(
            c.step(c.pick(("format-response", "shape-response", "response")), "mapper", {"model": dict(proxy.model)})
        )
    sentence = "Rate-limited per IP." if limited else ""
    return steps, "GET", proxy.path, {"sentence": sentence, "Backend": "", "variant": "proxy"}
