"""Placeholder (replaced below)."""

from __future__ import annotations

from typing import Any

from blokhub.ai.catalogue import NodePicker
from blokhub.ai.guard import CheckedPrompt


def edit_workflow(
    current: dict[str, Any], checked: CheckedPrompt, picker: NodePicker
) -> tuple[dict[str, Any], list[str]]:
    raise NotImplementedError
