// `memory-storage`, an example node of Blok's project template, written for Blok Hub's exports after the template's
// contract (not its code): a key-value store in the server's memory (gone on restart; one process only).
// Inputs {action: "set" | "get" | "get-all" | "delete" | "clear", key?, value?}.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

// One store per process, shared by every workflow and request (the runner clones node instances per request).
const store = new Map();

class MemoryStorage extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: {
        action: { type: "string", enum: ["set", "get", "get-all", "delete", "clear"] },
        key: { type: ["string", "number"] },
      },
      required: ["action"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      const key = inputs.key === undefined ? undefined : String(inputs.key);
      if (["set", "get", "delete"].includes(inputs.action) && !key) throw new Error(`'${inputs.action}' needs a key`);
      switch (inputs.action) {
        case "set":
          store.set(key, inputs.value === undefined ? null : inputs.value);
          response.setSuccess({ key, value: store.get(key) });
          break;
        case "get":
          response.setSuccess({ key, value: store.has(key) ? store.get(key) : null });
          break;
        case "get-all":
          response.setSuccess(Object.fromEntries(store));
          break;
        case "delete":
          response.setSuccess({ key, deleted: store.delete(key) });
          break;
        default:
          store.clear();
          response.setSuccess({ cleared: true });
      }
    } catch (error) {
      const nodeError = new GlobalError(`memory-storage: ${error.message}`);
      nodeError.setCode(400);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = MemoryStorage;
