from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Body, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_201_CREATED

from blokhub.ai import GenerationRequest, GenerationResult
from blokhub.api.ai import budgets, services
from blokhub.api.ai.schemas import (
    ChatIn,
    ConversationOut,
    ConversationSummary,
    GenerateIn,
    GenerateOut,
    PublishIn,
    UsageOut,
)
from blokhub.api.deps import DB, CurrentUser, Res
from blokhub.api.errors import AppError
from blokhub.api.params import PathId
from blokhub.api.schemas import Page
from blokhub.api.workflows import services as workflow_services
from blokhub.api.workflows import submissions
from blokhub.api.workflows.presenters import workflow_of
from blokhub.api.workflows.schemas import WorkflowOut
from blokhub.db.session import session_scope
from blokhub.runtime.resources import Resources


def _event(event: str, payload: object) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=json.dumps(msgspec.to_builtins(payload)))


async def _drafting(
    resources: Resources, user_id: int, request: GenerationRequest
) -> AsyncIterator[str | GenerationResult]:
    """The model's explanation as it is written, then the result. A client that goes away cancels the call."""
    pieces: asyncio.Queue[str] = asyncio.Queue()
    task = asyncio.create_task(services.draft(resources, user_id, request, on_text=pieces.put_nowait))
    try:
        while not task.done() or not pieces.empty():
            getter = asyncio.ensure_future(pieces.get())
            try:
                await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not getter.done():
                    getter.cancel()
            if getter.done() and not getter.cancelled():
                yield getter.result()
        yield task.result()
    finally:
        if not task.done():
            task.cancel()


async def _chat_events(
    resources: Resources, user_id: int, message: str, conversation_id: int | None
) -> AsyncIterator[ServerSentEventMessage]:
    # The first event goes out before any work, so the client sees the stream open at once.
    yield _event("delta", {"text": "Drafting a workflow for you"})
    streamed = False
    result: GenerationResult | None = None
    try:
        async with resources.read_sessionmaker() as db:  # reads only, released before the model call
            request = await services.prepare(
                db, resources.vectors, resources.embedder, user_id, message, conversation_id
            )
        async for piece in _drafting(resources, user_id, request):
            if isinstance(piece, str):
                streamed = True
                yield _event("token", {"text": piece})
            else:
                result = piece
        assert result is not None  # _drafting ends with the result or raises
        async with session_scope(resources.sessionmaker) as db:  # one short write after the answer
            conversation = await services.store(db, user_id, message, conversation_id, result)
            conversation_id = conversation.id
    except AppError as exc:
        yield _event("error", {"code": exc.code, "message": exc.message})
        yield _event("done", {"conversation_id": conversation_id, "ok": False})
        return
    if not streamed:  # the offline generator answers at once: its explanation goes out sentence by sentence
        for sentence in filter(None, (s.strip() for s in result.explanation.replace("\n", " ").split(". "))):
            yield _event("delta", {"text": sentence if sentence.endswith(".") else sentence + "."})
    yield _event(
        "workflow",
        {
            "conversation_id": conversation_id,
            "workflow": result.workflow,
            "valid": result.valid,
            "explanation": result.explanation,
            "grounded_on": result.grounded_on,
            "provider": result.provider,
            "usage": result.usage,
        },
    )
    yield _event("done", {"conversation_id": conversation_id, "ok": True})


class AiController(Controller):
    path = "/ai"
    tags = ["ai"]

    @post("/generate", status_code=200, operation_id="generateWorkflow")
    async def generate(self, data: JSONBody[GenerateIn], user: CurrentUser, db: DB, resources: Res) -> GenerateOut:
        """One-shot generation (or an edit of the conversation's draft): always a valid Blok workflow, or a 4xx."""
        await budgets.spend_request(resources, user.id)
        request = await services.prepare(
            db, resources.vectors, resources.embedder, user.id, data.prompt, data.conversation_id
        )
        await db.commit()  # ends the read transaction and returns the connection before the model call
        result = await services.draft(resources, user.id, request)
        conversation = await services.store(db, user.id, data.prompt, data.conversation_id, result)
        return GenerateOut(
            workflow=result.workflow,
            valid=result.valid,
            explanation=result.explanation,
            grounded_on=result.grounded_on,
            provider=result.provider,
            conversation_id=conversation.id,
            usage=UsageOut(
                prompt_tokens=result.usage.prompt_tokens,
                completion_tokens=result.usage.completion_tokens,
                total_tokens=result.usage.total_tokens,
            ),
        )

    @post("/chat", status_code=200, operation_id="chat")
    async def chat(self, data: JSONBody[ChatIn], user: CurrentUser, db: DB, resources: Res) -> ServerSentEvent:
        """Server-Sent Events: `delta` (progress text), `token` (the model's explanation as it is written), one `workflow` (the validated draft), then `done`; `error` on refusal."""
        await budgets.spend_request(resources, user.id)
        if data.conversation_id is not None:
            await services.own_conversation(db, user.id, data.conversation_id)  # 404 before the stream opens
        await db.commit()  # the stream opens its own short sessions; this one holds nothing while it runs
        return ServerSentEvent(_chat_events(resources, user.id, data.message, data.conversation_id))

    @get("/conversations", operation_id="listConversations")
    async def conversations(self, user: CurrentUser, db: DB) -> Page[ConversationSummary]:
        return Page(items=await services.conversations(db, user), next_cursor=None)

    @get("/conversations/{conversation_id:int}", operation_id="getConversation")
    async def conversation(self, conversation_id: PathId, user: CurrentUser, db: DB) -> ConversationOut:
        return await services.conversation(db, user, conversation_id)

    @post(
        "/conversations/{conversation_id:int}/publish", status_code=HTTP_201_CREATED, operation_id="publishConversation"
    )
    async def publish(
        self,
        conversation_id: PathId,
        user: CurrentUser,
        db: DB,
        data: Annotated[PublishIn | None, Body()] = None,
    ) -> WorkflowOut:
        """Turn the current draft into a workflow (draft visibility unless told otherwise)."""
        options = data or PublishIn()
        conversation = await services.draft_of(db, user, conversation_id)
        checked = submissions.check(definition=conversation.draft, source=None, fmt=None)
        workflow = await workflow_services.publish(
            db, user, checked, title=options.title, description=None, tags=options.tags, visibility=options.visibility
        )
        conversation.published_workflow_id = workflow.id
        return workflow_of(workflow)
