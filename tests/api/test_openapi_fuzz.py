"""Schemathesis over our own ``/schema/openapi.json``, against the real app on the embedded PostgreSQL and Redis.

The app is served by uvicorn on the test's event loop (where the session's pools live) on a free local port; the
schemathesis engine runs in a worker thread and talks plain HTTP to it, exactly like the CLI would, with every
check on, as a registered user who owns some data. The run is bounded (examples per operation, deterministic
generation) and prints operations, cases and failures by kind; every kind must be zero.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
import schemathesis
import uvicorn
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from blokhub.runtime.resources import Resources
from tests.api.workflow_helpers import SIMPLE as DEFINITION
from tests.conftest import register

pytestmark = pytest.mark.slow

PASSWORD = "a-Sturdy-passphrase-42"
MAX_EXAMPLES = 5
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "positive_data_acceptance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
    "allow_header_conformance",
]


# Where a schema-valid request may still be refused for a reason JSON Schema cannot say (positive_data_acceptance
# accepts these extra statuses there, and only there). Each is documented on the operation.
BEYOND_SCHEMA: dict[str, tuple[str, str]] = {
    "register": ("422", "password strength (a leaked or repetitive password) is judged, not pattern-matched"),
    "changePassword": ("422", "password strength"),
    "createWorkflow": ("422", "a Blok document is checked by the Blok validator (references, steps, secrets)"),
    "validateWorkflow": ("422", "either `definition` or `source` + `format`, not both, not neither"),
    "importWorkflow": ("422", "the file must parse and be valid Blok"),
    "updateWorkflow": ("422", "a new definition must be valid Blok"),
    "publishConversation": ("422", "the conversation's draft must be valid Blok"),
    "rateWorkflow": ("422", "nobody rates their own workflow"),
    "followUser": ("422", "nobody follows themselves"),
    "createComment": ("422", "`parent_id` must be a comment of the same workflow"),
    "report": ("422", "`target_id` or `target_username`, depending on `target_type`"),
    "forkWorkflow": ("422", "a shared fork must be valid Blok (a private draft may not be)"),
    "listWorkflows": ("422", "a visibility filter applies to your own workflows only"),
    "saveSearch": ("422", "filter names and values are those of search, and a user keeps a bounded number"),
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429"]


def _operation_overrides(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """A cursor is opaque: only one the server issued is valid, any other string is a documented 400."""
    extra: dict[str, list[str]] = defaultdict(list)
    for item in doc["paths"].values():
        for op in item.values():
            if any(p["name"] == "cursor" for p in op.get("parameters", [])):
                extra[op["operationId"]].append("400")
            if op["operationId"] in BEYOND_SCHEMA:
                extra[op["operationId"]].append(BEYOND_SCHEMA[op["operationId"]][0])
    return [
        {
            "include-operation-id": op_id,
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES + statuses}},
        }
        for op_id, statuses in sorted(extra.items())
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _seed(base: str) -> str:
    """A user with a few workflows, a comment, a rating, a favourite and a saved search; returns their username."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        owner = await register(http, "fuzzer", PASSWORD)
        other = await register(http, "neighbour", PASSWORD)
        ids = []
        for i, visibility in enumerate(("public", "public", "unlisted", "private")):
            r = await owner.post(
                "/api/v1/workflows",
                json={
                    "title": f"Fuzz seed {i}",
                    "tags": ["seed", "http"],
                    "visibility": visibility,
                    "definition": DEFINITION,
                },
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        theirs = await other.post("/api/v1/workflows", json={"title": "Neighbour's", "definition": DEFINITION})
        assert theirs.status_code == 201, theirs.text
        assert (await owner.post(f"/api/v1/workflows/{ids[0]}/comments", json={"body": "Nice one."})).status_code == 201
        assert (await other.post(f"/api/v1/workflows/{ids[0]}/comments", json={"body": "Agreed."})).status_code == 201
        assert (
            await owner.put(f"/api/v1/workflows/{theirs.json()['id']}/rating", json={"stars": 4})
        ).status_code == 200
        assert (await owner.put(f"/api/v1/workflows/{theirs.json()['id']}/favorite")).status_code == 200
        assert (await other.put("/api/v1/users/fuzzer/follow")).status_code == 200
        assert (await owner.post("/api/v1/me/saved-searches", json={"name": "seeds", "q": "seed"})).status_code == 201
        return owner.username


@dataclass
class Summary:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: Counter[str] = field(default_factory=Counter)

    def render(self) -> str:
        lines = [f"schemathesis: {len(self.operations)} operations, {self.cases} cases in {self.seconds:.0f} s"]
        lines.append("  cases by phase: " + ", ".join(f"{phase} {n}" for phase, n in sorted(self.phases.items())))
        kinds = sorted({*CHECKS, *self.failures})
        lines.append("  failures by kind: " + ", ".join(f"{kind} {self.failures[kind]}" for kind in kinds))
        for kind, samples in sorted(self.examples.items()):
            lines.append(f"-- {kind}")
            lines += [f"   {s}" for s in samples[:25]]
        lines += [f"  engine error: {e}" for e in self.errors]
        return "\n".join(lines)


def _run(base: str, username: str) -> Summary:
    doc = requests.get(f"{base}/schema/openapi.json", timeout=30).json()
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261129,
            "max-failures": 100_000,
            "base-url": base,
            "workers": 1,
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in CHECKS},
                "positive_data_acceptance": {"enabled": True, "expected-statuses": POSITIVE_STATUSES},
            },
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": True, "max-steps": 20}},
            "request-timeout": 60,
            "operations": _operation_overrides(doc),
        }
    )
    schema = schemathesis.openapi.from_dict(doc, config=config)

    @schema.auth(retry_on=[401])
    class Login:
        # Fuzzing may log the session out; a 401 fetches a fresh token by logging in again.
        def get(self, case: Any, context: Any) -> str:
            r = requests.post(f"{base}/api/v1/auth/login", json={"login": username, "password": PASSWORD}, timeout=30)
            r.raise_for_status()
            token: str = r.json()["access_token"]
            return token

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = case.headers or {}
            case.headers["Authorization"] = f"Bearer {data}"

    summary = Summary()
    seen: set[tuple[str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            summary.cases += len(recorder.cases)
            summary.phases[str(event.phase.value)] += len(recorder.cases)
            for node in recorder.cases.values():
                summary.operations.add(node.value.operation.label)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    key = (check.name, f"{failure.operation}: {failure.title}")
                    if key in seen:
                        continue
                    seen.add(key)
                    summary.failures[check.name] += 1
                    message = " ".join(str(failure.message).split())[:300]
                    response = recorder.find_response(case_id=case_id)
                    answer = f"{response.status_code} {(response.text or '')[:200]}" if response else "no response"
                    curl = " ".join(check.failure_info.code_sample.split())[:400]
                    summary.examples[check.name].append(
                        f"{failure.operation}: {failure.title} — {message} → {answer}\n      {curl}"
                    )
        elif isinstance(event, events.NonFatalError):
            summary.errors.append(f"{event.label}: {event.value!r}"[:300])
        elif isinstance(event, events.FatalError):
            summary.errors.append(f"fatal: {event.exception!r}")
    return summary


async def test_schemathesis_finds_nothing(clean: Resources, capsys: pytest.CaptureFixture[str]) -> None:
    from blokhub.api.app import create_app
    from blokhub.wiring.consumers import CONSUMERS

    app = create_app(clean.settings, CONSUMERS, resources=clean)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        username = await _seed(base)
        await clean.embedder.warmup()  # the first semantic search must not pay the model load
        started = time.perf_counter()
        summary = await asyncio.to_thread(_run, base, username)
        summary.seconds = time.perf_counter() - started
    finally:
        server.should_exit = True
        await serving
    with capsys.disabled():  # shown in every run, passing or not
        print("\n" + summary.render())
    assert summary.operations and summary.cases
    assert not summary.errors, summary.render()
    assert not summary.failures, summary.render()
