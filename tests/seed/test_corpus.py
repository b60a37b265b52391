"""The demo corpus generator: determinism, prefix stability, uniqueness, proportions, validity and variety."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from blokhub.blok import Dialect, dialect_of, facts, scan_secrets, validate
from blokhub.blok.body_lint import API_CALL_NODES
from blokhub.blok.model import model_steps
from blokhub.seed.corpus import (
    SeedUser,
    SeedWorkflow,
    generate_users,
    generate_workflows,
    user_created_days_ago,
)
from tests.seed.conftest import N_USERS, N_WORKFLOWS, SEED

USERNAME = re.compile(r"[a-z0-9_-]{3,32}")
STEP_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TAG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
VERSION = re.compile(r"\d+\.\d+\.\d+")
RESERVED_EMAIL = re.compile(r"[a-z0-9._-]+@(?:[a-z0-9-]+\.)*example\.(?:com|org|net)")
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
IF_ELSE = re.compile(r"(?:^|/)if-else$")


@pytest.fixture(scope="module")
def users() -> list[SeedUser]:
    return list(generate_users(SEED, 5000))


def all_steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Top-level steps plus every step nested in if-else branches (v1)."""
    steps = list(doc["steps"])
    for config in doc["nodes"].values():
        for condition in config.get("conditions", ()):
            steps.extend(condition["steps"])
    return steps


def strings_by_key(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from strings_by_key(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from strings_by_key(v, key)
    elif isinstance(value, str):
        yield key, value


def containers(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from containers(v)
    elif isinstance(value, list):
        yield value
        for v in value:
            yield from containers(v)


# --- determinism ------------------------------------------------------------------------------------------


def test_users_are_deterministic_and_prefix_stable() -> None:
    first = list(generate_users(SEED, 400))
    assert first == list(generate_users(SEED, 400))
    assert list(generate_users(SEED, 120)) == first[:120]
    assert [u.username for u in generate_users(SEED + 1, 50)] != [u.username for u in first[:50]]


def test_workflows_are_deterministic_and_prefix_stable(corpus: list[SeedWorkflow]) -> None:
    assert list(generate_workflows(SEED, 300, N_USERS)) == corpus[:300]
    assert list(generate_workflows(SEED, 300, N_USERS)) == list(generate_workflows(SEED, 300, N_USERS))
    other = list(generate_workflows(SEED + 1, 50, N_USERS))
    assert [w.title for w in other] != [w.title for w in corpus[:50]]


def _digest_script() -> str:
    return (
        "import hashlib, json\n"
        "from blokhub.seed.corpus import generate_users, generate_workflows\n"
        "from dataclasses import asdict\n"
        f"items = [asdict(u) for u in generate_users({SEED}, 200)]\n"
        f"items += [asdict(w) for w in generate_workflows({SEED}, 300, {N_USERS})]\n"
        "print(hashlib.sha256(json.dumps(items, sort_keys=False).encode()).hexdigest())\n"
    )


def test_output_does_not_depend_on_hash_randomisation() -> None:
    digests = set()
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _digest_script()], env=env, capture_output=True, text=True, check=True, timeout=60
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_items_do_not_share_mutable_objects(corpus: list[SeedWorkflow]) -> None:
    owner: dict[int, int] = {}
    for w in corpus[:600]:
        for obj in containers(w.definition):
            assert owner.setdefault(id(obj), w.index) == w.index, f"workflow {w.index} shares an object"
    scratch = list(generate_workflows(SEED, 50, N_USERS))
    for w in scratch:
        w.definition.clear()  # mutating yielded items must not leak into later runs
    assert list(generate_workflows(SEED, 50, N_USERS)) == corpus[:50]


# --- users ------------------------------------------------------------------------------------------------


def test_users_are_unique_and_well_formed(users: list[SeedUser]) -> None:
    assert [u.index for u in users] == list(range(len(users)))
    assert len({u.username for u in users}) == len(users)
    assert len({u.email for u in users}) == len(users)
    for u in users:
        assert USERNAME.fullmatch(u.username), u.username
        assert RESERVED_EMAIL.fullmatch(u.email), u.email
        assert u.display_name.strip() and len(u.bio) <= 160
        assert 0 < u.created_days_ago <= 760
        assert u.created_days_ago == user_created_days_ago(SEED, u.index)
    assert len({u.display_name for u in users}) > 2000  # varied names, many cultures
    assert sum(1 for u in users if not u.display_name.isascii()) > 100
    early = sum(u.created_days_ago for u in users[:200]) / 200
    late = sum(u.created_days_ago for u in users[-200:]) / 200
    assert early > late


# --- workflows: counts and proportions --------------------------------------------------------------------


def test_counts_indexes_and_owners(corpus: list[SeedWorkflow]) -> None:
    assert len(corpus) == N_WORKFLOWS
    assert [w.index for w in corpus] == list(range(N_WORKFLOWS))
    assert all(0 <= w.owner_index < N_USERS for w in corpus)
    assert list(generate_workflows(SEED, 0, N_USERS)) == []
    with pytest.raises(ValueError):
        next(generate_workflows(SEED, 5, 0))


def test_visibility_fork_and_duplicate_proportions(corpus: list[SeedWorkflow]) -> None:
    n = len(corpus)
    vis = Counter(w.visibility for w in corpus)
    assert set(vis) == {"public", "unlisted", "private", "draft"}
    assert 0.84 <= vis["public"] / n <= 0.92
    assert 0.02 <= vis["unlisted"] / n <= 0.065
    assert 0.03 <= vis["private"] / n <= 0.075
    assert 0.015 <= vis["draft"] / n <= 0.05
    forks = [w for w in corpus if w.forked_from is not None]
    dups = [w for w in corpus if w.near_duplicate_of is not None]
    assert 0.02 <= len(forks) / n <= 0.045
    assert 0.01 <= len(dups) / n <= 0.035
    assert not any(w.forked_from is not None and w.near_duplicate_of is not None for w in corpus)


def test_owners_are_skewed(corpus: list[SeedWorkflow]) -> None:
    per_owner = Counter(w.owner_index for w in corpus)
    top = sum(count for _, count in per_owner.most_common(N_USERS // 10))
    assert top / len(corpus) >= 0.3  # the top 10% of authors publish at least 30%
    assert per_owner.most_common(1)[0][1] >= 4 * len(corpus) / N_USERS


def _norm_title(title: str) -> str:
    t = title.lower().replace("→", " to ").replace("&", " and ").removeprefix("copy of ")
    return re.sub(r"[^a-z0-9]+", "", t)


def test_forks_and_near_duplicates_point_to_earlier_similar_workflows(corpus: list[SeedWorkflow]) -> None:
    for w in corpus:
        parent_index = w.forked_from if w.forked_from is not None else w.near_duplicate_of
        if parent_index is None:
            continue
        assert 0 <= parent_index < w.index
        parent = corpus[parent_index]
        assert w.created_days_ago <= parent.created_days_ago
        assert dialect_of(w.definition) is dialect_of(parent.definition)  # a lineage keeps its dialect
        mine, theirs = _step_ids(w.definition), _step_ids(parent.definition)
        if w.forked_from is not None:
            assert len(mine ^ theirs) <= 1, (w.index, mine ^ theirs)  # a small edit: at most one step added
            assert w.definition["version"] != parent.definition["version"]
        else:
            assert mine == theirs
            assert _norm_title(w.title) == _norm_title(parent.title)
            assert w.description == parent.description


# Steps a v2 author adds around the same work (a tryCatch and its failure handling, a forEach's item step, an
# else-if's own branch step): the same edit in a fork can add or drop them with it.
_V2_FRAME = re.compile(r"(?:deliver|send-safely|log-failure|answer-failure|shape-[a-z]+)(?:-\d+)?|.+-\d")


def _step_ids(doc: dict[str, Any]) -> set[str]:
    ids = {step.id for step in model_steps(doc) if step.id is not None}
    if dialect_of(doc) is Dialect.V2:
        ids = {i for i in ids if not _V2_FRAME.fullmatch(i)}
    return ids


def test_ages_look_like_growth(corpus: list[SeedWorkflow]) -> None:
    assert all(0 <= w.created_days_ago <= 720 for w in corpus)
    early = sum(w.created_days_ago for w in corpus[:200]) / 200
    late = sum(w.created_days_ago for w in corpus[-200:]) / 200
    assert early > late + 50
    for w in corpus:
        assert w.created_days_ago <= user_created_days_ago(SEED, w.owner_index)  # owners joined before publishing


# --- workflows: validity ----------------------------------------------------------------------------------


def test_every_workflow_is_valid_and_has_no_secrets(corpus: list[SeedWorkflow]) -> None:
    failures = []
    for w in corpus:
        result = validate(w.definition)
        secrets = scan_secrets(w.definition)
        if not result.valid or result.errors or secrets:
            failures.append((w.index, [e.message for e in result.errors], [s.message for s in secrets]))
    assert failures == []


def test_api_calls_send_object_bodies(corpus: list[SeedWorkflow]) -> None:
    """Blok's api-call nodes refuse a string or array body at run time; the node serialises an object itself."""
    flagged = [
        (w.index, issue.pointer)
        for w in corpus
        for issue in validate(w.definition).warnings
        if issue.code == "api_call_body_not_object"
    ]
    bodies = [
        step.inputs["body"]
        for w in corpus
        for step in model_steps(w.definition)
        if step.node in API_CALL_NODES and step.inputs and "body" in step.inputs
    ]
    assert flagged == []
    # Beyond the warning's evident cases: an object, an object literal, or the (JSON) request body as sent.
    assert len(bodies) > 1000
    assert all(isinstance(b, dict) or b == "js/ctx.request.body" or b.startswith("js/({") for b in bodies)


def test_credentials_are_always_environment_references(corpus: list[SeedWorkflow]) -> None:
    sensitive = re.compile(r"pass|secret|token|api[-_]?key|authorization|routing_key|auth", re.IGNORECASE)
    for w in corpus:
        for key, value in strings_by_key(w.definition.get("nodes", w.definition["steps"])):
            if sensitive.search(key):
                assert "${ctx.env." in value or value.startswith("js/process.env."), (w.index, key, value)


def test_workflow_structure(v1_corpus: list[SeedWorkflow]) -> None:
    for w in v1_corpus:
        d = w.definition
        assert next(iter(d)) == "name" and d["name"] == w.title
        assert set(d) == {"name", "description", "version", "trigger", "steps", "nodes"}
        assert VERSION.fullmatch(d["version"])
        assert json.loads(json.dumps(d)) == d
        steps = all_steps(d)
        names = [s["name"] for s in steps]
        assert 1 <= len(names) <= 12
        assert len(names) == len(set(names)), w.index  # unique across branches too
        assert set(names) == set(d["nodes"]), w.index  # every step configured, no orphan configs
        for s in steps:
            assert STEP_NAME.fullmatch(s["name"]), s["name"]
            config = d["nodes"][s["name"]]
            if IF_ELSE.search(s["node"]):
                _check_conditions(config)
            else:
                assert list(config) == ["inputs"] and isinstance(config["inputs"], dict)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_step_count_bound_holds_across_seeds(seed: int) -> None:
    counts = [len(model_steps(w.definition)) for w in generate_workflows(seed, 3000, 150)]
    assert min(counts) >= 1 and max(counts) <= 12 + 4  # v2: a tryCatch with two catch steps, a forEach's item


def test_single_user_corpus() -> None:
    assert {w.owner_index for w in generate_workflows(SEED, 300, 1)} == {0}


def _check_conditions(config: dict[str, Any]) -> None:
    assert list(config) == ["conditions"]
    conditions = config["conditions"]
    assert conditions[0]["type"] == "if"
    for position, condition in enumerate(conditions):
        assert set(condition) <= {"type", "condition", "steps"}
        if condition["type"] == "if":
            assert condition["condition"].strip() and not condition["condition"].startswith("js/")
        else:
            assert position == len(conditions) - 1
    if len(conditions) > 1:
        assert conditions[-1]["type"] == "else"


def test_metadata_text_and_tags(corpus: list[SeedWorkflow]) -> None:
    for w in corpus:
        assert 2 <= len(w.tags) <= 6 and len(set(w.tags)) == len(w.tags), w.tags
        assert all(TAG.fullmatch(t) for t in w.tags), w.tags
        assert w.title == w.title.strip() and 3 <= len(w.title) <= 120
        sentences = SENTENCE_BREAK.split(w.description)
        assert w.description and 1 <= len(sentences) <= 3, w.description
        assert "{" not in w.title and "{" not in w.description.replace("${", "")


# --- variety ----------------------------------------------------------------------------------------------


def test_variety(corpus: list[SeedWorkflow], v1_corpus: list[SeedWorkflow]) -> None:
    n = len(corpus)
    nodes = {s.node for w in corpus for s in model_steps(w.definition) if s.node}
    assert len(nodes) >= 40
    assert len({w.title for w in corpus}) >= 300
    assert len({w.description for w in corpus}) >= 600
    triggers = Counter(next(iter(w.definition["trigger"])) for w in corpus)
    assert triggers["http"] > triggers["cron"] > triggers["manual"] > 0
    assert triggers["http"] / n >= 0.5
    python = sum("python3" in facts(w.definition).runtimes for w in corpus)
    assert 0.1 <= python / n <= 0.25
    branches = sum(facts(w.definition).has_branches for w in corpus)
    assert 0.3 <= branches / n <= 0.5
    methods = {w.definition["trigger"]["http"]["method"] for w in corpus if "http" in w.definition["trigger"]}
    assert {"GET", "POST", "*", "ANY"} <= methods
    assert any(s.get("set_var") for w in v1_corpus for s in all_steps(w.definition))
    text = json.dumps([w.definition for w in corpus])
    for needle in (
        "js/ctx.request.body",
        "${ctx.request.params.id}",
        "https://api.stripe.com/",
        "https://slack.com/api/chat.postMessage",
        "https://api.hubapi.com/crm/v3/objects/contacts",
        "@nanoservice-ts/api-call",
        "@blokjs/api-call",
        "@blokjs/if-else",
        "postgres-query",
        "mongo-query",
        "memory-storage",
        "array-map",
        "mapper",
        "openai",
        "generate-pdf",
    ):
        assert needle in text, needle
    for service in ("Slack", "Discord", "Stripe", "HubSpot", "Postgres", "OpenAI", "GitHub", "Shopify", "S3"):
        assert any(service in w.title for w in corpus), service
