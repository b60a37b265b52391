"""Which error statuses an operation can answer, and whether it takes a Bearer token, read off its handler.

Most statuses follow from what a handler asks for, so they are derived, not listed:

- ``user`` or ``moderator`` → a Bearer token is required: 401; ``moderator`` also 403;
- ``viewer`` → a token is optional, but a bad one is still refused: 401;
- a path parameter → 404 (also for what the caller may not see);
- any parameter or body → 422 (``validation_error``); a body also 400 (``invalid_json``, ``too_deep``) and 413;
- a ``cursor`` → 400 (``invalid_cursor``);
- the database, asked for directly or through who is calling → 503 (``Retry-After``).

What only a service knows (an ownership 403, a 409 conflict, a 429 throttle, a 503 from an index) is declared once
per operation in :data:`DECLARED`, next to the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

Auth = Literal["required", "optional", "none"]

DESCRIPTIONS = {
    400: "Malformed input: a body that is not valid JSON (`invalid_json`) or nested too deeply (`too_deep`), "
    "or a cursor the server did not issue (`invalid_cursor`).",
    401: "No valid Bearer token: missing where required, or expired, revoked or malformed (`unauthorized`, "
    "`invalid_token`, `token_expired`, `token_revoked`, `account_banned`, `invalid_credentials`).",
    403: "Authenticated but not allowed (`forbidden`): not the owner, or not a moderator.",
    404: "No such resource, or one the caller may not see (`not_found`).",
    409: "The request conflicts with the current state (`conflict` and more specific codes).",
    413: "The request body is larger than this endpoint accepts (`payload_too_large`).",
    415: "The body's Content-Type is not one this endpoint reads (`unsupported_media_type`).",
    422: "The input is well-formed but not acceptable (`validation_error`, `unknown_field`, or a domain code); "
    "`details` point at each problem.",
    429: "Too many requests (`rate_limited`); `Retry-After` says when to try again.",
    503: "A dependency (database, search or vector index) is unavailable (`service_unavailable`); retry shortly.",
}

# Statuses only the services know about, by operationId.
DECLARED: dict[str, tuple[int, ...]] = {
    "register": (409,),
    "listWorkflows": (404,),  # an unknown owner  # the username or email is taken
    "login": (401, 429),  # wrong credentials; throttled after repeated failures
    "refresh": (401,),  # unknown, spent or revoked refresh token
    "changePassword": (401,),  # wrong current password
    "updateWorkflow": (403, 409),  # not the owner; expected_version is stale
    "deleteWorkflow": (403,),  # neither owner nor moderator
    "createWorkflow": (409,),  # no free slug
    "importWorkflow": (409, 413, 415),  # no free slug; the raw file body; an unknown Content-Type
    "validateWorkflow": (413, 415),  # the raw file body; an unknown Content-Type
    "forkWorkflow": (403, 409),  # private or draft work is forkable by its owner only; no free slug
    "publishConversation": (409,),  # no draft yet; no free slug
    "createComment": (429,),
    "editComment": (403, 409),  # not the author; the comment is deleted
    "deleteComment": (403,),
    "rateWorkflow": (429,),
    "report": (404, 429),  # the reported target does not exist
    "banUser": (403,),  # only an admin bans a moderator
    "resolveReport": (409,),  # already resolved
    "generateWorkflow": (404, 413, 429),  # unknown conversation; an oversized answer; the daily budget
    "chat": (404, 429),
    "searchWorkflows": (503,),
    "suggest": (503,),
    "similarWorkflows": (503,),
    "recommendations": (503,),
}

# Where a request the schema allows may still be refused (422) for a reason JSON Schema cannot state. Published on
# the operation's 422 response (its description and ``x-beyond-schema``), so clients and fuzzers know.
BEYOND_SCHEMA: dict[str, str] = {
    "register": "The password's strength is judged (a leaked or repetitive password is refused).",
    "changePassword": "The new password's strength is judged (a leaked or repetitive password is refused).",
    "createWorkflow": "The Blok document must be valid Blok (references, steps, secrets), unless saved as a draft.",
    "validateWorkflow": "Exactly one of `definition` or `source` + `format` is required.",
    "importWorkflow": "The file must parse and be valid Blok.",
    "updateWorkflow": "A new definition must be valid Blok.",
    "publishConversation": "The conversation's draft must be valid Blok.",
    "forkWorkflow": "A shared fork must be valid Blok.",
    "rateWorkflow": "Nobody rates their own workflow.",
    "followUser": "Nobody follows themselves.",
    "createComment": "`parent_id` must be a comment of the same workflow.",
    "report": "`target_id` or `target_username` is required, depending on `target_type`.",
    "listWorkflows": "A visibility filter applies to your own workflows only (with `owner` set to you).",
    "saveSearch": "Filters are those of search, and a user keeps a bounded number of saved searches.",
}

# What a handler may ask for that is not a request parameter.
_NOT_PARAMETERS = {"request", "state", "scope", "headers", "cookies", "query", "socket", "body"}
_DATABASE = {"db", "user", "viewer", "moderator"}


@dataclass(frozen=True)
class OperationFacts:
    auth: Auth
    statuses: tuple[int, ...]
    optional_body: bool = False
    nullable_queries: frozenset[str] = frozenset()
    bounds: dict[str, dict[str, int | float]] = field(default_factory=dict)


def _request_parameters(handler: HTTPRouteHandler) -> set[str]:
    names = set(handler.parsed_fn_signature.parameters)
    return names - set(handler.resolve_dependencies()) - _NOT_PARAMETERS


def facts_of(handler: HTTPRouteHandler, route: HTTPRoute, operation_id: str) -> OperationFacts:
    asked: set[str] = set(handler.parsed_fn_signature.parameters)
    parameters = _request_parameters(handler)
    has_body = "data" in parameters
    statuses: set[int] = set(DECLARED.get(operation_id, ()))
    auth: Auth = "none"
    if asked & {"user", "moderator"}:
        auth = "required"
    elif "viewer" in asked:
        auth = "optional"
    if auth != "none":
        statuses.add(401)
    if "moderator" in asked:
        statuses.add(403)
    if route.path_parameters:
        statuses.add(404)
    if parameters:
        statuses.add(422)
    if has_body:
        statuses.update((400, 413))
    if "cursor" in parameters:
        statuses.add(400)
    if asked & _DATABASE:
        statuses.add(503)
    body = handler.parsed_fn_signature.parameters.get("data")
    optional_body = bool(body and (body.is_optional or body.has_default))
    return OperationFacts(
        auth=auth,
        statuses=tuple(sorted(statuses)),
        optional_body=optional_body,
        nullable_queries=frozenset(_nullable_queries(handler, parameters - {"data"})),
        bounds=_bounds(handler, parameters - {"data"}),
    )


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _bounds(handler: HTTPRouteHandler, names: set[str]) -> dict[str, dict[str, int | float]]:
    """Numeric bounds as declared: Litestar's generator skips a bound of 0 (``ge=0``) and writes floats."""
    found: dict[str, dict[str, int | float]] = {}
    for name in names:
        kwarg = handler.parsed_fn_signature.parameters[name].kwarg_definition
        declared = {
            key: getattr(kwarg, attr) for attr, key in _BOUNDS.items() if getattr(kwarg, attr, None) is not None
        }
        if declared:
            found[getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name] = declared
    return found


def _nullable_queries(handler: HTTPRouteHandler, names: set[str]) -> set[str]:
    """Query names whose parameter is ``X | None``: Litestar reads ``?name=null`` as absent for those."""
    found = set()
    for name in names:
        definition = handler.parsed_fn_signature.parameters[name]
        if definition.is_optional:
            kwarg = definition.kwarg_definition
            query = getattr(kwarg, "query", None) or getattr(kwarg, "name", None)
            found.add(query or name)
    return found


def handlers_by_operation(routes: list[Any]) -> dict[tuple[str, str], tuple[HTTPRouteHandler, HTTPRoute]]:
    """(OpenAPI path, lower-case method) → the handler serving it and its route."""
    found: dict[tuple[str, str], tuple[HTTPRouteHandler, HTTPRoute]] = {}
    for route in routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                found[(route.path_format or "/", method.lower())] = (handler, route)
    return found
