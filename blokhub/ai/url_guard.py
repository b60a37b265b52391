"""Refuse addresses inside our own network in generated workflows (SSRF by proxy, OWASP LLM05).

Generated workflows are never run here, but people run them next to their own services: a draft that calls
http://169.254.169.254/ or a 10.x host is an attack on whoever deploys it. Hosts built from expressions
(``https://${ctx.env.SHOP}.myshopify.com``) are left alone: their value is the deployer's choice.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from blokhub.blok.errors import Issue, join_pointer, split_pointer
from blokhub.blok.walk import iter_strings

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,15}://(?:[^\s/@]*@)?(\[[^\]\s]+\]|[^\s/:?#'\"`]+)")
_HOST_KEYS = frozenset({"host", "hostname", "server", "endpoint", "baseurl", "address"})
_INTERNAL_NAMES = ("localhost", "metadata", "metadata.google.internal", "instance-data", "kubernetes.default")
_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".svc", ".cluster.local")


def internal_host(host: str) -> bool:
    """True for loopback, private, link-local, metadata and other non-public hosts (incl. odd IP spellings)."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host or "${" in host or host.startswith("js/"):
        return False
    if host in _INTERNAL_NAMES or host.endswith(_INTERNAL_SUFFIXES):
        return True
    address = _as_ip(host)
    if address is None:
        return False
    return not address.is_global or address.is_multicast


def _as_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    # inet_aton spellings that browsers and curl accept: 2130706433, 0x7f000001, 0177.0.0.1, 127.1
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    try:
        numbers = [
            int(part, 0) if not (part.startswith("0") and part[1:].isdigit()) else int(part, 8) for part in parts
        ]
    except ValueError:
        return None
    if any(n < 0 for n in numbers):
        return None
    value = 0
    for index, number in enumerate(numbers[:-1]):
        if number > 255:
            return None
        value |= number << (8 * (3 - index))
    if numbers[-1] >= 1 << (8 * (5 - len(parts))):
        return None
    return ipaddress.IPv4Address(value | numbers[-1])


def hosts_in(text: str) -> Iterator[str]:
    for match in _URL.finditer(text):
        yield match.group(1)


def internal_address_issues(doc: Any) -> list[Issue]:
    """One issue per string that names an internal host, in a URL or as a bare ``host`` input."""
    issues: list[Issue] = []
    for parent, token, key, text in iter_strings(doc, ""):
        candidates = list(hosts_in(text))
        normalised_key = re.sub(r"[^a-z]", "", (key or "").lower())
        if normalised_key in _HOST_KEYS and "://" not in text:
            candidates.append(text.split(":")[0] if text.count(":") == 1 else text)
        bad = next((host for host in candidates if internal_host(host)), None)
        if bad is not None:
            issues.append(
                Issue(
                    "internal_address",
                    f"{bad!r} is a loopback, private, link-local or metadata address; generated workflows may only "
                    "call public hosts (use an environment reference such as ${ctx.env.API_BASE_URL} instead)",
                    join_pointer(parent, token),
                )
            )
    return issues


def internal_hosts_in_text(text: str) -> list[str]:
    """Internal hosts named in free text (a prompt): URLs plus bare IP literals and 'localhost'."""
    found = [host for host in hosts_in(text) if internal_host(host)]
    for word in re.findall(r"(?<![\w.])(?:\d{1,3}(?:\.\d{1,3}){3}|localhost)(?![\w.])", text, flags=re.IGNORECASE):
        if internal_host(word) and word not in found:
            found.append(word)
    return found


def replace_internal_addresses(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of ``doc`` where internal hosts become environment references; returns the variable names.

    Used on drafts people bring to an edit (many real workflows say ``host: "localhost"`` for a dev database):
    the deployer sets the variable to whatever their network needs, and the draft we hand back stays clean.
    """
    issues = internal_address_issues(doc)
    if not issues:
        return doc, []
    fixed = copy.deepcopy(doc)
    names: list[str] = []
    for issue in issues:
        parts = split_pointer(issue.pointer)
        container: Any = fixed
        for part in parts[:-1]:
            container = container[int(part)] if isinstance(container, list) else container[part]
        last: str | int = int(parts[-1]) if isinstance(container, list) else parts[-1]
        owner = parts[1] if len(parts) > 1 and parts[0] == "nodes" else "SERVICE"
        prefix = re.sub(r"[^A-Z0-9]+", "_", owner.upper()).strip("_") or "SERVICE"
        value = str(container[last])
        match = _URL.search(value)
        if match is not None:
            name = f"{prefix}_BASE_URL"
            rest = re.sub(r"^:\d+", "", value[match.end() :])  # the port goes with the host
            container[last] = value[: match.start()] + f"${{ctx.env.{name}}}" + rest
        else:
            name = f"{prefix}_HOST"
            container[last] = f"${{ctx.env.{name}}}"
        if name not in names:
            names.append(name)
    return fixed, names
