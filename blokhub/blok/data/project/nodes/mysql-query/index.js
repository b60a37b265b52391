// `mysql-query`, a local node Blok Hub's AI generator writes (reading or saving rows in MySQL), implemented for Blok
// Hub's exports: runs `query` on MySQL. Inputs {host, port?, database, user, password, query, values?}; answers
// {data: rows, rowCount} for a read (the generator's next steps read `data`) and {data: [], rowCount, insertId}
// for a write. It needs the `mysql2` driver (`npm install mysql2`), which the project does not pin: it is loaded
// when the node first runs, so a workflow loads and its other steps run without it.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

function driver() {
  try {
    return require("mysql2/promise");
  } catch {
    throw new Error("the `mysql2` package is not installed: run `npm install mysql2`");
  }
}

class MysqlQuery extends NanoService {
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
    let connection;
    try {
      connection = await driver().createConnection({
        host: inputs.host,
        port: Number(inputs.port || 3306),
        database: inputs.database,
        user: inputs.user,
        password: inputs.password,
      });
      const [result] = await connection.query(inputs.query, inputs.values || []);
      response.setSuccess(
        Array.isArray(result)
          ? { data: result, rowCount: result.length }
          : { data: [], rowCount: result.affectedRows, insertId: result.insertId },
      );
    } catch (error) {
      const nodeError = new GlobalError(`mysql-query: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    } finally {
      if (connection) await connection.end().catch(() => {});
    }
    return response;
  }
}

exports.default = MysqlQuery;
