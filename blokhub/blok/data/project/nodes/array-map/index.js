// `array-map`, an example node of Blok's project template, written for Blok Hub's exports after the template's
// contract (not its code): inputs {array, map}, where `map` is a JavaScript expression evaluated once per element
// with the element as `data` (and `ctx` as the context), e.g. "{ id: data.id, total: data.amount }".
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

class ArrayMap extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { array: { type: "array" }, map: { type: "string" } },
      required: ["array", "map"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      const expression = inputs.map.startsWith("js/") ? inputs.map.slice(3) : inputs.map;
      response.setSuccess(inputs.array.map((item) => this.runJs(expression, ctx, item, ctx.func, ctx.vars)));
    } catch (error) {
      const nodeError = new GlobalError(`array-map: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = ArrayMap;
