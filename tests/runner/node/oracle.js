// Loads workflows through Blok's published runner, exactly as its HTTP trigger does before every request:
// the file is written to <WORKFLOWS_PATH>/json/<name>.json and `Configuration.init(name, {nodes, workflows})`
// resolves every step (top-level and inside if-else branches) against the node registry.
//
// stdin:  {"registry": "<path of a nodes.js>", "nodes_path": "<NODES_PATH: where type-local nodes live>",
//          "items": [{"key": "...", "text": "<file content>", "registry"?: "...", "nodes_path"?: "..."}]}
//          (an item's own registry and nodes_path, e.g. an unpacked project's, replace the batch's)
// stdout: [{"key": "...", "ok": true, "steps": 2, "nodes": 2} | {"key": "...", "ok": false, "error": "..."}]
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Configuration, NodeMap } = require("@nanoservice-ts/runner");

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
        verdicts.push({
          key: item.key,
          ok: true,
          steps: configuration.steps.length,
          nodes: Object.keys(configuration.nodes).length,
        });
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
