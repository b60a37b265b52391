"""One step as the composer builds it, and the context that builders read (what the data looks like so far)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API_CALL = "@nanoservice-ts/api-call"
IF_ELSE = "@nanoservice-ts/if-else"
JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(slots=True)
class StepDraft:
    base: str  # kebab-case step name before de-duplication
    node: str
    inputs: dict[str, Any]
    type: str = "module"
    # Side-effect steps keep ctx.response untouched (set_var), so every later step still sees the source data.
    set_var: bool = False
    note: str = ""  # a clause for the explanation: "posts the message to Slack"
    env: tuple[str, ...] = ()  # environment variables the step reads
    service: str | None = None  # service key, so follow-up edits can find the step again


@dataclass(slots=True)
class StepContext:
    """What the next step can refer to. Every expression is JavaScript, evaluated by the Blok runner."""

    record: str  # the current record, e.g. "ctx.request.body" or "ctx.response.data"
    message: str  # a one-line text with ${} placeholders, for chat/e-mail/SMS sinks
    subject: str  # a short subject line with ${} placeholders
    table: str  # snake_case table / collection / sheet name derived from the prompt
    many: bool = False  # the record is a list (rows fetched by a source)
    api_node: str = API_CALL  # the api-call node of the catalogue's era
    python: bool = False  # the prompt asked for the Python runtime: HTTP calls use runtime.python3 api_call
    channel: str = "#general"
    city: tuple[str, float, float] = ("Berlin", 52.52, 13.41)
    cities: list[tuple[str, float, float]] = field(default_factory=list)  # when the prompt names several
    delete: bool = False  # a DELETE endpoint: database steps remove the record instead of saving it
    env_used: list[str] = field(default_factory=list)
    hint: str = ""  # the prompt, lower-cased, for builders that pick a variant ("pull requests" vs issues)
    said: str = ""  # the prompt as written, for values whose case matters (currency codes, bucket and tab names)
    recipients: list[str] = field(default_factory=list)  # e-mail addresses the user gave (else from the environment)
    phone: str | None = None
    project: str | None = None  # a Jira project key the user gave  # the phone number the user gave for text messages


def env(ctx: StepContext, name: str) -> str:
    """A credential is always read at run time, never written into the workflow."""
    if name not in ctx.env_used:
        ctx.env_used.append(name)
    return f"${{ctx.env.{name}}}"


def bearer(ctx: StepContext, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env(ctx, name)}", "Content-Type": "application/json"}


def api_call(
    ctx: StepContext,
    base: str,
    method: str,
    url: str,
    headers: dict[str, str],
    body: Any = None,
    *,
    note: str,
    service: str | None,
    set_var: bool = True,
) -> StepDraft:
    inputs: dict[str, Any] = {"url": url, "method": method, "headers": headers}
    if body is not None:
        inputs["body"] = body
    inputs["responseType"] = "application/json"
    if ctx.python:
        return StepDraft(base, "api_call", inputs, "runtime.python3", set_var, note, service=service)
    return StepDraft(base, ctx.api_node, inputs, "module", set_var, note, service=service)


def text_of(expression: str) -> str:
    """A JS expression that renders any value as text (objects would otherwise print as [object Object])."""
    return f"typeof {expression} === 'string' ? {expression} : JSON.stringify({expression})"


def payload(ctx: StepContext) -> str:
    return "js/" + ctx.record


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
