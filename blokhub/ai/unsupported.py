"""What a prompt asks for that no draft can do, said plainly: the answer names it instead of dropping it.

A vocabulary of things people ask for that have no built-in step (fax, phone calls, Zoom, Instagram...) and
requests a Blok workflow cannot express (sub-minute schedules). Matching is on whole words of the prompt.
"""

from __future__ import annotations

import re

from blokhub.ai.condition_phrases import COUNTRIES
from blokhub.ai.phrase_data import NO_STEP
from blokhub.ai.places import CITIES
from blokhub.ai.service_catalogue import find_mentions

# (pattern over the lower-cased prompt, how to name it in the answer), from data/phrases.json
_NO_STEP: tuple[tuple[str, str], ...] = NO_STEP
# "send it to WeChat too": a destination named with a capital that is no service we know
_DESTINATION = re.compile(
    r"\b(?:send|post|share|forward|push|publish|add|sync|save|store|write|upload|notify)\b[^.;!?]{0,40}?"
    r"\b(?:to|into|on|in|via)\s+(?:our\s+|my\s+|the\s+)?([A-Z][A-Za-z0-9]+(?:[ .][A-Z][A-Za-z0-9]+)?)"
)
_NOT_NAMES = frozenset(
    {"I", "English", "French", "German", "Spanish", "UTC", "GMT", "JSON", "CSV", "PDF", "API", "HTTP", "URL", "SQL",
     "AI", "GPT", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Europe", "America",
     "Asia", "Africa", "Australia", "Pacific", "Atlantic"}
)  # fmt: skip
_TWO_SCHEDULES = re.compile(
    r"\d(?::\d\d)?\s*(?:am|pm)?\s+on\s+(?:weekdays|weekends)\b.*\b\d(?::\d\d)?\s*(?:am|pm)?\s+on\s+(?:weekdays|weekends)\b"
)
_WEEKS = re.compile(r"\bevery (?:two|2|three|3|four|4|other) weeks?\b|\bbi-?weekly\b|\bfortnight(?:ly)?\b")
_SECONDS = re.compile(r"\bevery\s+(\d+|a few|few)\s*(?:sec|secs|second|seconds)\b")
_VAGUE = re.compile(r"\b(?:make it|it should be|can you make it)\s+(faster|quicker|better|smarter|nicer|cheaper)\b")


def unsupported(text: str) -> list[str]:
    """Sentences for the answer, one per thing asked for that the draft does not do."""
    lowered = text.lower()
    out = []
    for pattern, name in _NO_STEP:
        if re.search(pattern, lowered):
            out.append(
                f"I did not add {name}: there is no built-in step for it. If it has an HTTP API, add an api-call "
                "step with its URL and a token from the environment."
            )
    out += [
        f"I did not add {name}: it is not a service I know, so there is no step for it. If it has an HTTP API, add "
        "an api-call step with its URL and a token from the environment."
        for name in unknown_destinations(text)
    ]
    seconds = _SECONDS.search(lowered)
    if seconds:
        out.append(
            f"I could not schedule it every {seconds.group(1)} seconds: a cron trigger runs at most once a minute, "
            "so it runs every minute."
        )
    weeks = _WEEKS.search(lowered)
    if weeks:
        out.append(
            f"I could not make it run every {weeks.group(0).replace('every ', '')}: a cron schedule has no such "
            "interval, so it runs every week; skip alternate weeks in a step if you need to."
        )
    split = _TWO_SCHEDULES.search(lowered)
    if split:
        out.append(
            "I could not give weekdays and weekends different times: a workflow has one schedule. Copy the "
            "workflow and give the copy the weekend schedule (the weekday one is set here)."
        )
    vague = _VAGUE.search(lowered)
    if vague:
        out.append(
            f"I did not change anything to make it {vague.group(1)}: say which step, service, schedule or value "
            "should change."
        )
    return out


def unknown_destinations(text: str) -> list[str]:
    """Capitalised names after a send/post verb that are no known service, place, or vocabulary entry above."""
    names: list[str] = []
    for match in _DESTINATION.finditer(text):
        name = match.group(1)
        lowered = name.lower()
        if (
            name.split()[0].rstrip("s") in _NOT_NAMES
            or lowered in CITIES
            or lowered in COUNTRIES
            or find_mentions(lowered)
        ):
            continue
        if any(re.search(pattern, lowered) for pattern, _ in _NO_STEP) or name in names:
            continue
        names.append(name)
    return names
