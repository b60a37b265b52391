"""The v2 share of the demo corpus: written as v2 authors write it, valid, on the blokjs line, convertible where
v1 can express it, and decided apart from the v1 corpus."""

from __future__ import annotations

import json
import re
from collections import Counter

from blokhub.blok import BlokConversionError, Dialect, convert, dialect_of, facts, validate
from blokhub.blok.model import model_steps
from blokhub.blok.requirements import requirements
from blokhub.seed.corpus import SeedWorkflow, generate_workflows
from tests.seed.conftest import N_USERS, SEED

STEP_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def test_a_fifth_of_the_corpus_is_v2_written_as_v2_authors_write(
    corpus: list[SeedWorkflow], v2_corpus: list[SeedWorkflow]
) -> None:
    assert 0.15 <= len(v2_corpus) / len(corpus) <= 0.27
    flows: Counter[str] = Counter()
    for w in v2_corpus:
        d = w.definition
        assert list(d) == ["name", "description", "version", "trigger", "steps"] and d["name"] == w.title
        steps = model_steps(d)
        ids = [s.id for s in steps]
        assert all(i is not None and STEP_NAME.fullmatch(i) for i in ids), ids
        assert len(ids) == len(set(ids)), w.index  # v2 ids are unique across the whole workflow
        for step in steps:
            assert "name" not in step.step and "node" not in step.step and "set_var" not in step.step
        flows.update(facts(d).control_flow)
    # Blocks where they are natural: delivery in tryCatch, array work in forEach (some in parallel), branches and
    # an equality chain as a switch.
    assert {"branch", "switch", "tryCatch", "forEach", "parallel"} <= set(flows)
    assert flows["tryCatch"] >= len(v2_corpus) * 0.15 and flows["forEach"] >= len(v2_corpus) * 0.15
    text = json.dumps([w.definition for w in v2_corpus])
    for needle in ('"$ref": {"step": "@trigger"', '"$ref": {"step": "@error"', "ctx.state[", "@blokjs/respond"):
        assert needle in text, needle
    assert "ctx.vars" not in text  # v2 keeps every output in ctx.state; set_var is refused by its loader


def test_v2_workflows_are_valid_v2_and_run_on_the_blokjs_line(v2_corpus: list[SeedWorkflow]) -> None:
    origins: Counter[str] = Counter()
    for w in v2_corpus:
        result = validate(w.definition)
        assert result.dialect is Dialect.V2 and result.valid and not result.warnings, (w.index, result.errors)
        found = requirements(w.definition)
        assert found.lines == ("blokjs",), (w.index, found.lines)
        origins.update(n.origin for n in found.nodes)
    assert origins["unresolved"] == 0 and origins["template"] == 0
    assert origins["builtin"] > origins["local"] > 0 and origins["python"] > 0


def test_v2_workflows_that_need_nothing_v1_lacks_convert_to_v1_switches_included(
    v2_corpus: list[SeedWorkflow],
) -> None:
    converted, switches = 0, 0
    for w in v2_corpus:
        try:
            v1 = convert(w.definition, "v1")
        except BlokConversionError as refused:
            assert all(i.code == "not_expressible" and i.pointer for i in refused.issues)
            continue
        assert validate(v1).valid, w.index
        converted += 1
        switches += "switch" in facts(w.definition).control_flow
    assert converted >= len(v2_corpus) * 0.1 and switches >= 3


def test_v2_lineages_are_decided_apart_from_the_v1_corpus(corpus: list[SeedWorkflow]) -> None:
    """Titles, owners and ages do not depend on which lineages are v2 (a stream of their own)."""
    from blokhub.seed import corpus_v2

    saved = corpus_v2.V2_RATE_SCHEDULED, corpus_v2.V2_RATE_HTTP
    corpus_v2.V2_RATE_SCHEDULED = corpus_v2.V2_RATE_HTTP = 0.0
    try:
        plain = list(generate_workflows(SEED, 300, N_USERS))
    finally:
        corpus_v2.V2_RATE_SCHEDULED, corpus_v2.V2_RATE_HTTP = saved
    assert all(dialect_of(w.definition) is Dialect.V1 for w in plain)
    for w, same in zip(corpus[:300], plain, strict=True):
        assert (w.title, w.owner_index, w.created_days_ago, w.visibility, w.tags) == (
            same.title,
            same.owner_index,
            same.created_days_ago,
            same.visibility,
            same.tags,
        )
        if dialect_of(w.definition) is Dialect.V1:
            assert w.definition == same.definition
