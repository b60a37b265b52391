"""scan_secrets(): one true positive per provider shape, no findings on fixtures or expressions.

Test tokens are assembled at run time from pieces so no complete credential-shaped literal sits in this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from blokhub.blok import parse, scan_secrets
from tests.blok.conftest import VALID, base_doc, fmt_of

ALNUM = "aB3dE5gH7jK9mN2pQ4sT6vW8yZ1cF0hJ"  # 32 characters, mixed, not a real key
HEX = "0123456789abcdef" * 2


def _tok(*parts: str) -> str:
    return "".join(parts)


# (description of where it goes, pointer, value setter, expected kind in the message)
CASES: list[tuple[str, tuple[str, ...], str, str]] = [
    (
        "aws-key-id",
        ("inputs", "aws_access_key_id"),
        _tok("AK", "IA", "Q3EGRIT2XZ7PLM4N"),
        "AWS access key id",
    ),
    (
        "aws-secret",
        ("inputs", "aws_secret_access_key"),
        _tok("Zq8mN3vB7xK2pL9wR4tY", "/hG6jF1sD5aQ0eC+uI8o"),
        "AWS secret access key",
    ),
    ("github", ("inputs", "token"), _tok("gh", "p_", ALNUM, "abcd"), "GitHub token"),
    ("github-oauth", ("inputs", "note"), _tok("use gh", "o_", ALNUM, "wxyz here"), "GitHub token"),
    (
        "github-pat",
        ("inputs", "gh"),
        _tok("github", "_pat_", "11ABCDEFG0", ALNUM),
        "GitHub fine-grained token",
    ),
    ("slack-token", ("inputs", "slack"), _tok("xo", "xb-", "1234567890-", ALNUM[:20]), "Slack token"),
    (
        "slack-webhook",
        ("inputs", "url"),
        _tok("https://hooks.", "slack.com/services/", "T0123ABCD/B0456EFGH/", ALNUM[:24]),
        "Slack webhook URL",
    ),
    ("stripe-live", ("inputs", "stripe"), _tok("sk", "_live_", ALNUM[:24]), "Stripe live secret key"),
    ("stripe-restricted", ("inputs", "stripe"), _tok("rk", "_live_", ALNUM[:24]), "Stripe restricted key"),
    ("stripe-test", ("inputs", "stripe"), _tok("sk", "_test_", ALNUM[:24]), "Stripe test secret key"),
    ("openai", ("inputs", "openai"), _tok("sk", "-", ALNUM, "T3BlbkFJ", ALNUM[:8]), "OpenAI API key"),
    ("openai-project", ("inputs", "openai"), _tok("sk", "-proj-", ALNUM, "_-", ALNUM), "OpenAI API key"),
    ("anthropic", ("inputs", "anthropic"), _tok("sk", "-ant-", "api03-", ALNUM, ALNUM), "Anthropic API key"),
    ("google", ("inputs", "maps"), _tok("AI", "za", "SyD", ALNUM), "Google API key"),
    ("sendgrid", ("inputs", "mail"), _tok("S", "G.", ALNUM[:22], ".", ALNUM, ALNUM[:11]), "SendGrid API key"),
    ("twilio-key", ("inputs", "sid"), _tok("S", "K", HEX), "Twilio API key"),
    (
        "twilio-url",
        ("inputs", "url"),
        _tok("https://", "A", "C", HEX, ":", HEX[::-1], "@api.twilio.com/x"),
        "Twilio account SID with auth token",
    ),
    (
        "jwt",
        ("inputs", "data"),
        _tok("ey", "JhbGciOiJIUzI1NiJ9", ".", "ey", "JzdWIiOiIxMjM0NTY3ODkwIn0", ".", "dozjgNryP4J3jVmNHl0w5N"),
        "JSON Web Token",
    ),
    (
        "pem",
        ("inputs", "key"),
        _tok("-----BEGIN ", "RSA PRIVATE", " KEY-----\nMIIEow...\n"),
        "PEM private key",
    ),
    (
        "bearer",
        ("inputs", "headers", "Authorization"),
        _tok("Bear", "er ", "abc123def456ghi789"),
        "literal Bearer credential in a header",
    ),
    (
        "basic",
        ("inputs", "headers", "Authorization"),
        _tok("Bas", "ic ", "dXNlcjpwYXNzd29yZA=="),
        "literal Basic credential in a header",
    ),
    (
        "url-credentials",
        ("inputs", "dsn"),
        _tok("postgres://", "admin:", "s3cr3tP4ss", "@db.internal:5432/app"),
        "password in a URL",
    ),
    (
        "api-key-entropy",
        ("inputs", "headers", "x-api-key"),
        _tok("k9", "Xq2", "Lm7Rt4Vw8Zp1"),
        "high-entropy value under",
    ),
    (
        "client-secret",
        ("inputs", "client_secret"),
        _tok("Q8", "vzK2", "mP5xR9tL3wN6"),
        "high-entropy value under",
    ),
    ("long-password", ("inputs", "password"), _tok("correct-horse-", "battery-staple"), "literal password"),
    ("complex-password", ("inputs", "db_password"), _tok("Tr0ub4", "dor&3"), "literal password"),
    ("trigger-jwt-secret", ("trigger",), _tok("Zx8", "Qw3", "Er5Ty7Ui9Op"), "high-entropy value under"),
]


def _place(doc: dict[str, Any], where: tuple[str, ...], value: str) -> str:
    if where == ("trigger",):
        doc["trigger"]["http"]["jwt_secret"] = value
        return "/trigger/http/jwt_secret"
    target = doc["nodes"]["load"]
    for key in where[:-1]:
        target = target.setdefault(key, {})
    target[where[-1]] = value
    return "/nodes/load/" + "/".join(where)


@pytest.mark.parametrize(("where", "value", "kind"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_true_positive(where: tuple[str, ...], value: str, kind: str) -> None:
    doc = base_doc()
    pointer = _place(doc, where, value)
    [issue] = scan_secrets(doc)
    assert (issue.code, issue.severity, issue.pointer) == ("secret_detected", "error", pointer)
    assert issue.message.startswith(kind)
    assert "reference it from the environment instead" in issue.message
    assert "${ctx.env." in issue.message and "js/process.env." in issue.message
    assert value not in issue.message
    secret_part = value.split()[-1] if value.startswith(("Bear", "Bas")) else value
    assert secret_part[4:12] not in issue.message  # at most the first four characters are shown


def test_stripe_message_hint_is_exact() -> None:
    doc = base_doc()
    doc["nodes"]["load"]["inputs"]["stripe"] = _tok("sk", "_live_", ALNUM[:24])
    [issue] = scan_secrets(doc)
    assert issue.message.endswith(
        'reference it from the environment instead, e.g. "${ctx.env.STRIPE_KEY}" or "js/process.env.STRIPE_KEY"'
    )
    assert '"sk_l…"' in issue.message


def test_twilio_auth_token_next_to_account_sid() -> None:
    doc = base_doc()
    doc["nodes"]["load"]["inputs"].update(account_sid=_tok("A", "C", HEX), auth=HEX[::-1])
    [issue] = scan_secrets(doc)
    assert issue.pointer == "/nodes/load/inputs/auth" and issue.message.startswith("Twilio auth token")


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_no_findings_on_valid_fixtures(path: Path) -> None:
    assert scan_secrets(parse(path.read_bytes(), fmt_of(path)).document) == []


@pytest.mark.parametrize(
    "value",
    [
        "${ctx.env.STRIPE_KEY}",
        "js/process.env.STRIPE_KEY",
        "js/`Bearer ${process.env.API_TOKEN}`",
        "Bearer ${ctx.request.headers.token}",
        "js/ctx.vars.token",
        _tok("${ctx.env.X}", "sk", "_live_", ALNUM[:24]),  # anything with an expression is left alone
        "ctx.env.OPENAI_API_KEY",
    ],
)
def test_expressions_are_never_secrets(value: str) -> None:
    doc = base_doc()
    doc["nodes"]["load"]["inputs"].update(token=value, password=value, headers={"Authorization": value})
    assert scan_secrets(doc) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("password", "example"),
        ("password", "postgres"),
        ("password", "changeme"),
        ("token", "YOUR_API_TOKEN"),
        ("api_key", "<your api key>"),
        ("secret", "xxxxxxxxxxxxxxxxxxxx"),
        ("Authorization", "Bearer <token>"),
        ("cache_key", "aB3dE5gH7jK9mN2pQ4sT"),
        ("max_tokens", "4096"),
        ("token", "short1"),
        ("description", "uses scikit sk-learn-pipeline-classifier-model"),
        ("url", "https://user@example.com/x"),
        ("dsn", "postgres://user:password@localhost/db"),
    ],
)
def test_placeholders_and_ordinary_values_are_not_flagged(key: str, value: str) -> None:
    doc = base_doc()
    doc["nodes"]["load"]["inputs"][key] = value
    assert scan_secrets(doc) == []
