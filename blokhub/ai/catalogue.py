"""Using the caller's node catalogue: the api-call/if-else package of the community's era, and service nodes.

A catalogue node replaces a built-in step only when we can fill its typical input keys from what the built-in
step already knows (URL, message, credentials as environment references); a node we cannot configure would
produce a draft that validates but does nothing useful.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from blokhub.ai.ranker import KeywordNodeRanker, NodeQuery, NodeRanker
from blokhub.ai.schemas import NodeInfo
from blokhub.ai.service_catalogue import BY_KEY
from blokhub.ai.step_draft import API_CALL, IF_ELSE, StepContext, StepDraft, env

_GENERIC = frozenset({"mapper", "array-map", "error", "memory-storage"})
_TOKEN_KEYS = re.compile(r"^(?:token|apikey|accesstoken|bottoken|authtoken|apitoken|secret|key|auth|password|pass)$")
_TEXT_KEYS = frozenset({"text", "message", "content", "msg", "markdown", "html", "body"})


def _norm(key: str) -> str:
    return re.sub(r"[^a-z]", "", key.lower())


class NodePicker:
    def __init__(self, catalogue: Sequence[NodeInfo], ranker: NodeRanker | None = None) -> None:
        self.catalogue = [node for node in catalogue if node.name not in _GENERIC]
        self.ranker = ranker or KeywordNodeRanker()
        self.api_node = self._era_node("api-call", API_CALL)
        self.if_else_node = self._era_node("if-else", IF_ELSE)

    def _era_node(self, suffix: str, default: str) -> str:
        """The most used package of this kind, so drafts match the node scope the community runs."""
        candidates = [n for n in self.catalogue if n.type == "module" and n.name.endswith(("/" + suffix, suffix))]
        if not candidates:
            return default
        return sorted(candidates, key=lambda n: (-n.count, n.name))[0].name

    def refine(self, draft: StepDraft, role: str, ctx: StepContext) -> StepDraft:
        """The draft, or a catalogue node for the same service with its inputs filled in."""
        if (
            not self.catalogue
            or role == "event"
            or draft.service is None
            or draft.service not in BY_KEY
            or draft.type != "module"
        ):
            return draft
        service = BY_KEY[draft.service]
        query = NodeQuery(
            service.keywords[:1] if service.key != "database" else ("postgres",), role, tuple(draft.inputs)
        )
        for node, _score in self.ranker.rank(query, self.catalogue, limit=3):
            if node.name == draft.node or node.type != "module" or node.name.endswith(("api-call", "if-else")):
                return draft
            inputs = fill_inputs(node, draft, ctx)
            if inputs is not None:
                return StepDraft(
                    draft.base, node.name, inputs, "module", draft.set_var, draft.note, service=draft.service
                )
        return draft


def fill_inputs(node: NodeInfo, draft: StepDraft, ctx: StepContext) -> dict[str, Any] | None:
    """Inputs for ``node``'s typical keys, or None when fewer than half of them (or none) can be filled."""
    if not node.input_keys:
        return None
    service = (draft.service or "api").upper()
    known = {_norm(key): value for key, value in draft.inputs.items()}
    raw_body = draft.inputs.get("body")
    body: dict[str, Any] = raw_body if isinstance(raw_body, dict) else {}
    known.update({_norm(key): value for key, value in body.items() if _norm(key) not in known})
    filled: dict[str, Any] = {}
    for key in node.input_keys:
        value = _value_for(_norm(key), known, ctx, service)
        if value is not None:
            filled[key] = value
    return filled if filled and len(filled) * 2 >= len(node.input_keys) else None


# (keys, what to put there); checked in order after the values the built-in step already has
_FILLERS: tuple[tuple[frozenset[str], Any], ...] = (
    (frozenset({"webhookurl", "webhook", "hookurl"}), lambda ctx, svc: env(ctx, f"{svc}_WEBHOOK_URL")),
    (frozenset({"channel", "channelid", "room"}), lambda ctx, svc: ctx.channel),
    (_TEXT_KEYS, lambda ctx, svc: ctx.message),
    (frozenset({"subject", "title", "summary"}), lambda ctx, svc: ctx.subject),
    (
        frozenset({"to", "recipient", "email", "phone", "chatid", "recipients"}),
        lambda ctx, svc: env(ctx, f"{svc}_RECIPIENT"),
    ),
    (frozenset({"from", "sender"}), lambda ctx, svc: env(ctx, f"{svc}_SENDER")),
    (frozenset({"connectionstring", "uri", "databaseurl", "dsn", "url"}), lambda ctx, svc: env(ctx, f"{svc}_URL")),
    (frozenset({"collection", "table", "tablename", "index"}), lambda ctx, svc: ctx.table),
    (
        frozenset({"data", "document", "record", "row", "value", "payload", "item", "values", "input", "fields"}),
        lambda ctx, svc: "js/" + ctx.record,
    ),
)
_ENV_KEYS = frozenset({"bucket", "region", "host", "user", "database", "project", "workspace", "domain", "instance"})


def _value_for(key: str, known: dict[str, Any], ctx: StepContext, service: str) -> Any:
    if key in known and key not in ("headers", "responsetype"):
        return known[key]
    if _TOKEN_KEYS.match(key) or key.endswith(("token", "apikey", "secret")):
        return env(ctx, f"{service}_TOKEN" if "token" in key else f"{service}_API_KEY")
    for keys, make in _FILLERS:
        if key in keys:
            return make(ctx, service)
    if key in _ENV_KEYS:
        return env(ctx, f"{service}_{key.upper()}")
    return None
