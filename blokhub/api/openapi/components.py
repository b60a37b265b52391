"""Component schemas as msgspec decodes and encodes them, under readable names.

Request and response bodies are msgspec structs, and msgspec is what accepts or refuses a body, so its own JSON
Schema is the true one: it keeps every ``Meta`` constraint (including those on list items, which Litestar's
generator drops) and says ``additionalProperties: false`` where unknown fields are refused. Generic pages get
names a reader can use (``WorkflowSummaryPage`` rather than ``Page_blokhub.api.workflows.schemas.WorkflowSummary_``).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from blokhub.api.schemas import Input, Output, Page

REF_PREFIX = "#/components/schemas/"
_GENERIC = re.compile(r"^Page_(?:[\w.]+\.)?(\w+)_$")


def _structs() -> dict[str, type[msgspec.Struct]]:
    found: dict[str, type[msgspec.Struct]] = {}
    pending: list[type[msgspec.Struct]] = [Input, Output]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls not in (Input, Output, Page) and cls.__module__.startswith("blokhub."):
            found.setdefault(cls.__name__, cls)
    return found


def input_names() -> set[str]:
    """Component names of request bodies."""
    return {name for name, cls in _structs().items() if issubclass(cls, Input)}


def _rename(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF_PREFIX):
                name = value[len(REF_PREFIX) :]
                out[key] = REF_PREFIX + names.get(name, name)
            else:
                out[key] = _rename(value, names)
        return out
    if isinstance(node, list):
        return [_rename(item, names) for item in node]
    return node


def page_name(generic_key: str) -> str | None:
    match = _GENERIC.match(generic_key)
    return f"{match.group(1)}Page" if match else None


def true_components(doc: dict[str, Any]) -> dict[str, Any]:
    """Replace the component schemas of our structs with msgspec's, rename generic pages, fix every ``$ref``."""
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    structs = _structs()
    types: list[Any] = []
    renames: dict[str, str] = {}
    for key in schemas:
        item = (match := _GENERIC.match(key)) and structs.get(match.group(1))
        if item is not None:
            types.append(Page[item])  # type: ignore[valid-type]
            renames[key] = f"{item.__name__}Page"
        elif key in structs:
            types.append(structs[key])
    types.extend(structs.values())
    _, generated = msgspec.json.schema_components(types, ref_template=REF_PREFIX + "{name}")
    for key in generated:
        if new := page_name(key):
            renames[key] = new
    doc = _rename(doc, renames)
    schemas = doc["components"]["schemas"]
    for old in [k for k in renames if k in schemas]:
        del schemas[old]
    for key, schema in _rename(generated, renames).items():
        schemas[renames.get(key, key)] = schema
    return doc
