"""The data-flow lint as users meet it: a warning (with its line, for uploads) on every validation."""

from __future__ import annotations

import httpx

W = "/api/v1/workflows"

SOURCE = """name: Contact form, hourly
version: 1.0.0
trigger:
  cron:
    schedule: "0 * * * *"
steps:
  - name: notify
    node: "@nanoservice-ts/api-call"
    type: module
nodes:
  notify:
    inputs:
      url: https://slack.com/api/chat.postMessage
      method: POST
      body:
        text: "New lead ${ctx.request.body.name}"
"""


async def test_validation_warns_when_a_step_reads_a_request_the_trigger_does_not_provide(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post(f"{W}/validate", json={"source": SOURCE, "format": "yaml"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is True  # a warning, not an error
    [warning] = [w for w in body["warnings"] if w["code"] == "request_not_provided"]
    assert warning["pointer"] == "/nodes/notify/inputs/body/text" and warning["line"] == 16
    assert "cron" in warning["message"] and "ctx.request.body" in warning["message"]
    fixed = SOURCE.replace('cron:\n    schedule: "0 * * * *"', "http:\n    method: POST\n    path: /")
    r = await client.post(f"{W}/validate", json={"source": fixed, "format": "yaml"})
    assert not [w for w in r.json()["warnings"] if w["code"] == "request_not_provided"]
