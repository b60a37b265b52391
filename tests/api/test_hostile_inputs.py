"""Hostile inputs on every route, enumerated from the app's own route table (a new route is covered automatically).

Classes: ids and versions beyond PostgreSQL's integer types (path, query, body), crafted keyset cursors, NUL and
other control characters in every text that arrives (path, query, JSON body), over-long values, Unicode forms.
The contract: a clear 4xx, never a 5xx, and nothing unstorable ever reaches the database.
"""

from __future__ import annotations

import base64
import json
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, get_args, get_origin
from urllib.parse import quote

import httpx
import msgspec
import pytest
import yaml
from litestar.params import BodyKwarg, ParameterKwarg
from sqlalchemy import update

from blokhub.api.app import create_app
from blokhub.api.params import BIGINT_MAX, INTEGER_MAX
from blokhub.config import Settings
from blokhub.db.models import User
from blokhub.runtime.resources import Resources
from blokhub.wiring.consumers import CONSUMERS
from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error, register

BEYOND_BIGINT = 2**63
BEYOND_INTEGER = 2**31


@dataclass
class Operation:
    method: str
    path: str  # Litestar template, e.g. /api/v1/workflows/{workflow_id:int}
    path_params: dict[str, type]
    query_params: dict[str, tuple[Any, ParameterKwarg | None]] = field(default_factory=dict)
    body: Any = None

    def __repr__(self) -> str:
        return f"{self.method} {self.path}"


def _base_type(annotation: Any) -> Any:
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def operations(settings: Settings) -> list[Operation]:
    app = create_app(settings, CONSUMERS)
    found: list[Operation] = []
    for route in app.routes:
        # The web app's pages (/, /w/{id}, /u/{name}, ...) are one static shell whatever their parameters say; the
        # API they call is what takes ids, cursors and text (tests/web/test_serving.py covers the pages).
        if not route.path.startswith(("/api/", "/ws")):
            continue
        for handler in getattr(route, "route_handlers", []):
            methods = sorted(set(getattr(handler, "http_methods", ())) - {"OPTIONS", "HEAD"})
            if not methods:
                continue
            path_params = {name: p.type for name, p in getattr(route, "path_parameters", {}).items()}
            query: dict[str, tuple[Any, ParameterKwarg | None]] = {}
            body = None
            for name, param in handler.parsed_fn_signature.parameters.items():
                kwarg = param.kwarg_definition
                if isinstance(kwarg, BodyKwarg) or name == "data":
                    body = param.annotation
                elif name in path_params or name in ("request", "scope", "socket", "state"):
                    continue
                elif isinstance(kwarg, ParameterKwarg) and (kwarg.query or not kwarg.header):
                    if name in ("db", "user", "viewer", "resources", "moderator"):
                        continue
                    query[kwarg.query or name] = (_base_type(param.annotation), kwarg)
                elif kwarg is None and param.annotation is not None:
                    query[name] = (_base_type(param.annotation), None)
            for method in methods:
                found.append(Operation(method, route.path, path_params, query, body))
    return found


@dataclass
class World:
    admin: Account
    workflow_id: int
    comment_id: int
    username: str


@pytest.fixture
async def world(client: httpx.AsyncClient, clean: Resources) -> World:
    admin = await register(client, "root")
    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "root").values(role="admin"))
    author = await register(client, "author")
    created = await author.post("/api/v1/workflows", json={"definition": simple(), "tags": ["payments"]})
    assert created.status_code == 201, created.text
    wid = created.json()["id"]
    comment = await admin.post(f"/api/v1/workflows/{wid}/comments", json={"body": "nice"})
    assert comment.status_code == 201, comment.text
    return World(admin, wid, comment.json()["id"], "author")


def fill(op: Operation, world: World, **override: str) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind = match.group(1), match.group(2)
        if name in override:
            return override[name]
        if kind == "int":
            return str(world.comment_id if "comment" in name else world.workflow_id if "workflow" in name else 1)
        return world.username

    return re.sub(r"\{(\w+):(\w+)\}", value, op.path)


async def call(world: World, op: Operation, url: str, **kw: Any) -> httpx.Response:
    if op.body is not None and "json" not in kw and "content" not in kw:
        kw["json"] = {}
    return await world.admin.client.request(op.method, url, headers=world.admin.headers, **kw)


def _never_5xx(response: httpx.Response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"


@pytest.fixture(scope="module")
def ops(settings: Settings) -> list[Operation]:
    found = operations(settings)
    assert len(found) > 60, "route enumeration found too few operations"
    return found


async def test_ids_beyond_postgres_range_in_paths(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        for name, kind in op.path_params.items():
            if kind is not int:
                continue
            for bad in (str(BEYOND_BIGINT), "99999999999999999999", str(BEYOND_INTEGER) if name == "number" else "0"):
                response = await call(world, op, fill(op, world, **{name: bad}))
                tried += 1
                _never_5xx(response, f"{op} {name}={bad}")
                assert response.status_code in (404, 422), f"{op} {name}={bad}: {response.status_code}"
    assert tried > 40


async def test_integers_beyond_range_in_query_strings(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        for name, (kind, _) in op.query_params.items():
            if kind is not int:
                continue
            for bad in (BEYOND_BIGINT, BEYOND_INTEGER, -BEYOND_BIGINT - 1):
                response = await call(world, op, fill(op, world), params={name: str(bad)})
                tried += 1
                _never_5xx(response, f"{op} ?{name}={bad}")
                assert response.status_code in (400, 422), f"{op} ?{name}={bad}: {response.status_code}"
    assert tried > 20


async def test_diff_versions_beyond_integer(world: World) -> None:
    url = f"/api/v1/workflows/{world.workflow_id}/diff"
    for params in ({"from": BEYOND_INTEGER, "to": 1}, {"from": 1, "to": BEYOND_BIGINT}):
        assert_error(await world.admin.get(url, params=params), 422)
    assert_error(await world.admin.put("/api/v1/workflows/99999999999999999999/favorite"), 422)
    assert_error(await world.admin.client.get("/api/v1/workflows/9223372036854775808"), 422)


def _int_fields(annotation: Any) -> list[tuple[str, Any]]:
    struct = _base_type(annotation)
    if not (isinstance(struct, type) and issubclass(struct, msgspec.Struct)):
        return []
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    out = []
    for f in info.fields:
        kinds = f.type.types if isinstance(f.type, msgspec.inspect.UnionType) else (f.type,)
        out += [(f.encode_name, k) for k in kinds if isinstance(k, msgspec.inspect.IntType)]
    return out


async def test_every_integer_in_a_body_is_bounded_and_enforced(world: World, ops: list[Operation]) -> None:
    checked = 0
    for op in ops:
        for name, kind in _int_fields(op.body):
            assert kind.le is not None and kind.le <= BIGINT_MAX, f"{op} body /{name} has no upper bound"
            response = await call(world, op, fill(op, world), json={name: BEYOND_BIGINT})
            _never_5xx(response, f"{op} body {name}")
            assert response.status_code in (400, 404, 422), f"{op} body {name}: {response.status_code}"
            checked += 1
    assert checked >= 3


CRAFTED_CURSORS = [
    "WyI5OTk5LTEyLTMxVDIzOjU5OjU5LTE0OjAwIiwgMV0",  # ["9999-12-31T23:59:59-14:00", 1]
    "WzFlOTk5XQ",  # [1e999]
    base64.urlsafe_b64encode(json.dumps([2**64, 2**64]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00", 1]).encode()).decode(),  # naive
    base64.urlsafe_b64encode(json.dumps(["0001-01-01T00:00:00+14:00", 1]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps([-(2**70)]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps([True]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["a\u0000b", 1]).encode()).decode(),
    base64.urlsafe_b64encode(b"[" * 600).decode(),
    "!!!not-base64!!!",
    "e30",  # {}
]


async def test_crafted_cursors_are_invalid_cursor(world: World, ops: list[Operation]) -> None:
    covered = set()
    for op in ops:
        if "cursor" not in op.query_params:
            continue
        for cursor in CRAFTED_CURSORS:
            for who in (world.admin.client, None):  # anonymous too, where the route allows it
                headers = {} if who else world.admin.headers
                response = await world.admin.client.request(
                    op.method, fill(op, world), params={"cursor": cursor}, headers=headers
                )
                _never_5xx(response, f"{op} cursor={cursor}")
                if response.status_code in (401, 403):
                    continue
                assert_error(response, 400, "invalid_cursor")
                covered.add(op.path)
    assert len(covered) >= 8, covered


HOSTILE_TEXT = ["a\u0000b", "\u0000", "a\u0001b", "line\u001bescape", "del\u007f"]


async def test_control_characters_in_path_parameters(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        for name, kind in op.path_params.items():
            if kind is not str:
                continue
            for bad in HOSTILE_TEXT:
                response = await call(world, op, fill(op, world, **{name: quote(bad)}))
                tried += 1
                assert_error(response, 422, "invalid_character")
    assert tried >= 20
    assert_error(await world.admin.client.get("/api/v1/users/%00"), 422, "invalid_character")


async def test_control_characters_in_every_query_parameter(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        names = [n for n, (k, _) in op.query_params.items() if k is not bool] or ["anything"]
        for name in names:
            for bad in HOSTILE_TEXT:
                response = await call(world, op, fill(op, world), params={name: bad})
                tried += 1
                assert_error(response, 422, "invalid_character")
    assert tried > 300
    # The reported reproduction: it answered 200 and poisoned the analytics drain.
    assert_error(await world.admin.client.get("/api/v1/search/workflows?q=sla%00ck"), 422, "invalid_character")
    # Query strings that are not UTF-8 are refused the same way.
    assert_error(await world.admin.client.get("/api/v1/search/workflows?q=%ff%fe"), 422)


async def test_control_characters_in_every_json_body(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        if op.body is None:
            continue
        for bad in HOSTILE_TEXT:
            for body in ({"title": bad}, {"nested": [{"deep": bad}]}, {bad: 1}):
                response = await call(world, op, fill(op, world), json=body)
                tried += 1
                assert_error(response, 422, "invalid_character")
    assert tried > 100
    anonymous = world.admin.client
    response = await anonymous.post("/api/v1/auth/login", json={"login": "a\u0000b", "password": "x"})
    assert_error(response, 422, "invalid_character")
    # An escaped backslash followed by "u0000" is ordinary text, not a NUL.
    ok = await world.admin.post(
        f"/api/v1/workflows/{world.workflow_id}/comments",
        content=b'{"body": "path C:\\\\u0000x"}',
        headers={"content-type": "application/json"},
    )
    assert ok.status_code == 201, ok.text


async def test_control_characters_in_raw_imports(world: World) -> None:
    doc = yaml.safe_dump(simple(description="fine"))
    for fmt, source in (
        ("yaml", doc.replace("description: fine", 'description: "bad\\0nul"')),
        ("toml", 'name = "x\\u0000y"\nversion = "1.0.0"\n'),
    ):
        response = await world.admin.post(
            "/api/v1/workflows/import", content=source.encode(), headers={"content-type": f"application/{fmt}"}
        )
        assert_error(response, 422, "invalid_character")
    response = await world.admin.post(
        "/api/v1/workflows/import", content=b'name = "x\x00"', headers={"content-type": "application/toml"}
    )
    assert_error(response, 422, "invalid_character")
    files = {"file": ("w.yaml", doc.replace("description: fine", 'description: "bad\\0nul"').encode(), "text/yaml")}
    response = await world.admin.post("/api/v1/workflows/import", files=files)
    assert_error(response, 422, "invalid_character")


async def test_every_free_text_query_parameter_is_bounded(world: World, ops: list[Operation]) -> None:
    tried = 0
    for op in ops:
        for name, (kind, kwarg) in op.query_params.items():
            if kind is not str:
                continue
            assert kwarg is not None and kwarg.max_length, f"{op} ?{name} has no max_length"
            response = await call(world, op, fill(op, world), params={name: "x" * (kwarg.max_length + 1)})
            tried += 1
            assert_error(response, 422)
    assert tried >= 10
    long_title = "t" * 201
    response = await world.admin.post(
        "/api/v1/workflows/import",
        params={"title": long_title},
        content=json.dumps(simple()).encode(),
        headers={"content-type": "application/json"},
    )
    assert_error(response, 422)


async def test_literal_query_parameters_refuse_unknown_values(world: World, ops: list[Operation]) -> None:
    for op in ops:
        for name, (kind, _) in op.query_params.items():
            if get_origin(kind) is Literal:
                response = await call(world, op, fill(op, world), params={name: "not-a-choice"})
                assert_error(response, 422)


async def test_unicode_forms_are_one_identity(client: httpx.AsyncClient) -> None:
    first = await client.post(
        "/api/v1/auth/register",
        json={"username": "carol", "email": "carol@example.com", "password": "a-Sturdy-passphrase-42"},
    )
    assert first.status_code == 201, first.text
    # Full-width letters: the same address to a human and to NFKC.
    again = await client.post(
        "/api/v1/auth/register",
        json={"username": "carol2", "email": "ｃａｒｏｌ@ＥＸＡＭＰＬＥ.com", "password": "a-Sturdy-passphrase-42"},
    )
    assert_error(again, 409)
    upper = await client.post(
        "/api/v1/auth/register",
        json={"username": "CAROL", "email": "other@example.com", "password": "a-Sturdy-passphrase-42"},
    )
    assert_error(upper, 409)
    login = await client.post(
        "/api/v1/auth/login", json={"login": "ＣＡＲＯＬ@example.com", "password": "a-Sturdy-passphrase-42"}
    )
    assert login.status_code == 200, login.text


async def test_unicode_tag_forms_are_one_tag(client: httpx.AsyncClient) -> None:
    alice = await register(client, "alice")
    created = await alice.post(
        "/api/v1/workflows", json={"definition": simple(), "tags": ["ｐａｙｍｅｎｔｓ", "Payments"]}
    )
    assert created.status_code == 201, created.text
    assert created.json()["tags"] == ["payments"]
    listed = await client.get("/api/v1/workflows", params={"tag": "ＰＡＹＭＥＮＴＳ"})
    assert [w["id"] for w in listed.json()["items"]] == [created.json()["id"]]


def test_the_bounds_are_postgres_bounds() -> None:
    assert BIGINT_MAX == 9223372036854775807 and INTEGER_MAX == 2147483647


HOSTILE_BY_TYPE: dict[Any, list[str]] = {
    "datetime": ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-13-45", "not-a-date"],
    float: ["nan", "inf", "-inf", "1e999", "x"],
    bool: ["maybe", "2"],
    int: ["1.5", "0x10", "", "1e3"],
}


async def test_hostile_values_for_every_typed_query_parameter(world: World, ops: list[Operation]) -> None:
    from datetime import datetime

    tried = 0
    for op in ops:
        for name, (kind, _) in op.query_params.items():
            values = HOSTILE_BY_TYPE.get("datetime" if kind is datetime else kind, [])
            for bad in values:
                response = await call(world, op, fill(op, world), params={name: bad})
                tried += 1
                _never_5xx(response, f"{op} ?{name}={bad}")
                assert 400 <= response.status_code < 500 or response.status_code == 200, response.status_code
    assert tried > 30


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text.upper())


async def test_every_username_route_takes_every_spelling(world: World, ops: list[Operation]) -> None:
    """A username in any Unicode form or case names the same account, on every route that takes one."""
    tried = 0
    for op in ops:
        if "username" not in op.path_params or op.method != "GET":
            continue
        plain = await call(world, op, fill(op, world))
        assert plain.status_code == 200, f"{op}: {plain.status_code}"
        for spelling in (world.username.upper(), _full_width(world.username), f" {world.username}"[1:]):
            response = await call(world, op, fill(op, world, username=quote(spelling)))
            assert response.status_code == 200, f"{op} {spelling!r}: {response.status_code}"
            assert response.json() == plain.json(), f"{op} {spelling!r}"
            tried += 1
    assert tried >= 9
    follow = await world.admin.put(f"/api/v1/users/{quote(_full_width(world.username))}/follow")
    assert follow.status_code == 200 and follow.json()["following"] is True
    again = await world.admin.put(f"/api/v1/users/{world.username.upper()}/follow")
    assert again.json()["followers"] == 1


# Free-form JSON objects, bounded elsewhere: a workflow definition by the Blok limits and the body size, saved-search
# filters by their parser (known keys, typed values).
UNBOUNDED_BY_DESIGN = {"WorkflowCreate.definition", "WorkflowUpdate.definition", "SavedSearchIn.filters"}


def _unbounded(info: Any, path: str, out: list[str], seen: set[Any]) -> None:
    if isinstance(info, msgspec.inspect.UnionType):
        for member in info.types:
            _unbounded(member, path, out, seen)
    elif isinstance(info, msgspec.inspect.StrType | msgspec.inspect.DictType) and info.max_length is None:
        out.append(path)
    elif isinstance(info, msgspec.inspect.ListType):
        if info.max_length is None:
            out.append(path)
        _unbounded(info.item_type, f"{path}[]", out, seen)
    elif isinstance(info, msgspec.inspect.StructType) and info.cls not in seen:
        seen.add(info.cls)
        for f in info.fields:
            _unbounded(f.type, f"{info.cls.__name__}.{f.name}", out, seen)


def test_every_string_and_list_in_a_body_is_bounded(ops: list[Operation]) -> None:
    unbounded: list[str] = []
    for op in ops:
        body = _base_type(op.body)
        if isinstance(body, type) and issubclass(body, msgspec.Struct):
            _unbounded(msgspec.inspect.type_info(body), body.__name__, unbounded, set())
    assert set(unbounded) <= UNBOUNDED_BY_DESIGN, sorted(set(unbounded) - UNBOUNDED_BY_DESIGN)
