// `redis`, a local node Blok Hub's AI generator writes (caching a record, reading it back), implemented for Blok
// Hub's exports: one Redis command. Inputs {url (else REDIS_URL), command: GET | SET | DEL | another command, key,
// value?, ttl? (seconds, with SET), args? (more arguments)}. Answers {key, value} (a GET's value parsed when it is
// JSON). It needs the `ioredis` driver (`npm install ioredis`), which the project does not pin: it is loaded when
// the node first runs, so a workflow loads and its other steps run without it.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

function driver() {
  try {
    return require("ioredis");
  } catch {
    throw new Error("the `ioredis` package is not installed: run `npm install ioredis`");
  }
}

function parsed(value) {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

async function command(client, inputs) {
  const name = String(inputs.command || "GET").toUpperCase();
  const key = String(inputs.key);
  const value = typeof inputs.value === "string" ? inputs.value : JSON.stringify(inputs.value);
  if (name === "GET") return parsed(await client.get(key));
  if (name === "SET") {
    return inputs.ttl ? await client.set(key, value, "EX", Number(inputs.ttl)) : await client.set(key, value);
  }
  if (name === "DEL") return await client.del(key);
  const args = Array.isArray(inputs.args) ? inputs.args : inputs.value !== undefined ? [value] : [];
  return await client.call(name, key, ...args);
}

class RedisNode extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { command: { type: "string" }, key: { type: "string" } },
      required: ["key"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    let client;
    try {
      const module = driver();
      const Redis = module.default || module;
      const url = inputs.url && inputs.url !== "undefined" ? inputs.url : process.env.REDIS_URL;
      if (!url) throw new Error("REDIS_URL is not set");
      client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await client.connect();
      response.setSuccess({ key: inputs.key, value: await command(client, inputs) });
    } catch (error) {
      const nodeError = new GlobalError(`redis: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    } finally {
      if (client) client.disconnect();
    }
    return response;
  }
}

exports.default = RedisNode;
