"""More condition phrases: "leads from Germany", "labelled bug", "with status active", "payments in USD".

Countries become ISO codes (what forms, Shopify and Stripe send); values the prompt gives keep their case.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from blokhub.ai.phrase_data import STATE_CONDITIONS

COUNTRIES: dict[str, str] = {
    "germany": "DE", "france": "FR", "belgium": "BE", "canada": "CA", "united states": "US", "usa": "US",
    "the us": "US", "us": "US", "america": "US", "united kingdom": "GB", "uk": "GB", "britain": "GB", "spain": "ES",
    "italy": "IT", "netherlands": "NL", "the netherlands": "NL", "poland": "PL", "japan": "JP", "india": "IN",
    "brazil": "BR", "australia": "AU", "portugal": "PT", "sweden": "SE", "switzerland": "CH", "austria": "AT",
    "mexico": "MX", "ireland": "IE", "denmark": "DK", "norway": "NO", "finland": "FI", "singapore": "SG",
}  # fmt: skip
_COUNTRY_WORD = "|".join(sorted((re.escape(c) for c in COUNTRIES), key=len, reverse=True))
_COUNTRY = re.compile(
    rf"\bfrom\s+(?:the\s+)?({_COUNTRY_WORD})\b((?:\s*(?:,|or|and)\s*(?:the\s+)?(?:{_COUNTRY_WORD})\b)*)"
)
_COUNTRY_CHANGE = re.compile(rf"\b(?:country|countries)\b.*?\b(?:to|is|be)\s+({_COUNTRY_WORD}|[A-Z]{{2}})\b")
_LABEL = re.compile(r"\b(?:labell?ed|tagged|with (?:the |a )?label)\s+[\"']?([\w-]+)", re.IGNORECASE)
_WITH_FIELD = re.compile(
    r"\bwith (?:a |the )?(status|plan|tier|role|type|priority|source|language) (?:of |set to |= )?[\"']?([\w-]+)",
    re.IGNORECASE,
)
_ADDRESS = re.compile(r"\bwith an? ([\w.-]+) (?:e-?mail )?address\b", re.IGNORECASE)
_PRESENT = re.compile(
    r"\b(?:with|that have|having|who gave|that include)\s+(?:a|an)\s+(company|phone(?: number)?|website|budget|name|message)\b",
    re.IGNORECASE,
)
_HEADER = re.compile(
    r"\b(?:without|missing|lacking|no|with|require[sd]?|needs?|must have|check(?: for)?)\s+(?:an?\s+|the\s+|a valid\s+)?([A-Za-z][\w-]{1,40})\s+header\b",
    re.IGNORECASE,
)
_ONLY_KIND = re.compile(
    r"\b(refund|dispute|failure|cancellation|renewal|chargeback)s?\s+only\b|\bonly\s+(refund|dispute|failure|cancellation|renewal|chargeback)s?\b"
)
_CURRENCY = re.compile(r"\bin (USD|EUR|GBP|JPY|CHF|CAD|AUD)\b")


@dataclass(frozen=True, slots=True)
class Phrase:
    field: str
    template: str
    words: str
    start: int


def country_codes(text: str) -> list[str]:
    lowered = text.lower()
    found = _COUNTRY.search(lowered)
    if not found:
        return []
    names = [found.group(1), *re.findall(_COUNTRY_WORD, found.group(2) or "")]
    return list(dict.fromkeys(COUNTRIES[n.strip()] for n in names if n.strip() in COUNTRIES))


def country_phrase(text: str) -> Phrase | None:
    codes = country_codes(text)
    if not codes:
        return None
    start = text.lower().find("from ")
    if len(codes) == 1:
        return Phrase(
            "country", f"String({{f}}).toUpperCase() === {json.dumps(codes[0])}", f"the country is {codes[0]}", start
        )
    listed = json.dumps(codes)
    return Phrase(
        "country", f"{listed}.includes(String({{f}}).toUpperCase())", f"the country is one of {', '.join(codes)}", start
    )


def country_value(text: str) -> str | None:
    """The country a follow-up sets ("change the country to Canada"), as a code."""
    found = _COUNTRY_CHANGE.search(text) or _COUNTRY_CHANGE.search(text.lower())
    if not found:
        return None
    word = found.group(1)
    return COUNTRIES.get(word.lower(), word.upper() if len(word) == 2 else None)


def country_names(old_code: str, new_code: str) -> list[tuple[str, str]]:
    """(old name, new name) pairs for a country check changed from one code to another ("Germany" -> "Spain")."""
    names = {code: name for name, code in reversed(COUNTRIES.items()) if len(name) > 3}
    if old_code not in names or new_code not in names:
        return []
    return [(name, names[new_code].title()) for name, code in COUNTRIES.items() if code == old_code and len(name) > 3]


def other_phrases(text: str) -> list[Phrase]:
    out = []
    if (label := _LABEL.search(text)) is not None:
        value = json.dumps(label.group(1))
        out.append(
            Phrase(
                "label",
                f"String({{f}}).toLowerCase().split(',').includes({value.lower()})",
                f"it is labelled {label.group(1)}",
                label.start(),
            )
        )
    if (field := _WITH_FIELD.search(text)) is not None:
        name, value = field.group(1).lower(), field.group(2)
        out.append(Phrase(name, f"String({{f}}) === {json.dumps(value)}", f"the {name} is {value}", field.start()))
    if (currency := _CURRENCY.search(text)) is not None:
        code = currency.group(1)
        out.append(
            Phrase(
                "currency",
                f"String({{f}}).toUpperCase() === {json.dumps(code)}",
                f"the currency is {code}",
                currency.start(),
            )
        )
    if (kind := _ONLY_KIND.search(text.lower())) is not None:
        word = kind.group(1) or kind.group(2)
        stem = {"failure": "fail", "cancellation": "cancel", "chargeback": "dispute"}.get(word, word)
        out.append(
            Phrase("type", f"String({{f}}).toLowerCase().includes({json.dumps(stem)})", f"it is a {word}", kind.start())
        )
    if (header := _HEADER.search(text)) is not None:
        name = json.dumps(header.group(1).lower())
        template = f'String(ctx.request.headers[{name}] ?? "") !== ""'  # the header, whatever the record is
        out.append(
            Phrase(header.group(1).lower(), template, f"the request has the {header.group(1)} header", header.start())
        )
    if (present := _PRESENT.search(text)) is not None:
        name = present.group(1).split()[0].lower()
        out.append(Phrase(name, 'String({f} ?? "").trim() !== ""', f"the {name} is filled in", present.start()))
    if (address := _ADDRESS.search(text)) is not None:
        value = json.dumps(address.group(1).lower())
        out.append(
            Phrase(
                "email",
                f"String({{f}}).toLowerCase().includes({value})",
                f"the e-mail address contains {address.group(1)}",
                address.start(),
            )
        )
    if (country := country_phrase(text)) is not None:
        out.append(country)
    return out + state_phrases(text)


def state_phrases(text: str) -> list[Phrase]:
    """ "when the site is down", "gets merged", "on the main branch": the table in data/phrases.json."""
    lowered = text.lower()
    out = []
    for entry in STATE_CONDITIONS:
        found = re.search(entry["pattern"], lowered)
        if found is None or ("service" in entry and entry["service"] not in lowered):
            continue
        group = next((g for g in found.groups() if g), "")
        value = group if entry["value"] == "$1" else entry["value"]
        literal = "true" if value == "true" else json.dumps(value)
        template = entry["template"].replace("{v}", literal)
        out.append(Phrase(entry["field"], template, entry["words"].replace("{v}", value), found.start()))
    return out
