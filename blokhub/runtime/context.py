"""The context every arq job and outbox handler receives."""

from __future__ import annotations

from typing import TypedDict

from blokhub.runtime.resources import Resources


class JobContext(TypedDict, total=False):
    """arq's job context: ours is ``resources`` (the process's clients); arq adds ``redis``, ``job_id`` and the like,
    which no job of ours reads. Jobs unpack the narrow dependencies they use from ``resources`` and pass only those
    down to features and engines."""

    resources: Resources
