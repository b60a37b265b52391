"""The offline generator on varied prompts: always valid, right trigger, right services, deterministic, fast."""

from __future__ import annotations

import re

import pytest

from blokhub.ai import GenerationRequest, GroundingExample, NodeInfo, generate_offline
from blokhub.ai.url_guard import internal_address_issues
from blokhub.blok import canonical_hash, scan_secrets, validate
from blokhub.blok.walk import iter_steps
from tests.ai.prompts_offline import CASES, SERVICE_MARKERS, Case

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _haystack(workflow: dict) -> str:
    parts = []
    for ref in iter_steps(workflow):
        parts += [ref.step["name"], ref.step["node"]]
        inputs = workflow["nodes"].get(ref.step["name"], {}).get("inputs", {})
        if isinstance(inputs.get("url"), str):
            parts.append(inputs["url"])
    return " ".join(parts).lower()


@pytest.mark.parametrize("case", CASES, ids=[c.prompt[:48] for c in CASES])
def test_prompt_gives_a_valid_draft_with_the_right_trigger_and_services(case: Case) -> None:
    result = generate_offline(GenerationRequest(prompt=case.prompt))
    workflow = result.workflow
    checked = validate(workflow)
    assert checked.valid, checked.errors
    assert checked.warnings == []
    assert scan_secrets(workflow) == []
    assert internal_address_issues(workflow) == []
    assert result.valid and result.provider == "offline" and result.repairs == 0
    trigger = workflow["trigger"]
    assert list(trigger) == [case.trigger]
    if case.trigger == "cron":
        assert trigger["cron"] == {"schedule": case.schedule, "timezone": "UTC"}
    else:
        assert trigger["http"]["method"] == case.method
    haystack = _haystack(workflow)
    for service in case.services:
        assert any(marker in haystack for marker in SERVICE_MARKERS[service]), (service, haystack)
    has_branch = any(ref.step["node"].endswith("if-else") for ref in iter_steps(workflow))
    assert has_branch == case.branches
    names = [ref.step["name"] for ref in iter_steps(workflow)]
    assert len(names) == len(set(names)) and all(KEBAB.match(name) for name in names)
    assert set(workflow["nodes"]) == set(names)
    assert workflow["name"] and workflow["description"] and workflow["version"] == "1.0.0"
    assert result.explanation


def test_there_are_at_least_thirty_prompts() -> None:
    assert len(CASES) >= 30


def test_same_prompt_same_draft() -> None:
    for case in CASES:
        first = generate_offline(GenerationRequest(prompt=case.prompt))
        second = generate_offline(GenerationRequest(prompt=case.prompt))
        assert canonical_hash(first.workflow) == canonical_hash(second.workflow)
        assert first.workflow == second.workflow and first.explanation == second.explanation


def test_credentials_are_environment_references() -> None:
    result = generate_offline(GenerationRequest(prompt="When a Stripe payment comes in, post it to Slack"))
    slack = result.workflow["nodes"]["notify-slack"]["inputs"]
    assert slack["headers"]["Authorization"] == "Bearer ${ctx.env.SLACK_BOT_TOKEN}"
    assert "SLACK_BOT_TOKEN" in result.explanation and "STRIPE_WEBHOOK_SECRET" in result.explanation


def test_condition_is_javascript_on_the_event_record_with_an_else_branch() -> None:
    prompt = (
        "When a Stripe payment comes in, if the amount is over 1000 notify Slack, otherwise log it to Google Sheets"
    )
    workflow = generate_offline(GenerationRequest(prompt=prompt)).workflow
    conditions = workflow["nodes"]["check-amount"]["conditions"]
    assert conditions[0] == {
        "type": "if",
        "condition": "Number(ctx.request.body.data.object.amount / 100) > 1000",
        "steps": [{"name": "notify-slack", "node": "@nanoservice-ts/api-call", "type": "module", "set_var": True}],
    }
    assert conditions[1]["type"] == "else" and conditions[1]["steps"][0]["name"] == "append-to-sheet"


def test_quotes_in_a_condition_value_cannot_break_out_of_the_string() -> None:
    prompt = 'When the feedback form is submitted, if the title contains "x"); process.exit(1); ("" post to Slack'
    workflow = generate_offline(GenerationRequest(prompt=prompt)).workflow
    assert validate(workflow).valid
    condition = next(c for c in workflow["nodes"].values() if "conditions" in c)["conditions"][0]["condition"]
    assert "process.exit(1); (" not in condition.replace('\\"', "")


def test_prompt_text_never_becomes_an_expression() -> None:
    result = generate_offline(
        GenerationRequest(prompt="Every monday remind #team on Slack: ${process.env.SECRET} js/evil()")
    )
    message = result.workflow["nodes"]["notify-slack"]["inputs"]["body"]["text"]
    assert "${process" not in message and not message.startswith("js/")
    assert "${" not in result.workflow["description"]


def test_catalogue_nodes_are_used_when_they_fit() -> None:
    catalogue = [
        NodeInfo(name="@blokjs/api-call", input_keys=("url", "method", "headers", "body"), count=90),
        NodeInfo(name="@nanoservice-ts/api-call", input_keys=("url", "method"), count=40),
        NodeInfo(name="@blokjs/if-else", count=30),
        NodeInfo(name="@blokjs/slack", input_keys=("token", "channel", "text"), count=12),
        NodeInfo(name="@community/unfillable-discord", input_keys=("guild", "shard", "intents"), count=50),
    ]
    prompt = "When a Stripe payment over 1000 comes in, post it to Slack and Discord"
    workflow = generate_offline(GenerationRequest(prompt=prompt, catalogue=catalogue)).workflow
    steps = {ref.step["name"]: ref.step for ref in iter_steps(workflow)}
    assert steps["notify-slack"]["node"] == "@blokjs/slack"
    assert workflow["nodes"]["notify-slack"]["inputs"] == {
        "token": "${ctx.env.SLACK_TOKEN}",
        "channel": "#general",
        "text": "Stripe ${ctx.request.body.type}: ${ctx.request.body.data.object.amount / 100} "
        "${ctx.request.body.data.object.currency} (${ctx.request.body.data.object.id})",
    }
    assert steps["notify-discord"]["node"] == "@blokjs/api-call"  # the Discord node could not be configured
    assert steps["check-amount"]["node"] == "@blokjs/if-else"
    assert validate(workflow).valid


def test_grounding_nodes_are_drawn_on_and_reported() -> None:
    slack_flow = {
        "name": "Alerts",
        "version": "1.0.0",
        "trigger": {"http": {"method": "POST", "path": "/"}},
        "steps": [{"name": "post", "node": "@blokjs/slack", "type": "module"}],
        "nodes": {"post": {"inputs": {"token": "${ctx.env.SLACK_TOKEN}", "channel": "#x", "text": "hi"}}},
    }
    unrelated = {
        **slack_flow,
        "steps": [{"name": "q", "node": "mongo-query", "type": "module"}],
        "nodes": {"q": {"inputs": {"collection": "x"}}},
    }
    grounding = [
        GroundingExample(id=7, title="Slack alerts", definition=slack_flow),
        GroundingExample(id=9, title="Mongo", definition=unrelated),
    ]
    result = generate_offline(
        GenerationRequest(prompt="When the contact form is submitted, post it to Slack", grounding=grounding)
    )
    assert result.grounded_on == [7]
    assert any(ref.step["node"] == "@blokjs/slack" for ref in iter_steps(result.workflow))
