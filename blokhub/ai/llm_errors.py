"""How provider failures are told apart: which are worth a retry, and which say the provider is unwell."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Literal

import openai

ErrorKind = Literal[
    "rate_limited", "server_error", "timeout", "connection", "auth", "bad_request", "unavailable", "stream"
]
_RETRYABLE = frozenset({"rate_limited", "server_error", "timeout", "connection"})


class LLMError(Exception):
    def __init__(
        self, kind: ErrorKind, message: str, *, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.retry_after = retry_after
        self.status = status

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE

    @property
    def provider_fault(self) -> bool:
        """Counts toward the circuit breaker: the provider (or our access to it) is failing, not our request."""
        return self.kind != "bad_request"


class LLMUnavailable(LLMError):
    """The circuit breaker is open: no call was made."""

    def __init__(self) -> None:
        super().__init__("unavailable", "the LLM provider is skipped for now after repeated failures")


def retry_after_seconds(headers: object) -> float | None:
    """Seconds from Retry-After / retry-after-ms (number or HTTP date), or None."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    raw_ms = get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def classify(exc: Exception) -> LLMError | None:
    """The LLMError for a provider exception, or None when it is not a provider failure (a bug: re-raise)."""
    if isinstance(exc, LLMError):
        return exc
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return LLMError("timeout", "the LLM provider did not answer in time")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError("connection", "could not reach the LLM provider")
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        after = retry_after_seconds(exc.response.headers)
        if status == 429:
            return LLMError("rate_limited", "the LLM provider is rate limiting us", retry_after=after, status=status)
        if status >= 500:
            return LLMError("server_error", f"the LLM provider failed ({status})", retry_after=after, status=status)
        if status in (401, 403):
            return LLMError("auth", f"the LLM provider refused our credentials ({status})", status=status)
        if status in (404,):
            return LLMError("auth", "the configured model or endpoint does not exist (404)", status=status)
        return LLMError("bad_request", f"the LLM provider rejected the request ({status})", status=status)
    if isinstance(exc, openai.OpenAIError):
        # e.g. a response that does not match the API's shape: the server is not behaving, so retry then give up
        return LLMError("server_error", f"the LLM provider answered something unusable: {type(exc).__name__}")
    return None
