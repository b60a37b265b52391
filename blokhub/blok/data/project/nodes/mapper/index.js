// `mapper`, an example node of Blok's project template, written for Blok Hub's exports after the template's contract
// (not its code): inputs {model: object}. The runner has already evaluated every `${...}` and `js/...` string in the
// model against the context, so the node answers with the model as it stands.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

class Mapper extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { model: { type: ["object", "array"] } },
      required: ["model"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      response.setSuccess(inputs.model);
    } catch (error) {
      const nodeError = new GlobalError(error.message);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = Mapper;
