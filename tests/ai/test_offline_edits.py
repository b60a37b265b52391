"""Follow-up messages edit the current draft and keep the rest."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from blokhub.ai import GenerationError, GenerationRequest, generate_offline
from blokhub.blok import scan_secrets, validate
from blokhub.blok.walk import iter_steps


def _draft(prompt: str = "When someone submits the contact form, post it to Slack") -> dict[str, Any]:
    return generate_offline(GenerationRequest(prompt=prompt)).workflow


def _edit(current: dict[str, Any], prompt: str) -> tuple[dict[str, Any], str]:
    result = generate_offline(GenerationRequest(prompt=prompt, current=current))
    assert validate(result.workflow).valid and scan_secrets(result.workflow) == []
    return result.workflow, result.explanation


def _nodes(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    return [(ref.step["name"], ref.step["node"]) for ref in iter_steps(workflow)]


def test_also_save_it_to_our_database_adds_a_step_before_the_response() -> None:
    current = _draft()
    edited, explanation = _edit(current, "also save it to our database")
    assert _nodes(edited) == [
        ("notify-slack", "@nanoservice-ts/api-call"),
        ("save-to-postgres", "postgres-query"),
        ("respond", "mapper"),
    ]
    assert edited["nodes"]["notify-slack"] == current["nodes"]["notify-slack"]
    assert "ctx.request.body" in edited["nodes"]["save-to-postgres"]["inputs"]["query"]
    assert "save-to-postgres" in explanation


def test_use_discord_instead_of_slack_swaps_the_step_and_keeps_the_message() -> None:
    current = _draft()
    edited, explanation = _edit(current, "use Discord instead of Slack")
    assert _nodes(edited) == [("notify-discord", "@nanoservice-ts/api-call"), ("respond", "mapper")]
    assert "notify-slack" not in edited["nodes"]
    slack_text = current["nodes"]["notify-slack"]["inputs"]["body"]["text"]
    assert edited["nodes"]["notify-discord"]["inputs"]["body"]["content"] == slack_text
    assert "replaced Slack with Discord" in explanation


def test_swap_inside_a_branch() -> None:
    current = _draft(
        "When a Stripe payment comes in, if the amount is over 1000 notify Slack, otherwise log it to Google Sheets"
    )
    edited, _ = _edit(current, "replace Slack with Microsoft Teams")
    branch = edited["nodes"]["check-amount"]["conditions"][0]["steps"]
    assert [step["name"] for step in branch] == ["notify-teams"]
    assert edited["nodes"]["check-amount"]["conditions"][1] == current["nodes"]["check-amount"]["conditions"][1]


def test_make_it_run_every_hour_changes_only_the_trigger() -> None:
    current = _draft("Every morning fetch the weather in Berlin and post it to Slack")
    edited, explanation = _edit(current, "make it run every hour")
    assert edited["trigger"] == {"cron": {"schedule": "0 * * * *", "timezone": "UTC"}}
    assert {k: v for k, v in edited.items() if k != "trigger"} == {k: v for k, v in current.items() if k != "trigger"}
    assert "every hour" in explanation


def test_make_it_a_get_endpoint() -> None:
    edited, _ = _edit(_draft("Every morning fetch the weather and post it to Slack"), "make it a GET endpoint instead")
    assert edited["trigger"]["http"]["method"] == "GET"


def test_condition_follow_up_wraps_the_side_effects() -> None:
    edited, _ = _edit(_draft(), "only if the country is DE")
    steps = edited["steps"]
    assert [s["name"] for s in steps] == ["check-country", "respond"]
    conditions = edited["nodes"]["check-country"]["conditions"]
    assert conditions[0]["condition"] == 'String(ctx.request.body.country) === "DE"'
    assert [s["name"] for s in conditions[0]["steps"]] == ["notify-slack"]


def test_remove_a_step() -> None:
    current = _draft("When someone submits the contact form, post it to Slack and save it to Postgres")
    edited, _ = _edit(current, "drop the Slack message")
    assert _nodes(edited) == [("save-to-postgres", "postgres-query"), ("respond", "mapper")]


def test_rename() -> None:
    edited, _ = _edit(_draft(), 'rename it to "Contact pipeline"')
    assert edited["name"] == "Contact pipeline"


def test_an_unclear_follow_up_keeps_the_draft() -> None:
    current = _draft()
    edited, explanation = _edit(current, "hmm, looks nice")
    assert edited == current and "kept the draft" in explanation


def test_edits_do_not_mutate_the_callers_draft() -> None:
    current = _draft()
    snapshot = copy.deepcopy(current)
    _edit(current, "use Discord instead of Slack and make it run every hour")
    assert current == snapshot


def test_a_literal_secret_in_the_current_draft_is_replaced() -> None:
    current = _draft()
    current["nodes"]["notify-slack"]["inputs"]["headers"]["Authorization"] = "Bearer xoxb-1234567890-abcdefghijkl"
    edited, explanation = _edit(current, "also save it to mongodb")
    assert edited["nodes"]["notify-slack"]["inputs"]["headers"]["Authorization"] == "Bearer ${ctx.env.SLACK_TOKEN}"
    assert "SLACK_TOKEN" in explanation


def test_internal_addresses_in_the_current_draft_become_environment_references() -> None:
    current = _draft("When someone submits the contact form, post it to Slack and save it to Postgres")
    current["nodes"]["notify-slack"]["inputs"]["url"] = "http://169.254.169.254:80/latest/meta-data/"
    current["nodes"]["save-to-postgres"]["inputs"]["host"] = "localhost"
    edited, explanation = _edit(current, "also save it to mongodb")
    assert edited["nodes"]["notify-slack"]["inputs"]["url"] == "${ctx.env.NOTIFY_SLACK_BASE_URL}/latest/meta-data/"
    assert edited["nodes"]["save-to-postgres"]["inputs"]["host"] == "${ctx.env.SAVE_TO_POSTGRES_HOST}"
    assert "NOTIFY_SLACK_BASE_URL" in explanation


def test_real_workflows_from_the_blok_repo_can_be_edited() -> None:
    from pathlib import Path

    from blokhub.blok import analyze

    folder = Path(__file__).parents[1] / "fixtures" / "blok-workflows" / "valid"
    for path in sorted(folder.iterdir()):
        parsed, _ = analyze(path.read_text(), path.suffix.lstrip("."))
        for follow_up in ("also save it to our database", "make it run every hour", "only if the amount is over 1000"):
            _edit(parsed.document, follow_up)


def test_not_a_workflow_is_rejected_with_a_clear_code() -> None:
    with pytest.raises(GenerationError) as caught:
        generate_offline(GenerationRequest(prompt="use Discord", current={"steps": "nope"}))
    assert caught.value.code == "invalid_current"


def test_edits_are_deterministic() -> None:
    current = _draft()
    first = generate_offline(GenerationRequest(prompt="also save it to our database", current=current))
    second = generate_offline(GenerationRequest(prompt="also save it to our database", current=current))
    assert first.workflow == second.workflow
