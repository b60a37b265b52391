"""Python runtime nodes in generated workflows: sentiment, PDFs, text clean-up, aggregates, spreadsheets, forecasts."""

from __future__ import annotations

from collections.abc import Callable

from blokhub.seed.corpus_build import PY, Ctx, Step


def py_sentiment(c: Ctx) -> Step:
    c.notes.append("scores the sentiment in a Python step")
    return c.step(
        c.pick(("generate-sentiment", "score-sentiment", "sentiment")),
        "generate-sentiment",
        {
            "id": "${ctx.id}",
            "title": c.subject,
            "comment": "js/" + c.src.text,
            "sentiment": "auto",
            "createdAt": "js/new Date().toISOString()",
        },
        kind=PY,
        set_var=True,
    )


def py_pdf(c: Ctx, title: str) -> Step:
    c.notes.append("renders a PDF with the Python runtime")
    return c.step(
        c.pick(("generate-pdf", "render-pdf", "build-report")),
        "generate-pdf",
        {"title": title, "sales_data": "js/ctx.response.data"},
        kind=PY,
    )


def py_misc(c: Ctx, rows: bool | None = None) -> Step:
    """One of the plausible community Python nodes: text helpers for a record, table helpers for a list."""
    if rows is None:
        rows = c.rows is not None or c.src.many
    return c.pick(_PY_ROWS)(c) if rows else c.pick(_PY_TEXT)(c)


def _py_language(c: Ctx) -> Step:
    c.notes.append("detects the language in a Python step")
    return c.step("detect-language", "detect-language", {"text": "js/" + c.src.text}, kind=PY, set_var=True)


def _py_markdown(c: Ctx) -> Step:
    c.notes.append("cleans the text up in Python")
    return c.step(
        c.pick(("clean-text", "html-to-markdown")),
        "html-to-markdown",
        {"html": "js/" + c.src.text},
        kind=PY,
        set_var=True,
    )


def _py_pii(c: Ctx) -> Step:
    c.notes.append("redacts personal data with a Python node")
    return c.step(
        c.pick(("redact-pii", "scrub-pii")),
        "redact-pii",
        {"text": "js/" + c.src.text, "entities": ["EMAIL", "PHONE", "CREDIT_CARD"]},
        kind=PY,
        set_var=True,
    )


def _py_chunk(c: Ctx) -> Step:
    c.notes.append("chunks the text with a Python node")
    return c.step(
        "chunk-text",
        "text-chunker",
        {"text": "js/" + c.src.text, "chunk_size": 800, "overlap": 100},
        kind=PY,
        set_var=True,
    )


def _py_aggregate(c: Ctx) -> Step:
    c.notes.append("aggregates the rows with pandas")
    return c.step(
        c.pick(("aggregate", "pandas-summary", "summarise-rows")),
        "pandas-aggregate",
        {
            "rows": c.rows or "js/ctx.response.data",
            "group_by": c.pick(("currency", "status", "plan", "day")),
            "metrics": {"total": "sum", "id": "count"},
        },
        kind=PY,
    )


def _py_xlsx(c: Ctx) -> Step:
    c.notes.append("exports an Excel file via Python")
    return c.step(
        "export-xlsx", "xlsx-export", {"rows": c.rows or "js/ctx.response.data", "sheet_name": c.src.table}, kind=PY
    )


def _py_forecast(c: Ctx) -> Step:
    c.notes.append("forecasts the next 30 days in Python")
    return c.step(
        c.pick(("forecast", "forecast-trend")),
        "forecast-prophet",
        {"series": c.rows or "js/ctx.response.data", "periods": 30, "frequency": "D"},
        kind=PY,
    )


def _py_csv(c: Ctx) -> Step:
    c.notes.append("writes a CSV with a Python node")
    return c.step(
        c.pick(("to-csv", "export-csv")),
        "csv-export",
        {"rows": c.rows or "js/ctx.response.data", "delimiter": c.pick((",", ";"))},
        kind=PY,
    )


_PY_TEXT: tuple[Callable[[Ctx], Step], ...] = (_py_language, _py_markdown, _py_pii, _py_chunk)
_PY_ROWS: tuple[Callable[[Ctx], Step], ...] = (_py_aggregate, _py_xlsx, _py_forecast, _py_csv, _py_aggregate)
