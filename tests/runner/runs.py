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
# ctx.request.body.a.b / ctx.request.query.x as the workflow reads them: the probe request supplies each one.
_READS = re.compile(r"ctx\.request\.(body|query)((?:\.[A-Za-z_]\w*)+)(?![\w(])")
_PARAM = re.compile(r":\w+")


def request_for(doc: dict[str, Any]) -> tuple[str, str]:
    """(method, path after the workflow name) that the workflow's http trigger accepts."""
    http = doc["trigger"]["http"]
    method = str(http.get("method") or "GET").upper()
    if method in ("*", "ANY"):  # any method: send a body when the workflow reads one
        method = "POST" if "ctx.request.body" in json.dumps(doc) else "GET"
    path = _PARAM.sub("sample", _OPTIONAL.sub("", str(http.get("path") or "/"))).replace("*", "")
    return method, path if path.startswith("/") else f"/{path}"


def probe(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A request body and query holding a sample string at every path the workflow reads, so that a condition such
    as ``ctx.request.body.message.text.startsWith('/help')`` evaluates instead of throwing on a missing field."""
    body: dict[str, Any] = {}
    query: dict[str, str] = {}
    for where, dotted in _READS.findall(json.dumps(doc)):
        keys = dotted.strip(".").split(".")
        if where == "query":
            query[keys[0]] = "sample"
            continue
        node = body
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        if not isinstance(node.get(keys[-1]), dict):
            node[keys[-1]] = "sample"
    return body, query


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
                body, query = probe(doc)
                sent = body if method in ("POST", "PUT", "PATCH", "DELETE") else None
                response = client.request(method, f"/{key}{path}", json=sent, params=query)
                try:
                    reply: Any = response.json()
                except ValueError:
                    reply = response.text
                runs[key] = Run(key, response.status_code, reply, stub.answers_for(f"/{key}/"))
    return runs
