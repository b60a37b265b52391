"""Signing a request as a webhook sender would, for workflows whose first step is the `verify-webhook` node the
project export ships (Blok Hub's generator writes it): the secret the runner reads from the environment and the
headers each sender puts on its call, computed here independently of the node's JavaScript."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Any

from blokhub.blok.walk import iter_steps, node_configs

TEST_SECRET = "whsec_blokhub-test-signing-secret"
# "${ctx.env.NAME}" (the generator) or "js/process.env.NAME" (the demo corpus)
_ENV = re.compile(r"(?:ctx|process)\.env\.([A-Za-z_]\w*)")


def verify_steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of the workflow's verify-webhook steps."""
    configs = node_configs(doc)
    found = []
    for ref in iter_steps(doc):
        config = configs.get(ref.name) if ref.name and ref.step.get("node") == "verify-webhook" else None
        if isinstance(config, dict) and isinstance(config.get("inputs"), dict):
            found.append(config["inputs"])
    return found


def secret_env(docs: list[dict[str, Any]]) -> dict[str, str]:
    """The environment variables the workflows' verify-webhook steps read their secret from, set to the test secret."""
    names = {m for doc in docs for inputs in verify_steps(doc) for m in _ENV.findall(str(inputs.get("secret", "")))}
    return dict.fromkeys(sorted(names), TEST_SECRET)


def _mac(text: str) -> bytes:
    return hmac.new(TEST_SECRET.encode(), text.encode(), hashlib.sha256).digest()


def signed_headers(doc: dict[str, Any], payload: str, method: str, url: str, host: str) -> dict[str, str]:
    """Headers signing ``payload`` (the body as sent) for each verify-webhook step, as its provider signs."""
    headers: dict[str, str] = {}
    for inputs in verify_steps(doc):
        provider, header = str(inputs.get("provider", "")), str(inputs.get("signatureHeader", "")).lower()
        now = int(time.time())
        if provider == "stripe":
            headers[header] = f"t={now},v1={_mac(f'{now}.{payload}').hex()}"
        elif provider == "github":
            headers[header] = f"sha256={_mac(payload).hex()}"
        elif provider == "gitlab":
            headers[header] = TEST_SECRET
        elif provider == "zendesk":
            headers["x-zendesk-webhook-signature-timestamp"] = str(now)
            headers[header] = base64.b64encode(_mac(f"{now}{payload}")).decode()
        elif provider == "hubspot":
            millis = str(now * 1000)
            headers["x-hubspot-request-timestamp"] = millis
            uri = f"https://{host}{url}"
            headers[header] = base64.b64encode(_mac(f"{method}{uri}{payload}{millis}")).decode()
        else:  # shopify and any other HMAC sender: base64 of the body's HMAC-SHA256
            headers[header] = base64.b64encode(_mac(payload)).decode()
    return headers
