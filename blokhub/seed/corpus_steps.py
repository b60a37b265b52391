"""Processing steps for generated workflows: signature checks, shaping, AI calls (tasks in ``data/ai_tasks.json``),
embeddings and vector stores, caches, responses. Python runtime nodes are in :mod:`blokhub.seed.python_steps`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from blokhub.ai.service_catalogue import api
from blokhub.seed.corpus_build import Ctx, Step, bearer, call, env_ref, json_headers
from blokhub.seed.tables import load

# --- plumbing ---------------------------------------------------------------------------------------------


def verify_signature(c: Ctx) -> Step | None:
    sig = c.src.sig
    if sig is None:
        return None
    provider, header, secret = sig
    c.notes.append(f"checks the {c.src.service} signature first")
    return c.step(
        c.pick(("verify-signature", "verify-webhook", f"verify-{provider}-signature")),
        c.pick(("@community/verify-webhook", "@blokjs/webhook-signature")),
        {
            "provider": provider,
            "secret": env_ref(c, secret),
            "signatureHeader": header,
            "payload": "js/ctx.request.rawBody || JSON.stringify(ctx.request.body)",
        },
    )


def shape_rows(c: Ctx) -> Step:
    """Turn a fetched list into flat rows with the example `array-map` node; later sinks read ctx.response.data."""
    assert c.src.items is not None and c.src.map is not None
    c.rows = "js/ctx.response.data"
    return c.step(
        c.pick(("shape-rows", "map-records", "format-rows", "transform-records")),
        "array-map",
        {"array": "js/" + c.src.items, "map": c.src.map},
    )


def respond(c: Ctx, *, ok_only: bool = False) -> Step:
    if ok_only or c.chance(0.5):
        model: dict[str, object] = {"received": True}
        if c.src.kind == "hook" and c.src.row and c.src.row[0][0].endswith("id"):
            model["id"] = f"${{{c.src.row[0][1]}}}"
    else:
        model = {"ok": True, "requestId": "${ctx.id}", "processedAt": "js/new Date().toISOString()"}
    return c.step(c.pick(("respond", "response", "ack", "create-response")), "mapper", {"model": model})


def ignore_step(c: Ctx) -> Step:
    c.notes.append("ignores other event types")
    if c.chance(0.5):
        return c.step(
            c.pick(("ignore-event", "skip")), "mapper", {"model": {"ignored": True, "type": "${ctx.request.body.type}"}}
        )
    return c.step("unsupported-event", "error", {"message": "Unsupported event type"})


def cache_get(c: Ctx, key: str) -> Step:
    return c.step(
        c.pick(("check-cache", "read-cache", "get-cached")),
        "memory-storage",
        {"action": "get", "key": key},
        set_var=True,
    )


def cache_set(c: Ctx, key: str) -> Step:
    return c.step(
        c.pick(("save-cache", "write-cache", "cache-result")),
        "memory-storage",
        {"action": "set", "key": key, "value": "js/ctx.response.data"},
        set_var=True,
    )


# --- AI -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AiTask:
    key: str
    bases: tuple[str, ...]
    system: str
    title_verb: str  # "Summarise", "Classify" ... used by agent names
    todo: str  # "write a short summary" ... used by descriptions ("asks Claude to ...")
    labels: tuple[str, ...] = ()  # for classification tasks that feed an if-else


AI_TASKS: tuple[AiTask, ...] = tuple(AiTask(**t) for t in load("ai_tasks")["tasks"])
AI_BY_KEY = {t.key: t for t in AI_TASKS}

_OPENAI_MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4o-mini")
_CLAUDE_MODELS = ("claude-3-5-haiku-latest", "claude-3-5-sonnet-latest", "claude-sonnet-4-20250514")


def _ai_openai_node(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    s = c.step(base, "openai", {"system": [task.system], "prompt": ["js/" + text]}, set_var=True)
    c.env.append("OPENAI_API_KEY")
    return s, f"ctx.vars['{s['name']}']"


def _ai_openai_api(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    body = {
        "model": c.pick(_OPENAI_MODELS),
        "temperature": c.pick((0, 0.2, 0.3, 0.7)),
        "messages": [{"role": "system", "content": task.system}, {"role": "user", "content": "js/" + text}],
    }
    s = call(c, base, "POST", api("openai") + "/v1/chat/completions", bearer(c, "OPENAI_API_KEY"), body, set_var=True)
    return s, f"ctx.vars['{s['name']}'].choices[0].message.content"


def _ai_anthropic(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    c.env.append("ANTHROPIC_API_KEY")
    body = {
        "model": c.pick(_CLAUDE_MODELS),
        "max_tokens": c.pick((256, 512, 1024)),
        "system": task.system,
        "messages": [{"role": "user", "content": "js/" + text}],
    }
    s = call(
        c,
        base,
        "POST",
        "https://api.anthropic.com/v1/messages",
        {
            "x-api-key": "${ctx.env.ANTHROPIC_API_KEY}",
            "anthropic-version": "2023-06-01",
            "content-type": "application/json",
        },
        body,
        set_var=True,
    )
    return s, f"ctx.vars['{s['name']}'].content[0].text"


def _ai_community(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    if c.chance(0.5):
        s = c.step(
            base,
            "@blokjs/openai",
            {
                "apiKey": env_ref(c, "OPENAI_API_KEY"),
                "model": c.pick(_OPENAI_MODELS),
                "system": task.system,
                "prompt": "js/" + text,
            },
            set_var=True,
        )
    else:
        s = c.step(
            base,
            "@community/anthropic-claude",
            {
                "apiKey": env_ref(c, "ANTHROPIC_API_KEY"),
                "model": c.pick(_CLAUDE_MODELS),
                "system": task.system,
                "prompt": "js/" + text,
            },
            set_var=True,
        )
    return s, f"ctx.vars['{s['name']}'].text"


def _ai_mastra(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    c.env.append("OPENAI_API_KEY")
    s = c.step(
        base,
        "mastra-agent",
        {
            "name": f"{task.title_verb} agent",
            "instructions": task.system,
            "model": {"provider": "OPEN_AI", "name": "gpt-4o-mini"},
            "message": "js/" + text,
        },
        set_var=True,
    )
    return s, f"ctx.vars['{s['name']}'].text"


def _ai_gemini(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    c.env.append("GEMINI_API_KEY")
    s = call(
        c,
        base,
        "POST",
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent"
        "?key=${ctx.env.GEMINI_API_KEY}",
        json_headers(),
        {
            "systemInstruction": {"parts": [{"text": task.system}]},
            "contents": [{"role": "user", "parts": [{"text": "js/" + text}]}],
        },
        set_var=True,
    )
    return s, f"ctx.vars['{s['name']}'].candidates[0].content.parts[0].text"


def _ai_ollama(c: Ctx, base: str, task: AiTask, text: str) -> tuple[Step, str]:
    c.env.append("OLLAMA_URL")
    s = call(
        c,
        base,
        "POST",
        "${ctx.env.OLLAMA_URL}/api/generate",
        json_headers(),
        {
            "model": c.pick(("llama3.1", "mistral", "qwen2.5")),
            "system": task.system,
            "prompt": "js/" + text,
            "stream": False,
        },
        set_var=True,
    )
    return s, f"ctx.vars['{s['name']}'].response"


# (builder, provider name for titles, weight)
AI_PROVIDERS: tuple[tuple[Callable[[Ctx, str, AiTask, str], tuple[Step, str]], str], ...] = (
    (_ai_openai_node, "OpenAI"),
    (_ai_openai_node, "OpenAI"),
    (_ai_openai_api, "OpenAI"),
    (_ai_openai_api, "GPT-4o"),
    (_ai_anthropic, "Claude"),
    (_ai_anthropic, "Anthropic"),
    (_ai_community, "AI"),
    (_ai_mastra, "Mastra"),
    (_ai_gemini, "Gemini"),
    (_ai_ollama, "Ollama"),
)


def ai_step(c: Ctx, task: AiTask) -> tuple[Step, str]:
    """Run `task` over the source's main text; returns the step and the provider name (for titles)."""
    build, provider = c.pick(AI_PROVIDERS)
    step, out = build(c, c.pick(task.bases), task, c.src.text)
    c.ai_out = out
    c.notes.append(f"asks {provider if provider != 'AI' else 'an LLM'} to {task.todo}")
    if task.key in ("summarise", "digest", "reply", "translate"):
        c.msg = f"*{c.subject}*\n${{{out}}}"
    return step, provider


def embed_step(c: Ctx) -> Step:
    if c.chance(0.7):
        s = call(
            c,
            c.pick(("embed-text", "create-embedding", "embeddings")),
            "POST",
            api("openai") + "/v1/embeddings",
            bearer(c, "OPENAI_API_KEY"),
            {"model": c.pick(("text-embedding-3-small", "text-embedding-3-large")), "input": "js/" + c.src.text},
            set_var=True,
        )
        c.ai_out = f"ctx.vars['{s['name']}'].data[0].embedding"
        return s
    s = c.step(
        c.pick(("embed-text", "embeddings")),
        c.pick(("@blokjs/embeddings", "@community/cohere-embed")),
        {"apiKey": env_ref(c, "COHERE_API_KEY"), "model": "embed-english-v3.0", "texts": ["js/" + c.src.text]},
        set_var=True,
    )
    c.ai_out = f"ctx.vars['{s['name']}'].embeddings[0]"
    return s


def vector_store_step(c: Ctx, collection: str) -> tuple[Step, str]:
    vec = c.ai_out or "ctx.response.data"
    v = c.r()
    if v < 0.4:
        c.env.append("QDRANT_API_KEY")
        s = call(
            c,
            c.pick(("upsert-qdrant", "store-vector")),
            "PUT",
            f"${{ctx.env.QDRANT_URL}}/collections/{collection}/points?wait=true",
            {"api-key": "${ctx.env.QDRANT_API_KEY}", "Content-Type": "application/json"},
            {"points": f"js/[{{ id: ctx.id, vector: {vec}, payload: {{ text: {c.src.text} }} }}]"},
        )
        return s, "Qdrant"
    if v < 0.7:
        inputs = {
            "host": env_ref(c, "PG_HOST"),
            "port": 5432,
            "database": "vectors",
            "user": env_ref(c, "PG_USER"),
            "password": env_ref(c, "PG_PASSWORD"),
            "query": f"INSERT INTO {collection} (content, embedding) VALUES ($$${{{c.src.text}}}$$, "
            f"'${{JSON.stringify({vec})}}')",
        }
        return c.step(c.pick(("store-embedding", "insert-pgvector")), "postgres-query", inputs), "pgvector"
    s = c.step(
        c.pick(("upsert-pinecone", "store-vector")),
        "@community/pinecone-upsert",
        {
            "apiKey": env_ref(c, "PINECONE_API_KEY"),
            "index": collection,
            "namespace": c.src.table,
            "vectors": f"js/[{{ id: ctx.id, values: {vec} }}]",
        },
    )
    return s, "Pinecone"
