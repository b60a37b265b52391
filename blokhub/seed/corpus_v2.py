"""The share of the demo corpus written for Blok v2 (the ``@blokjs`` line), as v2 authors write it.

A v2 workflow is the same automation (title, description, trigger, data flow) an original v1 pattern produced,
re-authored in v2's idioms rather than converted mechanically: ``{id, use, inputs}`` steps with the inputs inline
and ``type`` left for v2 to infer (some authors still write ``"module"``); outputs read as ``$ref`` structural
references to the step that produced them (every v2 step's output is kept, so ``set_var`` goes); an if-else becomes
a ``branch``, or a ``switch`` when every condition compares one value with a literal; ``array-map`` becomes a
``forEach`` (parallel for some authors) over the items; the example nodes the ``@blokjs`` line replaced by helpers
become them (``mapper`` → ``@blokjs/respond`` or ``@blokjs/expr``, ``error`` → ``@blokjs/throw``, the memory
store → ``@blokjs/in-memory-kv``); and many authors wrap the delivering calls in a ``tryCatch`` that logs the
failure. Whatever the line does not ship stays code the user supplies (``type: "local"``), so every node resolves.

Which workflows are v2 is drawn from a stream of its own (``STREAM_V2``), per lineage root: the v1 corpus is
unchanged, and a fork or near-duplicate of a v2 workflow is v2 too, written in its root author's style. Scheduled
and manual workflows are v2 more often: only the @blokjs line runs those triggers, and its loader refuses v1's
``set_var``, so in v1 they wait for a line that can run them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

from blokhub.blok.lines import local_name
from blokhub.blok.requirements import node_origins
from blokhub.seed.corpus_users import mix
from blokhub.seed.v2_refs import inputs_v2, js_value, per_item, state_js

# Share of lineages (an original with its forks and near-duplicates) written for v2: scheduled and manual
# workflows mostly (only the @blokjs line has those triggers, and its loader refuses v1's `set_var`), some HTTP ones.
V2_RATE_SCHEDULED = 0.5
V2_RATE_HTTP = 0.08
STREAM_V2 = 3  # beside STREAM_USERS (1) and STREAM_WORKFLOWS (2)
_CASE = re.compile(r"""^(.+?)\s*===\s*(?:'([^'\\]*)'|"([^"\\]*)")(?:\s*&&\s*([^|?]+))?$""")
_ITEM_NAMES = ("item", "record", "row", "entry")
_SENDS = ("@blokjs/api-call",)


def v2_style(seed: int, root: int, scheduled: bool) -> Callable[[], float] | None:
    """The random source of a v2 lineage's author, or None when the lineage is written for v1."""
    r = random.Random(mix(seed, STREAM_V2, root)).random
    return r if r() < (V2_RATE_SCHEDULED if scheduled else V2_RATE_HTTP) else None


class _Author:
    def __init__(self, r: Callable[[], float], doc: dict[str, Any]) -> None:
        self.r = r
        self.nodes: dict[str, Any] = doc["nodes"]
        self.http = "http" in doc["trigger"]
        self.typed = r() < 0.35  # writes `type: "module"` although v2 infers it
        self.parallel = r() < 0.45  # fans a forEach out
        self.guard = r() < 0.5  # wraps delivery in tryCatch
        self.switches = r() < 0.8  # writes a switch for an equality chain
        self.ids: set[str] = set(self.nodes)
        self.builtins = node_origins().builtins

    def fresh(self, base: str) -> str:
        name, k = base, 2
        while name in self.ids:
            name, k = f"{base}-{k}", k + 1
        self.ids.add(name)
        return name

    def steps(self, steps: list[dict[str, Any]], previous: str | None, last: bool) -> list[dict[str, Any]]:
        out = []
        for index, step in enumerate(steps):
            written = self.step(step, previous, last and index == len(steps) - 1)
            out.append(written)
            previous = written["id"] if "use" in written or "forEach" in written else None
        return out

    def step(self, step: dict[str, Any], previous: str | None, last: bool) -> dict[str, Any]:
        name: str = step["name"]
        config = self.nodes.get(name, {})
        if "conditions" in config:
            return self.branching(name, config["conditions"], previous, last)
        inputs = config.get("inputs", {})
        node, kind = step["node"], step["type"]
        short = node.rsplit("/", 1)[-1]
        if short == "array-map":
            return self.for_each(name, inputs, previous)
        if short == "mapper":
            model = inputs_v2(inputs.get("model"), previous)
            if self.http and last:
                return self.node(name, "@blokjs/respond", {"status": 200, "body": model})
            expression = js_value(inputs.get("model"), previous)
            return self.node(name, "@blokjs/expr", {"expression": f"({expression})"})
        if short == "error":
            message = inputs.get("message", "Request failed")
            code = 405 if "not allowed" in str(message).lower() else 400
            return self.node(name, "@blokjs/throw", {"message": inputs_v2(message, previous), "code": code})
        if short == "memory-storage" and inputs.get("action") in ("get", "set"):
            return self.node(name, "@blokjs/in-memory-kv", inputs_v2(inputs, previous))
        written = inputs_v2(inputs, previous)
        if kind == "local" and node.startswith("@") and node not in self.builtins:
            node = short  # an invented scoped name: a v2 author names their own node's folder
        if kind == "module" and short == "api-call":
            return self.node(name, "@blokjs/api-call", written)
        if kind == "module" and node in self.builtins and self.builtins[node]["line"] == "blokjs":
            return self.node(name, node, written)
        if kind == "runtime.python3":
            return {"id": name, "use": node, "type": kind, "inputs": written}
        return {"id": name, "use": local_name(node), "type": "local", "inputs": written}

    def node(self, name: str, use: str, inputs: dict[str, Any]) -> dict[str, Any]:
        step: dict[str, Any] = {"id": name, "use": use}
        if self.typed:
            step["type"] = "module"
        step["inputs"] = inputs
        return step

    def for_each(self, name: str, inputs: dict[str, Any], previous: str | None) -> dict[str, Any]:
        var = next(v for v in (*_ITEM_NAMES, "it") if v not in self.ids)
        self.ids.add(var)
        source = inputs.get("array")
        expression = per_item(str(inputs.get("map", "data")), var)
        body: dict[str, Any] = {
            "in": state_js(source, previous) if isinstance(source, str) else source,
            "as": var,
            "mode": "parallel" if self.parallel else "sequential",
        }
        if self.parallel:
            body["concurrency"] = 4 + int(self.r() * 3) * 4
        body["do"] = [self.node(self.fresh(f"shape-{var}"), "@blokjs/expr", {"expression": expression})]
        return {"id": name, "forEach": body}

    def branching(
        self, name: str, conditions: list[dict[str, Any]], previous: str | None, last: bool
    ) -> dict[str, Any]:
        ifs = [c for c in conditions if c["type"] == "if"]
        otherwise = next((c["steps"] for c in conditions if c["type"] == "else"), None)
        grouped = _switch_groups(ifs) if self.switches else None
        if grouped is None:
            return {"id": name, "branch": self.chain(name, ifs, otherwise, previous, last, 1)}
        subject, groups = grouped
        body: dict[str, Any] = {"on": "js/" + state_js(subject, previous), "cases": []}
        for when, members in groups:
            if len(members) == 1:
                do = self.steps(members[0]["steps"], previous, last)
            else:  # `x === 'get' && a` then `x === 'get'`: one case holding a branch on the rest
                inner = [{"condition": m["rest"], "steps": m["steps"]} for m in members[:-1]]
                nested = self.chain(name, inner, members[-1]["steps"], previous, last, 1)
                do = [{"id": self.fresh(f"{name}-{_slug(when)}"), "branch": nested}]
            body["cases"].append({"when": when, "do": do})
        if otherwise is not None:
            body["default"] = self.steps(otherwise, previous, last)
        return {"id": name, "switch": body}

    def chain(
        self,
        name: str,
        ifs: list[dict[str, Any]],
        otherwise: list[dict[str, Any]] | None,
        previous: str | None,
        last: bool,
        depth: int,
    ) -> dict[str, Any]:
        first, rest = ifs[0], ifs[1:]
        branch: dict[str, Any] = {
            "when": state_js(first["condition"], previous),
            "then": self.steps(first["steps"], previous, last),
        }
        if rest:
            ident = self.fresh(f"{name}-{depth + 1}")
            branch["else"] = [{"id": ident, "branch": self.chain(name, rest, otherwise, previous, last, depth + 1)}]
        elif otherwise is not None:
            branch["else"] = self.steps(otherwise, previous, last)
        return branch

    def guarded(self, steps: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
        """The trailing delivery calls wrapped in a tryCatch that logs (and, over HTTP, answers 502)."""
        end = len(steps)  # only a tail: a later step would read what a failed call did not produce
        start, floor = end, 1 if end > 1 else 0  # what fetched the data is not delivery
        while start > floor and steps[start - 1].get("use") in _SENDS and end - start < 3:
            start -= 1
        if not self.guard or start == end:
            return steps
        catch: list[dict[str, Any]] = [
            self.node(
                self.fresh("log-failure"),
                "@blokjs/log",
                {"level": "error", "message": "js/`" + title.replace("`", "'") + " failed: ${ctx.error.message}`"},
            )
        ]
        if self.http:
            catch.append(
                self.node(
                    self.fresh("answer-failure"),
                    "@blokjs/respond",
                    {"status": 502, "body": {"error": {"$ref": {"step": "@error", "path": ["message"]}}}},
                )
            )
        ident = self.fresh("deliver" if self.r() < 0.5 else "send-safely")
        block = {"id": ident, "tryCatch": {"try": steps[start:end], "catch": catch}}
        return [*steps[:start], block, *steps[end:]]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "case"


def _switch_groups(ifs: list[dict[str, Any]]) -> tuple[str, list[tuple[str, list[dict[str, Any]]]]] | None:
    """An if chain that tests one value against literals, as (value, [(literal, its conditions)]), or None.

    Exact only when each literal's tests are contiguous and all but its last add a further condition (the last,
    without one, catches what the others leave), so no request falls through to another literal's case."""
    subject: str | None = None
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for condition in ifs:
        match = _CASE.match(condition["condition"].strip())
        if match is None or not condition["steps"] or subject not in (None, match.group(1)):
            return None
        subject = match.group(1)
        when = match.group(2) if match.group(2) is not None else match.group(3)
        member = {"rest": match.group(4), "steps": condition["steps"]}
        if groups and groups[-1][0] == when:
            groups[-1][1].append(member)
        elif any(seen == when for seen, _ in groups):
            return None
        else:
            groups.append((when, [member]))
    if subject is None or len(groups) < 2:
        return None
    for _when, members in groups:
        if members[-1]["rest"] is not None or any(m["rest"] is None for m in members[:-1]):
            return None
    return subject, groups


def author_v2(r: Callable[[], float], doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` (a v1 demo workflow, left unchanged) written for Blok v2."""
    author = _Author(r, doc)
    trigger = dict(doc["trigger"])
    http = trigger.get("http")
    if isinstance(http, dict) and http.get("method") == "*":
        trigger["http"] = {**http, "method": "ANY"}
    steps = author.guarded(author.steps(doc["steps"], None, True), doc["name"])
    return {
        "name": doc["name"],
        "description": doc["description"],
        "version": doc["version"],
        "trigger": trigger,
        "steps": steps,
    }
