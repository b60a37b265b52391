from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from blokhub.api.schemas import Input, Output, RowId
from blokhub.api.workflows.schemas import Tags, Title, VisibilityName

Prompt = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
# blokhub.ai.guard refuses a prompt without a letter or digit (422 `empty_prompt`, a clearer answer than a pattern
# mismatch), so the pattern is published here but enforced there. Chat answers the same refusal as an `error` event
# in its stream, so its message does not carry the pattern.
WordedPrompt = Annotated[str, msgspec.Meta(min_length=1, max_length=4000, extra_json_schema={"pattern": r"[^\W_]"})]


class GenerateIn(Input):
    prompt: WordedPrompt
    conversation_id: RowId | None = None


class ChatIn(Input):
    message: Prompt
    conversation_id: RowId | None = None


class PublishIn(Input):
    title: Title | None = None
    visibility: VisibilityName = "draft"
    tags: Tags | None = None


class UsageOut(Output):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class GenerateOut(Output):
    workflow: dict[str, Any]
    valid: bool
    explanation: str
    grounded_on: list[int]
    provider: str
    usage: UsageOut
    conversation_id: int


class MessageOut(Output):
    id: int
    role: str
    content: str
    workflow: dict[str, Any] | None
    provider: str | None
    created_at: datetime


class ConversationSummary(Output):
    id: int
    title: str
    has_draft: bool
    published_workflow_id: int | None
    created_at: datetime
    updated_at: datetime


class ConversationOut(ConversationSummary):
    draft: dict[str, Any] | None
    grounded_on: list[int]
    messages: list[MessageOut]
