from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import msgspec
from litestar import Controller, get, post
from litestar.params import Body, FromPath, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage
from litestar.status_codes import HTTP_201_CREATED

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
from blokhub.api.errors import AppError, Unprocessable
from blokhub.api.schemas import Page
from blokhub.api.workflows import services as workflow_services
from blokhub.api.workflows import submissions
from blokhub.api.workflows.presenters import workflow_of
from blokhub.api.workflows.schemas import WorkflowOut
from blokhub.db.session import session_scope
from blokhub.runtime.resources import Resources


def _event(event: str, payload: object) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=json.dumps(msgspec.to_builtins(payload)))


async def _chat_events(
    resources: Resources, user_id: int, message: str, conversation_id: int | None
) -> AsyncIterator[ServerSentEventMessage]:
    # The first event goes out before any work, so the client sees the stream open at once.
    yield _event("delta", {"text": "Drafting a workflow for you"})
    try:
        async with session_scope(resources.sessionmaker) as db:
            conversation, result = await services.run(db, resources, user_id, message, conversation_id)
            conversation_id = conversation.id
    except AppError as exc:
        yield _event("error", {"code": exc.code, "message": exc.message})
        yield _event("done", {"conversation_id": conversation_id, "ok": False})
        return
    for sentence in filter(None, (s.strip() for s in result.explanation.replace("\n", " ").split(". "))):
        yield _event("delta", {"text": sentence if sentence.endswith(".") else sentence + "."})
    yield _event(
        "workflow",
        {
            "conversation_id": conversation_id,
            "workflow": result.workflow,
            "valid": result.valid,
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
        conversation, result = await services.run(db, resources, user.id, data.prompt, data.conversation_id)
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
        """Server-Sent Events: `delta` (text), one `workflow` (the validated draft), then `done`; `error` on refusal."""
        await budgets.spend_request(resources, user.id)
        if data.conversation_id is not None:
            await services.own_conversation(db, user.id, data.conversation_id)  # 404 before the stream opens
        return ServerSentEvent(_chat_events(resources, user.id, data.message, data.conversation_id))

    @get("/conversations", operation_id="listConversations")
    async def conversations(self, user: CurrentUser, db: DB) -> Page[ConversationSummary]:
        return Page(items=await services.conversations(db, user), next_cursor=None)

    @get("/conversations/{conversation_id:int}", operation_id="getConversation")
    async def conversation(self, conversation_id: FromPath[int], user: CurrentUser, db: DB) -> ConversationOut:
        return await services.conversation(db, user, conversation_id)

    @post(
        "/conversations/{conversation_id:int}/publish", status_code=HTTP_201_CREATED, operation_id="publishConversation"
    )
    async def publish(
        self,
        conversation_id: FromPath[int],
        user: CurrentUser,
        db: DB,
        data: Annotated[PublishIn | None, Body()] = None,
    ) -> WorkflowOut:
        """Turn the current draft into a workflow (draft visibility unless told otherwise)."""
        options = data or PublishIn()
        if options.visibility not in ("public", "unlisted", "private", "draft"):
            raise Unprocessable(
                "visibility must be public, unlisted, private or draft.",
                details=[{"pointer": "/visibility", "message": options.visibility}],
            )
        conversation = await services.draft_of(db, user, conversation_id)
        checked = submissions.check(definition=conversation.draft, source=None, fmt=None)
        workflow = await workflow_services.publish(
            db, user, checked, title=options.title, description=None, tags=options.tags, visibility=options.visibility
        )
        conversation.published_workflow_id = workflow.id
        return workflow_of(workflow)
