"""v2 `switch` → v1 if-else: one condition per case where that is exact, one refusal (pointer + reason) where not."""

from __future__ import annotations

import json
from typing import Any

import pytest

from blokhub.blok import BlokConversionError, canonical, convert, facts, validate
from tests.blok.test_v2_conversion import V2

TENANT = "js/(ctx.request.headers['x-tenant-id'] || '').toLowerCase()"


def call(ident: str, url: str) -> dict[str, Any]:
    return {"id": ident, "use": "@blokjs/api-call", "inputs": {"url": url, "method": "GET", "headers": {}}}


def router(switch: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": "Tenant router",
        "version": "1.0.0",
        "trigger": {"http": {"method": "GET", "path": "/"}},
        "steps": [{"id": "route", "switch": switch}],
    }


def test_cases_become_an_if_chain_with_the_default_as_else() -> None:
    doc = router(
        {
            "on": TENANT,
            "cases": [
                {"when": "acme", "do": [call("acme", "https://acme.example.com/")]},
                {"when": ["globex", "initech", 7, True, None], "do": [call("group", "https://group.example.com/")]},
            ],
            "default": [call("other", "https://other.example.com/")],
        }
    )
    assert validate(doc).valid
    v1 = convert(doc, "v1")
    assert validate(v1).valid, [(i.pointer, i.message) for i in validate(v1).errors]
    assert v1["steps"] == [{"name": "route", "node": "@blokjs/if-else", "type": "module"}]
    conditions = v1["nodes"]["route"]["conditions"]
    subject = "(ctx.request.headers['x-tenant-id'] || '').toLowerCase()"
    assert [c.get("condition") for c in conditions] == [
        f'({subject}) === "acme"',
        f'["globex", "initech", 7, true, null].includes({subject})',
        None,
    ]
    assert [c["type"] for c in conditions] == ["if", "if", "else"]
    assert [[s["name"] for s in c["steps"]] for c in conditions] == [["acme"], ["group"], ["other"]]
    assert v1["nodes"]["group"]["inputs"]["url"] == "https://group.example.com/"
    before, after = facts(doc), facts(v1)
    assert (before.step_count, before.domains) == (after.step_count, after.domains)
    assert (before.control_flow, after.control_flow) == (["switch"], ["branch"])
    again = convert(v1, "v2")  # the v1 form is ordinary v1: it converts back (as a branch chain) losslessly
    assert validate(again).valid and canonical(convert(again, "v1")) == canonical(v1)


def test_without_a_default_v1_gets_an_empty_else_and_one_case_a_lone_if() -> None:
    cases = [{"when": k, "do": [call(k, f"https://{k}.example.com/")]} for k in ("a", "b")]
    many = convert(router({"on": "js/ctx.request.query.kind", "cases": cases}), "v1")
    assert [(c["type"], c.get("condition"), len(c["steps"])) for c in many["nodes"]["route"]["conditions"]] == [
        ("if", '(ctx.request.query.kind) === "a"', 1),
        ("if", '(ctx.request.query.kind) === "b"', 1),
        ("else", None, 0),  # v1's if-else wants an else last; an empty one does what "no match" does in v2
    ]
    one = convert(router({"on": 3, "cases": [{"when": 3, "do": [call("a", "https://a.example.com/")]}]}), "v1")
    step = {"name": "a", "node": "@blokjs/api-call", "type": "module"}
    assert one["nodes"]["route"]["conditions"] == [{"type": "if", "condition": "(3) === 3", "steps": [step]}]
    assert validate(many).valid and validate(one).valid


@pytest.mark.parametrize(
    ("switch", "pointer", "reason"),
    [
        ({"on": "js/ctx.state.fetch.kind"}, "/on", "ctx.state"),
        ({"on": "js/data.kind"}, "/on", "`data`"),
        ({"on": "js/func.pick(ctx)"}, "/on", "`data` or `func`"),
        ({"on": "js/ctx.vars.n++"}, "/on", "may change state"),
        ({"on": "js/(ctx.vars.seen = ctx.request.query.k)"}, "/on", "may change state"),
        ({"on": "js/ctx.request.query.k // the kind"}, "/on", "comment"),
        ({"on": "js/Date.now() % 2"}, "/on", "evaluated again"),
        ({"on": "js/Math.random() < 0.5"}, "/on", "evaluated again"),
        ({"on": "js/${ctx.request.query.k}"}, "/on", "placeholders"),
        ({"on": "tenant-${ctx.request.query.k}"}, "/on", "placeholders"),
        ({"on": {"kind": "a"}}, "/on", "never equals"),
        ({"when": "js/ctx.request.query.k"}, "/cases/0/when", "write the value itself"),
        ({"when": ["a", {"b": 1}]}, "/cases/0/when/1", "never equals"),
        ({"when": [["a"]]}, "/cases/0/when/0", "never equals"),
    ],
)
def test_what_is_not_exact_is_refused_once_with_pointer_and_reason(
    switch: dict[str, Any], pointer: str, reason: str
) -> None:
    body: dict[str, Any] = {"on": "js/ctx.request.query.k", "cases": [{"when": "a", "do": [call("a", "https://a.x/")]}]}
    if "when" in switch:
        body["cases"][0]["when"] = switch["when"]
    else:
        body["on"] = switch["on"]
    with pytest.raises(BlokConversionError) as refused:
        convert(router(body), "v1")
    assert [i.pointer for i in refused.value.issues] == ["/steps/0/switch" + pointer]
    assert reason in refused.value.issues[0].message


def test_nested_steps_of_a_switch_are_converted_and_their_refusals_point_inside_it() -> None:
    doc = router(
        {
            "on": "js/ctx.request.query.k",
            "cases": [
                {"when": "a", "do": [{"id": "each", "forEach": {"in": "js/[1]", "do": [call("a", "https://a/")]}}]}
            ],
            "default": [{"id": "rest", "use": "@blokjs/api-call", "retry": {"max": 2}, "inputs": {}}],
        }
    )
    with pytest.raises(BlokConversionError) as refused:
        convert(doc, "v1")
    assert [i.pointer for i in refused.value.issues] == [
        "/steps/0/switch/cases/0/do/0/forEach",
        "/steps/0/switch/default/0/retry",
    ]


def test_real_files_no_longer_refuse_a_switch_for_being_a_switch() -> None:
    """Of the real files with a switch, only one refuses the switch itself: its `on` reads v2 state."""
    refused_switches = []
    with_switch = 0
    for path in V2:
        text = path.read_text()
        if '"switch"' not in text:
            continue
        with_switch += 1
        try:
            convert(json.loads(text), "v1")
        except BlokConversionError as refused:
            refused_switches += [(path.name, i.pointer) for i in refused.issues if i.pointer.endswith("/switch/on")]
    assert with_switch == 12
    assert refused_switches == [("examples_v05-primitives_02-async-job-poller.json", "/steps/2/switch/on")]
