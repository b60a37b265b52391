"""Unit rules behind the offline generator: schedule words, conditions, service roles, redaction."""

from __future__ import annotations

import pytest

from blokhub.ai.conditions import parse_condition
from blokhub.ai.intent import parse_intent
from blokhub.ai.redaction import redact_text, redact_workflow
from blokhub.ai.schedule import parse_schedule


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("every morning", "0 8 * * *"),
        ("nightly", "0 2 * * *"),
        ("every night at 3am", "0 3 * * *"),
        ("every 5 minutes", "*/5 * * * *"),
        ("every minute", "* * * * *"),
        ("every 15 min", "*/15 * * * *"),
        ("hourly", "0 * * * *"),
        ("every 6 hours", "0 */6 * * *"),
        ("weekdays at 9", "0 9 * * 1-5"),
        ("every weekday at 9:30 pm", "30 21 * * 1-5"),
        ("on weekends", "0 9 * * 0,6"),
        ("every weekend at 10", "0 10 * * 0,6"),
        ("every monday and thursday at 7:30 pm", "30 19 * * 1,4"),
        ("daily at noon", "0 12 * * *"),
        ("every day at midnight", "0 0 * * *"),
        ("weekly", "0 9 * * 1"),
        ("monthly", "0 9 1 * *"),
        ("every evening", "0 18 * * *"),
        ("when someone submits the form", None),
    ],
)
def test_schedule_words(text: str, cron: str | None) -> None:
    found = parse_schedule(text)
    assert (found.cron if found else None) == cron
    if found:
        assert found.timezone == "UTC"


def test_an_explicit_timezone_is_kept() -> None:
    found = parse_schedule("every weekday at 9am Europe/Berlin")
    assert found is not None and found.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("text", "template"),
    [
        ("if the amount is over 1000", "Number({f}) > 1000"),
        ("if the order total is at least $1,500", "Number({f}) >= 1500"),
        ("if the deal value exceeds 5k", "Number({f}) > 5000"),
        ("only big leads", "Number({f}) >= 1000"),
        ("when a payment over 250 comes in", "Number({f}) > 250"),
        ("if the status is 'failed'", 'String({f}) === "failed"'),
        ("unless the country is DE", '!(String({f}) === "DE")'),
        ("check the country", 'String({f}).toLowerCase() === "us"'),
        ("if the title contains bug", 'String({f}).toLowerCase().includes("bug")'),
        ("when a payment is received", None),
    ],
)
def test_condition_phrases(text: str, template: str | None) -> None:
    found = parse_condition(text)
    assert (found.template if found else None) == template


@pytest.mark.parametrize(
    ("prompt", "roles"),
    [
        ("save the form to Postgres", {"postgres": "sink"}),
        ("read the latest rows from Postgres and post them to Slack", {"postgres": "source", "slack": "sink"}),
        ("post open Jira issues to Teams every day", {"jira": "source", "teams": "sink"}),
        ("open a Jira ticket when a GitHub issue is labelled bug", {"jira": "sink"}),
        ("GET endpoint that looks up an order by id in MongoDB", {"mongodb": "source"}),
    ],
)
def test_service_roles(prompt: str, roles: dict[str, str]) -> None:
    intent = parse_intent(prompt)
    assert {use.service.key: use.role for use in intent.uses} == roles


def test_event_services_trigger_the_workflow() -> None:
    intent = parse_intent("When a Stripe payment comes in, post it to Slack")
    assert intent.event is not None and intent.event.service.key == "stripe"
    assert intent.trigger.kind == "http" and intent.trigger.method == "POST"


def test_redaction() -> None:
    text, names = redact_text("use ghp_0123456789abcdefghijABCDEFGHIJ012345 and password is Hunter2xyz99")
    assert "ghp_" not in text and "Hunter2xyz99" not in text and names == ["GITHUB_TOKEN", "SECRET"]
    doc = {"nodes": {"a": {"inputs": {"url": "postgres://app:s3cretpw@db.example.com/x"}}}}
    fixed, env = redact_workflow(doc)
    assert fixed["nodes"]["a"]["inputs"]["url"] == "${ctx.env.DATABASE_URL}" and env == ["DATABASE_URL"]
    assert doc["nodes"]["a"]["inputs"]["url"].startswith("postgres://")  # the input is not modified
