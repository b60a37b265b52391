"""Merging suggestions of several kinds into one short list (shared by both engines)."""

from __future__ import annotations

from collections.abc import Iterable

from blokhub.indexers.search.search_types import Suggestion


def interleave(lists: Iterable[list[Suggestion]], limit: int) -> list[Suggestion]:
    """Round-robin over the kinds (title, tag, node, user), best first within each, so that one kind cannot
    crowd out the others; duplicates are dropped."""
    queues = [list(x) for x in lists]
    out: list[Suggestion] = []
    seen: set[tuple[str, str, int | None]] = set()
    while len(out) < limit and any(queues):
        for q in queues:
            if q and len(out) < limit:
                s = q.pop(0)
                if (s.kind, s.text, s.id) not in seen:
                    seen.add((s.kind, s.text, s.id))
                    out.append(s)
    return out
