"""Workflow documents and helpers shared by the workflow API tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "blok-workflows"
VALID = sorted((FIXTURES / "valid").iterdir())
INVALID = sorted((FIXTURES / "invalid").iterdir())

SIMPLE: dict[str, Any] = {
    "name": "Notify Slack on failed payment",
    "description": "Posts to #payments when Stripe reports a failed charge.",
    "version": "1.0.0",
    "trigger": {"http": {"method": "POST", "path": "/"}},
    "steps": [
        {"name": "format-message", "node": "mapper", "type": "module"},
        {"name": "post-to-slack", "node": "@nanoservice-ts/api-call", "type": "module"},
    ],
    "nodes": {
        "format-message": {"inputs": {"model": {"text": "Payment failed: ${ctx.request.body.id}"}}},
        "post-to-slack": {
            "inputs": {
                "url": "https://slack.com/api/chat.postMessage",
                "method": "POST",
                "headers": {"Authorization": "Bearer ${ctx.env.SLACK_TOKEN}"},
                "body": "js/ctx.response.data",
            }
        },
    },
}


def simple(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SIMPLE)
    doc.update(changes)
    return doc


def with_step(doc: dict[str, Any], name: str, url: str) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    out["steps"].append({"name": name, "node": "@nanoservice-ts/api-call", "type": "module"})
    out["nodes"][name] = {"inputs": {"url": url, "method": "GET"}}
    return out


def fixture_format(path: Path) -> str:
    return {".json": "json", ".yaml": "yaml", ".toml": "toml"}[path.suffix]


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
