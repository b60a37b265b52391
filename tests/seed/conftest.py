"""The demo corpus sample the corpus tests share: generated once per session (generation is deterministic and the
tests only read it)."""

from __future__ import annotations

import pytest

from blokhub.blok import Dialect, dialect_of
from blokhub.seed.corpus import SeedWorkflow, generate_workflows

SEED = 20260811
N_WORKFLOWS = 2000
N_USERS = 150


@pytest.fixture(scope="session")
def corpus() -> list[SeedWorkflow]:
    return list(generate_workflows(SEED, N_WORKFLOWS, N_USERS))


@pytest.fixture(scope="session")
def v1_corpus(corpus: list[SeedWorkflow]) -> list[SeedWorkflow]:
    return [w for w in corpus if dialect_of(w.definition) is Dialect.V1]


@pytest.fixture(scope="session")
def v2_corpus(corpus: list[SeedWorkflow]) -> list[SeedWorkflow]:
    return [w for w in corpus if dialect_of(w.definition) is Dialect.V2]
