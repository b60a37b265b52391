"""The runner suite: skipped (with the reason) where Blok's runner is not installed; `make test` installs it."""

from __future__ import annotations

import pytest

from tests.runner.oracle import unavailable


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = unavailable()
    if reason is None:
        return
    for item in items:
        if "tests/runner/" in item.nodeid:
            item.add_marker(pytest.mark.skip(reason=reason))
