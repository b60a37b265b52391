"""Demo users: unique handles and e-mails from many naming cultures, bios, and account ages (deterministic).

Users are one sequential random stream (usernames must be unique, so user *i* depends on users *< i*); account
ages are a pure function of the index so that workflows can be kept younger than their owners.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator

from blokhub.seed.corpus_patterns import weighted
from blokhub.seed.corpus_records import SeedUser
from blokhub.seed.vocabulary import (
    HANDLE_ADJECTIVES,
    HANDLE_NOUNS,
    HANDLE_SUFFIXES,
    INTERESTS,
    NAME_TABLE,
    PLACES,
    ROLES,
)

USER_MAX_AGE_DAYS = 760.0

_MASK64 = (1 << 64) - 1
STREAM_USERS = 1
STREAM_WORKFLOWS = 2


def mix(seed: int, stream: int, index: int) -> int:
    """Distinct non-negative integer seed per (seed, stream, index); Random() seeds from its absolute value."""
    if not 0 <= index < 1 << 40:
        raise ValueError("index out of range")
    return (((seed & _MASK64) << 2 | stream) << 40) | index


_USER_REF = 100_000  # users beyond this index all joined in the last days
_USER_A = 25.0
_USER_LOG = math.log1p(_USER_REF / _USER_A)


def soft_floor(days: float) -> float:
    """Positive, decreasing tail once the curve reaches the present (corpus larger than expected)."""
    return days if days >= 1.0 else math.exp(days - 1.0)


def user_created_days_ago(seed: int, index: int) -> float:
    """Account age of user `index`; a pure function so workflow generation can keep owners older than their work."""
    raw = USER_MAX_AGE_DAYS * (1.0 - math.log1p(index / _USER_A) / _USER_LOG)
    jitter = ((index * 0x9E3779B1 + (seed & _MASK64) * 0x85EBCA6B) & 0xFFFF) / 65536.0
    return round(soft_floor(raw) * (0.97 + 0.03 * jitter), 4)


# --- users ------------------------------------------------------------------------------------------------

_EMAIL_DOMAINS = weighted(
    (("example.com", 10), ("example.org", 5), ("example.net", 3), ("mail.example.com", 1), ("users.example.org", 1))
)


def _handle(r: Callable[[], float], first: str, last: str) -> str:
    v = r()
    if v < 0.22:
        return first + last
    if v < 0.36:
        return f"{first}_{last}"
    if v < 0.46:
        return f"{first}-{last}"
    if v < 0.58:
        return first[0] + last
    if v < 0.66:
        return first + last[0]
    if v < 0.74:
        return first
    if v < 0.80:
        return last + first
    if v < 0.88:
        sep = ("", "_", "-")[int(r() * 3)]
        return HANDLE_ADJECTIVES[int(r() * len(HANDLE_ADJECTIVES))] + sep + HANDLE_NOUNS[int(r() * len(HANDLE_NOUNS))]
    if v < 0.94:
        sep = ("", "-", "_")[int(r() * 3)]
        return first + sep + HANDLE_SUFFIXES[int(r() * len(HANDLE_SUFFIXES))]
    return f"{first}{70 + int(r() * 35) % 100:02d}"


def _unique_username(r: Callable[[], float], base: str, taken: set[str]) -> str:
    base = base[:26]
    if len(base) < 3:
        base = f"{base}{int(r() * 900) + 100}"
    name = base
    tries = 0
    while name in taken:
        tries += 1
        sep = ("", "", "", "_", "-")[int(r() * 5)]
        digits = int(r() * 90) + 10 if tries <= 3 else int(r() * 99000) + 1000
        name = f"{base}{sep}{digits}"
    return name


def _bio(r: Callable[[], float]) -> str:
    v = r()
    role = ROLES[int(r() * len(ROLES))]
    place = PLACES[int(r() * len(PLACES))]
    interest = INTERESTS[int(r() * len(INTERESTS))]
    if v < 0.18:
        return ""
    if v < 0.45:
        return f"{role} {place}."
    if v < 0.65:
        return f"{role}. {interest}"
    if v < 0.8:
        return interest
    return f"{role} {place}. {interest}"


def generate_users(seed: int, count: int) -> Iterator[SeedUser]:
    """Yield `count` users with unique usernames and e-mails (user i does not depend on `count`)."""
    r = random.Random(mix(seed, STREAM_USERS, 0)).random
    taken: set[str] = set()
    n_cultures = len(NAME_TABLE)
    for i in range(count):
        firsts, lasts = NAME_TABLE[int(r() * n_cultures)]
        first, fslug = firsts[int(r() * len(firsts))]
        last, lslug = lasts[int(r() * len(lasts))]
        v = r()
        display = f"{first} {last}" if v < 0.9 else (f"{first} {last[0]}." if v < 0.96 else first)
        username = _unique_username(r, _handle(r, fslug, lslug), taken)
        taken.add(username)
        local = username.replace("_", ".") if r() < 0.4 else username
        yield SeedUser(
            index=i,
            username=username,
            email=f"{local}@{_EMAIL_DOMAINS[int(r() * len(_EMAIL_DOMAINS))]}",
            display_name=display,
            bio=_bio(r),
            created_days_ago=user_created_days_ago(seed, i),
        )
