"""AI grounding reads examples of either dialect: their nodes and inputs, and the prompt shows them in the dialect
drafts are written in (v1) whenever v1 can express them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blokhub.ai import GenerationError, generate_offline
from blokhub.ai.generate import user_message
from blokhub.ai.guard import check_prompt
from blokhub.ai.offline import grounding_nodes
from blokhub.ai.schemas import GenerationRequest, GroundingExample
from blokhub.blok import dialect_of, validate

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "blok-workflows" / "v2"
COUNTRIES = json.loads((V2 / "countries.json").read_text())
TRAVEL = json.loads((V2 / "v05-travel-booking.json").read_text())


def test_grounding_nodes_come_from_inline_v2_inputs() -> None:
    found = {n.name: n for n in grounding_nodes([GroundingExample(id=1, title="Travel", definition=TRAVEL)])}
    assert set(found) == {"@blokjs/json-schema", "@blokjs/api-call", "@blokjs/throw", "@blokjs/expr"}
    assert found["@blokjs/api-call"].input_keys == ("url", "method", "headers", "body", "responseType")


def test_prompt_shows_v2_examples_as_v1_when_v1_can_express_them() -> None:
    grounding = [
        GroundingExample(id=1, title="Countries", definition=COUNTRIES),
        GroundingExample(id=2, title="Travel", definition=TRAVEL),
    ]
    request = GenerationRequest(prompt="list countries", grounding=grounding)
    text = user_message(request, check_prompt(request.prompt), grounding)
    countries = text.split("<example id=1 ")[1].split("</example>")[0]
    travel = text.split("<example id=2 ")[1].split("</example>")[0]
    assert countries.startswith("dialect=v1") and '"nodes":{"get-countries-api"' in countries
    assert travel.startswith("dialect=v2") and '"tryCatch"' in travel


def test_a_v2_draft_is_edited_and_stays_v2() -> None:
    result = generate_offline(GenerationRequest(prompt="also save it to our database", current=COUNTRIES))
    assert dialect_of(result.workflow).value == "v2" and validate(result.workflow).valid
    ids = [s["id"] for s in result.workflow["steps"]]
    assert ids[0] == "get-countries-api" and len(ids) == 2
    assert result.workflow["steps"][0] == COUNTRIES["steps"][0]


def test_a_v2_draft_with_blocks_v1_cannot_hold_is_refused_with_the_reason() -> None:
    with pytest.raises(GenerationError) as refused:
        generate_offline(GenerationRequest(prompt="also save it to our database", current=TRAVEL))
    assert refused.value.code == "invalid_current" and "/steps/1/tryCatch" in refused.value.message
