"""Putting a streamed chat completion back together: content deltas, tool-call fragments, the finish reason.

OpenAI-compatible servers stream a tool call as fragments keyed by ``index``: the first carries the call's id and
function name, later ones append pieces of the JSON arguments. The explanation extractor turns the raw JSON deltas
of our answer envelope into the text of its ``"explanation"`` field as it is written, which is what the chat shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletionChunk


@dataclass(slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text as the model wrote it (may be invalid: the caller checks)

    def as_message_part(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function", "function": {"name": self.name, "arguments": self.arguments}}


@dataclass(slots=True)
class StreamAssembly:
    text: list[str] = field(default_factory=list)
    calls: dict[int, ToolCall] = field(default_factory=dict)
    finish_reason: str = "stop"

    def add(self, chunk: ChatCompletionChunk) -> str:
        """Takes one chunk; returns its content delta ("" when it has none)."""
        delta_text = ""
        for choice in chunk.choices:
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason
            delta = choice.delta
            if delta is None:
                continue
            if delta.content:
                delta_text += delta.content
            for part in delta.tool_calls or ():
                call = self.calls.setdefault(part.index, ToolCall("", "", ""))
                call.id = part.id or call.id
                if part.function is not None:
                    call.name += part.function.name or ""
                    call.arguments += part.function.arguments or ""
        self.text.append(delta_text)
        return delta_text

    @property
    def tool_calls(self) -> list[ToolCall]:
        return [self.calls[index] for index in sorted(self.calls)]


_FIELD = re.compile(r'"explanation"\s*:\s*"')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class ExplanationStream:
    """Feed raw JSON deltas; get back the newly readable characters of the ``explanation`` string."""

    def __init__(self) -> None:
        self._raw = ""
        self._at: int | None = None  # index in _raw of the next unread character of the string
        self._closed = False

    def feed(self, delta: str) -> str:
        self._raw += delta
        if self._closed:
            return ""
        if self._at is None:
            found = _FIELD.search(self._raw)
            if found is None:
                return ""
            self._at = found.end()
        out: list[str] = []
        raw, i = self._raw, self._at
        while i < len(raw):
            char = raw[i]
            if char == '"':
                self._closed = True
                i += 1
                break
            if char != "\\":
                out.append(char)
                i += 1
                continue
            if i + 1 >= len(raw):
                break  # the escape continues in the next delta
            code = raw[i + 1]
            if code == "u":
                if i + 6 > len(raw):
                    break
                out.append(_unicode(raw[i + 2 : i + 6]))
                i += 6
            else:
                out.append(_ESCAPES.get(code, code))
                i += 2
        self._at = i
        return "".join(out)


def _unicode(hex4: str) -> str:
    try:
        return str(json.loads(f'"\\u{hex4}"'))
    except ValueError:
        return ""
