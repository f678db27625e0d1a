// compare-asl-validator.js - runs the npm package asl-validator@4 and
// `stepbook validate` on every case of tests/cases/validate and lists where
// they disagree (one finds an error, the other finds none).
// Setup: npm install --prefix bench/work asl-validator@4   (see bench/run.sh)
// Usage: node bench/compare-asl-validator.js [STEPBOOK]
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const work = path.join(__dirname, "work", "node_modules");
const validator = require(path.join(work, "asl-validator"));
const YAML = require(path.join(work, "yaml"));

const CASES = path.join(__dirname, "..", "tests", "cases", "validate");
const STEPBOOK = process.argv[2] || path.join(__dirname, "..", "stepbook");

// CloudFormation short tags: enough of them to read our cases.
const cfnTags = ["!Sub", "!Ref", "!GetAtt"].map((tag) => ({
  tag, resolve: (v) => ({ [tag]: v }),
}));
const cfnSeq = ["!Sub", "!GetAtt", "!Join"].map((tag) => ({
  tag, collection: "seq", resolve: (v) => ({ [tag]: v.toJSON() }),
}));

function substitute(text, subs) {
  return text.replace(/\$\{([^}]+)\}/g, (m, name) =>
    name in subs ? subs[name] :
    name === "AWS::Region" ? "us-east-1" :
    name === "AWS::AccountId" ? "123456789012" : m);
}

// The definitions a case file declares, as plain JSON values.
function definitions(file) {
  const text = fs.readFileSync(file, "utf8");
  if (file.endsWith(".asl.json")) return [JSON.parse(text)];
  const doc = YAML.parse(text, { customTags: [...cfnTags, ...cfnSeq] });
  if (file.endsWith(".asl.yaml")) return [doc];
  if (doc.stepFunctions) {
    return Object.values(doc.stepFunctions.stateMachines).map((m) =>
      JSON.parse(JSON.stringify(m.definition, (k, v) =>
        v && v["Fn::GetAtt"] ? "arn:aws:lambda:us-east-1:123456789012:function:f" : v)));
  }
  const out = [];
  for (const r of Object.values(doc.Resources || {})) {
    const p = r.Properties || {};
    if (p.Definition) out.push(p.Definition);
    let s = p.DefinitionString;
    if (!s) continue;
    s = s["!Sub"] || s["Fn::Sub"] || s;
    out.push(JSON.parse(substitute(s, p.DefinitionSubstitutions || {})));
  }
  return out;
}

function theirs(file) {
  let defs;
  try { defs = definitions(file); } catch (e) { return ["cannot read: " + e.message]; }
  const msgs = [];
  for (const d of defs) {
    if (d === null || typeof d !== "object" || Array.isArray(d)) {
      msgs.push("not an object"); continue;
    }
    let r;
    try { r = validator(d); } catch (e) { msgs.push("CRASH: " + e.message); continue; }
    if (!r.isValid) for (const e of r.errors) msgs.push(e.Message || e.message);
  }
  return msgs;
}

function ours(file) {
  let out;
  try {
    out = execFileSync(STEPBOOK, ["validate", "--format", "json", file],
                       { stdio: ["ignore", "pipe", "ignore"] });
  } catch (e) { out = e.stdout; }
  return JSON.parse(out.toString()).filter((d) => d.severity === "error")
    .map((d) => `${d.line}:${d.column} ${d.message} [${d.rule}]`);
}

const files = fs.readdirSync(CASES).filter((f) => !f.endsWith(".expected")).sort();
let agree = 0;
const rows = [], crashes = [];
for (const f of files) {
  const file = path.join(CASES, f);
  const a = ours(file), b = theirs(file);
  if (b.some((m) => m.startsWith("CRASH"))) crashes.push(f);
  if ((a.length > 0) === (b.length > 0)) { agree++; continue; }
  rows.push({ f, a, b });
}
console.log(`${files.length} cases, ${agree} agree, ${rows.length} disagree`);
console.log(`asl-validator throws on: ${crashes.join(", ") || "none"}\n`);
for (const r of rows) {
  console.log(`## ${r.f}`);
  console.log(`  stepbook:      ${r.a.length ? r.a.join("\n                 ") : "valid"}`);
  console.log(`  asl-validator: ${r.b.length ? r.b.slice(0, 4).join("\n                 ") : "valid"}`);
}
