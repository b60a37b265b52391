"""Values a user names for a service, read from the prompt as data: coins, currencies, an S3 bucket, a sheet's tab.

Both a first draft and a follow-up use these ("upload it to the bucket acme-orders", "track ethereum instead of
bitcoin", "make it USD to JPY"): a value said after "instead of" / "rather than" / "not" is the one to drop.
"""

from __future__ import annotations

import json
import re
from importlib import resources

_RAW = json.loads(resources.files("blokhub.ai").joinpath("data/phrases.json").read_text(encoding="utf-8"))
COINS: dict[str, tuple[str, str]] = {word: (ids, symbol) for word, (ids, symbol) in _RAW["coins"].items()}
CURRENCIES: dict[str, str] = dict(_RAW["currencies"])
DEFAULT_COINS: tuple[tuple[str, str], ...] = (("bitcoin", "BTC"), ("ethereum", "ETH"), ("solana", "SOL"))

_COIN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, COINS), key=len, reverse=True)) + r")\b", re.IGNORECASE)
_CODES = [w for w, code in CURRENCIES.items() if w == code.lower()]
_NAMES = [w for w in CURRENCIES if w not in _CODES]
# ISO codes only in capitals ("try" is a word); currency names in any case
_CURRENCY = re.compile(
    r"\b("
    + "|".join(code.upper() for code in _CODES)
    + r")\b|\b((?i:"
    + "|".join(sorted(map(re.escape, _NAMES), key=len, reverse=True))
    + r"))\b"
)
_DROPPED = re.compile(r"\b(?:instead of|rather than|not|in place of|replace|swap)\s+(?:the\s+)?$", re.IGNORECASE)
# "the bucket (called) acme-orders", then "the acme-orders bucket"
_BUCKETS = (
    re.compile(r"\bbucket\s+(?:called\s+|named\s+|is\s+)?[\"'`]?([a-z0-9][a-z0-9.-]{2,62})\b", re.IGNORECASE),
    re.compile(r"\b[\"'`]?([a-z0-9][a-z0-9.-]{2,62})[\"'`]?\s+(?:s3\s+)?bucket\b", re.IGNORECASE),
)
_NOT_BUCKETS = frozenset({"the", "our", "my", "a", "an", "that", "this", "same", "s3", "new", "other", "your"})
_SHEET = re.compile(
    r"\b(?:sheet|tab|worksheet|spreadsheet)\s+(?:is\s+)?(?:called|named|titled)\s+[\"'“]?([^\"'”.,;\n]{1,40}?)[\"'”]?"
    r"\s*(?:$|[.,;\n]|\s+(?:and|then|every|each|with|when)\b)",
    re.IGNORECASE,
)


def _kept(text: str, match: re.Match[str]) -> bool:
    """A value after "instead of"/"not" is the old one."""
    return not _DROPPED.search(text[max(0, match.start() - 20) : match.start()])


def coins(text: str) -> list[tuple[str, str]]:
    """(CoinGecko id, symbol) of the coins the text asks for, in the order named."""
    found = [COINS[m.group(1).lower()] for m in _COIN.finditer(text) if _kept(text, m)]
    return list(dict.fromkeys(found))


def currencies(text: str) -> list[str]:
    """ISO codes of the currencies the text names, in order ("EUR to USD" -> EUR, USD)."""
    found = []
    for match in _CURRENCY.finditer(text):
        if not _kept(text, match):
            continue
        code = match.group(1) or CURRENCIES[match.group(2).lower()]
        found.append(code.upper())
    return list(dict.fromkeys(found))


def rate_pair(text: str) -> tuple[str, list[str]] | None:
    """(base, targets) of an exchange-rate request: "EUR to USD", "convert 250 USD to GBP", "rates for CHF"."""
    named = currencies(text)
    if not named:
        return None
    if len(named) == 1:
        return ("EUR", named) if named[0] != "EUR" else ("EUR", ["USD", "GBP", "JPY", "CHF"])
    return named[0], named[1:]


def bucket(text: str) -> str | None:
    for pattern in _BUCKETS:
        for match in pattern.finditer(text):
            name = match.group(1).lower()
            if name not in _NOT_BUCKETS and not name.endswith("."):
                return name
    return None


def sheet_name(text: str) -> str | None:
    """ "the Google Sheet called Sales 2026", "the tab is named Orders": the tab name, as written."""
    found = _SHEET.search(text)
    return found.group(1).strip() if found else None


def coin_path(alias: str, text: str) -> str:
    """A price path of the catalogue ("bitcoin.usd") for the first coin the text names ("ethereum.usd")."""
    named = coins(text)
    if not named or not alias.startswith("bitcoin."):
        return alias
    ids = named[0][0]
    return (f'["{ids}"]' if "-" in ids else ids) + alias[len("bitcoin") :]
