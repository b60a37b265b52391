"""Places a prompt can name for a forecast, with their coordinates (data in ``data/cities.json``)."""

from __future__ import annotations

import json
from importlib import resources


def _load() -> dict[str, tuple[float, float]]:
    raw = json.loads(resources.files("blokhub.ai").joinpath("data/cities.json").read_text(encoding="utf-8"))
    return {name: (float(lat), float(lon)) for name, (lat, lon) in raw["cities"].items()}


CITIES = _load()  # lower-case name -> (latitude, longitude)
