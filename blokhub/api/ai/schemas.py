from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec

from blokhub.api.schemas import Input, Output

Prompt = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class GenerateIn(Input):
    prompt: Prompt
    conversation_id: int | None = None


class ChatIn(Input):
    message: Prompt
    conversation_id: int | None = None


class PublishIn(Input):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    visibility: str = "public"  # publishing means public unless the caller asks otherwise
    tags: list[str] | None = None


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
