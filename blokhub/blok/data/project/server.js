// A minimal HTTP trigger for Blok workflows, after Blok's own (triggers/http/src/runner/HttpTrigger.ts): the first
// URL segment names the workflow file (workflows/json/<name>.json), the rest of the path must match the workflow's
// trigger.http.path, and the workflow is loaded through the runner's Configuration.init on every request, so edits
// apply without a restart. Node's own http module stands in for Express to keep the project's dependencies to the
// published runner and nodes.
"use strict";

const http = require("node:http");
const path = require("node:path");
const { randomUUID } = require("node:crypto");
const { NodeMap, TriggerBase } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

const root = __dirname;
process.env.WORKFLOWS_PATH = process.env.WORKFLOWS_PATH || path.join(root, "workflows");
process.env.NODES_PATH = process.env.NODES_PATH || path.join(root, "nodes");

const registry = require(process.env.NODE_REGISTRY || path.join(root, "nodes.js"));

function globalOptions() {
  const nodes = new NodeMap();
  for (const key of Object.keys(registry)) nodes.addNode(key, registry[key]);
  return { nodes, workflows: {} };
}

// Blok's path patterns: "/:id" and "/:id?" parameters, "*" wildcards.
function validateRoute(pattern, actual) {
  if (!pattern || !actual) return false;
  const regex = pattern
    .replace(/\/:\w+\?/g, "(?:/([^/]+)?)?")
    .replace(/\/:\w+/g, "/([^/]+)")
    .replace(/\*/g, ".*");
  return new RegExp(`^${regex}$`).test(actual);
}

function routeParams(pattern, actual) {
  const params = {};
  const names = (pattern.match(/:(\w+)/g) || []).map((n) => n.substring(1));
  if (names.length === 0) return params;
  const match = actual.match(new RegExp(`^${pattern.replace(/:\w+\??/g, "([^\\/]+)")}$`));
  if (match) {
    names.forEach((name, i) => {
      params[name] = match[i + 1];
    });
  } else {
    const parts = actual.split("/");
    // An optional parameter the request leaves out stays undefined, as in Blok's Express trigger.
    pattern.split("/").forEach((name, i) => {
      if (name.startsWith(":") && parts[i]) params[name.replace(":", "").replace("?", "")] = parts[i];
    });
  }
  return params;
}

function parseBody(text, contentType) {
  if (!text) return {};
  if ((contentType || "").includes("application/json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if ((contentType || "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return text;
}

class HttpTrigger extends TriggerBase {}

function send(res, status, contentType, data) {
  const body = typeof data === "string" || Buffer.isBuffer(data) ? data : JSON.stringify(data);
  res.writeHead(status, { "Content-Type": contentType });
  res.end(body);
}

async function handle(req, res, rawBody) {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/health-check") return send(res, 200, "text/plain", "Online and ready for action");
  const segments = url.pathname.split("/");
  const workflowName = decodeURIComponent(segments[1] || "");
  const rest = `/${segments.slice(2).join("/")}`;
  const id = url.searchParams.get("requestId") || randomUUID();
  const trigger = new HttpTrigger();
  try {
    await trigger.configuration.init(workflowName, globalOptions());
    const httpTrigger = (trigger.configuration.trigger || {}).http;
    if (!httpTrigger) throw new Error("The workflow has no http trigger");
    const { method, path: pattern } = httpTrigger;
    if (method && method !== "*" && req.method.toLowerCase() !== method.toLowerCase()) {
      throw new Error("Invalid HTTP method");
    }
    if (!validateRoute(pattern, rest)) throw new Error("Invalid HTTP path");
    let ctx = trigger.createContext(undefined, workflowName, id);
    ctx.request = {
      method: req.method,
      path: rest,
      url: req.url,
      headers: req.headers,
      query: Object.fromEntries(url.searchParams),
      params: routeParams(pattern, rest),
      body: parseBody(rawBody, req.headers["content-type"]),
      rawBody, // the body as sent: webhook signatures are computed over these exact bytes
    };
    ctx = (await trigger.run(ctx)).ctx;
    send(res, 200, ctx.response.contentType || "application/json", ctx.response.data);
  } catch (e) {
    if (e instanceof GlobalError) {
      const code = e.context.code || 500;
      if (e.hasJson()) return send(res, code, "application/json", e.context.json);
      return send(res, code, "application/json", { error: e.message });
    }
    send(res, 500, "application/json", { error: e.message });
  }
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    handle(req, res, Buffer.concat(chunks).toString("utf8")).catch((e) => send(res, 500, "application/json", { error: e.message }));
  });
});

const port = Number(process.env.PORT || 4000);
server.listen(port, process.env.HOST || "127.0.0.1", () => {
  console.log(`Blok workflows served at http://${process.env.HOST || "127.0.0.1"}:${port}/<workflow name>`);
});
