"""The offline generator's drafts send api-call bodies Blok's api-call nodes accept: objects, never a string or an
array (`api_call_body_not_object`), also when the record is a list of fetched rows."""

from __future__ import annotations

from blokhub.blok import validate
from blokhub.blok.body_lint import API_CALL_NODES
from blokhub.blok.model import model_steps
from tests.runner.drafts import offline_drafts


def test_offline_drafts_send_object_api_call_bodies() -> None:
    drafts = offline_drafts()
    flagged = [
        (key, issue.pointer)
        for key, doc in drafts.items()
        for issue in validate(doc).warnings
        if issue.code == "api_call_body_not_object"
    ]
    bodies = [
        (key, step.inputs["body"])
        for key, doc in drafts.items()
        for step in model_steps(doc)
        if step.node in API_CALL_NODES and step.inputs and "body" in step.inputs
    ]
    assert len(drafts) > 200 and len(bodies) > 100
    assert flagged == []
    # Stricter than the warning (a js/ expression's type is only known at run time): every body is an object.
    assert [(key, body) for key, body in bodies if not isinstance(body, dict)] == []


def test_rows_backed_up_to_drive_are_sent_inside_an_object() -> None:
    drafts = offline_drafts()
    uploads = [
        step.inputs["body"]
        for doc in drafts.values()
        for step in model_steps(doc)
        if step.id == "upload-to-drive" and step.inputs and any(s.node == "postgres-query" for s in model_steps(doc))
    ]
    assert uploads and all(body == {"rows": "js/ctx.response.data.data"} for body in uploads)
