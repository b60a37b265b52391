"""The dialect of a document, the one step model of both dialects, and what is built on it: facts, canonical hash,
diff and secret scanning."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from blokhub.blok import canonical_hash, convert, detect, diff, facts, model_steps, scan_secrets, validate
from tests.blok.conftest import FIXTURES, base_doc

FANOUT = json.loads((FIXTURES / "v2" / "workflows_json_fanout-enqueue.json").read_text())
NESTED = json.loads((FIXTURES / "v2" / "v05-nested-control-flow.json").read_text())


@pytest.mark.parametrize(
    ("doc", "dialect"),
    [
        (base_doc(), "v1"),
        (FANOUT, "v2"),
        ({"schemaVersion": "2", "name": "x", "steps": []}, "v2"),
        ({"name": "x", "steps": [{"name": "a", "node": "b", "type": "module", "inputs": {}}]}, "v1"),
        ({"name": "x", "steps": [{"id": "a", "node": "b"}]}, "v2"),  # the loader's {id, node} hybrid
        ({"name": "x", "nodes": {}, "steps": []}, "v1"),
        ({"name": "x", "trigger": {"sse": {}}, "steps": [{}]}, "v2"),
    ],
)
def test_detection(doc: dict[str, Any], dialect: str) -> None:
    found = detect(doc)
    assert found.dialect is not None and found.dialect.value == dialect


def test_neither_dialect_says_what_it_resembles_and_what_is_missing() -> None:
    result = validate({"name": "x", "version": "1.0.0", "trigger": {"http": {"method": "GET", "path": "/"}}})
    assert result.dialect is None and result.resembles.value == "v1" and not result.valid
    assert "most resembles v1" in result.errors[0].message and "`nodes` map" in result.errors[0].message
    result = validate({"name": "x", "steps": [{"run": 1}, {"run": 2}]})
    assert result.resembles.value == "v2"
    assert [i.pointer for i in result.errors] == ["/steps/0", "/steps/1"]
    assert "`id` and `use`" in result.errors[0].message


def test_model_walks_every_block_in_execution_order() -> None:
    steps = model_steps(NESTED)
    assert [s.id for s in steps][:5] == [
        "validate-body",
        "per-item-pipeline",
        "item-tryCatch",
        "by-type",
        "handle-physical",
    ]
    by_id = {s.id: s for s in steps}
    assert by_id["per-item-pipeline"].kind == "forEach" and by_id["by-type"].kind == "switch"
    assert by_id["handle-digital"].pointer == "/steps/1/forEach/do/0/tryCatch/try/0/switch/cases/1/do/0"
    assert by_id["handle-digital"].ancestors == ("per-item-pipeline", "item-tryCatch", "by-type")
    assert by_id["handle-digital"].inputs_pointer == by_id["handle-digital"].pointer + "/inputs"
    assert by_id["decide-on-failure"].expressions == ("ctx.state.item.required === true",)
    assert by_id["iter-summary"].type == "module"


def test_facts_name_the_dialect_and_every_block() -> None:
    found = facts(NESTED).to_dict()
    assert found["dialect"] == "v2"
    assert found["control_flow"] == ["branch", "forEach", "switch", "tryCatch"]
    assert facts(FANOUT).control_flow == ["forEach", "parallel"]
    assert facts(FANOUT).has_branches and facts(FANOUT).nodes == ["@blokjs/expr", "@blokjs/worker-publish"]
    runtimes = copy.deepcopy(FANOUT)
    runtimes["steps"][1]["type"] = "runtime.python3"
    del runtimes["steps"][0]["forEach"]["do"][0]["type"]  # inferred: module
    assert facts(runtimes).runtimes == ["python3", "typescript"]
    assert facts(base_doc()).dialect == "v1" and facts(base_doc()).control_flow == ["branch"]


def test_canonical_hash_ignores_v2_defaults_and_spelling() -> None:
    spelled = copy.deepcopy(FANOUT)
    spelled["schemaVersion"] = "2"
    spelled["steps"][1]["ephemeral"] = False
    spelled["steps"][1]["active"] = True
    spelled["steps"][0]["forEach"]["do"][0]["stop"] = False
    del spelled["steps"][1]["type"]  # "module" is what v2 infers from the use
    spelled = json.loads(json.dumps(spelled, sort_keys=True))
    assert canonical_hash(spelled) == canonical_hash(FANOUT)
    changed = copy.deepcopy(FANOUT)
    changed["steps"][0]["forEach"]["concurrency"] = 6
    assert canonical_hash(changed) != canonical_hash(FANOUT)
    star, any_method = copy.deepcopy(NESTED), copy.deepcopy(NESTED)
    star["trigger"]["http"]["method"], any_method["trigger"]["http"]["method"] = "*", "ANY"
    assert canonical_hash(star) == canonical_hash(any_method)


def test_diff_matches_nested_steps_by_id() -> None:
    after = copy.deepcopy(NESTED)
    after["steps"][1]["forEach"]["mode"] = "parallel"
    catch = after["steps"][1]["forEach"]["do"][0]["tryCatch"]["catch"]
    catch[0]["inputs"]["event"] = "failed"
    catch.insert(0, catch.pop(2))  # move decide-on-failure first
    changes = [c.to_dict() for c in diff(NESTED, after)]
    assert {"op": "changed", "kind": "step", "pointer": "/steps/1", "name": "per-item-pipeline",
            "before": {"forEach": {"as": "item", "in": "js/ctx.request.body.items"}},
            "after": {"forEach": {"as": "item", "in": "js/ctx.request.body.items", "mode": "parallel"}}} in changes  # fmt: skip
    assert any(
        c["kind"] == "node" and c["pointer"].endswith("/catch/1/inputs/event") and c["after"] == "failed"
        for c in changes
    )
    assert any(c["name"] == "decide-on-failure" and c["after"] == {"position": 0} for c in changes)
    assert not [c for c in changes if c["op"] != "changed"]


def test_diff_across_a_change_of_dialect_shows_only_real_changes() -> None:
    v1 = base_doc()
    v2 = convert(v1, "v2")
    assert diff(v1, v2) == []
    v2["steps"][0]["inputs"]["url"] = "https://auth.example.com/v2/check"
    (change,) = diff(v1, v2)
    assert (change.op, change.kind, change.pointer) == ("changed", "node", "/steps/0/inputs/url")


def test_secrets_are_found_in_inline_inputs() -> None:
    doc = copy.deepcopy(FANOUT)
    doc["steps"][0]["forEach"]["do"][0]["inputs"]["token"] = "sk_live_" + "a1B2c3D4e5F6g7H8i9J0k1L2"
    (issue,) = scan_secrets(doc)
    assert issue.pointer == "/steps/0/forEach/do/0/inputs/token"
