// Loads workflows through Blok's published runner, exactly as its HTTP trigger does before every request:
// the file is written to <WORKFLOWS_PATH>/json/<name>.json and `Configuration.init(name, {nodes, workflows})`
// resolves every step (top-level and inside if-else branches) against the node registry.
//
// stdin:  {"registry": "<path of a nodes.js>", "nodes_path": "<NODES_PATH: where type-local nodes live>",
//          "items": [{"key": "...", "text": "<file content>", "registry"?: "...", "nodes_path"?: "..."}]}
//          (an item's own registry and nodes_path, e.g. an unpacked project's, replace the batch's)
// stdout: [{"key": "...", "ok": true, "steps": 2, "nodes": 2} | {"key": "...", "ok": false, "error": "..."}]
//
// With "fire": true each workflow that loads is also run once, as a trigger without a request (a schedule, a manual
// start) would run it: TriggerBase.createContext, an empty request, TriggerBase.run. The verdict then carries
// "ran": true and "reply" (ctx.response.data), or "ran": false and "run_error".
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const util = require("node:util");
const { Configuration, NodeMap, TriggerBase } = require("@nanoservice-ts/runner");

// stdout carries the verdicts only: what the runner and nodes print while running goes to stderr.
for (const level of ["log", "info", "warn", "debug"]) {
  console[level] = (...args) => process.stderr.write(`${util.format(...args)}\n`);
}

class OnceTrigger extends TriggerBase {}

async function fire(name, nodes, id) {
  const trigger = new OnceTrigger();
  await trigger.configuration.init(name, { nodes, workflows: {} });
  let ctx = trigger.createContext(undefined, name, id);
  ctx.request = { method: "POST", path: "/", url: "/", headers: {}, query: {}, params: {}, body: {} };
  ctx = (await trigger.run(ctx)).ctx;
  const data = ctx.response.data;
  return Buffer.isBuffer(data) ? { base64: data.toString("base64") } : data;
}

async function main() {
  const request = JSON.parse(fs.readFileSync(0, "utf8"));
  const maps = new Map();
  const nodeMap = (file) => {
    if (!maps.has(file)) {
      const registry = require(path.resolve(file));
      const nodes = new NodeMap();
      for (const key of Object.keys(registry)) nodes.addNode(key, registry[key]);
      maps.set(file, nodes);
    }
    return maps.get(file);
  };
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "blok-oracle-"));
  fs.mkdirSync(path.join(root, "json"));
  process.env.WORKFLOWS_PATH = root;
  const verdicts = [];
  try {
    for (const [index, item] of request.items.entries()) {
      const name = `w${index}`;
      fs.writeFileSync(path.join(root, "json", `${name}.json`), item.text);
      const configuration = new Configuration();
      process.env.NODES_PATH = item.nodes_path || request.nodes_path || path.join(root, "nodes");
      try {
        const nodes = nodeMap(item.registry || request.registry);
        await configuration.init(name, { nodes, workflows: {} });
        const verdict = {
          key: item.key,
          ok: true,
          steps: configuration.steps.length,
          nodes: Object.keys(configuration.nodes).length,
        };
        if (request.fire) {
          try {
            verdict.reply = await fire(name, nodes, item.key);
            verdict.ran = true;
          } catch (e) {
            verdict.ran = false;
            verdict.run_error = String((e && e.message) || e);
          }
        }
        verdicts.push(verdict);
      } catch (e) {
        verdicts.push({ key: item.key, ok: false, error: String((e && e.message) || e) });
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(verdicts));
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e));
  process.exit(1);
});
