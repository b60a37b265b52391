"""The text a workflow is embedded as: what it is called and does first, then its tags, nodes and steps.

Kept short on purpose. all-MiniLM-L6-v2 reads at most 256 word pieces and was trained on sentence-length text;
cost grows with length (every token is ~21 MFLOP, so on a 2-core box ~60 tokens is ~100 texts/s and ~30 is
~200/s). So: the title (what users search by), the start of the description, then de-duplicated tags, node
names and step names as words ("@nanoservice-ts/api-call" -> "api call"), each list capped, a step named like
its node said once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_DESCRIPTION_WORDS = 32
MAX_TAGS = 8
MAX_NODES = 6
MAX_STEPS = 6
MAX_CHARS = 600  # ~130 word pieces of English: well inside the model's window even for unusual vocabulary

_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[-_./:]+")


def _humanize(name: str) -> str:
    """`@nanoservice-ts/api-call` -> `api call`; `fetchCountries` -> `fetch countries`."""
    name = name.rsplit("/", 1)[-1] if name.startswith("@") else name
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return _SPACE.sub(" ", _SEPARATORS.sub(" ", name)).strip().lower()


def _unique(values: Iterable[str], limit: int, humanize: bool, skip: Iterable[str] = ()) -> list[str]:
    seen: dict[str, None] = {}
    known = set(skip)
    for value in values:
        text = _humanize(value) if humanize else _SPACE.sub(" ", value).strip()
        if text and text not in known:
            seen.setdefault(text)
        if len(seen) >= limit:
            break
    return list(seen)


def _sentence(text: str) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if not text or text[-1] in ".!?…" else text + "."


def workflow_text(
    title: str,
    description: str,
    tags: Iterable[str],
    nodes: Iterable[str],
    step_names: Iterable[str],
) -> str:
    parts = [_sentence(title)]
    words = _SPACE.sub(" ", description).strip().split(" ")
    if words != [""]:
        if len(words) <= MAX_DESCRIPTION_WORDS:
            parts.append(_sentence(" ".join(words)))
        else:
            parts.append(" ".join(words[:MAX_DESCRIPTION_WORDS]).rstrip(".,;:!?") + "…")
    uses = _unique(nodes, MAX_NODES, humanize=True)
    # A step is often named after its node ("html-to-markdown"): saying it twice costs tokens and adds nothing.
    steps = _unique(step_names, MAX_STEPS, humanize=True, skip=uses)
    for label, values in (("Tags", _unique(tags, MAX_TAGS, humanize=False)), ("Uses", uses), ("Steps", steps)):
        if values:
            parts.append(f"{label}: {', '.join(values)}.")
    text = " ".join(p for p in parts if p)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
