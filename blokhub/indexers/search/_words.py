"""Words, typos and prefixes: the matching rules both engines share.

Tokens are runs of letters and digits, lower-cased with accents stripped ("Café" -> "cafe"); anything else
separates them, so "@nanoservice-ts/api-call" is the words nanoservice, ts, api, call (as Meilisearch's
tokenizer splits it). The embedded engine indexes exactly these tokens (Python tokenizes, tantivy's whitespace
tokenizer only splits them again), and the highlighter re-tokenizes with the same function, so what is
highlighted is what matched.

Typo budget per query word, by its length in characters (Damerau-Levenshtein, a transposition costs one):

    1-3 letters: 0 typos      4-8 letters: 1 typo      9+ letters: 2 typos

Meilisearch's defaults start one typo at 5 letters, but the product's contract needs `slak` -> slack (4 letters,
one typo). The Meilisearch engine therefore sets `minWordSizeForTypos.oneTypo = 4` (and keeps `twoTypos = 9`),
and the embedded engine uses the same thresholds, so both behave alike.

Meilisearch also counts a typo on the first letter as two typos ("caturday" does not find saturday with one typo
allowed). The embedded engine reproduces that exactly by indexing and querying every token with its first letter
doubled ("slack" is stored as "sslack"): changing the first letter of a doubled token takes two edits, anything
else costs what it did, and tantivy's own Levenshtein automata (fast, in Rust) then apply the rule for free.

The last query word also matches as a prefix (search-as-you-type), with the same typo budget, unless the query
ends with a separator ("slack " means the word is finished), which is also how Meilisearch decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from blokhub.indexers.search.search_types import MAX_QUERY_WORDS

WORD_RE = re.compile(r"[^\W_]+")
MAX_TOKEN_CHARS = 40  # longer runs are ids or hashes, not words (tantivy's default tokenizer drops them too)
ONE_TYPO_MIN_LEN = 4
TWO_TYPOS_MIN_LEN = 9


def fold(token: str) -> str:
    """Lower-case and strip diacritics, keeping non-Latin letters (Cyrillic, CJK ...) as they are."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace()).lower()


def words(text: str) -> list[str]:
    """The folded tokens of `text`, in order."""
    if text.isascii():  # the common case, ~3x faster: lower-case once, no per-token folding
        return [t for t in WORD_RE.findall(text.lower()) if len(t) <= MAX_TOKEN_CHARS]
    return [t for raw in WORD_RE.findall(text) if 0 < len(t := fold(raw)) <= MAX_TOKEN_CHARS]


def keyed(word: str) -> str:
    """The indexed form of a folded word: first letter doubled, so a first-letter typo costs two edits."""
    return word[0] + word


def index_text(*texts: str) -> str:
    """Space-separated keyed tokens for a searchable field (what tantivy's whitespace tokenizer receives)."""
    return " ".join([t[0] + t for text in texts for t in words(text)])


@lru_cache(maxsize=1 << 16)
def _index_value(value: str) -> str:
    return index_text(value)


def index_values(values: Iterable[str]) -> str:
    """`index_text` for short values that repeat across documents (tags, nodes, names): memoised per value."""
    return " ".join([k for v in values if (k := _index_value(v))])


# Short prefixes are indexed as terms of their own (Meilisearch keeps a prefix database for the same reason): a
# word being typed with 1-3 letters has no typo budget and would otherwise expand to hundreds of terms, a union
# that cost 50-65 ms at a million documents for every pass over it (count, top-k, facets).
MAX_INDEXED_PREFIX = 3


def index_prefixes(all_tokens: str) -> str:
    """Keyed prefixes of 1..MAX_INDEXED_PREFIX letters of each keyed token (the whole word too when it is that
    short), de-duplicated: "bbackup bbacon" -> "bb bba bbac"."""
    out: dict[str, None] = {}
    for key in all_tokens.split():
        for n in range(2, min(len(key), MAX_INDEXED_PREFIX + 1) + 1):  # the key carries the doubled first letter
            out.setdefault(key[:n])
    return " ".join(out)


KEY_SEP = "\x1f"  # suggestion keys are "<folded text to match>\x1f<text to show>"


@lru_cache(maxsize=1 << 16)
def suggest_keys(value: str, shown: str | None = None) -> tuple[str, ...]:
    """Keys under which `value` is suggested: the folded value from each word start, so "api" finds
    "@nanoservice-ts/api-call" and "smi" finds "Alice Smith"; the part after KEY_SEP is what is shown.
    Memoised: tags, nodes and names repeat across documents."""
    folded = fold(value)
    show = shown if shown is not None else value
    starts = dict.fromkeys([0, *(m.start() for m in WORD_RE.finditer(folded))])
    return tuple(f"{folded[s:]}{KEY_SEP}{show}" for s in starts if folded[s:])


def typo_budget(word: str) -> int:
    n = len(word)
    return 0 if n < ONE_TYPO_MIN_LEN else 1 if n < TWO_TYPOS_MIN_LEN else 2


@dataclass(frozen=True, slots=True)
class QueryWord:
    word: str  # folded
    key: str  # keyed form, as indexed
    typos: int
    prefix: bool


def parse_query(q: str) -> tuple[list[str], bool]:
    """(folded words, at most MAX_QUERY_WORDS; whether the last one is still being typed)."""
    every = words(q)
    found = every[:MAX_QUERY_WORDS]
    # Still typing the last word: it is the query's last token (not cut off by the word limit) and no separator
    # follows it.
    typing = 0 < len(every) <= MAX_QUERY_WORDS and WORD_RE.fullmatch(q[-1]) is not None
    return found, typing


def query_words(found: list[str], last_is_prefix: bool) -> list[QueryWord]:
    last = len(found) - 1
    return [QueryWord(w, keyed(w), typo_budget(w), last_is_prefix and i == last) for i, w in enumerate(found)]


def token_matches(qw: QueryWord, token: str) -> bool:
    """Does the folded `token` match the query word under the typo and prefix rules?"""
    word, k = qw.word, qw.typos
    if token == word or (qw.prefix and token.startswith(word)):
        return True
    if k == 0 or not token:
        return False
    if token[0] != word[0]:
        # A first-letter change costs two edits: impossible within one typo, the whole budget within two.
        return k >= 2 and _within(qw.key, keyed(token), k, qw.prefix)
    # Same first letter: the doubled letters align, so the distance is that of the rest of the words.
    if qw.prefix:
        if len(token) < len(word) - k:
            return False
        token = token[: len(word) + k]  # no longer prefix of the token can be within k of the word
    elif abs(len(token) - len(word)) > k:
        return False
    return _within(word[1:], token[1:], k, qw.prefix)


@lru_cache(maxsize=65536)
def _within(a: str, b: str, k: int, prefix: bool) -> bool:
    """Optimal-string-alignment distance (a transposition is one edit) between `a` and `b`, or between `a` and
    the closest prefix of `b` when `prefix`, is at most `k`: the language tantivy's Levenshtein automata accept."""
    la, lb = len(a), len(b)
    if (not prefix and abs(la - lb) > k) or lb < la - k:
        return False
    before: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ai = a[i - 1]
        for j in range(1, lb + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ai != b[j - 1]))
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, before[j - 2] + 1)
            cur[j] = v
        if min(cur) > k:
            return False
        before, prev = prev, cur
    return (min(prev) if prefix else prev[lb]) <= k
