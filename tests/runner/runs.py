"""Run workflows once through Blok's HTTP trigger against the local stub API and check each reply."""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.runner.oracle import serving
from tests.runner.stub import Stub, point_at

_OPTIONAL = re.compile(r"/:\w+\?")
_PARAM = re.compile(r":\w+")


def request_for(doc: dict[str, Any]) -> tuple[str, str]:
    """(method, path after the workflow name) that the workflow's http trigger accepts."""
    http = doc["trigger"]["http"]
    method = str(http.get("method") or "GET").upper()
    if method in ("*", "ANY"):
        method = "GET"
    path = _PARAM.sub("sample", _OPTIONAL.sub("", str(http.get("path") or "/"))).replace("*", "")
    return method, path if path.startswith("/") else f"/{path}"


@dataclass(frozen=True, slots=True)
class Run:
    key: str
    status: int
    reply: Any
    answers: list[dict[str, Any]]  # what the stub answered this workflow's api-calls, in order


def runnable(doc: dict[str, Any], stub: Stub, key: str) -> dict[str, Any] | None:
    """The workflow pointed at the stub, or None when it cannot be run here (no http trigger, computed URLs)."""
    trigger = doc.get("trigger")
    if not isinstance(trigger, dict) or not isinstance(trigger.get("http"), dict):
        return None
    return point_at(doc, f"{stub.base}/{key}")


def run_all(docs: dict[str, dict[str, Any]], stub: Stub) -> dict[str, Run]:
    """Serve every document (already pointed at the stub) from one trigger and call each once."""
    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory(prefix="blok-run-") as tmp:
        (Path(tmp) / "json").mkdir()
        for key, doc in docs.items():
            (Path(tmp) / "json" / f"{key}.json").write_text(json.dumps(doc), "utf-8")
        with serving(Path(tmp)) as base, httpx.Client(base_url=base, timeout=30) as client:
            for key, doc in docs.items():
                method, path = request_for(doc)
                body = {"probe": key} if method in ("POST", "PUT", "PATCH") else None
                response = client.request(method, f"/{key}{path}", json=body)
                try:
                    reply: Any = response.json()
                except ValueError:
                    reply = response.text
                runs[key] = Run(key, response.status_code, reply, stub.answers_for(f"/{key}/"))
    return runs
