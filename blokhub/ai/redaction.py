"""Keep credentials out of prompts and drafts (OWASP LLM02): literal keys become environment references.

The detection is ``blokhub.blok.scan_secrets`` - the same rules that refuse secrets on publish - so a draft we
return can always be published without a secret finding.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from blokhub.blok import scan_secrets
from blokhub.blok.errors import split_pointer

_ENV_IN_HINT = re.compile(r"ctx\.env\.([A-Z0-9_]+)")
_SCHEME = re.compile(r"^\s*(Bearer|Basic|Token)\s+", re.IGNORECASE)
# Free-text credentials that the workflow scanner only catches by key name ("password": "...").
_KEYWORD_SECRET = re.compile(
    r"(?i)\b(password|passwd|api[ _-]?key|secret|token)\b(\s*(?:is|=|:)\s*)([^\s,;'\"]{8,})",
)


def redact_workflow(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``doc`` with every literal secret replaced by ``${ctx.env.NAME}``; returns the names used."""
    issues = scan_secrets(doc)
    if not issues:
        return doc, []
    fixed = copy.deepcopy(doc)
    names: list[str] = []
    for issue in issues:
        found = _ENV_IN_HINT.search(issue.message)
        env = found.group(1) if found else "API_KEY"
        parts = split_pointer(issue.pointer)
        container: Any = fixed
        for part in parts[:-1]:
            container = container[int(part)] if isinstance(container, list) else container[part]
        last: str | int = int(parts[-1]) if isinstance(container, list) else parts[-1]
        value = container[last]
        scheme = _SCHEME.match(value) if isinstance(value, str) else None
        container[last] = (scheme.group(0) if scheme else "") + f"${{ctx.env.{env}}}"
        if env not in names:
            names.append(env)
    return fixed, names


def redact_text(text: str) -> tuple[str, list[str]]:
    """``text`` with secrets replaced by ``[redacted: NAME]`` (for prompts sent to a provider and for names)."""
    names: list[str] = []

    def scrub(token: str) -> str:
        issues = scan_secrets({"value": token})
        if not issues:
            return token
        found = _ENV_IN_HINT.search(issues[0].message)
        env = found.group(1) if found else "API_KEY"
        names.append(env)
        return f"[redacted: {env}]"

    # Tokens are split on whitespace and quotes so a key inside "Bearer sk_live_..." is still seen alone.
    parts = re.split(r"(\s+|[\"'`])", text)
    out = "".join(scrub(part) if len(part) >= 8 else part for part in parts)

    def keyword(match: re.Match[str]) -> str:
        value = match.group(3)
        if value.startswith("[redacted") or value.startswith("${") or not re.search(r"\d", value):
            return match.group(0)
        names.append("SECRET")
        return f"{match.group(1)}{match.group(2)}[redacted: SECRET]"

    out = _KEYWORD_SECRET.sub(keyword, out)
    return out, list(dict.fromkeys(names))
