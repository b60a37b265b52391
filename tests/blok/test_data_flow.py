"""The data-flow lint: steps must not read request data the trigger does not provide, nor vars set by nobody."""

from __future__ import annotations

from typing import Any

from blokhub.blok import validate


def _doc(trigger: dict[str, Any], steps: list[dict[str, Any]], nodes: dict[str, Any]) -> dict[str, Any]:
    return {"name": "t", "version": "1.0.0", "trigger": trigger, "steps": steps, "nodes": nodes}


def _codes(doc: dict[str, Any]) -> list[tuple[str, str]]:
    result = validate(doc)
    assert result.valid, result.errors  # data-flow findings are warnings: the workflow still validates
    return [(w.code, w.pointer) for w in result.warnings if w.code in ("request_not_provided", "var_not_set")]


FORM_TO_SLACK = {
    "notify": {
        "inputs": {
            "url": "https://slack.com/api/chat.postMessage",
            "method": "POST",
            "body": {"text": "New lead ${ctx.request.body.name} (${ctx.request.body.email})"},
        }
    }
}
NOTIFY = [{"name": "notify", "node": "@nanoservice-ts/api-call", "type": "module"}]


def test_a_cron_workflow_that_reads_the_request_body_is_flagged() -> None:
    cron = {"cron": {"schedule": "0 * * * *", "timezone": "UTC"}}
    assert _codes(_doc(cron, NOTIFY, FORM_TO_SLACK)) == [("request_not_provided", "/nodes/notify/inputs/body/text")]
    message = validate(_doc(cron, NOTIFY, FORM_TO_SLACK)).warnings[0].message
    assert "ctx.request.body" in message and "cron" in message


def test_the_same_steps_behind_a_post_endpoint_are_fine() -> None:
    assert _codes(_doc({"http": {"method": "POST", "path": "/"}}, NOTIFY, FORM_TO_SLACK)) == []
    assert _codes(_doc({"http": {"method": "*", "path": "/"}}, NOTIFY, FORM_TO_SLACK)) == []


def test_a_get_endpoint_has_no_body_and_only_its_own_path_parameters() -> None:
    nodes = {"notify": {"inputs": {"url": "https://x.example.com/${ctx.request.params.id}/${ctx.request.body.a}"}}}
    assert [c for c, _ in _codes(_doc({"http": {"method": "GET", "path": "/"}}, NOTIFY, nodes))] == [
        "request_not_provided",
        "request_not_provided",
    ]
    assert [c for c, _ in _codes(_doc({"http": {"method": "GET", "path": "/:id"}}, NOTIFY, nodes))] == [
        "request_not_provided"
    ]
    assert _codes(_doc({"http": {"method": "POST", "path": "/:id?"}}, NOTIFY, nodes)) == []


def test_conditions_are_read_too() -> None:
    steps = [{"name": "check", "node": "@nanoservice-ts/if-else", "type": "module"}]
    nodes = {
        "check": {
            "conditions": [
                {"type": "if", "condition": "ctx.request.query.plan === 'pro'", "steps": NOTIFY},
                {"type": "else", "steps": []},
            ]
        },
        "notify": {"inputs": {}},
    }
    assert _codes(_doc({"cron": {"schedule": "* * * * *"}}, steps, nodes)) == [
        ("request_not_provided", "/nodes/check/conditions/0/condition")
    ]


def test_vars_must_be_set_earlier_on_the_same_path() -> None:
    steps = [
        {"name": "use-early", "node": "mapper", "type": "module"},
        {"name": "summary", "node": "openai", "type": "module", "set_var": True},
        {"name": "use-late", "node": "mapper", "type": "module"},
    ]
    nodes = {
        "use-early": {"inputs": {"model": {"s": "js/ctx.vars['summary']"}}},
        "summary": {"inputs": {"prompt": ["hi"]}},
        "use-late": {"inputs": {"model": {"s": "js/ctx.vars.summary", "t": "${ctx.vars?.nothing}"}}},
    }
    assert _codes(_doc({"http": {"method": "GET", "path": "/"}}, steps, nodes)) == [
        ("var_not_set", "/nodes/use-early/inputs/model/s"),
        ("var_not_set", "/nodes/use-late/inputs/model/t"),
    ]


def test_set_var_in_the_node_configuration_counts_as_the_blok_repository_writes_it() -> None:
    steps = [{"name": "rows", "node": "postgres-query", "type": "module"}, NOTIFY[0]]
    nodes = {
        "rows": {"inputs": {"query": "select 1", "set_var": True}},
        "notify": {"inputs": {"x": "js/ctx.vars.rows"}},
    }
    assert _codes(_doc({"cron": {"schedule": "* * * * *"}}, steps, nodes)) == []
