// Checks the TypeScript declarations of the generated package against real results: the
// TypeScript compiler (typescript from ../package.json) type-checks each export's output,
// written as an object literal, against its declared type. Object literals get TypeScript's
// excess property check, so a member that the declarations do not name fails as well as a
// missing or mistyped one. scripts/test-wasm.sh passes the package directory in
// MTASTS_WASM_PKG.

import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import ts from "typescript";

const packageDir = process.env.MTASTS_WASM_PKG;
if (!packageDir) {
  throw new Error("MTASTS_WASM_PKG is not set: run scripts/test-wasm.sh");
}
const mtasts = createRequire(import.meta.url)(join(packageDir, "mtasts_wasm.js"));
const corpus = fileURLToPath(new URL("../../../testdata/corpus/", import.meta.url));
const text = (name) => readFileSync(join(corpus, name), "utf8");
const bytes = (name) => new Uint8Array(readFileSync(join(corpus, name)));
const reportNames = readdirSync(corpus)
  .filter((name) => name.startsWith("report-"))
  .sort();

const scratch = mkdtempSync(join(tmpdir(), "mtasts-types-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Type-checks `body` with the package's declarations imported as `M`, and returns the
 * compiler's messages, empty when the program is well typed.
 */
function typeErrors(body) {
  const file = join(scratch, `check-${Math.random().toString(36).slice(2)}.ts`);
  const declarations = join(packageDir, "mtasts_wasm.js");
  writeFileSync(file, `import type * as M from ${JSON.stringify(declarations)};\n${body}\n`);
  const program = ts.createProgram([file], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts"],
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (!diagnostic.file || diagnostic.start === undefined) {
      return message;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName}:${line + 1}: ${message}`;
  });
}

/** Writes `value` as a typed constant declaration. */
function typed(type, value, index) {
  return `const value${index}: M.${type} = ${JSON.stringify(value, null, 1)};`;
}

/** Real results of every export, each with the type its declaration names. */
function results() {
  const crlf = text("policy-crlf.txt");
  const hex = text("policy-max-age-hex.txt");
  const email = bytes("report-email-google-style.eml");
  const reports = reportNames.map((name) => ["ReportCheck", mtasts.checkReport(bytes(name))]);
  return [
    ["PolicyCheck", mtasts.checkPolicy(text("policy-extension-field.txt"))],
    ["PolicyCheck", mtasts.checkPolicy(hex)],
    ["PolicyCheck", mtasts.checkPolicy(crlf, true)],
    ["StsRecordCheck", mtasts.checkStsRecord('"v=STSv1; id=1; x=y"')],
    ["StsRecordCheck", mtasts.checkStsRecord("v=STSv1 id=1")],
    ["TlsRptRecordCheck", mtasts.checkTlsrptRecord('"v=TLSRPTv1\\; rua=mailto:a@example.com"')],
    ["TlsRptRecordCheck", mtasts.checkTlsrptRecord("v=TLSRPTv1; rua=a@example.com", true)],
    ["MxMatch", mtasts.matchMx(crlf, "mail.example.com")],
    ["MxMatch", mtasts.matchMx(crlf, "mail.example.org")],
    ["MxMatch", mtasts.matchMx(hex, "mail.example.com")],
    ...reports,
    ["ReportCheck", mtasts.checkReport(gzipSync(bytes("report-rfc8460-example.json")))],
    ["ReportCheck", mtasts.checkReport(email, true)],
    ["ReportCheck", mtasts.checkReport(new Uint8Array([0x1f, 0x8b]))],
    ["ReportCheck", mtasts.checkReport(new TextEncoder().encode('{"policies": 1}'))],
    ["Summary", mtasts.summarize(reportNames.map(bytes))],
    ["Summary", mtasts.summarize([email, new Uint8Array([0x7b])], true)],
    ["DiagnosticCode[]", mtasts.diagnosticCodes()],
  ];
}

test("declarations type every real result", () => {
  const body = results()
    .map(([type, value], index) => typed(type, value, index))
    .join("\n");
  assert.deepEqual(typeErrors(body), []);
});

test("type check rejects a result of another shape", () => {
  const policyCheck = mtasts.checkPolicy(text("policy-crlf.txt"));
  const errors = typeErrors(typed("ReportCheck", policyCheck, 0));
  assert.equal(errors.length, 1);
  assert.match(errors[0], /'"policy"' does not exist in type 'ReportCheck'/);
});

/** Declares `codes` as a tuple and checks it against DiagnosticCode in both directions. */
function codeListCheck(codes) {
  return [
    `const codes = ${JSON.stringify(codes)} as const;`,
    "const listed: readonly M.DiagnosticCode[] = codes;",
    "type Unlisted = Exclude<M.DiagnosticCode, (typeof codes)[number]>;",
    "const complete: [Unlisted] extends [never] ? true : false = true;",
  ].join("\n");
}

test("DiagnosticCode equals diagnosticCodes()", () => {
  const codes = mtasts.diagnosticCodes();
  assert.deepEqual(typeErrors(codeListCheck(codes)), []);
  // The check fails for a list with a code too many or too few.
  assert.equal(typeErrors(codeListCheck([...codes, "not-a-code"])).length, 1);
  assert.equal(typeErrors(codeListCheck(codes.slice(1))).length, 1);
});
