// `base64-pdf`, an example node of Blok's project template, written for Blok Hub's exports after the template's
// contract (not its code): inputs {base64}; the workflow answers with the decoded bytes as application/pdf.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

class Base64Pdf extends NanoService {
  constructor() {
    super();
    this.contentType = "application/pdf";
    this.inputSchema = { type: "object", properties: { base64: { type: "string" } }, required: ["base64"] };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      const text = inputs.base64.replace(/^data:application\/pdf;base64,/, "");
      if (!/^[A-Za-z0-9+/=\s]+$/.test(text)) throw new Error("the input is not base64");
      response.setSuccess(Buffer.from(text, "base64"));
    } catch (error) {
      const nodeError = new GlobalError(`base64-pdf: ${error.message}`);
      nodeError.setCode(400);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = Base64Pdf;
