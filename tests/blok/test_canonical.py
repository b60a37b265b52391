"""Canonical form and hash: formatting, order and defaults never matter; content always does."""

from __future__ import annotations

import json

from blokhub.blok import canonical, canonical_hash, export, parse
from blokhub.blok.canonical_form import canonical_json
from tests.blok.conftest import base_doc


def test_hash_shape_and_definition() -> None:
    doc = base_doc()
    digest = canonical_hash(doc)
    assert digest.startswith("sha256:") and len(digest) == len("sha256:") + 64
    import hashlib

    expected = hashlib.sha256(
        json.dumps(canonical(doc), separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()
    assert digest == "sha256:" + expected


def test_key_order_and_whitespace_do_not_matter() -> None:
    doc = base_doc()
    reordered = json.loads(json.dumps(doc, sort_keys=True))
    reordered["nodes"] = dict(reversed(list(reordered["nodes"].items())))
    assert list(reordered) != list(doc)
    assert canonical_hash(reordered) == canonical_hash(doc)
    compact = parse(json.dumps(doc, separators=(",", ":")), "json").document
    spaced = parse(json.dumps(doc, indent="\t"), "json").document
    assert canonical_hash(compact) == canonical_hash(spaced) == canonical_hash(doc)


def test_format_does_not_matter() -> None:
    doc = base_doc()
    hashes = {canonical_hash(parse(export(doc, fmt), fmt).document) for fmt in ("json", "yaml", "toml")}
    assert hashes == {canonical_hash(doc)}


def test_default_flags_case_and_defaults_do_not_matter() -> None:
    doc = base_doc()
    spelled = base_doc()
    spelled["steps"][0].update(active=True, stop=False, set_var=False)
    spelled["nodes"]["route"]["conditions"][0]["steps"][0]["active"] = True
    spelled["trigger"]["http"]["method"] = "*"
    del spelled["trigger"]["http"]["accept"]
    doc["description"] = ""
    spelled.pop("description")
    assert canonical_hash(spelled) == canonical_hash(doc)
    lower = base_doc()
    lower["trigger"]["http"]["method"] = "get"
    upper = base_doc()
    upper["trigger"]["http"]["method"] = "GET"
    assert canonical_hash(lower) == canonical_hash(upper)


def test_integral_floats_equal_integers() -> None:
    a, b = base_doc(), base_doc()
    a["nodes"]["load"]["inputs"]["port"] = 5432
    b["nodes"]["load"]["inputs"]["port"] = 5432.0
    assert canonical_hash(a) == canonical_hash(b)
    b["nodes"]["load"]["inputs"]["port"] = 5432.5
    assert canonical_hash(a) != canonical_hash(b)


def test_content_changes_do_change_the_hash() -> None:
    base = canonical_hash(base_doc())
    changes = []
    doc = base_doc()
    doc["nodes"]["auth"]["inputs"]["url"] = "https://auth.example.com/v2/check"
    changes.append(doc)
    doc = base_doc()
    doc["steps"][0]["active"] = False
    changes.append(doc)
    doc = base_doc()
    doc["steps"].reverse()
    changes.append(doc)
    doc = base_doc()
    doc["trigger"]["http"]["accept"] = "text/html"
    changes.append(doc)
    doc = base_doc()
    doc["nodes"]["auth"]["inputs"]["method"] = "get"  # only the trigger method is case-insensitive
    changes.append(doc)
    doc = base_doc()
    doc["nodes"]["respond"]["inputs"]["model"]["ok"] = True
    changes.append(doc)
    hashes = [canonical_hash(changed) for changed in changes]
    assert base not in hashes and len(set(hashes)) == len(hashes)


def test_canonical_does_not_mutate_and_keeps_list_order() -> None:
    doc = base_doc()
    doc["steps"][0]["active"] = True
    before = json.dumps(doc)
    result = canonical(doc)
    assert json.dumps(doc) == before
    assert "active" not in result["steps"][0]
    assert [step["name"] for step in result["steps"]] == ["auth", "route", "respond"]
    assert list(result) == sorted(result)


def test_canonical_tolerates_odd_shapes_and_unicode() -> None:
    odd = {"steps": "nope", "nodes": [], "trigger": {"http": "x"}, "name": "café ☕", "s": "\ud800"}
    assert canonical(odd)["steps"] == "nope"
    assert canonical_hash(odd).startswith("sha256:")
    assert "café ☕" in canonical_json(odd)
