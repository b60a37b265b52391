// `error`, an example node of Blok's project template, written for Blok Hub's exports after the template's contract
// (not its code): it stops the workflow with an error. Inputs {message, code?, json?}: the HTTP trigger answers with
// status `code` (default 400) and `json` when given, else {"error": message}.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

class ErrorNode extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { message: { type: "string" }, code: { type: ["number", "string"] }, json: { type: "object" } },
      required: ["message"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    const nodeError = new GlobalError(inputs.message);
    const code = Number(inputs.code);
    nodeError.setCode(Number.isInteger(code) && code >= 400 && code <= 599 ? code : 400);
    if (inputs.json) nodeError.setJson(inputs.json);
    nodeError.setName(this.name);
    response.setError(nodeError);
    return response;
  }
}

exports.default = ErrorNode;
