// Tests of the package that `wasm-bindgen --target nodejs` generates: the camelCase export
// names, the declarations in the generated .d.ts and the values seen through the JavaScript glue.
// scripts/test-wasm.sh generates the package and passes its directory in MTASTS_WASM_PKG.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const packageDir = process.env.MTASTS_WASM_PKG;
if (!packageDir) {
  throw new Error("MTASTS_WASM_PKG is not set: run scripts/test-wasm.sh");
}
const mtasts = createRequire(import.meta.url)(join(packageDir, "mtasts_wasm.js"));
const declarations = readFileSync(join(packageDir, "mtasts_wasm.d.ts"), "utf8");
const corpus = fileURLToPath(new URL("../../../testdata/corpus/", import.meta.url));
const crlfPolicy = readFileSync(join(corpus, "policy-crlf.txt"), "utf8");

test("exports use camelCase names", () => {
  const functions = Object.keys(mtasts).filter((name) => typeof mtasts[name] === "function");
  assert.deepEqual(functions.sort(), ["checkPolicy", "checkStsRecord", "matchMx"]);
});

test("declarations type each export", () => {
  const signatures = [
    "export function checkPolicy(text: string, strict?: boolean | null): PolicyCheck;",
    "export function checkStsRecord(text: string, strict?: boolean | null): StsRecordCheck;",
    "export function matchMx(policyText: string, host: string): MxMatch;",
  ];
  for (const signature of signatures) {
    assert.ok(declarations.includes(signature), `missing in .d.ts: ${signature}`);
  }
  const interfaces = ["Diagnostic", "Policy", "StsRecord", "PolicyCheck", "StsRecordCheck", "MxMatch"];
  for (const name of interfaces) {
    assert.ok(declarations.includes(`export interface ${name} {`), `missing interface ${name}`);
  }
});

test("checkPolicy without strict returns the policy", () => {
  assert.deepEqual(mtasts.checkPolicy(crlfPolicy), {
    valid: true,
    diagnostics: [],
    policy: {
      version: "STSv1",
      mode: "enforce",
      max_age: 604800,
      mx: ["mail.example.com", "*.example.net"],
      extensions: {},
    },
  });
});

test("checkPolicy strict rejects a warning", () => {
  const text = "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n";
  assert.equal(mtasts.checkPolicy(text, false).valid, true);
  assert.equal(mtasts.checkPolicy(text, undefined).valid, true);
  const strict = mtasts.checkPolicy(text, true);
  assert.equal(strict.valid, false);
  assert.equal(strict.policy, undefined);
  assert.deepEqual(
    strict.diagnostics.map((d) => [d.severity, d.code, d.line, d.column]),
    [["error", "testing-mode", 2, 7]],
  );
});

test("checkStsRecord decodes a pasted record", () => {
  const result = mtasts.checkStsRecord('"v=STSv1\\; id=20240101"');
  assert.equal(result.valid, true);
  assert.equal(result.data, "v=STSv1; id=20240101");
  assert.deepEqual(result.record, { version: "STSv1", id: "20240101", extensions: {} });
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.code]),
    [["warning", "presentation-form"]],
  );
});

test("matchMx returns the pattern or null", () => {
  assert.equal(mtasts.matchMx(crlfPolicy, "mx1.example.net.").pattern, "*.example.net");
  assert.equal(mtasts.matchMx(crlfPolicy, "a.b.example.net").pattern, null);
  const invalid = mtasts.matchMx("mode: enforce\n", "mail.example.com");
  assert.equal(invalid.valid, false);
  assert.equal(invalid.pattern, null);
  assert.deepEqual(
    invalid.diagnostics.map((d) => d.code),
    ["missing-version", "missing-max-age", "missing-mx"],
  );
});
