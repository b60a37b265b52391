// `s3`, a local node Blok Hub's AI generator writes (archiving a JSON copy in a bucket), implemented for Blok Hub's
// exports: puts one object in S3, or reads it back when there is no `body`. Inputs {bucket, key, body?,
// contentType?, region? (else AWS_REGION)}; credentials come from the environment as the AWS SDK finds them.
// Answers {bucket, key, etag} for a put and {bucket, key, body} for a get. It needs `@aws-sdk/client-s3`
// (`npm install @aws-sdk/client-s3`), which the project does not pin: it is loaded when the node first runs, so a
// workflow loads and its other steps run without it.
"use strict";

// Marked as an ES module's default export, so the runner's loader finds the class both as a registered module and as
// a `type: local` node under NODES_PATH (it reads `.default` of what it imports).
Object.defineProperty(exports, "__esModule", { value: true });

const { NanoService, NanoServiceResponse } = require("@nanoservice-ts/runner");
const { GlobalError } = require("@nanoservice-ts/shared");

function driver() {
  try {
    return require("@aws-sdk/client-s3");
  } catch {
    throw new Error("the `@aws-sdk/client-s3` package is not installed: run `npm install @aws-sdk/client-s3`");
  }
}

class S3Node extends NanoService {
  constructor() {
    super();
    this.inputSchema = {
      type: "object",
      properties: { bucket: { type: "string" }, key: { type: "string" } },
      required: ["bucket", "key"],
    };
  }

  async handle(ctx, inputs) {
    const response = new NanoServiceResponse();
    try {
      const { S3Client, PutObjectCommand, GetObjectCommand } = driver();
      const region = inputs.region && inputs.region !== "undefined" ? inputs.region : process.env.AWS_REGION;
      const client = new S3Client(region ? { region } : {});
      const target = { Bucket: inputs.bucket, Key: inputs.key };
      if (inputs.body === undefined) {
        const result = await client.send(new GetObjectCommand(target));
        response.setSuccess({ bucket: inputs.bucket, key: inputs.key, body: await result.Body.transformToString() });
      } else {
        const body = typeof inputs.body === "string" ? inputs.body : JSON.stringify(inputs.body);
        const put = { ...target, Body: body, ContentType: inputs.contentType || "application/octet-stream" };
        const result = await client.send(new PutObjectCommand(put));
        response.setSuccess({ bucket: inputs.bucket, key: inputs.key, etag: result.ETag });
      }
    } catch (error) {
      const nodeError = new GlobalError(`s3: ${error.message}`);
      nodeError.setCode(500);
      nodeError.setName(this.name);
      response.setError(nodeError);
    }
    return response;
  }
}

exports.default = S3Node;
