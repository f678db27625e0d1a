// jsonata-peer.mjs - the peer of bench/jsonata_bench.sh: jsonata-js on Node,
// as a course author would run it: read the document, evaluate one
// expression, print the result as JSON.  Whole process, like `stepbook eval`.
// usage: node bench/jsonata-peer.mjs EXPR FILE
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("./work/jsonata/", import.meta.url));
const jsonata = require("jsonata");
const [expr, file] = process.argv.slice(2);
const input = JSON.parse(readFileSync(file, "utf8"));
const result = await jsonata(expr).evaluate(input);
process.stdout.write(result === undefined ? "" : JSON.stringify(result) + "\n");
