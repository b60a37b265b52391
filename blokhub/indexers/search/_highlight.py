"""HTML-safe highlights: matched words wrapped in `<mark>`, and a description snippet around the first match.

Titles and descriptions are user input, so every piece of the original text is HTML-escaped and only our own
`<mark>`/`</mark>` tags are inserted. A word is marked when it matches any required query word under the same
typo and prefix rules the engine used (see `_words`), so typo and prefix matches are highlighted too.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from blokhub.indexers.search._words import MAX_TOKEN_CHARS, WORD_RE, QueryWord, fold, token_matches

SNIPPET_CHARS = 160
_LEAD_CHARS = 40  # context kept before the first match in a cropped snippet
ELLIPSIS = "…"


def _spans(text: str, qws: Sequence[QueryWord]) -> list[tuple[int, int]]:
    """Character spans of the words in `text` that match a query word."""
    if not qws:
        return []
    found: list[tuple[int, int]] = []
    for m in WORD_RE.finditer(text):
        token = fold(m.group())
        if token and len(token) <= MAX_TOKEN_CHARS and any(token_matches(qw, token) for qw in qws):
            found.append(m.span())
    return found


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    pos = start
    for a, b in spans:
        if a < start or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append(f"<mark>{escape(text[a:b])}</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def highlight(text: str, qws: Sequence[QueryWord]) -> str:
    """The whole text, escaped, with matching words marked."""
    return _render(text, 0, len(text), _spans(text, qws))


def snippet(text: str, qws: Sequence[QueryWord], max_chars: int = SNIPPET_CHARS) -> str:
    """About `max_chars` of `text` around its first match (the beginning when nothing matches), cut at word
    boundaries with an ellipsis where cut; the whole text when it is short enough."""
    spans = _spans(text, qws)
    if len(text) <= max_chars:
        return _render(text, 0, len(text), spans)
    first = spans[0][0] if spans else 0
    start = max(0, min(first - _LEAD_CHARS, len(text) - max_chars))
    if start > 0:  # move forward to a word start so the snippet does not begin mid-word
        m = WORD_RE.search(text, start)
        start = m.start() if m and m.start() <= first else first
    end = min(len(text), start + max_chars)
    if end < len(text):  # move back to the end of the last whole word
        cut = end
        while cut > start and text[cut - 1].isalnum() and text[cut].isalnum():
            cut -= 1
        end = cut if cut > start else end
    body = _render(text, start, end, spans).strip()
    return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
