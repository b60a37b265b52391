from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from blokhub.config import ENV_VARS, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_variable_the_compose_file_sets_is_a_setting() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    ours = {name: svc for name, svc in compose["services"].items() if svc.get("build")}
    assert set(ours) == {"api", "worker"}
    known = set(ENV_VARS.values())
    for name, service in ours.items():
        env = service["environment"]
        assert env, name
        unknown = set(env) - known
        assert not unknown, f"{name} sets variables Blok Hub does not read: {unknown}"
    # The scaled topology points every component at its server.
    assert {"DATABASE_URL", "REDIS_URL", "MEILISEARCH_URL", "QDRANT_URL"} <= set(ours["worker"]["environment"])


def test_env_var_table_covers_every_setting() -> None:
    assert set(ENV_VARS) == set(Settings.__dataclass_fields__)


def test_settings_read_the_environment(monkeypatch: object) -> None:

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.setenv("BLOKHUB_PORT", "9123")
    mp.setenv("BLOKHUB_CORS_ORIGINS", "https://a.example, https://b.example")
    mp.setenv("BLOKHUB_IN_PROCESS_WORKER", "false")
    mp.setenv("REDIS_URL", "redis://example:6379/0")
    s = Settings.from_env()
    assert s.port == 9123 and s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.in_process_worker is False and s.redis_url == "redis://example:6379/0" and not s.embedded_redis
    mp.setenv("BLOKHUB_PORT", "not-a-number")
    try:
        Settings.from_env()
        raise AssertionError("a bad integer must be refused")
    except SystemExit as exc:
        assert "BLOKHUB_PORT" in str(exc)


def test_unknown_embedding_precision_stops_with_the_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOKHUB_EMBEDDING_PRECISION", "fp8")
    with pytest.raises(SystemExit, match="BLOKHUB_EMBEDDING_PRECISION must be auto, fp32 or bf16"):
        Settings.from_env()
