"""A stand-in "model" for the fake OpenAI-compatible server: it answers like a well-behaved model would.

It asks the search tool once when tools are offered, then answers the envelope ({"explanation", "workflow"})
with the offline generator's draft for the request and current draft it finds in the user message, and breaks
every fifth first answer (no steps) so the validator's repair round runs too. It measures the protocol path:
json_schema, tool calls, streaming, repairs; not a model's judgement.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from blokhub.ai import GenerationRequest, generate_offline
from tests.ai.fake_openai import Behaviour, reply, tool_calls

_REQUEST = re.compile(r"<request>\n(.*)\n</request>", re.DOTALL)
_CURRENT = re.compile(r"<current>\n(.*?)\n</current>", re.DOTALL)


def offline_model(break_every: int = 5) -> Callable[[dict[str, Any]], Behaviour]:
    def respond(request: dict[str, Any]) -> Behaviour:
        messages = request["messages"]
        user = next(m["content"] for m in messages if m["role"] == "user")
        prompt = _REQUEST.search(user)
        text = prompt.group(1) if prompt else user
        if request.get("tools") and not any(m["role"] == "tool" for m in messages):
            return tool_calls(("search_workflows", {"query": text[:200]}))
        current_match = _CURRENT.search(user)
        current = json.loads(current_match.group(1)) if current_match else None
        result = generate_offline(GenerationRequest(prompt=text, current=current))
        workflow = result.workflow
        first_answer = not any(m["role"] == "assistant" and m.get("content") for m in messages)
        if first_answer and int(hashlib.sha256(text.encode()).hexdigest(), 16) % break_every == 0:
            workflow = {**workflow, "steps": []}  # a broken first answer: the repair round must fix it
        return reply(json.dumps({"explanation": result.explanation, "workflow": workflow}))

    return respond
