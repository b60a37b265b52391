"""Schedule words → a five-field cron expression (minute hour day-of-month month day-of-week), always UTC.

Vague words get the times people usually mean: "morning" 08:00, "evening" 18:00, "nightly" 02:00 (quiet hours),
"daily"/"weekly"/"monthly" 09:00. An explicit time ("at 7:30 pm", "at 14:00", "at noon") wins over them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blokhub.ai.places import CITY_ZONES, ZONE_WORDS

_DAYS = {
    "sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
    "sun": 0, "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6,
}  # fmt: skip
_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_DAY_WORD = r"(?:sun|mon|tue|tues|wed|thu|thur|thurs|fri|sat)(?:day|nesday|sday|urday|day)?s?"
_INTERVAL = re.compile(
    r"\bevery\s+(\d{1,3}|one|two|three|four|five|six|ten|fifteen|thirty)\s*"
    r"(min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|sec(?:ond)?s?|h|m|d|s)\b"
)
_EVERY_UNIT = re.compile(
    r"\b(?:every|each|once an?|once per)\s+(minute|hour|day|week|month|year|morning|evening|night|afternoon|weekday|workday)\b"
)
_ADVERB = re.compile(r"\b(hourly|daily|nightly|weekly|monthly|yearly|annually|weekdays?|weekends?|overnight)\b")
_AT_TIME = re.compile(
    r"\b(?:at|@|around|about|approximately)\s*(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.|h|o'clock)?(?![\d:])",
    re.IGNORECASE,
)
_NAMED_TIME = re.compile(r"\b(noon|midday|midnight)\b")
_HOUR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12,
}  # fmt: skip
_HOUR_WORD = r"(\d{1,2}|" + "|".join(_HOUR_WORDS) + r")"
_SPOKEN = re.compile(rf"\b(?:(?:a\s+)?(half|quarter)\s+(past|after|to)\s+){_HOUR_WORD}\b")
_SPOKEN_AT = re.compile(rf"\b(at|around|about)\s+{_HOUR_WORD}\b(?!:)")
_FIRST_OF_MONTH = re.compile(r"\b(?:on\s+)?the\s+first\s+(?:day\s+)?of\s+(?:the|every|each)\s+month\b")
_EVERY_OTHER = re.compile(r"\bevery\s+other\s+(minute|hour|day)\b")


def spoken(text: str) -> str:
    """Times and intervals said in words as digits: "half past eight" -> "8:30", "at seven" -> "at 7",
    "every other hour" -> "every 2 hours"."""

    def hour(word: str) -> int:
        return int(word) if word.isdigit() else _HOUR_WORDS[word]

    def clock(match: re.Match[str]) -> str:
        part, relation, h = match.group(1), match.group(2), hour(match.group(3))
        minutes = 30 if part == "half" else 15
        if relation == "to":
            h, minutes = (h - 1) % 24, 60 - minutes
        return f"{h}:{minutes:02d}"

    text = _FIRST_OF_MONTH.sub("on the 1st of every month", text)
    text = _SPOKEN.sub(clock, text)
    text = _SPOKEN_AT.sub(lambda m: f"{m.group(1)} {hour(m.group(2))}", text)
    return _EVERY_OTHER.sub(lambda m: f"every 2 {m.group(1)}s", text)


# a time without "at": "every monday 7:30am", "(9am and 5pm)", "8:15"
_BARE_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)|\b(\d{1,2}):(\d{2})\b", re.IGNORECASE)
# "at 6 in the evening", "at 11 at night": the hour is after noon
_LATER_PART = re.compile(r"^\s*(?:o'clock\s*)?(?:in the (?:evening|afternoon)|at night|tonight)\b")
_ZONE_WORD = "|".join(re.escape(w) for w in sorted([*CITY_ZONES, *ZONE_WORDS], key=len, reverse=True))
_ABBREVIATION = "|".join(re.escape(w) for w in sorted(ZONE_WORDS, key=len, reverse=True))
# "Paris time", "in Tokyo timezone", "Berlin local time"; an abbreviation alone: "9am PST", "(CET)"
_CITY_TIME = re.compile(
    rf"\b({_ZONE_WORD})(?:'s)?\s+(?:local\s+)?(?:time(?:\s*zone)?|timezone|hours)\b|\b({_ABBREVIATION})\b"
)
# "move it to 7am", "move it to 6:15"
_TO_TIME = re.compile(
    r"\b(?:to|around|by)\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|\b(?:to|around|by)\s+(\d{1,2}):(\d{2})\b"
)
_PART_OF_DAY = re.compile(r"\b(morning|afternoon|evening|night)s?\b")
_DAY_OF_MONTH = re.compile(r"\b(?:on the |the )?(\d{1,2})(?:st|nd|rd|th)\b")
_DAY_LIST = re.compile(rf"\b(?:every|on|to)\s+({_DAY_WORD}(?:\s*(?:,|and|&)\s*{_DAY_WORD})*)\b")
_FULL_DAY = re.compile(r"\b(sunday|monday|tuesday|wednesday|thursday|friday|saturday)s?\b")
_TIMEZONE = re.compile(r"\b((?:Europe|America|Asia|Africa|Australia|Pacific|Atlantic)/[A-Z][A-Za-z_]+)\b")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "fifteen": 15, "thirty": 30}

# Words that mark a schedule even without a recognised interval ("at 9 every weekday" has both).
SCHEDULE_CUE = re.compile(
    r"\b(every\s+\d*\s*(?:min|minute|hour|day|week|month|morning|evening|night|weekday|workday|"
    + _DAY_WORD
    + r")|hourly|daily|nightly|weekly|monthly|yearly|weekdays|each (?:morning|day|night|week|hour)|"
    r"on a schedule|cron|once a (?:day|week|month)|at (?:noon|midnight))\b"
)


@dataclass(frozen=True, slots=True)
class Schedule:
    cron: str
    timezone: str
    words: str  # how the explanation says it: "every weekday at 09:00 UTC"


def _clock(text: str, default: tuple[int, int]) -> tuple[int, int, bool]:
    named = _NAMED_TIME.search(text)
    if named:
        return (0 if named.group(1) == "midnight" else 12), 0, True
    times = clock_times(text)
    if times:
        return times[0][0], times[0][1], True
    return default[0], default[1], False


def clock_times(text: str) -> list[tuple[int, int]]:
    """Every time of day the text names, in order: "at 7:30 pm", "to 6:45", "9am and 5pm", "at 6 in the evening"."""
    found: list[tuple[int, int, int]] = []
    for match in [*_AT_TIME.finditer(text), *_TO_TIME.finditer(text), *_BARE_TIME.finditer(text)]:
        if match.lastindex and match.lastindex >= 4 and match.group(4):  # "to 6:45", "8:15"
            hour, minute, suffix = int(match.group(4)), int(match.group(5)), ""
        else:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            suffix = (match.group(3) or "").lower().replace(".", "")
        if (suffix == "pm" and hour < 12) or (not suffix and hour < 12 and _LATER_PART.match(text[match.end() :])):
            hour += 12
        elif not suffix and ":" not in match.group(0) and hour < 12:
            hour = _afternoon(text, hour)
        elif suffix == "am" and hour == 12:
            hour = 0
        if hour <= 23 and minute <= 59 and all(start != match.start(1 if match.group(1) else 4) for start, *_ in found):
            found.append((match.start(1 if match.group(1) else 4), hour, minute))
    return list(dict.fromkeys((hour, minute) for _start, hour, minute in sorted(found)))


_EVENING = re.compile(r"\b(?:evenings?|afternoons?|tonight|after work|end of (?:the )?(?:day|business))\b")
_EARLY = re.compile(r"\b(?:mornings?|nights?|nightly|overnight|early|dawn|am|a\.m\.|breakfast|before work)\b")


def _afternoon(text: str, hour: int) -> int:
    """An hour said without am/pm: "every evening at 7" is 19:00, "every friday at 3" 15:00 (nobody posts a weekly
    report at 3 in the morning unless they say night or morning); "every night at 11" is 23:00."""
    if _EVENING.search(text):
        return hour + 12 if hour >= 1 else hour
    if re.search(r"\bnights?\b|\bnightly\b", text) and 7 <= hour <= 11:
        return hour + 12
    if 1 <= hour <= 5 and not _EARLY.search(text):
        return hour + 12
    return hour


def zone_of(prompt: str) -> str | None:
    """The time zone a prompt names: "Europe/Paris", "Paris time", "(PST)"."""
    match = _TIMEZONE.search(prompt)
    if match:
        return match.group(1)
    named = _CITY_TIME.search(prompt.lower())
    if named:
        word = named.group(1) or named.group(2)
        return CITY_ZONES.get(word) or ZONE_WORDS.get(word)
    return None


def _days(text: str) -> list[int]:
    match = _DAY_LIST.search(text)
    if not match:
        return sorted({_DAYS[d] for d in _FULL_DAY.findall(text)})
    days = []
    for word in re.findall(_DAY_WORD, match.group(1)):
        key = word.rstrip("s") if word.rstrip("s") in _DAYS else word[:3]
        if key in _DAYS and _DAYS[key] not in days:
            days.append(_DAYS[key])
    return sorted(days)


_SKIP = re.compile(
    r"\b(?:skip|not on|no|except|without|exclude|never|not|don't|do not|dont)\b[^.;,]{0,20}?\bweekends?\b"
)
_FRACTION = re.compile(r"\bevery\s+(quarter|half)(?:[- ]an)?[- ]hour\b|\bevery\s+half an hour\b")


_TIMES_A_DAY = re.compile(r"\b(twice|two times|three times|3 times|2 times)\s+(?:a|per|each)\s+day\b")


def _interval(text: str) -> Schedule | None:
    times = _TIMES_A_DAY.search(text)
    named = clock_times(text)
    if times and len(named) >= 2 and len({m for _h, m in named}) == 1:  # "twice a day (9am and 5pm)"
        hours = ",".join(str(h) for h in sorted({h for h, _m in named}))
        minute = named[0][1]
        return Schedule(f"{minute} {hours} * * *", "UTC", f"every day at {hours.replace(',', ':00, ')}:00")
    if times:
        hours = "9,21" if times.group(1) in ("twice", "two times", "2 times") else "8,14,20"
        return Schedule(f"0 {hours} * * *", "UTC", f"every day at {hours.replace(',', ':00, ')}:00")
    fraction = _FRACTION.search(text)
    if fraction:
        n = 15 if fraction.group(1) == "quarter" else 30
        return Schedule(f"*/{n} * * * *", "UTC", f"every {n} minutes")
    match = _INTERVAL.search(text)
    if not match:
        return None
    raw, unit = match.group(1), match.group(2)
    n = _NUMBERS.get(raw) or int(raw)
    if unit.startswith("s"):  # cron cannot go below a minute (the answer says so)
        return Schedule("* * * * *", "UTC", "every minute")
    if unit.startswith("m"):
        n = min(max(n, 1), 59)
        return Schedule("* * * * *" if n == 1 else f"*/{n} * * * *", "UTC", f"every {n} minute{'s' * (n > 1)}")
    if unit.startswith("h"):
        n = min(max(n, 1), 23)
        return Schedule("0 * * * *" if n == 1 else f"0 */{n} * * *", "UTC", f"every {n} hour{'s' * (n > 1)}")
    hour, minute, _ = _clock(text, (9, 0))
    n = min(max(n, 1), 28)
    spec = "*" if n == 1 else f"*/{n}"
    return Schedule(f"{minute} {hour} {spec} * *", "UTC", f"every {n} day{'s' * (n > 1)} at {hour:02d}:{minute:02d}")


_CHANNEL = re.compile(r"(?<![\w#])#[\w-]+")  # "#daily" is a channel, not a schedule


def parse_schedule(prompt: str) -> Schedule | None:
    """The schedule a prompt asks for, or None when it names none."""
    prompt = _CHANNEL.sub(" ", prompt)
    text = spoken(prompt.lower())
    timezone = zone_of(prompt) or "UTC"
    found = _interval(text) or _calendar(text)
    if found is None:
        return None
    return Schedule(found.cron, timezone, f"{found.words} {timezone}" if ":" in found.words else found.words)


def _calendar(text: str) -> Schedule | None:
    unit_match = _EVERY_UNIT.search(text)
    adverb_match = _ADVERB.search(text)
    unit = (unit_match.group(1) if unit_match else "") or (adverb_match.group(1) if adverb_match else "")
    days = _days(text)
    has_clock = bool(_NAMED_TIME.search(text) or clock_times(text))
    if not unit and not days and not (has_clock and SCHEDULE_CUE.search(text)):
        return None
    part = _PART_OF_DAY.search(text)
    if part and unit in ("", "week", "weekly", "weekday", "weekdays", "workday"):
        unit = unit or part.group(1)  # "every Sunday evening": the day, at the evening hour
        defaults_part = {"morning": (8, 0), "afternoon": (14, 0), "evening": (18, 0), "night": (2, 0)}[part.group(1)]
    else:
        defaults_part = None
    if unit in ("minute",):
        return Schedule("* * * * *", "UTC", "every minute")
    if unit in ("hour", "hourly"):
        return Schedule("0 * * * *", "UTC", "every hour")
    defaults = {"morning": (8, 0), "afternoon": (14, 0), "evening": (18, 0), "night": (2, 0), "nightly": (2, 0)}
    hour, minute, _ = _clock(
        text, defaults_part or defaults.get(unit, defaults.get("nightly" if unit == "overnight" else "", (9, 0)))
    )
    at = f"{hour:02d}:{minute:02d}"
    if unit in ("weekday", "weekdays", "workday"):
        return Schedule(f"{minute} {hour} * * 1-5", "UTC", f"every weekday at {at}")
    if unit in ("weekend", "weekends"):
        return Schedule(f"{minute} {hour} * * 0,6", "UTC", f"on weekends at {at}")
    if days:
        names = ", ".join(_DAY_NAMES[day] for day in days)
        return Schedule(f"{minute} {hour} * * {','.join(map(str, days))}", "UTC", f"every {names} at {at}")
    if unit in ("week", "weekly"):
        return Schedule(f"{minute} {hour} * * 1", "UTC", f"every Monday at {at}")
    if unit in ("month", "monthly"):
        dom_match = _DAY_OF_MONTH.search(text)
        dom = int(dom_match.group(1)) if dom_match and 1 <= int(dom_match.group(1)) <= 28 else 1
        return Schedule(f"{minute} {hour} {dom} * *", "UTC", f"on day {dom} of every month at {at}")
    if unit in ("year", "yearly", "annually"):
        return Schedule(f"{minute} {hour} 1 1 *", "UTC", f"every 1 January at {at}")
    when = unit if unit in ("morning", "afternoon", "evening", "night") else "day"
    return Schedule(f"{minute} {hour} * * *", "UTC", f"every {when} at {at}")


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """What a follow-up says about the schedule, part by part, so the rest of the old schedule is kept."""

    full: Schedule | None  # the message's own schedule, when it states one
    clock: tuple[int, int] | None  # "at 6:30"
    days: str | None  # day-of-week field: "1-5", "5", "*" (every day) or None (not mentioned)
    monthly: bool
    interval: bool  # "every 10 minutes", "every hour": replaces the whole schedule
    timezone: str | None


def schedule_change(prompt: str) -> ScheduleChange:
    prompt = _CHANNEL.sub(" ", prompt)
    text = spoken(prompt.lower())
    zone = zone_of(prompt)
    has_clock = bool(_NAMED_TIME.search(text) or clock_times(text))
    hour, minute, _ = _clock(text, (9, 0))
    unit_match = _EVERY_UNIT.search(text)
    adverb_match = _ADVERB.search(text)
    unit = (unit_match.group(1) if unit_match else "") or (adverb_match.group(1) if adverb_match else "")
    days = _days(text)
    dow: str | None = None
    if days:
        dow = ",".join(map(str, days))
    elif unit in ("weekday", "weekdays", "workday"):
        dow = "1-5"
    elif unit in ("weekend", "weekends"):
        # "skip weekends": weekdays only; "weekends too": every day
        dow = "1-5" if _SKIP.search(text) else "*" if re.search(r"\b(?:too|also|as well)\b", text) else "0,6"
    elif unit in ("day", "daily", "morning", "evening", "night", "nightly", "afternoon"):
        dow = "*"
    elif unit in ("week", "weekly"):
        dow = "1"
    interval = bool(_INTERVAL.search(text) or _TIMES_A_DAY.search(text) or _FRACTION.search(text))
    interval = interval or unit in ("minute", "hour", "hourly")
    return ScheduleChange(
        parse_schedule(prompt),
        (hour, minute) if has_clock else None,
        dow,
        unit in ("month", "monthly"),
        interval,
        zone,
    )
