"""The local nodes Blok Hub's generator writes, as the project export ships them, run by Blok's HTTP trigger:
verify-webhook lets a request signed as its sender signs it through and refuses a forged one before any other step
runs; the nodes that need a driver (redis, mysql-query, s3) load without it and say what to install when they run."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.runner.counts import project_workflow
from tests.runner.drafts import offline_drafts
from tests.runner.oracle import serving
from tests.runner.predict import runs_against_stub
from tests.runner.runs import answered_as_written, probe, request_for, runnable
from tests.runner.signing import TEST_SECRET, secret_env, signed_headers, verify_steps
from tests.runner.stub import Stub, stub_api

PROVIDERS = ("stripe", "github", "shopify", "gitlab", "zendesk", "hubspot")


def _one_draft_per_provider(stub: Stub) -> dict[str, dict[str, Any]]:
    """Provider -> the first draft whose first step checks its signature and that runs against the stub, pointed at
    the stub under ``/<provider>/``."""
    found: dict[str, dict[str, Any]] = {}
    for doc in offline_drafts().values():
        written = project_workflow(doc)
        steps = verify_steps(written)
        provider = str(steps[0]["provider"]) if steps else ""
        if steps and provider not in found and runs_against_stub(written):
            pointed = runnable(written, stub, provider)
            if pointed is not None:
                found[provider] = pointed
    return found


@contextmanager
def _served(docs: dict[str, dict[str, Any]], env: dict[str, str]) -> Iterator[httpx.Client]:
    with tempfile.TemporaryDirectory(prefix="blok-hub-nodes-") as tmp:
        (Path(tmp) / "json").mkdir()
        for key, doc in docs.items():
            (Path(tmp) / "json" / f"{key}.json").write_text(json.dumps(doc), "utf-8")
        with serving(Path(tmp), env) as base, httpx.Client(base_url=base, timeout=30) as client:
            yield client


def _send(client: httpx.Client, key: str, doc: dict[str, Any], tamper: str | None = None) -> httpx.Response:
    """The request a webhook sender makes, signed with the test secret; ``tamper``: "signature" (one character of
    it changed), "body" (the body changed after signing) or "unsigned" (no signature headers)."""
    method, path = request_for(doc)
    content = json.dumps(probe(doc)[0])
    url = httpx.URL(f"/{key}{path}", params={"requestId": key})
    host = client.base_url.netloc.decode()
    headers = signed_headers(doc, content, method, url.raw_path.decode(), host)
    header = str(verify_steps(doc)[0]["signatureHeader"]).lower()
    if tamper == "signature":
        value = headers[header]
        headers[header] = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    elif tamper == "body":
        content = content.replace("sample", "forged", 1) if "sample" in content else '{"forged": true}'
    elif tamper == "unsigned":
        headers = {}
    return client.request(method, url, content=content, headers={"content-type": "application/json", **headers})


def test_verify_webhook_passes_a_signed_request_and_refuses_a_forged_one_before_any_other_step() -> None:
    with stub_api() as stub:
        docs = _one_draft_per_provider(stub)
        assert set(PROVIDERS) <= set(docs), sorted(docs)
        with _served(docs, secret_env(list(docs.values()))) as client:
            for provider, doc in docs.items():
                for tamper in ("signature", "body", "unsigned"):
                    if tamper == "body" and provider == "gitlab":
                        continue  # GitLab sends a token, not a signature of the body
                    refused = _send(client, provider, doc, tamper)
                    assert refused.status_code == 401, (provider, tamper, refused.text)
                    assert "signature" in refused.json()["error"] and "does not match" in refused.json()["error"]
                assert not stub.answers_for(f"/{provider}/"), provider  # a forged event reached no API
                signed = _send(client, provider, doc)
                assert signed.status_code == 200, (provider, signed.text)
                assert answered_as_written(doc, signed.json(), stub.answers_for(f"/{provider}/"), provider), provider


def test_verify_webhook_without_its_secret_says_which_is_missing() -> None:
    with stub_api() as stub:
        docs = {"github": _one_draft_per_provider(stub)["github"]}
        with _served(docs, {}) as client:
            reply = _send(client, "github", docs["github"])
    assert reply.status_code == 500 and "no signing secret for github" in reply.json()["error"]
    assert TEST_SECRET not in reply.text


@pytest.mark.parametrize(
    ("node", "inputs", "package"),
    [
        ("redis", {"url": "redis://127.0.0.1:1", "command": "GET", "key": "k"}, "ioredis"),
        ("mysql-query", {"host": "127.0.0.1", "query": "SELECT 1"}, "mysql2"),
        ("s3", {"bucket": "b", "key": "k", "body": "x"}, "@aws-sdk/client-s3"),
    ],
)
def test_a_node_whose_driver_is_missing_loads_and_says_what_to_install(
    node: str, inputs: dict[str, Any], package: str
) -> None:
    doc = {
        "name": node,
        "version": "1.0.0",
        "trigger": {"http": {"method": "GET", "path": "/"}},
        "steps": [{"name": "use", "node": node, "type": "local"}],
        "nodes": {"use": {"inputs": inputs}},
    }
    with _served({"w": doc}, {}) as client:
        reply = client.get("/w/")
    assert reply.status_code == 500
    assert reply.json()["error"] == f"{node}: the `{package}` package is not installed: run `npm install {package}`"
