"""What both engines ask Qdrant, decided once: the filter as a plan of conditions, and recommend scores.

Qdrant Edge and qdrant-client have look-alike but distinct model classes (`Filter`, `FieldCondition`, ...), so
each engine translates a `FilterPlan` into its own; keeping the decisions here is what makes them agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from blokhub.indexers.vectors.vector_types import VectorFilter


@dataclass(frozen=True, slots=True)
class FilterPlan:
    only_ids: frozenset[int] | None  # restrict to these (None: no restriction)
    exclude_ids: frozenset[int]
    exclude_owner_ids: tuple[int, ...]
    must_match: tuple[tuple[str, str], ...]  # (payload key, keyword); every one must match

    @property
    def matches_nothing(self) -> bool:
        return self.only_ids is not None and not self.only_ids

    @property
    def is_empty(self) -> bool:
        """No condition at all: the engines pass no filter."""
        return self.only_ids is None and not (self.exclude_ids or self.exclude_owner_ids or self.must_match)


def plan_filter(f: VectorFilter | None, *, also_exclude: Iterable[int] = ()) -> FilterPlan:
    f = f or VectorFilter()
    exclude = frozenset(f.exclude_ids).union(also_exclude)
    only = None if f.ids is None else frozenset(f.ids) - exclude
    must = [("tags", t) for t in dict.fromkeys(f.tags)] + [("nodes", n) for n in dict.fromkeys(f.nodes)]
    if f.trigger is not None:
        must.append(("trigger", f.trigger))
    return FilterPlan(
        only_ids=only,
        # With an id restriction the exclusions are already applied to it.
        exclude_ids=frozenset() if only is not None else exclude,
        exclude_owner_ids=tuple(dict.fromkeys(f.exclude_owner_ids)),
        must_match=tuple(must),
    )


def cosine_from_best_score(score: float) -> float:
    """Undo the squashing in Qdrant's best_score recommend.

    For a candidate closer to a positive example than to any negative one, Qdrant scores it
    `0.5 * (1 + c / (1 + |c|))` where `c` is the similarity to the closest positive (a sigmoid that keeps such
    scores in 0.25..0.75 for cosine); the others get the negated sigmoid of their closest negative, below zero.
    Reporting `c` itself gives callers a similarity they can compare with `search` scores. The mapping is
    monotonic, so the engine's order is kept (the contract tests pin the formula against real cosines).
    """
    y = 2.0 * score - 1.0
    return max(-1.0, min(1.0, y / (1.0 - abs(y)) if abs(y) < 1.0 else y))
