"""Follow-ups that change what a fetch asks for or where a file goes: coins, currencies, the S3 bucket.

"track ethereum instead of bitcoin", "post ethereum too", "make it USD to JPY", "put the files in the bucket called
db-archive". The step's request and every message built from it change together, so no message reads a price or
rate the request no longer fetches.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from blokhub.ai.builtin_sources import DATA, crypto_message, crypto_query, rates_message, rates_query
from blokhub.ai.compose import StepList
from blokhub.ai.edit_steps import service_of, steps_of_service
from blokhub.ai.named_values import COINS, DEFAULT_COINS, bucket, coins, rate_pair

_ALSO = re.compile(r"\b(?:also|too|as well|add|plus|and also)\b")
_SYMBOLS = {ids: symbol for ids, symbol in COINS.values()}


def asset_edits(text: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    return _coins(text, out, replaced) + _rates(text, out) + _bucket(text, out, replaced)


def _steps(out: StepList, key: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    found = []
    for step, _ in steps_of_service(out, None):
        config = out.nodes.get(str(step.get("name")))
        inputs = config.get("inputs") if isinstance(config, dict) else None
        if service_of(step, config) == key and isinstance(inputs, dict):
            found.append((step, inputs))
    return found


def _swap_message(out: StepList, old: str, new: str) -> None:
    """Every message that said what the old request fetched now says what the new one fetches."""
    if old == new:
        return
    old_json, new_json = json.dumps(old)[1:-1], json.dumps(new)[1:-1]
    for config in list(out.nodes.values()):
        if isinstance(config, dict):  # inputs and an if-else step's conditions alike
            dumped = json.dumps(config, ensure_ascii=False)
            if old_json in dumped:
                config.clear()
                config.update(json.loads(dumped.replace(old_json, new_json)))


def _coins(text: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    named = coins(text)
    steps = _steps(out, "crypto")
    if not named or not steps:
        return []
    notes = []
    for _step, inputs in steps:
        url = str(inputs.get("url", ""))
        ids = parse_qs(urlsplit(url).query).get("ids", [""])[0].split(",")
        current = [(i, _SYMBOLS.get(i, i.upper())) for i in ids if i]
        wanted = list(dict.fromkeys([*current, *named])) if _ALSO.search(text.lower()) else named
        if wanted == current:
            continue
        inputs["url"] = url.split("/api/v3/")[0] + crypto_query(wanted)
        _swap_message(out, crypto_message(current), crypto_message(wanted))
        gone = [c for c in current if c not in wanted]
        for old_id, _ in gone:  # a check or message that read a coin no longer fetched reads the new one
            new_path = f'{DATA}["{wanted[0][0]}"].' if "-" in wanted[0][0] else f"{DATA}.{wanted[0][0]}."
            _swap_message(out, f"{DATA}.{old_id}.", new_path)
        replaced += [(old_id, wanted[0][0]) for old_id, _ in gone if current != list(DEFAULT_COINS)]
        notes.append("the prices are now for " + ", ".join(i for i, _ in wanted))
    return notes


def _rates(text: str, out: StepList) -> list[str]:
    """Not followed into other words: a currency code is too short to replace safely (EUR may stay the base)."""
    pair = rate_pair(text)
    steps = _steps(out, "rates")
    if pair is None or not steps:
        return []
    notes = []
    for _step, inputs in steps:
        url = str(inputs.get("url", ""))
        query = parse_qs(urlsplit(url).query)
        base, targets = query.get("from", ["EUR"])[0], query.get("to", [""])[0].split(",")
        new_base, new_targets = pair
        if (new_base, new_targets) == (base, targets):
            continue
        inputs["url"] = url.split("/latest")[0] + rates_query(new_base, new_targets)
        _swap_message(out, rates_message(base, targets), rates_message(new_base, new_targets))
        notes.append(f"the rates are now {new_base} to {', '.join(new_targets)}")
    return notes


def _bucket(text: str, out: StepList, replaced: list[tuple[str, str]]) -> list[str]:
    name = bucket(text)
    steps = _steps(out, "s3")
    if name is None or not steps:
        return []
    changed = []
    for step, inputs in steps:
        if "bucket" in inputs and inputs["bucket"] != name:
            if "${" not in str(inputs["bucket"]):
                replaced.append((str(inputs["bucket"]), name))
            inputs["bucket"] = name
            changed.append(str(step["name"]))
    return [f"{', '.join(changed)} now use{'s' * (len(changed) == 1)} the bucket {name}"] if changed else []
