"""Query and path parameters as the server reads them, where Litestar's generated schema says otherwise."""

from __future__ import annotations

import json
from typing import Any

from blokhub.api.openapi.statuses import OperationFacts


def shape_parameters(operation: dict[str, Any], facts: OperationFacts) -> None:
    _declared_bounds(operation, facts.bounds)
    _nullable(operation, facts.nullable_queries)
    _unix_times(operation)


def _declared_bounds(operation: dict[str, Any], bounds: dict[str, dict[str, int | float]]) -> None:
    """Bounds exactly as the handler declares them, on the numeric alternative of the parameter's schema."""
    for parameter in operation.get("parameters", []):
        if (declared := bounds.get(parameter["name"])) is None:
            continue
        schema = parameter.get("schema", {})
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            schema.pop(key, None)
        numeric = [p for p in [schema, *schema.get("oneOf", [])] if p.get("type") in ("integer", "number")]
        for part in numeric or [schema]:
            part.update(declared)


# msgspec also reads a number as Unix time (seconds) where a query parameter is a datetime, within years 1-9999.
_UNIX_TIME = {
    "type": "number",
    "minimum": -62135596800,
    "exclusiveMaximum": 253402300800,
    "description": "Unix time in seconds.",
}


def _unix_times(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        parts = schema.get("oneOf", [schema])
        if parameter.get("in") == "query" and any(p.get("format") == "date-time" for p in parts):
            parameter["schema"] = (
                {"oneOf": [*parts, _UNIX_TIME]} if "oneOf" in schema else {"oneOf": [schema, _UNIX_TIME]}
            )


def _nullable(operation: dict[str, Any], names: frozenset[str]) -> None:
    """Say ``null`` where the server accepts it and Litestar did not write it (dates, for one)."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") != "query" or parameter["name"] not in names or "null" in json.dumps(schema):
            continue
        parameter["schema"] = {"oneOf": [schema, {"type": "null"}]}
