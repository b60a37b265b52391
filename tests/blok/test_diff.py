"""diff(): steps matched by name, leaf pointers for configuration, no noise from formatting or defaults."""

from __future__ import annotations

from blokhub.blok import Change, diff, export, parse
from tests.blok.conftest import base_doc

COND = "/nodes/route/conditions"


def _ops(changes: list[Change]) -> list[tuple[str, str, str]]:
    return [(change.op, change.kind, change.pointer) for change in changes]


def test_identical_and_reformatted_documents_have_no_changes() -> None:
    doc = base_doc()
    assert diff(doc, base_doc()) == []
    for fmt in ("yaml", "toml"):
        assert diff(doc, parse(export(doc, fmt), fmt).document) == []
    spelled = base_doc()
    spelled["steps"][1]["active"] = True
    assert diff(doc, spelled) == []


def test_inserting_a_step_in_the_middle_is_one_added_step_with_its_inputs() -> None:
    old, new = base_doc(), base_doc()
    new["steps"].insert(1, {"name": "log", "node": "logger", "type": "module"})
    new["nodes"]["log"] = {"inputs": {"level": "info"}}
    changes = diff(old, new)
    assert _ops(changes) == [("added", "step", "/steps/1"), ("added", "node", "/nodes/log/inputs/level")]
    assert (changes[1].name, changes[1].after) == ("log", "info")
    assert changes[0].name == "log"
    assert changes[0].after == {"name": "log", "node": "logger", "type": "module"}
    assert changes[0].to_dict() == {
        "op": "added",
        "kind": "step",
        "pointer": "/steps/1",
        "name": "log",
        "after": {"name": "log", "node": "logger", "type": "module"},
    }


def test_removing_a_step_points_into_the_old_document() -> None:
    old, new = base_doc(), base_doc()
    del new["steps"][0]
    del new["nodes"]["auth"]
    changes = diff(old, new)
    assert _ops(changes) == [
        ("removed", "step", "/steps/0"),
        ("removed", "node", "/nodes/auth/inputs/headers/Authorization"),
        ("removed", "node", "/nodes/auth/inputs/method"),
        ("removed", "node", "/nodes/auth/inputs/url"),
    ]
    assert changes[3].before == "https://auth.example.com/check"
    assert changes[0].before == {"name": "auth", "node": "@nanoservice-ts/api-call", "type": "module"}
    assert "after" not in changes[0].to_dict()


def test_changed_step_fields_and_flags() -> None:
    old, new = base_doc(), base_doc()
    new["steps"][2]["node"] = "array-map"
    new["steps"][0]["active"] = False
    changes = diff(old, new)
    assert _ops(changes) == [("changed", "step", "/steps/0"), ("changed", "step", "/steps/2")]
    assert (changes[0].before, changes[0].after) == ({"active": True}, {"active": False})
    assert (changes[1].name, changes[1].before, changes[1].after) == (
        "respond",
        {"node": "mapper"},
        {"node": "array-map"},
    )


def test_leaf_input_changes_are_reported_at_the_leaf() -> None:
    old, new = base_doc(), base_doc()
    new["nodes"]["auth"]["inputs"]["url"] = "https://auth.example.com/v2"
    new["nodes"]["auth"]["inputs"]["headers"]["X-Trace"] = "1"
    del new["nodes"]["load"]["inputs"]["password"]
    changes = diff(old, new)
    assert _ops(changes) == [  # canonical (sorted) key order within a configuration
        ("added", "node", "/nodes/auth/inputs/headers/X-Trace"),
        ("changed", "node", "/nodes/auth/inputs/url"),
        ("removed", "node", "/nodes/load/inputs/password"),
    ]
    assert changes[1].name == "auth"
    assert (changes[1].before, changes[1].after) == (
        "https://auth.example.com/check",
        "https://auth.example.com/v2",
    )


def test_list_insertions_inside_inputs_do_not_cascade() -> None:
    old, new = base_doc(), base_doc()
    old["nodes"]["respond"]["inputs"]["lines"] = ["a", "b", "c", "d"]
    new["nodes"]["respond"]["inputs"]["lines"] = ["a", "x", "b", "c", "d"]
    assert _ops(diff(old, new)) == [("added", "node", "/nodes/respond/inputs/lines/1")]


def test_branch_steps_and_conditions() -> None:
    old, new = base_doc(), base_doc()
    conditions = new["nodes"]["route"]["conditions"]
    conditions[0]["condition"] = "ctx.request.method === 'HEAD'"
    conditions[1]["steps"].append({"name": "audit", "node": "mapper", "type": "module"})
    new["nodes"]["audit"] = {"inputs": {}}
    changes = diff(old, new)
    assert _ops(changes) == [
        ("added", "step", COND + "/1/steps/1"),
        ("added", "node", "/nodes/audit/inputs"),
        ("changed", "node", COND + "/0/condition"),
    ]


def test_moving_one_step_to_the_front_is_one_move() -> None:
    old, new = base_doc(), base_doc()
    new["steps"].insert(0, new["steps"].pop())
    [change] = diff(old, new)
    assert (change.name, change.before, change.after) == ("respond", {"position": 2}, {"position": 0})


def test_long_pipeline_reorder_uses_the_fast_path() -> None:
    old = base_doc()
    old["steps"] = [{"name": f"s{i}", "node": "mapper", "type": "module"} for i in range(400)]
    new = base_doc()
    new["steps"] = list(old["steps"])
    new["steps"].insert(0, new["steps"].pop(200))
    moves = [c for c in diff(old, new) if c.kind == "step"]
    assert [(c.name, c.before, c.after) for c in moves] == [("s200", {"position": 200}, {"position": 0})]


def test_reordering_and_moving_steps() -> None:
    old, new = base_doc(), base_doc()
    new["steps"][0], new["steps"][2] = new["steps"][2], new["steps"][0]
    changes = diff(old, new)
    assert {(c.name, str(c.before), str(c.after)) for c in changes} == {
        ("respond", "{'position': 2}", "{'position': 0}"),
        ("auth", "{'position': 0}", "{'position': 2}"),
    }
    moved = base_doc()
    step = moved["steps"].pop(2)
    moved["nodes"]["route"]["conditions"][0]["steps"].append(step)
    [change] = diff(old, moved)
    assert (change.op, change.kind, change.name) == ("changed", "step", "respond")
    assert change.before == {"in": "/steps"} and change.after == {"in": COND + "/0/steps"}


def test_trigger_and_meta_changes() -> None:
    old, new = base_doc(), base_doc()
    new["trigger"]["http"]["path"] = "/orders/:id"
    new["version"] = "1.1.0"
    new["metadata"] = {"createdBy": "me"}
    changes = diff(old, new)
    assert _ops(changes) == [
        ("added", "meta", "/metadata"),
        ("changed", "meta", "/version"),
        ("changed", "trigger", "/trigger/http/path"),
    ]


def test_config_without_step_changes_is_a_node_change() -> None:
    old, new = base_doc(), base_doc()
    new["nodes"]["spare"] = {"inputs": {}}
    assert _ops(diff(old, new)) == [("added", "node", "/nodes/spare/inputs")]
    assert _ops(diff(new, old)) == [("removed", "node", "/nodes/spare/inputs")]


def test_long_values_are_summarised() -> None:
    old, new = base_doc(), base_doc()
    new["nodes"]["load"]["inputs"]["query"] = "SELECT " + "x, " * 500 + "1"
    [change] = diff(old, new)
    assert isinstance(change.after, str) and len(change.after) <= 201 and change.after.endswith("…")


def test_a_renamed_step_is_a_rename_and_its_changed_inputs_are_shown() -> None:
    """Issue 13.3: renaming a step (and changing its URL) is one rename plus the changed value, not remove + add."""
    old, new = base_doc(), base_doc()
    new["steps"][0]["name"] = "authenticate"
    new["nodes"]["authenticate"] = new["nodes"].pop("auth")
    new["nodes"]["authenticate"]["inputs"]["url"] = "https://auth.example.org/check"
    changes = diff(old, new)
    assert _ops(changes) == [
        ("renamed", "step", "/steps/0"),
        ("changed", "node", "/nodes/authenticate/inputs/url"),
    ]
    assert (changes[0].before, changes[0].after) == ({"name": "auth"}, {"name": "authenticate"})
    assert (changes[1].before, changes[1].after) == ("https://auth.example.com/check", "https://auth.example.org/check")
    # a different node under a new name is not a rename
    other = base_doc()
    other["steps"][0] = {"name": "notify", "node": "@blokjs/sendgrid", "type": "module"}
    other["nodes"]["notify"] = other["nodes"].pop("auth")
    assert [c.op for c in diff(old, other) if c.kind == "step"] == ["added", "removed"]
