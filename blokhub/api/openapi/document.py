"""Make ``/schema/openapi.json`` say what the API does.

Litestar generates the paths from the handlers; this finishes that document once per app, on first request:
true component schemas (:mod:`.components`), the one error envelope on every status each operation can answer
(:mod:`.statuses`), a Bearer security scheme on the operations that take a token, summaries, and the bodies
Litestar cannot see (raw-file import, the SSE chat, exports in three formats, Prometheus text).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

from blokhub.api.openapi.components import REF_PREFIX, input_names, true_components
from blokhub.api.openapi.parameters import shape_parameters
from blokhub.api.openapi.statuses import BEYOND_SCHEMA, DESCRIPTIONS, OperationFacts, facts_of, handlers_by_operation
from blokhub.api.openapi.text_rules import TextRules, apply_text_rules

BEARER = "bearer"
SECURITY_SCHEMES = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The `access_token` from `POST /api/v1/auth/register`, `/auth/login` or `/auth/refresh`.",
    }
}
_METHODS = ("get", "put", "post", "delete", "patch")
_STRING = {"type": "string"}
_BLOK_DOCUMENT = {"type": "object", "description": "A Blok workflow document."}
_RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer", "minimum": 1}}

SUMMARIES = {
    "health": "Liveness",
    "ready": "Readiness of every dependency",
    "metrics": "Prometheus metrics",
    "getMe": "Your own profile",
    "updateMe": "Update your profile",
    "getProfile": "A user's public profile",
    "feed": "Activity of the people you follow",
    "report": "Report a workflow, comment or user",
    "suggest": "Search suggestions as you type",
    "chat": "Chat with the workflow assistant (server-sent events)",
    "trending": "Trending workflows",
    "recommendations": "Workflows recommended for you",
    "myFavorites": "Your favourite workflows",
    "searchQueries": "Search query statistics (moderators)",
}

# Bodies and answers Litestar cannot see from the handler's signature, by operationId.
REQUEST_BODIES: dict[str, dict[str, Any]] = {
    "importWorkflow": {
        "required": True,
        "description": "The workflow file: its Content-Type says the format, or a multipart upload whose `file` "
        "part is named .json/.yaml/.toml.",
        "content": {
            "application/json": {"schema": _BLOK_DOCUMENT},
            "application/yaml": {"schema": _STRING},
            "application/toml": {"schema": _STRING},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                },
                "encoding": {"file": {"contentType": "application/json, application/yaml, application/toml"}},
            },
        },
    },
}
# Validate reads what import reads, and also what create reads (`{definition}` or `{source, format}`).
REQUEST_BODIES["validateWorkflow"] = copy.deepcopy(REQUEST_BODIES["importWorkflow"])
REQUEST_BODIES["validateWorkflow"]["description"] = (
    "What import takes (the workflow file; its Content-Type says the format, or a multipart `file` part) or what "
    "create takes (`{definition}` or `{source, format}` as JSON). Nothing is saved."
)
# Any text is answered 200 `{valid, errors, ...}` (one shape for every outcome), so any body fits the schema.
for _media in ("application/json", "application/yaml", "application/toml"):
    REQUEST_BODIES["validateWorkflow"]["content"][_media] = {"schema": {}}
SUCCESS_CONTENT: dict[str, dict[str, Any]] = {
    "chat": {
        "text/event-stream": {
            "schema": {
                "type": "object",
                "description": "One server-sent event; `data` is JSON. `delta` and `token` events carry text as it is written, "
                "one `workflow` event the validated draft, `error` an error `{code, message}`, and `done` ends it.",
                "properties": {
                    "event": {"enum": ["delta", "token", "workflow", "error", "done"]},
                    "data": {"type": "string", "contentMediaType": "application/json"},
                },
                "required": ["event", "data"],
            }
        }
    },
    "exportWorkflow": {
        "application/json": {"schema": _BLOK_DOCUMENT},
        "application/yaml": {"schema": _BLOK_DOCUMENT},
        "application/toml": {"schema": _BLOK_DOCUMENT},
    },
    "metrics": {"text/plain": {"schema": {**_STRING, "description": "Prometheus text exposition format."}}},
    "downloadProject": {
        "application/zip": {
            "schema": {
                "type": "string",
                "contentMediaType": "application/zip",
                "description": "A Blok project: package.json (pinned runner and nodes, `start` script), "
                "package-lock.json, server.js, nodes.js, workflows/json/<slug>.json, nodes/<name>/index.js for each "
                "example node of Blok's project template the workflow uses that the hub ships, and a README.",
            }
        }
    },
}


# Litestar's own handlers name their operations after the class; ours are named for what they do.
OPERATION_IDS = {"MetricsGet": "metrics"}


def summary_of(operation_id: str) -> str:
    if operation_id in SUMMARIES:
        return SUMMARIES[operation_id]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", operation_id).lower()
    return words[:1].upper() + words[1:]


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": REF_PREFIX + "ErrorResponse"}}},
    }
    if status in (429, 503):
        # Always sent with a throttle; with an outage only when the server knows when to come back.
        response["headers"] = {"Retry-After": {**_RETRY_AFTER, "required": status == 429}}
    return response


def _finish_operation(operation: dict[str, Any], facts: OperationFacts, handler_summary: str | None) -> None:
    op_id = operation["operationId"]
    operation["summary"] = handler_summary or summary_of(op_id)
    shape_parameters(operation, facts)
    responses: dict[str, Any] = operation["responses"]
    for code in [c for c in responses if c[:1] in ("4", "5")]:
        del responses[code]  # Litestar's own `{status_code, detail}` shape, which the API never sends
    for status in facts.statuses:
        responses[str(status)] = _error_response(status)
    if (reason := BEYOND_SCHEMA.get(op_id)) and "422" in responses:
        responses["422"]["description"] += f" Beyond the schema: {reason}"
        responses["422"]["x-beyond-schema"] = reason
    if "requestBody" in operation and facts.optional_body:
        operation["requestBody"]["required"] = False
    if op_id in REQUEST_BODIES:
        operation["requestBody"] = copy.deepcopy(REQUEST_BODIES[op_id])
    if op_id in SUCCESS_CONTENT:
        success = next(c for c in responses if c.startswith("2"))
        responses[success]["content"] = copy.deepcopy(SUCCESS_CONTENT[op_id])
    if facts.auth == "required":
        operation["security"] = [{BEARER: []}]
    elif facts.auth == "optional":
        operation["security"] = [{}, {BEARER: []}]
    else:
        operation.pop("security", None)


def finish(raw: dict[str, Any], app: Litestar, text_rules: TextRules | None = None) -> dict[str, Any]:
    doc = true_components(copy.deepcopy(raw))
    doc["components"]["securitySchemes"] = SECURITY_SCHEMES
    handlers = handlers_by_operation(app.routes)
    for path, item in doc.get("paths", {}).items():
        for method in _METHODS:
            if (operation := item.get(method)) is None:
                continue
            operation["operationId"] = OPERATION_IDS.get(operation["operationId"], operation["operationId"])
            handler, route = handlers[(path, method)]
            facts = facts_of(handler, route, operation["operationId"])
            _finish_operation(operation, facts, handler.summary)
    if ready := doc.get("paths", {}).get("/ready", {}).get("get"):
        # Readiness answers 503 with the same report as 200: which dependency is down.
        ready["responses"]["503"] = {**ready["responses"]["200"], "description": "A dependency is down."}
    if text_rules:
        apply_text_rules(doc, text_rules, input_names())
    return doc


def finished_schema(
    request: Request[Any, Any, Any], raw: dict[str, Any], text_rules: TextRules | None
) -> dict[str, Any]:
    state = request.app.state
    if "openapi_finished" not in state:
        state["openapi_finished"] = finish(raw, request.app, text_rules)
    doc: dict[str, Any] = state["openapi_finished"]
    return doc


class FinishedJsonRenderPlugin(JsonRenderPlugin):
    """``/schema/openapi.json``: the finished document (``text_rules``: what the app's text guard refuses)."""

    def __init__(self, *, text_rules: TextRules | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text_rules = text_rules

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, finished_schema(request, openapi_schema, self.text_rules))


class FinishedSwaggerRenderPlugin(SwaggerRenderPlugin):
    """Swagger UI embeds the document in its page, so it must embed the finished one."""

    def __init__(self, *, text_rules: TextRules | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.text_rules = text_rules

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, finished_schema(request, openapi_schema, self.text_rules))
