"""Generation as the API offers it: budgets, grounding, the conversation and its draft, publishing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from blokhub.ai import GenerationError, GenerationRequest, GenerationResult, GroundingExample, TextSink, generate
from blokhub.api.ai import budgets, grounding
from blokhub.api.ai.schemas import ConversationOut, ConversationSummary, MessageOut
from blokhub.api.errors import AppError, Conflict, NotFound, PayloadTooLarge, Unprocessable
from blokhub.db.base import utcnow
from blokhub.db.models import AiConversation, AiMessage, User
from blokhub.indexers.vectors import Embedder, VectorEngine
from blokhub.runtime.resources import Resources


def _error(exc: GenerationError) -> AppError:
    if exc.code == "prompt_too_long":
        return PayloadTooLarge(exc.message, code=exc.code)
    return Unprocessable(exc.message, code=exc.code, details=[{"pointer": "/prompt", "message": exc.message}])


async def own_conversation(db: AsyncSession, user_id: int, conversation_id: int) -> AiConversation:
    conversation = await db.get(AiConversation, conversation_id)
    if conversation is None or conversation.user_id != user_id:
        raise NotFound(f"No conversation {conversation_id}.")
    return conversation


async def prepare(
    db: AsyncSession,
    vectors: VectorEngine,
    embedder: Embedder,
    user_id: int,
    prompt: str,
    conversation_id: int | None,
) -> GenerationRequest:
    """Everything generation reads from the database, read up front (nothing is written yet)."""
    current = None
    if conversation_id is not None:
        current = (await own_conversation(db, user_id, conversation_id)).draft
    return GenerationRequest(
        prompt=prompt,
        current=current,
        grounding=await grounding.examples(db, vectors, embedder, prompt),
        catalogue=await grounding.catalogue(db),
    )


async def draft(
    resources: Resources, user_id: int, request: GenerationRequest, on_text: TextSink | None = None
) -> GenerationResult:
    """The model call (or the offline generator). Holds no database connection: a model call can take 45 s,
    and a pooled connection or an open transaction held that long starves every other request."""

    async def search(query: str) -> list[GroundingExample]:
        async with resources.read_sessionmaker() as db:  # one short read per tool call, released at once
            return await grounding.examples(db, resources.vectors, resources.embedder, query)

    try:
        result = await generate(request, llm=resources.llm, search=search, on_text=on_text)
    except GenerationError as exc:
        raise _error(exc) from None
    await budgets.spend_tokens(resources, user_id, result.usage.total_tokens)
    return result


async def store(
    db: AsyncSession, user_id: int, prompt: str, conversation_id: int | None, result: GenerationResult
) -> AiConversation:
    """The short write after the model answered: both messages, the new draft, the conversation."""
    now = utcnow()
    if conversation_id is not None:
        conversation = await own_conversation(db, user_id, conversation_id)
    else:
        conversation = AiConversation(user_id=user_id, title=" ".join(prompt.split())[:120], grounded_on=[])
        db.add(conversation)
        await db.flush()
    db.add(AiMessage(conversation_id=conversation.id, role="user", content=prompt, created_at=now))
    db.add(
        AiMessage(
            conversation_id=conversation.id,
            role="assistant",
            content=result.explanation,
            workflow=result.workflow,
            provider=result.provider,
            tokens=result.usage.total_tokens,
            created_at=now,
        )
    )
    conversation.draft, conversation.updated_at = result.workflow, now
    conversation.grounded_on = sorted({*conversation.grounded_on, *result.grounded_on})
    await db.flush()
    return conversation


def summary(c: AiConversation) -> ConversationSummary:
    return ConversationSummary(
        id=c.id,
        title=c.title,
        has_draft=c.draft is not None,
        published_workflow_id=c.published_workflow_id,
        created_at=c.created_at,
        updated_at=c.updated_at,
    )


async def conversations(db: AsyncSession, user: User) -> list[ConversationSummary]:
    rows = (
        await db.scalars(
            select(AiConversation)
            .where(AiConversation.user_id == user.id)
            .order_by(AiConversation.updated_at.desc())
            .limit(100)
        )
    ).all()
    return [summary(c) for c in rows]


async def conversation(db: AsyncSession, user: User, conversation_id: int) -> ConversationOut:
    c = await own_conversation(db, user.id, conversation_id)
    messages = (
        await db.scalars(select(AiMessage).where(AiMessage.conversation_id == c.id).order_by(AiMessage.id))
    ).all()
    base: dict[str, Any] = {f: getattr(summary(c), f) for f in ConversationSummary.__struct_fields__}
    return ConversationOut(
        **base,
        draft=c.draft,
        grounded_on=list(c.grounded_on),
        messages=[
            MessageOut(
                id=m.id,
                role=m.role,
                content=m.content,
                workflow=m.workflow,
                provider=m.provider,
                created_at=m.created_at,
            )
            for m in messages
        ],
    )


async def draft_of(db: AsyncSession, user: User, conversation_id: int) -> AiConversation:
    c = await own_conversation(db, user.id, conversation_id)
    if c.draft is None:
        raise Conflict("This conversation has no draft yet: send a message first.", code="no_draft")
    return c
