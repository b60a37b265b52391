"""Hostile input through the HTTP API, secrets, and the cross-user visibility matrix."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.api.workflow_helpers import simple
from tests.conftest import Account, assert_error

W = "/api/v1/workflows"

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
)
ALIAS_FANOUT = "base: &b {x: 1}\n" + "\n".join(f"k{i}: *b" for i in range(1000))
HOSTILE: list[tuple[str, str, bytes]] = [
    ("billion-laughs", "application/yaml", BILLION_LAUGHS.encode()),
    ("alias-fanout", "application/yaml", ALIAS_FANOUT.encode()),
    ("python-tag", "application/yaml", b"name: !!python/object/apply:os.system ['echo pwned']\n"),
    ("deep-json-arrays", "application/json", b"[" * 100_000 + b"]" * 100_000),
    ("deep-json-objects", "application/json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    ("dup-json", "application/json", b'{"name": "a", "name": "b"}'),
    ("dup-yaml", "application/yaml", b"name: a\nname: b\n"),
    ("dup-toml", "application/toml", b'name = "a"\nname = "b"\n'),
    ("bad-utf8", "application/json", b'{"name": "\xff\xfe"}'),
    ("yaml-list", "application/yaml", b"- a\n- b\n"),
    ("yaml-scalar", "application/yaml", b"just text\n"),
    ("toml-empty", "application/toml", b""),
    ("json-list", "application/json", b"[1, 2, 3]"),
    ("json-garbage", "application/json", b"{not json"),
]


@pytest.mark.parametrize(("name", "media", "body"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_imports_get_a_pointed_4xx_fast(alice: Account, name: str, media: str, body: bytes) -> None:
    started = time.perf_counter()
    r = await alice.post(f"{W}/import", content=body, headers={"content-type": media})
    elapsed = time.perf_counter() - started
    assert 400 <= r.status_code < 500, (name, r.status_code, r.text[:300])
    error = r.json()["error"]
    assert error["message"] and error["details"], error
    assert "pointer" in error["details"][0]
    # A safety bound against blow-ups (billion laughs, deep nesting), not a speed target: the parser answers in ~ms,
    # an unbounded expansion would take minutes.
    assert elapsed < 10.0, f"{name} took {elapsed:.3f}s"


async def test_hostile_source_in_json_body(alice: Account) -> None:
    r = await alice.post(W, json={"source": BILLION_LAUGHS, "format": "yaml"})
    assert_error(r, 422)
    nested: Any = 1
    for _ in range(200):
        nested = [nested]
    r = await alice.post(W, json={"definition": {**simple(), "metadata": {"deep": nested}}})
    assert_error(r, 422, "too_deep")
    deep_body = b'{"definition": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"}"
    r = await alice.post(W, content=deep_body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text[:200]


async def test_oversized_and_wrongly_typed_bodies(alice: Account) -> None:
    eleven_mib = b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    assert_error(await alice.post(f"{W}/import", content=eleven_mib, headers={"content-type": "application/json"}), 413)
    big_source = "name = '" + "x" * (600 * 1024) + "'"
    r = await alice.post(W, json={"source": big_source, "format": "toml"})
    assert r.status_code in (413, 422), r.text
    assert_error(await alice.post(W, content=b"name: x", headers={"content-type": "application/yaml"}), 400)


def _secret_doc(header_value: str) -> dict[str, Any]:
    doc = simple()
    doc["nodes"]["post-to-slack"]["inputs"]["headers"] = {"Authorization": header_value}
    return doc


async def test_literal_secrets_refuse_public_but_not_private(alice: Account) -> None:
    token = "xoxb-" + "1234567890" + "-" + "abcdefghijKLMNOPQRST12"
    error = assert_error(
        await alice.post(W, json={"definition": _secret_doc(f"Bearer {token}")}), 422, "secret_detected"
    )
    assert error["details"][0]["pointer"] == "/nodes/post-to-slack/inputs/headers/Authorization"
    assert token not in str(error)  # never echo the secret
    assert "env" in error["message"]
    r = await alice.post(W, json={"definition": _secret_doc(f"Bearer {token}"), "visibility": "private"})
    assert r.status_code == 201
    warnings = r.json()["health"]["warnings"]
    assert any(w["code"] == "secret_detected" for w in warnings)
    assert_error(await alice.patch(f"{W}/{r.json()['id']}", json={"visibility": "unlisted"}), 422, "secret_detected")
    ok = await alice.post(W, json={"definition": _secret_doc("Bearer ${ctx.env.SLACK_TOKEN}")})
    assert ok.status_code == 201


async def test_secret_in_source_has_a_line(alice: Account) -> None:
    key = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    source = (
        'name = "Charge"\nversion = "1.0.0"\n\n[trigger.http]\nmethod = "POST"\npath = "/"\n\n[[steps]]\n'
        'name = "charge"\nnode = "@nanoservice-ts/api-call"\ntype = "module"\n\n[nodes.charge.inputs]\n'
        f'url = "https://api.stripe.com/v1/charges"\nmethod = "POST"\n\n[nodes.charge.inputs.headers]\n'
        f'Authorization = "Bearer {key}"\n'
    )
    error = assert_error(await alice.post(W, json={"source": source, "format": "toml"}), 422, "secret_detected")
    assert error["details"][0]["line"] == 18


async def test_cross_user_matrix(alice: Account, bob: Account, client: httpx.AsyncClient, clean: Any) -> None:
    made = {}
    for visibility in ["public", "unlisted", "private", "draft"]:
        r = await alice.post(W, json={"definition": simple(), "visibility": visibility, "title": visibility})
        made[visibility] = r.json()["id"]
    hidden_paths = ["", "/versions", "/versions/1", "/diff?from=1", "/forks", "/export?format=yaml"]
    for visibility, wid in made.items():
        for suffix in hidden_paths:
            for who in (bob, None):
                get = who.get if who else client.get
                r = await get(f"{W}/{wid}{suffix}")
                if visibility in ("public", "unlisted"):
                    assert r.status_code == 200, (visibility, suffix, r.text)
                else:
                    assert_error(r, 404)  # exactly like a missing id
                    missing = await get(f"{W}/99999{suffix}")
                    assert missing.status_code == 404 and missing.json()["error"]["code"] == r.json()["error"]["code"]
            assert (await alice.get(f"{W}/{wid}{suffix}")).status_code == 200
        expected_patch = 403 if visibility in ("public", "unlisted") else 404
        assert_error(await bob.patch(f"{W}/{wid}", json={"title": "mine now"}), expected_patch)
        assert_error(await bob.delete(f"{W}/{wid}"), expected_patch)
    listed = (await bob.get(W, params={"limit": 100})).json()["items"]
    assert [w["title"] for w in listed] == ["public"]
    # A moderator can see and delete anything.
    from sqlalchemy import update

    from blokhub.db.models import User

    async with clean.sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.username == "bob").values(role="moderator"))
    assert (await bob.get(f"{W}/{made['draft']}")).status_code == 200
    assert_error(await bob.patch(f"{W}/{made['draft']}", json={"title": "x"}), 403)
    assert (await bob.delete(f"{W}/{made['private']}")).status_code == 204
