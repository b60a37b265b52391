// `mongo-query`, an example node of Blok's project template, written for Blok Hub's exports after the template's
// contract (not its code): one MongoDB operation on `collection` in the database of MONGODB_URI (or inputs.uri).
// Inputs: {collection} plus `data` (insert; with `id`: update that document), `id` alone (find one), or
// `filter`/`sort`/`limit`/`skip` (find many). It needs the `mongodb` driver (`npm install mongodb`), which the
// project does not pin: it is loaded when the node first runs, so a workflow loads without it.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

function driver() {
  try {
    return require("mongodb");
  } catch {
    throw new Error("the `mongodb` package is not installed: run `npm install mongodb`");
  }
}

async function operate(collection, inputs, ObjectId) {
  const byId = inputs.id !== undefined ? { _id: ObjectId.isValid(inputs.id) ? new ObjectId(inputs.id) : inputs.id } : null;
  if (inputs.data !== undefined && byId) {
    const result = await collection.updateOne(byId, { $set: inputs.data });
    return { matched: result.matchedCount, modified: result.modifiedCount };
  }
  if (inputs.data !== undefined) {
    const result = await collection.insertOne({ ...inputs.data });
    return { insertedId: String(result.insertedId) };
  }
  if (byId) return (await collection.findOne(byId)) || {};
  let cursor = collection.find(inputs.filter || {});
  if (inputs.sort) cursor = cursor.sort(inputs.sort);
  if (inputs.skip) cursor = cursor.skip(Number(inputs.skip));
  cursor = cursor.limit(Number(inputs.limit || 100));
  return await cursor.toArray();
}

class MongoQuery extends NanoService {
  constructor() {
    super();
    this.inputSchema = { type: "object", properties: { collection: { type: "string" } }, required: ["collection"] };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    let client;
    try {
      const { MongoClient, ObjectId } = driver();
      const uri = inputs.uri || process.env.MONGODB_URI;
      if (!uri) throw new Error("MONGODB_URI is not set");
      client = new MongoClient(uri);
      await client.connect();
      response.setSuccess(await operate(client.db().collection(inputs.collection), inputs, ObjectId));
    } catch (error) {
      const nodeError = new GlobalError(`mongo-query: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    } finally {
      if (client) await client.close().catch(() => {});
    }
    return response;
  }
}

exports.default = MongoQuery;
