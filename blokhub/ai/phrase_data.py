"""Phrase tables for the offline generator, loaded from ``data/phrases.json`` (see its ``_comment``), and the
rewrite that applies them: typos and synonyms become the words the parsers know, before any parsing.

A table rather than fuzzy matching: "very" must not become "every", and a user's value ("#slak-ops", an address,
a URL) must never be touched, so only listed whole words outside channels, addresses and URLs are rewritten.
"""

from __future__ import annotations

import json
import re
from importlib import resources

_RAW = json.loads(resources.files("blokhub.ai").joinpath("data/phrases.json").read_text(encoding="utf-8"))
TYPOS: dict[str, str] = dict(_RAW["typos"])
SYNONYMS: dict[str, str] = dict(_RAW["synonyms"])
NOT_FIELDS: frozenset[str] = frozenset(_RAW["not_fields"])
FIELD_WORDS: frozenset[str] = frozenset(_RAW["field_words"])
UNITS: frozenset[str] = frozenset(_RAW["units"])
STATE_CONDITIONS: tuple[dict[str, str], ...] = tuple(dict(entry) for entry in _RAW["state_conditions"])
NO_STEP: tuple[tuple[str, str], ...] = tuple((pattern, label) for pattern, label in _RAW["no_step"])

_REWRITES = {**SYNONYMS, **TYPOS}
_WORDS = "|".join(re.escape(w) for w in sorted(_REWRITES, key=len, reverse=True))
# not after "#", "@", "/", "." or a word character (channels, addresses, URLs, paths), not before "@", ".x" or "-x"
_REWRITE = re.compile(rf"(?<![\w#@/.:-])({_WORDS})(?![\w@/]|[.-]\w)", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|(?<!\w)'[^']*'(?!\w)|https?://\S+")


def normalise(text: str) -> str:
    """``text`` with known typos and synonyms rewritten; quoted values and URLs are left as written."""
    out, last = [], 0
    for quoted in _QUOTED.finditer(text):
        out.append(_rewrite(text[last : quoted.start()]))
        out.append(quoted.group(0))
        last = quoted.end()
    out.append(_rewrite(text[last:]))
    return "".join(out)


def _rewrite(text: str) -> str:
    return _REWRITE.sub(lambda m: _REWRITES[m.group(1).lower()], text)
