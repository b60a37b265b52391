"""A v2 switch converted to v1 picks, on Blok's published runner, the arm v2's switch would pick for each request."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import httpx

from blokhub.blok import convert, validate
from tests.runner.oracle import serving
from tests.runner.stub import point_at, stub_api


def _call(ident: str, host: str) -> dict[str, Any]:
    return {"id": ident, "use": "@nanoservice-ts/api-call", "inputs": {"url": f"https://{host}/", "method": "GET"}}


def _router(default: bool) -> dict[str, Any]:
    switch: dict[str, Any] = {
        "on": "js/(ctx.request.headers['x-tenant-id'] || '').toLowerCase()",
        "cases": [
            {"when": "acme", "do": [_call("acme", "acme.example.com")]},
            {"when": ["globex", "initech"], "do": [_call("group", "group.example.com")]},
        ],
    }
    if default:
        switch["default"] = [_call("other", "other.example.com")]
    return {
        "name": "tenant-router",
        "version": "1.0.0",
        "trigger": {"http": {"method": "GET", "path": "/"}},
        "steps": [{"id": "route", "switch": switch}],
    }


def test_converted_switch_takes_the_same_arm_on_the_published_runner() -> None:
    # What v2's SwitchNode picks: first case whose `when` === on (a list: any item), else default, else nothing.
    tenants = {"ACME": "acme", "initech": "group", "Globex": "group", "hooli": "other", None: "other"}
    with stub_api() as stub, tempfile.TemporaryDirectory(prefix="blok-switch-") as tmp:
        (Path(tmp) / "json").mkdir()
        for key, default in (("with-default", True), ("no-default", False)):
            v1 = convert(_router(default), "v1")
            assert validate(v1).valid
            pointed = point_at(v1, f"{stub.base}/{key}")
            assert pointed is not None
            (Path(tmp) / "json" / f"{key}.json").write_text(json.dumps(pointed), "utf-8")
        with serving(Path(tmp)) as base, httpx.Client(base_url=base, timeout=30) as client:
            for key, default in (("with-default", True), ("no-default", False)):
                for tenant, arm in tenants.items():
                    before = len(stub.answers_for(f"/{key}/"))
                    headers = {"x-tenant-id": tenant} if tenant is not None else {}
                    response = client.get(f"/{key}/", headers=headers)
                    assert response.status_code == 200, (key, tenant, response.text)
                    answers = stub.answers_for(f"/{key}/")[before:]
                    if arm == "other" and not default:
                        assert answers == [], (key, tenant)  # no case matched and there is no default: a no-op
                        continue
                    assert [a["path"] for a in answers] == [f"/{key}/{arm}.example.com/"], (key, tenant)
                    assert response.json() == answers[-1]
