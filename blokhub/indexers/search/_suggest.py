"""Merging suggestions of several kinds into one short list (shared by both engines)."""

from __future__ import annotations

from collections.abc import Iterable

from blokhub.indexers.search._words import words
from blokhub.indexers.search.search_types import Suggestion


def completes(typed: list[str], text: str) -> bool:
    """Every typed (folded) word starts a word of `text`: a completion, not a typo match."""
    own = words(text)
    return all(any(w.startswith(t) for w in own) for t in typed)


def _key(s: Suggestion) -> tuple[str, str]:
    # Titles are one suggestion per text (clones share a title); a tag and a node may share a text.
    return (s.kind, " ".join(words(s.text)) or s.text)


def _round_robin(queues: list[list[Suggestion]], limit: int, out: list[Suggestion], seen: set[tuple[str, str]]) -> None:
    while len(out) < limit and any(queues):
        for q in queues:
            if q and len(out) < limit:
                s = q.pop(0)
                if _key(s) not in seen:
                    seen.add(_key(s))
                    out.append(s)


def interleave(lists: Iterable[list[Suggestion]], limit: int) -> list[Suggestion]:
    """Completions of what was typed first, typo matches after; within each, round-robin over the kinds (title,
    tag, node, user), best first within each, so that one kind cannot crowd out the others. Duplicates are
    dropped: one title per text, one value per kind."""
    kinds = [list(x) for x in lists]
    out: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()
    _round_robin([[s for s in k if s.completes] for k in kinds], limit, out, seen)
    _round_robin([[s for s in k if not s.completes] for k in kinds], limit, out, seen)
    return out
