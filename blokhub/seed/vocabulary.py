"""Word lists for the demo corpus (``data/people.json``): people's names from many cultures, bios and handle parts.

Tables derived from them are precomputed once at import (ASCII slugs of every name part), so that the generators
in :mod:`blokhub.seed.corpus` only index into tuples.
"""

from __future__ import annotations

import unicodedata

from blokhub.seed.tables import load

_PEOPLE = load("people")
# (first names, last names) per naming culture. Display names keep their accents; usernames use ASCII slugs.
CULTURES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = _PEOPLE["cultures"]
_SPECIAL_ASCII = str.maketrans(
    {"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ı": "i", "đ": "d", "Đ": "D"}
)


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters/digits only: 'Müller' -> 'muller', 'De Luca' -> 'deluca'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL_ASCII))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and ch.isalnum())


# Precomputed (display, slug) pairs per culture so the per-user path never normalises unicode.
NAME_TABLE: tuple[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...] = tuple(
    (tuple((f, ascii_slug(f)) for f in firsts), tuple((s, ascii_slug(s)) for s in lasts)) for firsts, lasts in CULTURES
)

# Handles that are not derived from the person's name ("webhookwizard", "quiet-falcon").
HANDLE_ADJECTIVES: tuple[str, ...] = _PEOPLE["handle_adjectives"]
HANDLE_NOUNS: tuple[str, ...] = _PEOPLE["handle_nouns"]
HANDLE_SUFFIXES: tuple[str, ...] = _PEOPLE["handle_suffixes"]
ROLES: tuple[str, ...] = _PEOPLE["roles"]
PLACES: tuple[str, ...] = _PEOPLE["places"]
INTERESTS: tuple[str, ...] = _PEOPLE["interests"]
