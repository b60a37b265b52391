"""api_call_body_not_object as users meet it: a warning with its line on validate, the file still valid."""

from __future__ import annotations

import httpx

W = "/api/v1/workflows"

SOURCE = """name: Forward a signup
version: 1.0.0
trigger:
  http:
    method: POST
    path: /signup
steps:
  - name: forward
    node: "@nanoservice-ts/api-call"
    type: module
nodes:
  forward:
    inputs:
      url: https://crm.example.com/contacts
      method: POST
      body: js/JSON.stringify(ctx.request.body)
"""


async def test_validate_warns_about_a_string_api_call_body_and_says_what_to_do(client: httpx.AsyncClient) -> None:
    r = await client.post(f"{W}/validate", json={"source": SOURCE, "format": "yaml"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["valid"] is True  # a warning, not an error
    [warning] = [w for w in body["warnings"] if w["code"] == "api_call_body_not_object"]
    assert (warning["pointer"], warning["line"], warning["column"]) == ("/nodes/forward/inputs/body", 16, 7)
    assert "pass an object" in warning["message"] and "serialises" in warning["message"]
    fixed = SOURCE.replace("js/JSON.stringify(ctx.request.body)", "js/ctx.request.body")
    r = await client.post(f"{W}/validate", json={"source": fixed, "format": "yaml"})
    assert not [w for w in r.json()["warnings"] if w["code"] == "api_call_body_not_object"]
