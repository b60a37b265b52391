"""scan_secrets(): find credentials written literally into a workflow.

Published workflows are public, so a literal key is a leak. Expressions are never secrets: strings containing
``${``, starting with ``js/`` or mentioning ``process.env`` / ``ctx.env`` read the value at run time. Each
string yields at most one finding, from the most specific rule that matches; messages show at most four
characters of it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from blokhub.blok.errors import Issue, join_pointer
from blokhub.blok.walk import iter_strings

# (group name, description, environment variable suggested in the hint, pattern)
_PROVIDERS: tuple[tuple[str, str, str, str], ...] = (
    ("pem", "PEM private key", "PRIVATE_KEY", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    ("aws", "AWS access key id", "AWS_ACCESS_KEY_ID", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("github", "GitHub token", "GITHUB_TOKEN", r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    ("github_pat", "GitHub fine-grained token", "GITHUB_TOKEN", r"\bgithub_pat_[A-Za-z0-9_]{22,}"),
    (
        "slack_hook",
        "Slack webhook URL",
        "SLACK_WEBHOOK_URL",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,}",
    ),
    ("slack", "Slack token", "SLACK_TOKEN", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("stripe_live", "Stripe live secret key", "STRIPE_KEY", r"\bsk_live_[0-9A-Za-z]{16,}"),
    ("stripe_restricted", "Stripe restricted key", "STRIPE_KEY", r"\brk_live_[0-9A-Za-z]{16,}"),
    ("stripe_test", "Stripe test secret key", "STRIPE_KEY", r"\bsk_test_[0-9A-Za-z]{16,}"),
    ("anthropic", "Anthropic API key", "ANTHROPIC_API_KEY", r"\bsk-ant-[A-Za-z0-9_-]{32,}"),
    (
        "openai",
        "OpenAI API key",
        "OPENAI_API_KEY",
        r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{32,}(?![A-Za-z0-9_-])",
    ),
    ("google", "Google API key", "GOOGLE_API_KEY", r"\bAIza[0-9A-Za-z_-]{35}"),
    ("sendgrid", "SendGrid API key", "SENDGRID_API_KEY", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    ("twilio_key", "Twilio API key", "TWILIO_API_KEY", r"\bSK[0-9a-fA-F]{32}\b"),
    (
        "jwt",
        "JSON Web Token",
        "API_TOKEN",
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
    ),
)
_PROVIDER_RE = re.compile("|".join(f"(?P<{group}>{pattern})" for group, _, _, pattern in _PROVIDERS))
_PROVIDER_INFO = {group: (kind, env) for group, kind, env, _ in _PROVIDERS}
_TWILIO_SID = re.compile(r"\bAC[0-9a-fA-F]{32}\b")
_HEX32 = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32}(?![0-9A-Za-z])")
_URL_CREDENTIALS = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://([^\s/:@]+):([^\s/@]+)@")
_AUTH_SCHEME = re.compile(r"^\s*(Bearer|Basic|Token)\s+(\S+)\s*$", re.IGNORECASE)
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_PLACEHOLDER = re.compile(
    r"(?:x+|\*+|\.+|-+|_+|#+|0+|<[^>]*>|\{[^}]*\}|\[[^\]]*\]|(?:your|my|insert|enter|replace|put)[-_ ].*"
    r"|change[-_ ]?me|example|sample|placeholder|redacted|dummy|fake|test|secret|password|pass|token|none"
    r"|null|undefined|todo|tbd)",
    re.IGNORECASE,
)
_ENV_NAME = re.compile(r"[A-Z]+(?:_[A-Z]+)+")
_PASSWORD_KEYS = ("password", "passwd", "pwd", "pass", "passphrase")
_TOKEN_KEYS = frozenset(
    {
        "authorization",
        "apikey",
        "xapikey",
        "token",
        "secret",
        "accesstoken",
        "clientsecret",
        "authtoken",
        "refreshtoken",
        "privatekey",
        "secretkey",
        "jwtsecret",
        "apitoken",
        "bearertoken",
        "sessiontoken",
        "accesskey",
        "apisecret",
        "signingkey",
    }
)
_HINT = 'reference it from the environment instead, e.g. "${{ctx.env.{env}}}" or "js/process.env.{env}"'


def scan_secrets(doc: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    for parent, token, key, text in iter_strings(doc, ""):
        if _is_expression(text):
            continue
        found = _classify(text, key or "", parent)
        if found is None and _HEX32.fullmatch(text.strip()) and _has_twilio_sid(doc, parent):
            found = ("Twilio auth token", "TWILIO_AUTH_TOKEN", text.strip())
        if found is not None:
            kind, env, secret = found
            message = f'{kind} ("{secret[:4]}…") is written into the workflow; ' + _HINT.format(env=env)
            issues.append(Issue("secret_detected", message, join_pointer(parent, token)))
    return issues


def _is_expression(text: str) -> bool:
    return "${" in text or text.startswith("js/") or "process.env" in text or "ctx.env" in text


def _classify(text: str, key: str, parent: str) -> tuple[str, str, str] | None:
    match = _PROVIDER_RE.search(text) if len(text) >= 8 else None
    if match is not None and match.lastgroup is not None:
        kind, env = _PROVIDER_INFO[match.lastgroup]
        return kind, env, match.group()
    sid = _TWILIO_SID.search(text)
    if sid is not None and _HEX32.search(text.replace(sid.group(), "")):
        return "Twilio account SID with auth token", "TWILIO_AUTH_TOKEN", sid.group()
    credentials = _URL_CREDENTIALS.search(text)
    if credentials is not None and not _placeholder(credentials.group(2)):
        return "password in a URL", "DATABASE_URL", credentials.group(2)
    normalised = re.sub(r"[^a-z0-9]", "", key.lower())
    if parent.endswith("/headers") or normalised in ("authorization", "proxyauthorization"):
        scheme = _AUTH_SCHEME.match(text)
        if scheme is not None and len(scheme.group(2)) >= 8 and not _placeholder(scheme.group(2)):
            return (
                f"literal {scheme.group(1).capitalize()} credential in a header",
                "API_TOKEN",
                scheme.group(2),
            )
    return _by_key(text, normalised, key)


def _by_key(text: str, key: str, original: str) -> tuple[str, str, str] | None:
    value = text.strip()
    if not value or _placeholder(value):
        return None
    if "aws" in key and ("secret" in key or key.endswith("key")) and _AWS_SECRET.fullmatch(value):
        return "AWS secret access key", "AWS_SECRET_ACCESS_KEY", value
    if key.startswith(_PASSWORD_KEYS) or key.endswith(_PASSWORD_KEYS[:3]):
        if len(value) >= 16 or (len(value) >= 8 and entropy(value) >= 2.5 and _char_classes(value) >= 3):
            return "literal password", "DB_PASSWORD", value
        return None
    if key in _TOKEN_KEYS or key.endswith(("token", "secret", "apikey")):
        scheme = _AUTH_SCHEME.match(value)
        candidate = scheme.group(2) if scheme else value
        if _looks_random(candidate):
            return f"high-entropy value under {original!r}", "API_KEY", candidate
    return None


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _char_classes(text: str) -> int:
    return sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )


def _looks_random(value: str) -> bool:
    if len(value) < 16 or any(c.isspace() for c in value) or _placeholder(value):
        return False
    score = entropy(value)
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return score >= 4.0 or (score >= 3.0 and has_digit and has_alpha)


def _placeholder(value: str) -> bool:
    return _PLACEHOLDER.fullmatch(value) is not None or _ENV_NAME.fullmatch(value) is not None


def _has_twilio_sid(doc: dict[str, Any], parent: str) -> bool:
    container: Any = doc
    for part in parent.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(container, dict):
            container = container.get(part)
        elif isinstance(container, list) and part.isdigit() and int(part) < len(container):
            container = container[int(part)]
        else:
            return False
    if not isinstance(container, dict):
        return False
    return any(isinstance(v, str) and _TWILIO_SID.fullmatch(v.strip()) for v in container.values())
