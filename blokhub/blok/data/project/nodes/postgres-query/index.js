// `postgres-query`, an example node of Blok's project template, written for Blok Hub's exports after the template's
// contract (not its code): runs `query` on PostgreSQL. Inputs {host, port?, database, user, password, query,
// values?}; answers {rows, rowCount}. It needs the `pg` driver (`npm install pg`), which the project does not pin:
// it is loaded when the node first runs, so a workflow loads and its other steps run without it.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

function driver() {
  try {
    return require("pg");
  } catch {
    throw new Error("the `pg` package is not installed: run `npm install pg`");
  }
}

class PostgresQuery extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { query: { type: "string" }, values: { type: "array" } },
      required: ["query"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    let client;
    try {
      const { Client } = driver();
      client = new Client({
        host: inputs.host,
        port: Number(inputs.port || 5432),
        database: inputs.database,
        user: inputs.user,
        password: inputs.password,
      });
      await client.connect();
      const result = await client.query(inputs.query, inputs.values || []);
      response.setSuccess({ rows: result.rows, rowCount: result.rowCount });
    } catch (error) {
      const nodeError = new GlobalError(`postgres-query: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    } finally {
      if (client) await client.end().catch(() => {});
    }
    return response;
  }
}

exports.default = PostgresQuery;
