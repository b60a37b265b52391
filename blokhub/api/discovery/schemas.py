from __future__ import annotations

from blokhub.api.schemas import Output
from blokhub.api.workflows.schemas import WorkflowSummary


class Recommendation(Output):
    workflow: WorkflowSummary
    score: float
    reason: str


class RecommendationList(Output):
    items: list[Recommendation]
