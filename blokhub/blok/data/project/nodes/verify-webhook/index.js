// `verify-webhook`, a local node Blok Hub's AI generator writes as a webhook workflow's first step, implemented for
// Blok Hub's exports: checks the sender's signature on the raw request body and stops the run with 401 when it does
// not match. Inputs {provider, secret, signatureHeader, payload}: `secret` is the signing secret (the generator
// reads it from the environment), `payload` the exact body that was signed (server.js keeps it as
// ctx.request.rawBody). Answers {verified: true, provider}. Only node's crypto: nothing to install.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const crypto = require("node:crypto");
const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

const hmac = (secret, text, encoding) => crypto.createHmac("sha256", secret).update(text, "utf8").digest(encoding);

// Compares two strings in constant time: hashing both first gives equal-length buffers whatever they hold.
function same(a, b) {
  const digest = (s) => crypto.createHash("sha256").update(String(s)).digest();
  return crypto.timingSafeEqual(digest(a), digest(b));
}

const header = (request, name) => {
  const value = (request.headers || {})[String(name || "").toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

// provider -> (signature header value, secret, signed payload, request) -> whether it is the sender's signature
const CHECKS = {
  // "t=<unix seconds>,v1=<hex>[,v1=...]" over "<t>.<payload>", within a 5-minute tolerance against replays.
  stripe(signature, secret, payload) {
    const parts = signature.split(",").map((p) => p.trim().split("="));
    const t = (parts.find(([k]) => k === "t") || [])[1];
    if (!t || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
    const expected = hmac(secret, `${t}.${payload}`, "hex");
    return parts.filter(([k]) => k === "v1").some(([, v]) => same(v, expected));
  },
  github: (signature, secret, payload) => same(signature, `sha256=${hmac(secret, payload, "hex")}`),
  shopify: (signature, secret, payload) => same(signature, hmac(secret, payload, "base64")),
  gitlab: (signature, secret) => same(signature, secret), // GitLab sends the token itself
  zendesk: (signature, secret, payload, request) =>
    same(signature, hmac(secret, `${header(request, "x-zendesk-webhook-signature-timestamp") || ""}${payload}`, "base64")),
  // v3: method + the URL HubSpot called + body + timestamp (milliseconds, at most 5 minutes old).
  hubspot(signature, secret, payload, request) {
    const timestamp = header(request, "x-hubspot-request-timestamp");
    if (!timestamp || Math.abs(Date.now() - Number(timestamp)) > 300000) return false;
    const uri = `https://${header(request, "host") || ""}${request.url || ""}`;
    return same(signature, hmac(secret, `${request.method}${uri}${payload}${timestamp}`, "base64"));
  },
};

// Any other sender: an HMAC-SHA256 of the body, hex (optionally "sha256="-prefixed) or base64.
function generic(signature, secret, payload) {
  const bare = signature.replace(/^sha256=/, "");
  return same(bare, hmac(secret, payload, "hex")) || same(bare, hmac(secret, payload, "base64"));
}

function fail(name, code, message) {
  const error = new GlobalError(`verify-webhook: ${message}`);
  error.setCode(code);
  error.setName(name);
  return error;
}

class VerifyWebhook extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { provider: { type: "string" }, signatureHeader: { type: "string" } },
      required: ["signatureHeader"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    const provider = String(inputs.provider || "").toLowerCase();
    const secret = inputs.secret === undefined || inputs.secret === null ? "" : String(inputs.secret);
    if (!secret || secret === "undefined") {
      response.setError(fail(this.name, 500, `no signing secret for ${provider || "the sender"} (set its environment variable)`));
      return response;
    }
    if (provider === "paypal") {
      // PayPal signs with its certificate and verifies through its own API, not a shared secret.
      response.setError(fail(this.name, 501, "PayPal signatures are checked with PayPal's verify-webhook-signature API, not by this node"));
      return response;
    }
    const request = ctx.request || {};
    const signature = header(request, inputs.signatureHeader);
    let payload = inputs.payload;
    if (payload === undefined || payload === null) payload = request.rawBody || "";
    if (typeof payload !== "string") payload = JSON.stringify(payload);
    const check = CHECKS[provider] || generic;
    if (!signature || !check(String(signature), secret, payload, request)) {
      response.setError(fail(this.name, 401, `the ${provider || "webhook"} signature (${inputs.signatureHeader}) does not match`));
      return response;
    }
    response.setSuccess({ verified: true, provider });
    return response;
  }
}

exports.default = VerifyWebhook;
