"""Run workflows once through Blok's HTTP trigger against the local stub API and check each reply."""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from blokhub.blok.walk import iter_steps, node_configs
from tests.runner.oracle import serving
from tests.runner.signing import secret_env, signed_headers
from tests.runner.stub import Stub, point_at

_OPTIONAL = re.compile(r"/:\w+\?")
_PARAM = re.compile(r":\w+")
# A property chain as workflows write it: .a.b[0].c
_CHAIN = r"(?:\.[A-Za-z_]\w*|\[\d+\])+"
_SEGMENT = re.compile(r"\.([A-Za-z_]\w*)|\[(\d+)\]")
# ctx.response.data.daily.max[0], ctx.response.data.results.some(...): what a workflow reads in an API's answer.
_METHODS = r"(?:some|every|filter|map|find|forEach|reduce|length)\b"
# ctx.request.body.a.b / ctx.request.query.x as the workflow reads them: the probe request supplies each one (a list
# where it iterates: ctx.request.body.issue.labels.map(...)).
_READS = re.compile(rf"ctx\.request\.(body|query)((?:\.(?!{_METHODS})[A-Za-z_]\w*|\[\d+\])+)(?![\w(\[])(\.{_METHODS})?")
_ANSWER_READS = re.compile(rf"ctx\.response\.data((?:\.(?!{_METHODS})[A-Za-z_]\w*|\[\d+\])+)(?![\w(\[])(\.{_METHODS})?")


def request_for(doc: dict[str, Any]) -> tuple[str, str]:
    """(method, path after the workflow name) that the workflow's http trigger accepts."""
    http = doc["trigger"]["http"]
    method = str(http.get("method") or "GET").upper()
    if method in ("*", "ANY"):  # any method: send a body when the workflow reads one
        method = "POST" if "ctx.request.body" in json.dumps(doc) else "GET"
    path = _PARAM.sub("sample", _OPTIONAL.sub("", str(http.get("path") or "/"))).replace("*", "")
    return method, path if path.startswith("/") else f"/{path}"


def _plant(root: dict[str, Any], chain: str, leaf: Any) -> None:
    """Make ``root`` hold ``chain`` (".a.b[0].c"): objects and one-element lists on the way, ``leaf`` at the end
    unless something is there already (None: leave the end absent)."""
    segments: list[str | int] = [name or int(index) for name, index in _SEGMENT.findall(chain)]
    node: Any = root
    for segment, following in itertools.pairwise(segments):
        empty: Any = [{}] if isinstance(following, int) else {}
        if isinstance(segment, int):
            if not isinstance(node, list) or not node:
                return
            if not isinstance(node[0], type(empty)):
                node[0] = empty
            node = node[0]
            continue
        if not isinstance(node.get(segment), type(empty)):
            node[segment] = empty
        node = node[segment]
    last = segments[-1] if segments else None
    if leaf is not None and isinstance(last, str) and isinstance(node, dict) and last not in node:
        node[last] = leaf


def probe(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A request body and query holding a sample string at every path the workflow reads, so that a condition such
    as ``ctx.request.body.message.text.startsWith('/help')`` evaluates instead of throwing on a missing field."""
    body: dict[str, Any] = {}
    query: dict[str, str] = {}
    for where, chain, method in _READS.findall(json.dumps(doc)):
        if where == "query":
            first = _SEGMENT.match(chain)
            if first and first.group(1):
                query[first.group(1)] = "sample"
            continue
        _plant(body, chain, [] if method and method != ".length" else "sample")
    return body, query


def answer_shape(doc: dict[str, Any]) -> dict[str, Any]:
    """Fields the stub's answers need for the workflow's expressions to evaluate instead of throwing: every object
    on a path the workflow reads in ``ctx.response.data``, and a list where it indexes or iterates (empty when it
    iterates). Leaf values stay absent, so conditions on them come out false."""
    shape: dict[str, Any] = {}
    for chain, method in _ANSWER_READS.findall(json.dumps(doc)):
        _plant(shape, chain, [] if method else None)
    return shape


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
    return pointed(doc, stub, key)


def pointed(doc: dict[str, Any], stub: Stub, key: str) -> dict[str, Any] | None:
    """The workflow with its api-calls sent to the stub under ``/<key>/`` (and the answers shaped for it)."""
    stub.shapes[f"/{key}/"] = answer_shape(doc)
    return point_at(doc, f"{stub.base}/{key}")


def run_all(docs: dict[str, dict[str, Any]], stub: Stub) -> dict[str, Run]:
    """Serve every document (already pointed at the stub) from one trigger and call each once."""
    runs: dict[str, Run] = {}
    with tempfile.TemporaryDirectory(prefix="blok-run-") as tmp:
        (Path(tmp) / "json").mkdir()
        for key, doc in docs.items():
            (Path(tmp) / "json" / f"{key}.json").write_text(json.dumps(doc), "utf-8")
        with (
            serving(Path(tmp), secret_env(list(docs.values()))) as base,
            httpx.Client(base_url=base, timeout=30) as client,
        ):
            for key, doc in docs.items():
                method, path = request_for(doc)
                body, query = probe(doc)
                content = json.dumps(body) if method in ("POST", "PUT", "PATCH", "DELETE") else ""
                # requestId becomes ctx.id, so a reply holding "${ctx.id}" can be checked exactly
                url = httpx.URL(f"/{key}{path}", params={**query, "requestId": key})
                headers = {"content-type": "application/json"} if content else {}
                # a webhook's verify-webhook step checks a signature over the body as sent ("{}" when there is none)
                target = url.raw_path.decode()
                headers |= signed_headers(doc, content or "{}", method, target, httpx.URL(base).netloc.decode())
                response = client.request(method, url, content=content or None, headers=headers)
                try:
                    reply: Any = response.json()
                except ValueError:
                    reply = response.text
                runs[key] = Run(key, response.status_code, reply, stub.answers_for(f"/{key}/"))
    return runs


def _literal(value: Any) -> bool:
    return not isinstance(value, str) or ("${" not in value and not value.startswith("js/"))


def matches_model(model: Any, reply: Any, request_id: str) -> bool:
    """Whether ``reply`` is what a mapper with this model answers: the same keys (an expression that came out
    undefined drops its key), literal values equal, ``${ctx.id}`` the request id, nested models alike."""
    if not isinstance(model, dict) or not isinstance(reply, dict) or not set(reply) <= set(model):
        return False
    for key, value in model.items():
        if key not in reply:
            if _literal(value) and not isinstance(value, dict):
                return False
            continue
        if isinstance(value, dict) and not matches_model(value, reply[key], request_id):
            return False
        if value == "${ctx.id}" and reply[key] != request_id:
            return False
        if _literal(value) and not isinstance(value, dict) and reply[key] != value:
            return False
    return True


def step_inputs(doc: dict[str, Any], node: str) -> list[dict[str, Any]]:
    """The inputs of every step (nested ones included) that runs ``node``."""
    configs = node_configs(doc)
    found = []
    for ref in iter_steps(doc):
        config = configs.get(ref.name) if ref.name and ref.step.get("node") == node else None
        inputs = config.get("inputs") if isinstance(config, dict) else None
        if isinstance(inputs, dict):
            found.append(inputs)
    return found


def mapper_models(doc: dict[str, Any]) -> list[Any]:
    return [inputs.get("model") for inputs in step_inputs(doc, "mapper")]


def storage_actions(doc: dict[str, Any]) -> set[str]:
    return {str(inputs.get("action")) for inputs in step_inputs(doc, "memory-storage")}


def _stored(action: str, reply: Any) -> bool:
    """The answer of the memory-storage node (shipped in the export) for ``action``."""
    if not isinstance(reply, dict):
        return False
    keys = {"set": {"key", "value"}, "get": {"key", "value"}, "delete": {"key", "deleted"}, "clear": {"cleared"}}
    if action == "get-all":
        return True  # every stored key: any object
    return set(reply) == keys.get(action) and isinstance(reply.get("key", ""), str)


def answered_as_written(doc: dict[str, Any], reply: Any, answers: list[dict[str, Any]], request_id: str) -> bool:
    """The reply is what the workflow's last step gives: the stub's last answer (an api-call), a mapper's model, a
    memory-storage answer, or nothing when an if without else took no branch."""
    if answers and reply == answers[-1]:
        return True
    if any(matches_model(model, reply, request_id) for model in mapper_models(doc)):
        return True
    if any(_stored(action, reply) for action in storage_actions(doc)):
        return True
    return reply in ("", None, {}) and '"type": "else"' not in json.dumps(doc)


def error_messages(doc: dict[str, Any]) -> set[str]:
    """The messages of the workflow's `error` steps (the template node the export ships), which end a run on purpose."""
    return {str(inputs.get("message")) for inputs in step_inputs(doc, "error")}
