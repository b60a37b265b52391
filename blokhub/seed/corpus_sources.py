"""Event sources for the demo corpus: webhooks from real services and polled APIs/databases (``data/sources.json``).

`{r}` in a source's templates stands for the JS path of the event record and is expanded once at import: the
webhook's record path (``rec``) for hooks, ``ctx.vars['<var>']`` (the first, fetching step) for polled sources.
"""

from __future__ import annotations

from typing import Any

from blokhub.seed.corpus_build import Source
from blokhub.seed.source_steps import STEPS
from blokhub.seed.tables import load


def _x(text: str, rec: str) -> str:
    return text.replace("{r}", rec)


def _common(d: dict[str, Any], rec: str) -> dict[str, Any]:
    return {
        "key": d["key"],
        "service": d["service"],
        "tags": d["tags"],
        "clause": d["clause"],
        "noun": d["noun"],
        "nouns": d["nouns"],
        "msgs": tuple(_x(m, rec) for m in d["msgs"]),
        "subject": _x(d["subject"], rec),
        "text": _x(d["text"], rec),
        "row": tuple((col, _x(expr, rec)) for col, expr in d.get("row", ())),
        "table": d["table"],
        "channel": d["channel"],
        "conds": tuple((_x(a, rec), b) for a, b in d.get("conds", ())),
        "event": d["noun"].title(),
    }


def _hook(d: dict[str, Any]) -> Source:
    rec = d["rec"]
    email, filter_ = d.get("email"), d.get("filter")
    return Source(
        kind="hook",
        env=d.get("env", ()),
        email=_x(email, rec) if email else None,
        filter=_x(filter_, rec) if filter_ else None,
        sig=d.get("sig"),
        paths=d["paths"],
        enrich=STEPS[d["enrich"]] if "enrich" in d else None,
        **_common(d, rec),
    )


def _poll(d: dict[str, Any]) -> Source:
    rec = f"ctx.vars['{d['var']}']"
    items = d.get("items")
    return Source(
        kind="poll",
        fetch=STEPS[d["fetch"]],
        items=_x(items, rec) if items else None,
        map=d.get("map"),
        **_common(d, rec),
    )


_SOURCES = load("sources")
HOOKS: tuple[Source, ...] = tuple(_hook(d) for d in _SOURCES["hooks"])
POLLS: tuple[Source, ...] = tuple(_poll(d) for d in _SOURCES["polls"])
