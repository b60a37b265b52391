"""Title and description templates for the demo corpus (``data/texts.json``, formatted with `str.format`).

Titles are keyed by the category of the main destination (hook, poll, AI) or by job; ``REPORTS`` maps a polled
source key to the name of its report; ``LEADS`` open a description, ``SETUP`` and ``EXTRAS`` finish it.
"""

from __future__ import annotations

from blokhub.seed.tables import load

_TEXTS = load("texts")
HOOK_TITLES: dict[str, tuple[str, ...]] = _TEXTS["hook_titles"]
POLL_TITLES: dict[str, tuple[str, ...]] = _TEXTS["poll_titles"]
AI_TITLES: dict[str, tuple[str, ...]] = _TEXTS["ai_titles"]
REPORT_TITLES: tuple[str, ...] = _TEXTS["report_titles"]
EMAIL_REPORT_TITLES: tuple[str, ...] = _TEXTS["email_report_titles"]
PDF_REPORT_TITLES: tuple[str, ...] = _TEXTS["pdf_report_titles"]
REPORTS: dict[str, str] = _TEXTS["reports"]
MANUAL_TITLES: dict[str, tuple[str, ...]] = _TEXTS["manual_titles"]
LEADS: dict[str, tuple[str, ...]] = _TEXTS["leads"]
SETUP: tuple[str, ...] = _TEXTS["setup"]
EXTRAS: tuple[str, ...] = _TEXTS["extras"]
SHORT_DESCRIPTIONS: tuple[str, ...] = _TEXTS["short_descriptions"]
