"""HTML-safe highlights: matched words wrapped in `<mark>`, and a description snippet around the first match.

Titles and descriptions are user input, so every piece of the original text is HTML-escaped and only our own
`<mark>`/`</mark>` tags are inserted. A word is marked when it matches any required query word under the same
typo and prefix rules the engine used (see `_words`), so typo and prefix matches are highlighted too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from blokhub.indexers.search._words import MAX_TOKEN_CHARS, WORD_RE, QueryWord, fold, token_matches

SNIPPET_CHARS = 160
_LEAD_CHARS = 40  # context kept before the first match in a cropped snippet
ELLIPSIS = "…"


class Marker:
    """Highlights for one result page. Decisions are memoised per raw word: the 20 descriptions of a page share
    most of their vocabulary, and a typo check costs far more than a dict lookup."""

    def __init__(self, qws: Sequence[QueryWord]) -> None:
        self.qws = list(qws)
        self._memo: dict[str, bool] = {}
        self._candidates = _candidate_re(self.qws)

    def _matches(self, raw: str) -> bool:
        hit = self._memo.get(raw)
        if hit is None:
            token = fold(raw)
            hit = bool(token) and len(token) <= MAX_TOKEN_CHARS and any(token_matches(q, token) for q in self.qws)
            self._memo[raw] = hit
        return hit

    def spans(
        self, text: str, start: int = 0, end: int | None = None, first_only: bool = False
    ) -> list[tuple[int, int]]:
        """Spans of matching words that lie within text[start:end] (the first one only if `first_only`)."""
        found: list[tuple[int, int]] = []
        if self._candidates is None:
            return found
        stop = len(text) if end is None else end
        for m in self._candidates.finditer(text, start):
            if m.end() > stop:
                break
            if self._matches(m.group()):
                found.append(m.span())
                if first_only:
                    break
        return found

    def highlight(self, text: str) -> str:
        """The whole text, escaped, with matching words marked."""
        return _render(text, 0, len(text), self.spans(text))

    def snippet(self, text: str, max_chars: int = SNIPPET_CHARS) -> str:
        """About `max_chars` of `text` around its first match (the beginning when nothing matches), cut at word
        boundaries with an ellipsis where cut; the whole text when it is short enough."""
        if len(text) <= max_chars:
            return self.highlight(text)
        first_span = self.spans(text, first_only=True)
        first = first_span[0][0] if first_span else 0
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
        body = _render(text, start, end, self.spans(text, start, end)).strip()
        return (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")


def _candidate_re(qws: Sequence[QueryWord]) -> re.Pattern[str] | None:
    """A regex finding the words that could match, so the per-word Python check runs on few of them.

    A first-letter typo costs two (see `_words`): within one typo a match starts with the query word's first
    letter; a two-typo word may change only its first letter, so its first or second letter shows up among the
    match's first two. Words starting with a non-ASCII letter are always candidates (accents fold away)."""
    if not qws:
        return None
    firsts = {q.word[0] for q in qws}
    seconds: set[str] = set()
    for q in qws:
        if q.typos >= 2:
            firsts.update(q.word[:2])
            seconds.update(q.word[:2])
    non_ascii = r"[^\W_\x00-\x7f]"  # a non-ASCII letter or digit
    alternatives = [f"[{''.join(sorted(firsts))}]", non_ascii]
    if seconds:
        alternatives.append(rf"[^\W_](?:[{''.join(sorted(seconds))}]|{non_ascii})")
    # Whole tokens only: start where no word character precedes, then take the rest of the run.
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(alternatives)})[^\W_]*", re.IGNORECASE)


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
