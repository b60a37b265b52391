"""A v2 ``switch`` as v1 if-else conditions, where that is exact.

v2's runner (``SwitchNode``) resolves ``on`` once through the mapper (a ``js/`` expression with ``ctx``, ``data``,
``func`` and ``vars`` in scope, or a literal), then runs the first case whose ``when`` is ``=== on`` (a list
matches when one of its items is), else ``default``, else nothing. A v1 if-else evaluates bare JavaScript
conditions in order with the same names in scope and splices in the first branch that holds, else its ``else``,
else nothing - so each case becomes ``(on) === when`` or ``[…].includes(on)`` (the same answer as ``===`` for
every JSON value: ``includes`` only differs on NaN, which JSON cannot hold).

The one difference is that a v1 condition re-evaluates ``on`` per case, so it is converted only when evaluating
it twice cannot matter and the text means the same in both places. Refused, with the reason:

* an expression that may change state (assignment, ``++``/``--``, ``delete``, ``await``, ``new``), may give
  another value when evaluated again (``Date``, ``Math.random``, ``performance``, ``crypto``), or holds a comment
  marker, which would swallow the comparison appended to it;
* one that reads ``data`` or ``func``: v1's if-else binds them to the previous response and ``{}``, while the
  mapper binds ``data`` to the response *or the request body*;
* an ``on`` or ``when`` string the mapper would rewrite (``${…}`` placeholders; a ``js/`` ``when``), and objects,
  which ``===`` compares by identity, so no case written in the document could ever match them.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_EFFECTS = re.compile(
    r"(?<![=!<>])=(?![=>])|\+\+|--|\b(?:delete|await|new|yield)\b|//|/\*"
    r"|\bDate\b|\bMath\.random\b|\bperformance\b|\bcrypto\b"
)
_MAPPER_ONLY = re.compile(r"(?<![.\w$])(?:data|func)\b")


class NotExact(Exception):
    """Why this switch has no exact v1 form; ``where`` is the pointer suffix under the switch body."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(reason)
        self.where = where
        self.reason = reason


def _literal(value: Any) -> str | None:
    """``value`` as the JavaScript literal with the same ``===`` identity, or None for objects and NaN/Infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return json.dumps(value, ensure_ascii=True)
    return None


def subject(on: Any) -> str:
    """The JavaScript expression a v1 condition evaluates for the switch's ``on``."""
    if isinstance(on, str) and on.startswith("js/"):
        expression = on[3:].strip()
        if not expression:
            raise NotExact("/on", "an empty js/ expression has no v1 condition")
        if "${" in expression:
            raise NotExact("/on", "the mapper substitutes ${…} placeholders before it evaluates; v1 conditions do not")
        if _EFFECTS.search(expression):
            raise NotExact(
                "/on",
                "v1 would evaluate `on` once per case; this expression may change state, give another value when "
                "evaluated again (time, randomness) or holds a comment marker",
            )
        if _MAPPER_ONLY.search(expression):
            raise NotExact("/on", "reads `data` or `func`, which v1's if-else binds differently from the mapper")
        return expression
    if isinstance(on, str) and "${" in on:
        raise NotExact("/on", "the mapper substitutes ${…} placeholders in `on`; v1 conditions cannot")
    literal = _literal(on)
    if literal is None:
        raise NotExact("/on", "`on` must be a js/ expression or a literal; an object never equals any case")
    return literal


def case_condition(on: str, when: Any, where: str) -> str:
    """The v1 condition that holds exactly when the runner would pick this case."""
    items = when if isinstance(when, list) else [when]
    literals = []
    for index, item in enumerate(items):
        here = f"{where}/{index}" if isinstance(when, list) else where
        if isinstance(item, str) and (item.startswith("js/") or "${" in item):
            raise NotExact(here, "the mapper may rewrite a js/ or ${…} `when`; write the value itself")
        literal = _literal(item)
        if literal is None:
            raise NotExact(here, "`when` takes literals; an object or nested list never equals `on`")
        literals.append(literal)
    if isinstance(when, list):
        return "[" + ", ".join(literals) + f"].includes({on})"
    return f"({on}) === {literals[0]}"
