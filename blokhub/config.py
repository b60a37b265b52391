"""One settings object for the whole process.

Every option comes from an environment variable with a default that works on a laptop with nothing installed.
Setting a URL (``DATABASE_URL``, ``REDIS_URL``, ``MEILISEARCH_URL``, ``QDRANT_URL``) switches that one component
from its embedded engine to the external server. Nothing else in the code base reads ``os.environ``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw is not None else default
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = _env(name)
    return default if raw is None else [part.strip() for part in raw.split(",") if part.strip()]


# Maps each setting to the environment variable it is read from; docker-compose.yml is checked against this.
ENV_VARS: dict[str, str] = {
    "data_dir": "BLOKHUB_DATA_DIR",
    "host": "BLOKHUB_HOST",
    "port": "BLOKHUB_PORT",
    "secret_key": "BLOKHUB_SECRET_KEY",
    "jwt_issuer": "BLOKHUB_JWT_ISSUER",
    "jwt_audience": "BLOKHUB_JWT_AUDIENCE",
    "access_token_ttl": "BLOKHUB_ACCESS_TOKEN_TTL",
    "refresh_token_ttl": "BLOKHUB_REFRESH_TOKEN_TTL",
    "cors_origins": "BLOKHUB_CORS_ORIGINS",
    "trusted_proxies": "BLOKHUB_TRUSTED_PROXIES",
    "max_body_bytes": "BLOKHUB_MAX_BODY_BYTES",
    "log_level": "BLOKHUB_LOG_LEVEL",
    "log_json": "BLOKHUB_LOG_JSON",
    "in_process_worker": "BLOKHUB_IN_PROCESS_WORKER",
    "seed_on_empty": "BLOKHUB_SEED_ON_EMPTY",
    "login_attempts_per_account_ip": "BLOKHUB_LOGIN_ATTEMPTS_PER_ACCOUNT_IP",
    "login_attempts_per_ip": "BLOKHUB_LOGIN_ATTEMPTS_PER_IP",
    "login_window_seconds": "BLOKHUB_LOGIN_WINDOW_SECONDS",
    "database_url": "DATABASE_URL",
    "database_pool_size": "BLOKHUB_DATABASE_POOL_SIZE",
    "redis_url": "REDIS_URL",
    "meilisearch_url": "MEILISEARCH_URL",
    "meilisearch_key": "MEILISEARCH_KEY",
    "embedding_precision": "BLOKHUB_EMBEDDING_PRECISION",
    "qdrant_url": "QDRANT_URL",
    "qdrant_api_key": "QDRANT_API_KEY",
    "openai_api_key": "OPENAI_API_KEY",
    "openai_base_url": "OPENAI_BASE_URL",
    "openai_model": "OPENAI_MODEL",
    "ai_daily_requests": "BLOKHUB_AI_DAILY_REQUESTS",
    "ai_daily_tokens": "BLOKHUB_AI_DAILY_TOKENS",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Process settings. Build with :func:`get_settings` (cached) or :meth:`from_env`."""

    data_dir: Path = field(default=Path(".blokhub"), metadata={"doc": "Where embedded engines keep their data."})
    host: str = field(default="127.0.0.1", metadata={"doc": "Interface the API listens on."})
    port: int = field(default=8000, metadata={"doc": "Port the API listens on."})
    secret_key: str | None = field(
        default=None,
        metadata={"doc": "HS256 signing key for JWTs; generated once into the data dir when unset."},
    )
    jwt_issuer: str = field(default="blokhub", metadata={"doc": "`iss` claim written and required."})
    jwt_audience: str = field(default="blokhub-api", metadata={"doc": "`aud` claim written and required."})
    access_token_ttl: int = field(default=15 * 60, metadata={"doc": "Access token lifetime, seconds."})
    refresh_token_ttl: int = field(default=30 * 24 * 3600, metadata={"doc": "Refresh token lifetime, seconds."})
    cors_origins: list[str] = field(default_factory=list, metadata={"doc": "Allowed CORS origins (comma list)."})
    trusted_proxies: list[str] = field(
        default_factory=list,
        metadata={"doc": "Proxies (IPs or CIDRs, comma list) whose X-Forwarded-For is believed; none by default."},
    )
    max_body_bytes: int = field(default=1024 * 1024, metadata={"doc": "Request body limit in bytes (413 above)."})
    log_level: str = field(default="INFO", metadata={"doc": "Log level."})
    log_json: bool = field(default=False, metadata={"doc": "Log as JSON lines instead of console text."})
    in_process_worker: bool = field(
        default=True, metadata={"doc": "Run the arq worker inside `serve` (required with embedded engines)."}
    )
    seed_on_empty: int = field(
        default=300, metadata={"doc": "`serve` seeds this many demo workflows into an empty database (0: off)."}
    )
    login_attempts_per_account_ip: int = field(
        default=5, metadata={"doc": "Failed logins allowed per account and IP in the window."}
    )
    login_attempts_per_ip: int = field(
        default=30, metadata={"doc": "Failed logins allowed per IP (any account) in the window."}
    )
    login_window_seconds: int = field(default=15 * 60, metadata={"doc": "Login rate-limit window, seconds."})
    database_url: str | None = field(
        default=None, metadata={"doc": "PostgreSQL URL; embedded PostgreSQL in the data dir when unset."}
    )
    database_pool_size: int = field(default=10, metadata={"doc": "SQLAlchemy pool size per process."})
    redis_url: str | None = field(
        default=None, metadata={"doc": "Redis URL; embedded redis-server in the data dir when unset."}
    )
    meilisearch_url: str | None = field(default=None, metadata={"doc": "Meilisearch URL (tantivy when unset)."})
    meilisearch_key: str | None = field(default=None, metadata={"doc": "Meilisearch API key."})
    embedding_precision: str = field(
        default="auto",
        metadata={
            "doc": "Embedding arithmetic: `bf16` (bfloat16 autocast), `fp32`, or `auto` (bf16 on CPUs with native bf16)."
        },
    )
    qdrant_url: str | None = field(default=None, metadata={"doc": "Qdrant URL (Qdrant Edge when unset)."})
    qdrant_api_key: str | None = field(default=None, metadata={"doc": "Qdrant API key."})
    openai_api_key: str | None = field(default=None, metadata={"doc": "OpenAI key (offline generator when unset)."})
    openai_base_url: str | None = field(default=None, metadata={"doc": "OpenAI-compatible base URL."})
    openai_model: str = field(default="gpt-4o-mini", metadata={"doc": "Chat model for generation."})
    ai_daily_requests: int = field(default=200, metadata={"doc": "Generation requests per user per day (429 above)."})
    ai_daily_tokens: int = field(default=200_000, metadata={"doc": "LLM tokens per user per day (429 above)."})

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            var = ENV_VARS[f.name]
            current = getattr(defaults, f.name)
            if isinstance(current, bool):
                values[f.name] = _env_bool(var, current)
            elif isinstance(current, int):
                values[f.name] = _env_int(var, current)
            elif isinstance(current, list):
                values[f.name] = _env_list(var, current)
            elif isinstance(current, Path):
                values[f.name] = Path(_env(var, str(current)) or str(current))
            else:
                values[f.name] = _env(var, current)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if values["embedding_precision"] not in ("auto", "fp32", "bf16"):
            raise SystemExit(
                f"BLOKHUB_EMBEDDING_PRECISION must be auto, fp32 or bf16, got {values['embedding_precision']!r}"
            )
        values["data_dir"] = Path(values["data_dir"]).expanduser().resolve()
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    @property
    def embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
