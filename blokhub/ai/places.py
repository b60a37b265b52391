"""Places a prompt can name for a forecast or a time zone ("Paris time"), with coordinates and zones (data in
``data/cities.json``)."""

from __future__ import annotations

import json
from importlib import resources


def _load() -> dict[str, tuple[float, float]]:
    raw = json.loads(resources.files("blokhub.ai").joinpath("data/cities.json").read_text(encoding="utf-8"))
    return {name: (float(lat), float(lon)) for name, (lat, lon) in raw["cities"].items()}


def _zones() -> tuple[dict[str, str], dict[str, str]]:
    raw = json.loads(resources.files("blokhub.ai").joinpath("data/cities.json").read_text(encoding="utf-8"))
    return dict(raw["timezones"]), dict(raw["zone_words"])


CITIES = _load()  # lower-case name -> (latitude, longitude)
CITY_ZONES, ZONE_WORDS = _zones()  # "paris" -> "Europe/Paris"; "pst" -> "America/Los_Angeles"
