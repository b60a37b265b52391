"""Choosing catalogue nodes for a service: a ``NodeRanker`` protocol and a keyword implementation.

The protocol is the seam for embedding similarity later (an embedder scores the same query against node
descriptions); the keyword ranker needs nothing loaded and is deterministic.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from blokhub.ai.schemas import NodeInfo


@dataclass(frozen=True, slots=True)
class NodeQuery:
    keywords: tuple[str, ...]  # words that name the service: ("slack",)
    role: str  # "source" | "sink" | "transform" | "event"
    hints: tuple[str, ...] = ()  # input keys the step would like to fill: ("channel", "text")


class NodeRanker(Protocol):
    def rank(self, query: NodeQuery, catalogue: Sequence[NodeInfo], *, limit: int = 3) -> list[tuple[NodeInfo, float]]:
        """Best candidates first with a score in [0, 1]; nodes that do not fit are left out."""
        ...


def _tokens(text: str) -> set[str]:
    return {token for token in re.split(r"[^a-z0-9]+", text.lower()) if token}


class KeywordNodeRanker:
    """A node fits when its *name* contains one of the service's keywords; input keys and popularity rank fits.

    Names decide because a node called ``@blokjs/slack`` is a Slack node whatever its inputs are, while input
    keys like ``text`` or ``url`` say nothing about the service.
    """

    def rank(self, query: NodeQuery, catalogue: Sequence[NodeInfo], *, limit: int = 3) -> list[tuple[NodeInfo, float]]:
        keywords = {k.lower() for k in query.keywords}
        hints = {h.lower() for h in query.hints}
        most = max((node.count for node in catalogue), default=0)
        scored: list[tuple[float, str, NodeInfo]] = []
        for node in catalogue:
            name_tokens = _tokens(node.name)
            hits = len(keywords & name_tokens)
            if not hits:
                continue
            keys = {key.lower() for key in node.input_keys}
            overlap = len(hints & keys) / len(hints) if hints else 0.0
            popularity = math.log1p(node.count) / math.log1p(most) if most else 0.0
            score = min(1.0, 0.6 + 0.1 * hits + 0.2 * overlap + 0.1 * popularity)
            scored.append((score, node.name, node))
        scored.sort(key=lambda item: (-item[0], item[1]))  # name breaks ties: same input, same choice
        return [(node, score) for score, _, node in scored[:limit]]
