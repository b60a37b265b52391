"""Conversion between the dialects over every fixture and real file.

v1 → v2 → v1 gives back the canonical original; v2 → v1 either converts (to valid v1 that describes the same
workflow) or lists the constructs v1 cannot express - checked here against an independent scan of the document.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from blokhub.blok import BlokConversionError, BlokExportError, canonical, convert, export, facts, parse, validate
from blokhub.blok.to_v2 import to_v2
from tests.blok.conftest import FIXTURES, VALID, fmt_of

V2 = sorted((FIXTURES / "v2").glob("*.json")) + sorted((FIXTURES / "v2-fork").glob("*.json"))
BLOCKS = ("forEach", "loop", "tryCatch")  # a switch converts to an if-else when that is exact
V1_TRIGGERS = ("http", "grpc", "cron", "manual", "mcp")


def _doc(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = parse(path.read_bytes(), fmt_of(path)).document
    return document


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_v1_to_v2_and_back_is_lossless(path: Path) -> None:
    original = _doc(path)
    if "metadata" in original:
        with pytest.raises(BlokConversionError) as refused:
            convert(original, "v2")
        assert [i.pointer for i in refused.value.issues] == ["/metadata"]
        original = {k: v for k, v in original.items() if k != "metadata"}
    v2 = convert(original, "v2")
    result = validate(v2)
    assert result.dialect is not None and result.dialect.value == "v2"
    assert result.valid, [(i.pointer, i.message) for i in result.errors]
    assert "nodes" not in v2
    assert canonical(convert(v2, "v1")) == canonical(original)
    same, converted = facts(original).to_dict(), facts(v2).to_dict()
    for key in ("trigger", "path", "runtimes", "domains", "has_branches", "control_flow"):
        assert same[key] == converted[key], key
    if_else = {n for n in same["nodes"] if n.endswith("if-else")}
    assert set(converted["nodes"]) == set(same["nodes"]) - if_else  # a v2 branch runs no node of its own


def _expected_refusals(doc: dict[str, Any]) -> set[str]:
    """Pointers of the outermost constructs v1 has no equivalent for (blocks, triggers, middleware)."""
    found = {"/" + key for key in ("middleware", "input", "output", "events") if key in doc}
    trigger = doc.get("trigger", {})
    found |= {f"/trigger/{kind}" for kind in trigger if kind not in V1_TRIGGERS}
    found |= {f"/trigger/http/{key}" for key in trigger.get("http", {}) if key in ("middleware", "examples")}
    stack = [(doc["steps"], "/steps")]
    while stack:
        steps, pointer = stack.pop()
        for index, step in enumerate(steps):
            here = f"{pointer}/{index}"
            block = next((b for b in (*BLOCKS, "wait") if isinstance(step.get(b), dict)), None)
            if block is not None:
                found.add(f"{here}/{block}")
            elif isinstance(step.get("subworkflow"), str):
                found.add(f"{here}/subworkflow")
            elif isinstance(step.get("branch"), dict):
                stack.extend((step["branch"][k], f"{here}/branch/{k}") for k in ("then", "else") if k in step["branch"])
            elif isinstance(step.get("switch"), dict):
                body = step["switch"]
                stack.extend((c["do"], f"{here}/switch/cases/{i}/do") for i, c in enumerate(body["cases"]))
                stack.extend((body[k], f"{here}/switch/{k}") for k in ("default",) if k in body)
    return found


@pytest.mark.parametrize("path", V2, ids=lambda p: p.name)
def test_v2_to_v1_converts_or_lists_what_v1_cannot_express(path: Path) -> None:
    original = json.loads(path.read_text())
    expected = _expected_refusals(original)
    try:
        v1 = convert(original, "v1")
    except BlokConversionError as refused:
        pointers = [i.pointer for i in refused.issues]
        assert len(pointers) == len(set(pointers)), "one detail per construct"
        assert expected <= set(pointers)
        assert all(i.code == "not_expressible" and i.message for i in refused.issues)
        for pointer in set(pointers) - expected:
            assert _resolves(original, pointer), pointer
        return
    assert not expected, f"converted although it uses {expected}"
    result = validate(v1)
    assert result.dialect is not None and result.dialect.value == "v1"
    assert result.valid, [(i.pointer, i.message) for i in result.errors]
    before, after = facts(original).to_dict(), facts(v1).to_dict()
    before["control_flow"] = sorted({"branch" if k == "switch" else k for k in before["control_flow"]})
    for key in ("trigger", "path", "runtimes", "domains", "step_count", "control_flow"):
        assert before[key] == after[key], key
    again = convert(v1, "v2")
    assert validate(again).valid and canonical(convert(again, "v1")) == canonical(v1)


def _resolves(doc: Any, pointer: str) -> bool:
    here = doc
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(here, list) and token.isdigit() and int(token) < len(here):
            here = here[int(token)]
        elif isinstance(here, dict) and token in here:
            here = here[token]
        else:
            return False
    return True


def test_conversion_counts_over_all_real_files() -> None:
    converted = sum(1 for p in V2 if _converts(json.loads(p.read_text())))
    assert (len(V2), converted) == (98, 38)


def _converts(doc: dict[str, Any]) -> bool:
    try:
        convert(doc, "v1")
    except BlokConversionError:
        return False
    return True


def test_else_if_chains_nest_and_fold_back() -> None:
    doc = _doc(FIXTURES / "valid" / "db-manager-888ec40.json")
    v2 = to_v2(doc)
    branch = v2["steps"][0]["branch"]
    assert branch["else"][0]["id"] == "filter-request--else-if-1"
    assert branch["else"][0]["branch"]["else"][0]["branch"]["else"][0]["id"] == "method-not-allowed"
    assert convert(v2, "v1")["nodes"]["filter-request"] == doc["nodes"]["filter-request"] or canonical(
        convert(v2, "v1")
    ) == canonical(doc)


def test_set_var_and_unusual_if_else_nodes_travel_in_ui() -> None:
    doc = _doc(FIXTURES / "valid" / "image-capture-1204752.json")
    v2 = to_v2(doc)
    steps = json.dumps(v2)
    assert '"v1": {"set_var": true}' in steps
    assert validate(v2).valid and any(w.code == "converted_set_var" for w in validate(v2).warnings)
    assert canonical(convert(v2, "v1")) == canonical(doc)


def test_trigger_references_are_raised_and_lowered() -> None:
    v1 = {
        "name": "refs",
        "version": "1.0.0",
        "trigger": {"http": {"method": "*", "path": "/"}},
        "steps": [{"name": "call", "node": "@nanoservice-ts/api-call", "type": "module"}],
        "nodes": {"call": {"inputs": {"a": "js/ctx.request.body.items[0]", "b": 'js/ctx.request.headers["x-id"]'}}},
    }
    v2 = convert(v1, "v2")
    assert v2["trigger"]["http"]["method"] == "ANY"
    assert v2["steps"][0]["inputs"]["a"] == {"$ref": {"step": "@trigger", "path": ["body", "items", 0]}}
    assert v2["steps"][0]["inputs"]["b"] == {"$ref": {"step": "@trigger", "path": ["headers", "x-id"]}}
    assert convert(v2, "v1") == v1


def test_v1_constructs_v2_cannot_hold_are_refused() -> None:
    doc = _doc(FIXTURES / "valid" / "countries-vs-facts-6b1d1a0.json")
    broken = copy.deepcopy(doc)
    broken["nodes"]["orphan"] = {"inputs": {}}
    broken["steps"].append(copy.deepcopy(broken["steps"][0]))
    with pytest.raises(BlokConversionError) as refused:
        convert(broken, "v2")
    assert {i.pointer for i in refused.value.issues} == {"/nodes/orphan", "/steps/1/name"}


@pytest.mark.parametrize("fmt", ["json", "yaml", "toml"])
def test_every_v2_file_and_its_v1_form_export_and_parse_back_in_every_format(fmt: str) -> None:
    exported = 0
    for path in V2:
        original = json.loads(path.read_text())
        forms = [original] + ([convert(original, "v1")] if _converts(original) else [])
        for doc in forms:
            try:
                text = export(doc, fmt)
            except BlokExportError as exc:
                assert fmt == "toml" and {i.code for i in exc.issues} == {"toml_null"}
                continue
            assert parse(text, fmt).document == doc, path.name
            exported += 1
    assert exported >= 98
