// `openai`, an example node of Blok's project template, written for Blok Hub's exports after the template's contract
// (not its code): one chat completion. Inputs {system, prompt} (a string or a list of strings each), model? (default
// gpt-4o-mini). Needs OPENAI_API_KEY; OPENAI_BASE_URL points it at any OpenAI-compatible server. Answers
// {message, model, usage}. Node's own fetch: no dependency.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

const text = (value) => (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map(String).join("\n");

class OpenAI extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { system: { type: ["string", "array"] }, prompt: { type: ["string", "array"] } },
      required: ["prompt"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      const key = process.env.OPENAI_API_KEY;
      if (!key) throw new Error("OPENAI_API_KEY is not set");
      const base = (process.env.OPENAI_BASE_URL || "https://api.openai.com/v1").replace(/\/$/, "");
      const model = typeof inputs.model === "string" ? inputs.model : "gpt-4o-mini";
      const messages = [];
      if (inputs.system !== undefined) messages.push({ role: "system", content: text(inputs.system) });
      messages.push({ role: "user", content: text(inputs.prompt) });
      const answer = await fetch(`${base}/chat/completions`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model, messages }),
      });
      const body = await answer.json();
      if (!answer.ok) throw new Error(`OpenAI answered ${answer.status}: ${JSON.stringify(body).slice(0, 300)}`);
      const choice = (body.choices || [])[0] || {};
      response.setSuccess({ message: (choice.message || {}).content || "", model: body.model, usage: body.usage });
    } catch (error) {
      const nodeError = new GlobalError(`openai: ${error.message}`);
      nodeError.setCode(502);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = OpenAI;
