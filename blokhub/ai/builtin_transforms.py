"""AI and document steps that turn the current record into something new (a summary, a label, a PDF)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from blokhub.ai.step_draft import StepContext, StepDraft, text_of


@dataclass(frozen=True, slots=True)
class AiTask:
    key: str
    verb: str  # for the explanation: "summarises"
    system: str
    pattern: str


AI_TASKS: tuple[AiTask, ...] = (
    AiTask(
        "classify",
        "classifies",
        "Classify the message as exactly one of: urgent, bug, question, feature-request, spam. Reply with the label only.",
        r"\b(?:classif\w*|categori[sz]\w*|triage|label|tag it|urgent)\b",
    ),
    AiTask(
        "translate",
        "translates",
        "Translate the text to English. Keep names, numbers and formatting unchanged.",
        r"\btranslat\w*\b",
    ),
    AiTask(
        "sentiment",
        "scores the sentiment of",
        "Rate the sentiment of the text as positive, neutral or negative. Reply with the word only.",
        r"\bsentiment\b",
    ),
    AiTask(
        "extract",
        "extracts the key fields from",
        "Extract name, company, budget and intent from the text. Reply with compact JSON only.",
        r"\bextract\w*\b",
    ),
    AiTask(
        "summarise",
        "summarises",
        "You summarise data for a busy team. Reply with at most three short bullet points.",
        r".",
    ),
)


def ai_task(text: str) -> AiTask:
    return next(task for task in AI_TASKS if re.search(task.pattern, text))


def openai_step(ctx: StepContext, name: str, task: AiTask) -> tuple[StepDraft, str]:
    """The example `openai` node (OPENAI_API_KEY from the environment); returns the step and its output path."""
    source = ctx.record if not ctx.many else f"{ctx.record}.slice(0, 50)"
    inputs = {"system": [task.system], "prompt": [f"js/{text_of(source)}"]}
    if "OPENAI_API_KEY" not in ctx.env_used:
        ctx.env_used.append("OPENAI_API_KEY")
    step = StepDraft(name, "openai", inputs, set_var=True, note=f"{task.verb} it with OpenAI", service="openai")
    return step, f"ctx.vars['{name}']"


def pdf_step(ctx: StepContext, name: str) -> StepDraft:
    """The Python runtime's `generate-pdf` node: a title and rows in, `pdf_base64` out."""
    rows = ctx.record if ctx.many else f"[{ctx.record}]"
    inputs = {"title": ctx.subject, "sales_data": f"js/{rows}"}
    return StepDraft(
        name,
        "generate-pdf",
        inputs,
        type="runtime.python3",
        note="renders a PDF report (Python runtime)",
        service="pdf",
    )
