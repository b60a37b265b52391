"""The engine-neutral decisions: filter plans and undoing best_score's squashing."""

from __future__ import annotations

import numpy as np
import pytest

from blokhub.indexers.vectors import VectorFilter
from blokhub.indexers.vectors._query import cosine_from_best_score, plan_filter


def test_no_filter_is_an_empty_plan() -> None:
    assert plan_filter(None).is_empty and plan_filter(VectorFilter()).is_empty
    assert not plan_filter(None, also_exclude=[3]).is_empty


def test_plan_folds_exclusions_into_an_id_restriction() -> None:
    plan = plan_filter(VectorFilter(ids=[1, 2, 3], exclude_ids=[2]), also_exclude=[3])
    assert plan.only_ids == {1} and not plan.exclude_ids
    assert plan_filter(VectorFilter(ids=[1], exclude_ids=[1])).matches_nothing
    assert plan_filter(VectorFilter(ids=[])).matches_nothing


def test_plan_keeps_every_keyword_once() -> None:
    plan = plan_filter(VectorFilter(tags=["a", "b", "a"], nodes=["n"], trigger="cron", exclude_owner_ids=[4, 4]))
    assert plan.must_match == (("tags", "a"), ("tags", "b"), ("nodes", "n"), ("trigger", "cron"))
    assert plan.exclude_owner_ids == (4,)


def test_cosine_from_best_score_inverts_qdrants_sigmoid() -> None:
    cosines = np.linspace(-1.0, 1.0, 41)
    squashed = 0.5 * (cosines / (1.0 + np.abs(cosines)) + 1.0)  # Qdrant's scaled fast sigmoid
    assert [cosine_from_best_score(float(s)) for s in squashed] == pytest.approx(list(cosines), abs=1e-9)
    assert cosine_from_best_score(0.75) == pytest.approx(1.0)
    assert cosine_from_best_score(0.5) == pytest.approx(0.0)
