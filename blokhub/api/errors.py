"""The one error shape of the API: ``{"error": {"code", "message", "details": [...]}}``.

Services raise :class:`AppError` subclasses; Litestar's own exceptions (validation, 404 routes, 405, 413) and
anything unexpected are translated here, so no handler ever builds an error body by hand.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import asyncpg
import sqlalchemy.exc
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    SerializationException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from blokhub.api.schemas import Output

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        commit: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.details = details or []
        self.headers = headers or {}
        # Some refusals must still persist what they did (e.g. revoking a session on refresh-token reuse).
        self.commit = commit


class BadRequest(AppError):
    status_code, code = 400, "bad_request"


class Unprocessable(AppError):
    status_code, code = 422, "validation_error"


class Unauthorized(AppError):
    status_code, code = 401, "unauthorized"


class Forbidden(AppError):
    status_code, code = 403, "forbidden"


class NotFound(AppError):
    status_code, code = 404, "not_found"


class Conflict(AppError):
    status_code, code = 409, "conflict"


class PayloadTooLarge(AppError):
    status_code, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status_code, code = 415, "unsupported_media_type"


class RateLimited(AppError):
    status_code, code = 429, "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after


class ServiceUnavailable(AppError):
    status_code, code = 503, "service_unavailable"


class ErrorBody(Output):
    """What went wrong: a stable machine ``code``, a human ``message`` and, for bad input, one detail per problem
    (an RFC 6901 ``pointer`` into the input, a ``message``, and a ``line``/``column`` where the source has one)."""

    code: str
    message: str
    details: list[dict[str, Any]]
    request_id: str | None = None


class ErrorResponse(Output):
    """Every error the API returns, whatever its status."""

    error: ErrorBody


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(content=body, status_code=status, headers=headers, media_type=MediaType.JSON)


def app_error_handler(_: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    return _response(exc.status_code, error_body(exc.code, exc.message, exc.details), exc.headers)


_KEY_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


def _pointer(key: str | None) -> str:
    """msgspec reports paths like ``$.links[0].url``; the API speaks RFC 6901 pointers (``/links/0/url``)."""
    if not key:
        return ""
    if not key.startswith("$"):
        return "/" + key
    parts = [m.group(1) or m.group(2) for m in _KEY_PART.finditer(key[1:])]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def validation_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    details: list[dict[str, Any]] = []
    for item in extra:
        if isinstance(item, dict):
            message = str(item.get("message", ""))
            key = item.get("key")
            match = re.search(r"at `(\$[^`]*)`", message)
            unknown = re.search(r"unknown field `([^`]*)`", message)
            if match:
                pointer = _pointer(match.group(1))
            elif unknown:
                pointer = _pointer("$." + unknown.group(1))
            else:
                pointer = _pointer(f"$.{key}" if key and key not in ("body", "data") else None)
            details.append({"pointer": pointer, "message": message, "source": item.get("source")})
    text = str(exc.detail)
    if "JSON is malformed" in text or "malformed" in " ".join(d["message"] for d in details).lower():
        return _response(400, error_body("invalid_json", "The request body is not valid JSON.", details))
    if any("Object contains unknown field" in d["message"] for d in details):
        return _response(
            422, error_body("unknown_field", "The body has fields this endpoint does not accept.", details)
        )
    return _response(422, error_body("validation_error", "The request does not match the expected shape.", details))


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    503: "service_unavailable",
}


def http_exception_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 400 and isinstance(exc.__cause__, SerializationException):
        return _response(400, error_body("invalid_json", f"The request body is not valid JSON: {exc.detail}."))
    if status >= 500:
        log.error("http %s: %s", status, exc.detail)
        return _response(status, error_body("internal_error", "Something went wrong on our side."))
    message = str(exc.detail)
    if status == 413:
        message = "The request body is larger than this endpoint accepts."
    if isinstance(exc, NotAuthorizedException):
        message = message or "Authentication required."
    return _response(status, error_body(_HTTP_CODES.get(status, "error"), message), exc.headers)


def recursion_handler(_: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    # Only absurdly nested input reaches the interpreter's recursion limit (e.g. a JSON body 100,000 levels deep,
    # which msgspec refuses this way); it is the client's input, so it is a 400, never a 500.
    return _response(400, error_body("too_deep", "The request body is nested too deeply.", [{"pointer": ""}]))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _response(HTTP_500_INTERNAL_SERVER_ERROR, error_body("internal_error", "Something went wrong on our side."))


def database_down_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # An outage is not a bug in the request: say so, and when to try again, rather than a bare 500.
    log.error("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    body = error_body("service_unavailable", "The database is unavailable right now; retry in a few seconds.")
    return _response(HTTP_503_SERVICE_UNAVAILABLE, body, {"Retry-After": "5"})


# What a PostgreSQL outage raises: through SQLAlchemy (refused or lost connections, a server shutting down or out
# of connections), on the bare asyncpg pool, and from the socket itself.
DATABASE_DOWN: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.ConnectionDoesNotExistError,
    ConnectionError,
)

EXCEPTION_HANDLERS: dict[Any, Any] = {
    **dict.fromkeys(DATABASE_DOWN, database_down_handler),
    AppError: app_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_exception_handler,
    RecursionError: recursion_handler,
    Exception: internal_error_handler,
}
