"""Low-level building blocks for generated Blok workflows: the per-workflow builder context and step helpers.

Every helper returns *fresh* dicts (built from literals), so generated definitions never share mutable objects
with each other or with module-level tables. Secrets are never literal: credentials are always `${ctx.env.X}`
placeholders or `js/process.env.X` expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

Step = dict[str, Any]
Inputs = dict[str, Any]
T = TypeVar("T")

PY = "runtime.python3"


@dataclass(frozen=True, slots=True)
class Scope:
    """The node-name era a workflow was written for (deskree `main`, the `mcp-server` branch, the well-prado fork)."""

    api: str
    ifelse: str


SCOPES: tuple[Scope, ...] = (
    Scope("@nanoservice-ts/api-call", "@nanoservice-ts/if-else"),
    Scope("@blokjs/api-call", "@blokjs/if-else"),
    Scope("@blok-ts/api-call", "@blok-ts/if-else"),
)


@dataclass(frozen=True, slots=True)
class Source:
    """Where a workflow's data comes from: a webhook, a polled API or database, or a schedule."""

    key: str
    service: str
    tags: tuple[str, ...]
    kind: str  # "hook" (http POST webhook) or "poll" (cron + fetch step)
    clause: str  # "a Stripe payment fails"
    noun: str  # "failed payment"
    nouns: str  # "failed Stripe payments"
    msgs: tuple[str, ...]  # chat message templates (`${}` placeholders)
    subject: str  # short one-line template for email subjects / issue titles
    text: str  # JS expression of the main free text (fed to AI steps)
    row: tuple[tuple[str, str], ...]  # column -> JS expression (one record)
    table: str
    channel: str
    env: tuple[str, ...] = ()
    email: str | None = None  # JS expression of the person's e-mail, if the event has one
    conds: tuple[tuple[str, str], ...] = ()  # (JS condition, "phrase for descriptions")
    filter: str | None = None  # JS condition selecting the event type
    sig: tuple[str, str, str] | None = None  # (provider, signature header, secret env var)
    paths: tuple[str, ...] = ("/",)
    fetch: Callable[[Ctx], Step] | None = None
    enrich: Callable[[Ctx], Step] | None = None
    items: str | None = None  # JS expression of the fetched list (poll sources)
    map: str | None = None  # array-map expression shaping one fetched item into a row
    event: str = ""  # analytics event name

    @property
    def many(self) -> bool:
        return self.items is not None


class Ctx:
    """Mutable state while one workflow definition is assembled."""

    __slots__ = (
        "ai_out",
        "api",
        "channel",
        "env",
        "ifelse",
        "msg",
        "nodes",
        "notes",
        "py_api",
        "r",
        "rows",
        "src",
        "subject",
    )

    def __init__(self, r: Callable[[], float], scope: Scope, src: Source, py_api: bool) -> None:
        self.r = r
        self.api = scope.api
        self.ifelse = scope.ifelse
        self.src = src
        self.py_api = py_api
        self.nodes: dict[str, dict[str, Any]] = {}
        self.env: list[str] = []
        self.msg = src.msgs[int(r() * len(src.msgs))]
        self.subject = src.subject
        self.rows: str | None = None  # "js/..." list of shaped rows once a shaping step ran
        self.ai_out: str | None = None
        self.channel = src.channel
        self.notes: list[str] = []  # what the sinks did, in words, for the description

    def pick(self, seq: Sequence[T]) -> T:
        return seq[int(self.r() * len(seq))]

    def chance(self, p: float) -> bool:
        return self.r() < p

    def unique(self, base: str) -> str:
        nodes = self.nodes
        if base not in nodes:
            return base
        k = 2
        while f"{base}-{k}" in nodes:
            k += 1
        return f"{base}-{k}"

    def step(self, base: str, node: str, inputs: Inputs, *, kind: str = "module", set_var: bool = False) -> Step:
        name = self.unique(base)
        self.nodes[name] = {"inputs": inputs}
        s: Step = {"name": name, "node": node, "type": kind}
        if set_var:
            s["set_var"] = True
        return s

    def reserve(self, base: str) -> str:
        """Claim a step name (and its place in `nodes`) for an if-else whose branches are built afterwards."""
        name = self.unique(base)
        self.nodes[name] = {"conditions": []}
        return name


def bearer(c: Ctx, env: str) -> dict[str, str]:
    c.env.append(env)
    return {"Authorization": f"Bearer ${{ctx.env.{env}}}", "Content-Type": "application/json"}


def json_headers() -> dict[str, str]:
    return {"Content-Type": "application/json"}


def call(
    c: Ctx, base: str, method: str, url: str, headers: dict[str, str], body: Any = None, *, set_var: bool = False
) -> Step:
    """An HTTP request through the api-call node (or, in some workflows, the Python `api_call` runtime node)."""
    inputs: Inputs = {"url": url, "method": method, "headers": headers}
    if body is not None:
        inputs["body"] = body
    if c.r() < 0.6:
        inputs["responseType"] = "application/json"
    if c.py_api:
        return c.step(base, "api_call", inputs, kind=PY, set_var=set_var)
    return c.step(base, c.api, inputs, set_var=set_var)


def env_ref(c: Ctx, env: str) -> str:
    """Reference an environment variable, in one of the two spellings people use."""
    c.env.append(env)
    if c.r() < 0.5:
        return f"${{ctx.env.{env}}}"
    return f"js/process.env.{env}"


def pg_conn(c: Ctx, database: str) -> Inputs:
    """Connection inputs for the example `postgres-query` node: host/user/password from the environment."""
    return {
        "host": env_ref(c, "PG_HOST"),
        "port": 5432,
        "database": database,
        "user": env_ref(c, "PG_USER"),
        "password": env_ref(c, "PG_PASSWORD"),
    }
