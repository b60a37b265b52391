// The node registry: the key a workflow step names in `node` (type "module") -> a node instance, as in Blok's
// triggers/http/src/Nodes.ts. These are the runner's built-in nodes; register other npm or template nodes here.
"use strict";

const ApiCall = require("@nanoservice-ts/api-call").default;
const IfElse = require("@nanoservice-ts/if-else").default;

module.exports = {
  "@nanoservice-ts/api-call": new ApiCall(),
  "@nanoservice-ts/if-else": new IfElse(),
};
