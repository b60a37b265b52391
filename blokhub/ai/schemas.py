"""What goes into and comes out of workflow generation (no web types: the API layer maps these to its own).

msgspec structs, like the API schemas, so the HTTP layer can encode them without a copy.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Provider = Literal["openai", "offline"]
NodeType = Literal["module", "local", "runtime.python3"]


class GroundingExample(msgspec.Struct, frozen=True, kw_only=True):
    """One of the closest public workflows, chosen by the caller (search / vectors)."""

    id: int
    title: str
    definition: dict[str, Any]


class NodeInfo(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of the node catalogue: a node as used across public workflows."""

    name: str
    type: NodeType = "module"
    input_keys: tuple[str, ...] = ()  # typical keys of its `inputs`, most common first
    count: int = 0  # how many public workflows use it (popularity breaks ties)


class GenerationRequest(msgspec.Struct, frozen=True, kw_only=True):
    prompt: str
    current: dict[str, Any] | None = None  # the draft to edit, for follow-up messages
    grounding: list[GroundingExample] = msgspec.field(default_factory=list)
    catalogue: list[NodeInfo] = msgspec.field(default_factory=list)


class Usage(msgspec.Struct, kw_only=True):
    """Tokens spent; counted even when the LLM's answer was thrown away (budgets pay for attempts)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0

    def add(self, prompt_tokens: int, completion_tokens: int, total_tokens: int | None = None) -> None:
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.total_tokens += total_tokens if total_tokens is not None else prompt_tokens + completion_tokens

    def merge(self, other: Usage) -> None:
        self.add(other.prompt_tokens, other.completion_tokens, other.total_tokens)


class GenerationResult(msgspec.Struct, kw_only=True):
    workflow: dict[str, Any]
    valid: bool  # always True: an invalid draft is never returned, GenerationError is raised instead
    explanation: str
    grounded_on: list[int]
    provider: Provider
    usage: Usage = msgspec.field(default_factory=Usage)
    repairs: int = 0  # how many times the LLM was asked to fix its own output


ErrorCode = Literal[
    "empty_prompt",  # nothing to work from (blank, whitespace, only emoji/symbols)
    "prompt_too_long",  # over the input cap (denial-of-wallet guard)
    "refused",  # the request asks for something we never produce (internal addresses, prompt leaks)
    "invalid_current",  # the draft to edit is not a workflow we can edit
    "generation_failed",  # no valid workflow could be produced (should not happen: offline always composes)
]


class GenerationError(Exception):
    """Generation refused or impossible; ``code`` is stable for clients, ``message`` is for people."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __repr__(self) -> str:
        return f"GenerationError({self.code!r}, {self.message!r})"
