// Validates each rendered Kubernetes object against the API's schemas
// (kubernetes-models: types, formats, required fields, enumerations). Reads
// a JSON array of objects (kubectl kustomize's output, converted) and
// prints a line per object: "PASS Kind/name" or "FAIL Kind/name: errors".
// The schemas allow fields they do not name; the invariants (invariants.js)
// read the fields that matter, so a misspelt one fails there.
"use strict";
const fs = require("fs");

const objects = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
// kustomize folds a long Secret value's base64 over lines; the API server
// decodes it with the line breaks skipped, and so is it checked here.
for (const object of objects)
  if (object.kind === "Secret" && object.data)
    for (const key of Object.keys(object.data)) object.data[key] = object.data[key].replace(/\n/g, "");
let failed = 0;
for (const object of objects) {
  const what = `${object.kind}/${object.metadata && object.metadata.name}`;
  try {
    // "apps/v1" -> kubernetes-models/apps/v1, "v1" -> kubernetes-models/v1
    const Model = require(`kubernetes-models/${object.apiVersion}`)[object.kind];
    if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
    new Model(object).validate();
    console.log(`PASS ${what}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${what}: ${String(e.message).split("\n").join("; ")}`);
  }
}
process.exitCode = failed ? 1 : 0;
