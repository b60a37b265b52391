"""export(): write a workflow as JSON, YAML or TOML so that parse() reads back the same workflow."""

from __future__ import annotations

import json
from typing import Any

import tomli_w
import yaml

from blokhub.blok._yaml import is_plain_typed
from blokhub.blok.errors import BlokExportError, Format, Issue, coerce_format, join_pointer

# A plain scalar may not start with these; PyYAML quotes them already, this keeps it explicit.
_INDICATORS = tuple("@*&!%`|>'\"#{}[],?:-~")
# YAML 1.1 booleans, including the one-letter forms PyYAML itself does not quote.
_YAML11_BOOLS = frozenset(
    {
        "y",
        "Y",
        "yes",
        "Yes",
        "YES",
        "n",
        "N",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
    }
)


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]
    """Block style, no anchors/aliases, and strings quoted whenever YAML 1.1 *or* 1.2 would retype them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML's own resolver only knows YAML 1.1, so "0o17" or "1e3" would go out plain and come back as
    # numbers
    # under the 1.2 rules used by parse() and by the Blok runner.
    style: str | None = None
    if value and (value in _YAML11_BOOLS or is_plain_typed(value) or value.startswith(_INDICATORS)):
        style = "'"
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def export(doc: dict[str, Any], fmt: Format | str) -> str:
    """Serialise ``doc``; raise :class:`BlokExportError` when the format cannot hold it (null in TOML)."""
    fmt = coerce_format(fmt, BlokExportError)
    if fmt is Format.JSON:
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt is Format.YAML:
        text: str = yaml.dump(
            doc,
            Dumper=_Dumper,
            sort_keys=False,
            default_flow_style=False,
            allow_unicode=True,
            width=1 << 30,
            indent=2,
        )
        return text
    nulls = _null_pointers(doc)
    if nulls:
        raise BlokExportError(
            [
                Issue(
                    "toml_null",
                    "TOML has no null; remove this value or give it a real value before exporting",
                    pointer,
                )
                for pointer in nulls
            ]
        )
    return tomli_w.dumps(doc)


def _null_pointers(doc: Any) -> list[str]:
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(doc, "")]
    while stack:
        value, pointer = stack.pop()
        if value is None:
            found.append(pointer)
        elif isinstance(value, dict):
            stack.extend((child, join_pointer(pointer, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, join_pointer(pointer, index)) for index, child in enumerate(value))
    return sorted(found)
