"""AI workflow generation (domain only: no web, no database).

``generate(request, llm=...)`` drafts with an OpenAI-compatible model and repairs its answer, falling back to
``generate_offline`` - a deterministic rule-based composer - so a valid draft (or a GenerationError) always
comes back. ``create_llm_client(settings)`` builds the one client per process (None without an API key).
"""

from blokhub.ai.breaker import CircuitBreaker
from blokhub.ai.client import Completion, LLMClient, LLMConfig, create_llm_client
from blokhub.ai.generate import Search, TextSink, generate
from blokhub.ai.llm_errors import LLMError, LLMUnavailable
from blokhub.ai.offline import generate_offline
from blokhub.ai.ranker import KeywordNodeRanker, NodeQuery, NodeRanker
from blokhub.ai.schemas import (
    GenerationError,
    GenerationRequest,
    GenerationResult,
    GroundingExample,
    NodeInfo,
    Usage,
)

__all__ = [
    "CircuitBreaker",
    "Completion",
    "GenerationError",
    "GenerationRequest",
    "GenerationResult",
    "GroundingExample",
    "KeywordNodeRanker",
    "LLMClient",
    "LLMConfig",
    "LLMError",
    "LLMUnavailable",
    "NodeInfo",
    "NodeQuery",
    "NodeRanker",
    "Search",
    "TextSink",
    "Usage",
    "create_llm_client",
    "generate",
    "generate_offline",
]
