// Tests of the package that `wasm-bindgen --target nodejs` generates: the camelCase export
// names, the declarations in the generated .d.ts and the values seen through the JavaScript glue.
// scripts/test-wasm.sh generates the package and passes its directory in MTASTS_WASM_PKG.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

const packageDir = process.env.MTASTS_WASM_PKG;
if (!packageDir) {
  throw new Error("MTASTS_WASM_PKG is not set: run scripts/test-wasm.sh");
}
const mtasts = createRequire(import.meta.url)(join(packageDir, "mtasts_wasm.js"));
const declarations = readFileSync(join(packageDir, "mtasts_wasm.d.ts"), "utf8");
const corpus = fileURLToPath(new URL("../../../testdata/corpus/", import.meta.url));
const crlfPolicy = readFileSync(join(corpus, "policy-crlf.txt"), "utf8");
const corpusBytes = (name) => new Uint8Array(readFileSync(join(corpus, name)));
// What checkPolicy returns for crlfPolicy without strict.
const crlfPolicyCheck = {
  valid: true,
  diagnostics: [],
  policy: {
    version: "STSv1",
    mode: "enforce",
    max_age: 604800,
    mx: ["mail.example.com", "*.example.net"],
    extensions: {},
  },
};

test("exports use camelCase names", () => {
  const functions = Object.keys(mtasts).filter((name) => typeof mtasts[name] === "function");
  assert.deepEqual(functions.sort(), [
    "checkPolicy",
    "checkReport",
    "checkStsRecord",
    "checkTlsrptRecord",
    "diagnosticCodes",
    "matchMx",
    "summarize",
  ]);
});

test("declarations type each export", () => {
  const signatures = [
    "export function checkPolicy(text: string, strict?: boolean | null): PolicyCheck;",
    "export function checkStsRecord(text: string, strict?: boolean | null): StsRecordCheck;",
    "export function matchMx(policyText: string, host: string): MxMatch;",
    "export function checkTlsrptRecord(text: string, strict?: boolean | null): TlsRptRecordCheck;",
    "export function checkReport(bytes: Uint8Array, strict?: boolean | null): ReportCheck;",
    "export function summarize(reports: Uint8Array[], strict?: boolean | null): Summary;",
    "export function diagnosticCodes(): DiagnosticCode[];",
  ];
  for (const signature of signatures) {
    assert.ok(declarations.includes(signature), `missing in .d.ts: ${signature}`);
  }
  const interfaces = [
    "Diagnostic",
    "Policy",
    "StsRecord",
    "TlsRptRecord",
    "PolicyCheck",
    "StsRecordCheck",
    "TlsRptRecordCheck",
    "MxMatch",
    "ReportCheck",
    "Report",
    "Summary",
  ];
  for (const name of interfaces) {
    assert.ok(declarations.includes(`export interface ${name} {`), `missing interface ${name}`);
  }
});

test("checkPolicy without strict returns the policy", () => {
  assert.deepEqual(mtasts.checkPolicy(crlfPolicy), crlfPolicyCheck);
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

/** Returns the string literals of `export type {name} = ...;` in the generated .d.ts. */
function unionLiterals(name) {
  const match = declarations.match(new RegExp(`export type ${name} =([^;]*);`));
  assert.ok(match, `type ${name} not found in the .d.ts`);
  return [...match[1].matchAll(/"([^"]*)"/g)].map((literal) => literal[1]);
}

test("diagnosticCodes equals the DiagnosticCode union", () => {
  const codes = mtasts.diagnosticCodes();
  const union = unionLiterals("DiagnosticCode");
  assert.deepEqual([...codes].sort(), [...union].sort());
  assert.equal(new Set(union).size, union.length, "DiagnosticCode repeats a code");
  assert.deepEqual(codes, [...new Set(codes)].sort(), "diagnosticCodes() is not sorted and unique");
});

test("checkTlsrptRecord decodes a pasted dig line", () => {
  const pasted = '_smtp._tls.example.com. 3600 IN TXT "v=TLSRPTv1\\; rua=mailto:tlsrpt@example.com"';
  const result = mtasts.checkTlsrptRecord(pasted);
  assert.equal(result.valid, true);
  assert.equal(result.data, "v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
  assert.deepEqual(result.record, {
    version: "TLSRPTv1",
    rua: ["mailto:tlsrpt@example.com"],
    extensions: {},
  });
  assert.deepEqual(
    result.diagnostics.map((d) => [d.severity, d.code]),
    [["warning", "presentation-form"]],
  );
});

test("checkTlsrptRecord strict rejects a warning", () => {
  const text = "v=TLSRPTv1; rua=mailto:tlsrpt@example.com.";
  assert.equal(mtasts.checkTlsrptRecord(text).valid, true);
  const strict = mtasts.checkTlsrptRecord(text, true);
  assert.equal(strict.valid, false);
  assert.equal(strict.record, undefined);
  assert.deepEqual(
    strict.diagnostics.map((d) => [d.severity, d.code, d.column]),
    [["error", "mailto-trailing-dot", 42]],
  );
});

test("checkReport reads gzip bytes", () => {
  const json = corpusBytes("report-google-validation-failure.json");
  const result = mtasts.checkReport(gzipSync(json));
  assert.equal(result.valid, true);
  assert.deepEqual(result.format, { type: "gzip" });
  assert.deepEqual(result.diagnostics, []);
  assert.deepEqual(result.report, mtasts.checkReport(json).report);
  assert.equal(result.report["organization-name"], "Example Inc.");
});

test("checkReport diagnostics carry path and source", () => {
  const result = mtasts.checkReport(corpusBytes("report-microsoft-2023-no-timezone.json"));
  assert.equal(result.valid, true);
  assert.deepEqual(
    result.diagnostics.map((d) => [d.source, d.code, d.path]),
    [
      ["report", "missing-time-zone", "date-range.start-datetime"],
      ["report", "missing-time-zone", "date-range.end-datetime"],
      ["report", "missing-optional-member", "policies[0].failure-details"],
    ],
  );
});

test("checkReport reads an email and its headers", () => {
  const result = mtasts.checkReport(corpusBytes("report-email-google-style.eml"));
  assert.equal(result.valid, true);
  assert.equal(result.format.type, "email");
  assert.equal(result.format.media_type, "application/tlsrpt+gzip");
  assert.equal(result.format.compressed, true);
  assert.deepEqual(result.email, {
    tls_report_domain: "example.com",
    tls_report_submitter: "google.com",
    subject:
      "Report Domain: example.com Submitter: google.com Report-ID: " +
      "<2024.09.03T00.00.00Z+example.com@google.example>",
  });
  assert.deepEqual(
    result.diagnostics.map((d) => [d.source, d.code, "path" in d]),
    [
      ["message", "submitter-mismatch", false],
      ["message", "file-name-mismatch", false],
      ["report", "missing-optional-member", true],
    ],
  );
});

test("checkReport reports an input error", () => {
  const result = mtasts.checkReport(new Uint8Array([0x1f, 0x8b, 0x00]));
  assert.equal(result.valid, false);
  assert.equal(result.format, null);
  assert.equal(result.error.code, "invalid-gzip");
  assert.deepEqual(result.diagnostics, []);
  assert.equal(result.report, undefined);
});

test("summarize groups the corpus like the CLI", () => {
  const names = readdirSync(corpus).filter((n) => n.startsWith("report-") && n.endsWith(".json"));
  const summary = mtasts.summarize(names.sort().map(corpusBytes));
  assert.equal(summary.reports, 10);
  assert.equal(summary.duplicate_reports, 0);
  assert.deepEqual(summary.errors, []);
  assert.deepEqual(
    summary.domains.map((d) => [
      d.policy_domain,
      d.policy_type,
      d.total.successful_sessions,
      d.total.failed_sessions,
    ]),
    [
      ["company-y.example", "sts", 5326, 303],
      ["example.com", "tlsa", 7, 0],
      ["example.com", "sts", 13, 13],
      ["example.com", "no-policy-found", 49, 0],
      ["example.org", "sts", 1, 0],
      ["mail.example.com", "tlsa", 1, 0],
      [null, "no-policy-found", 1, 0],
    ],
  );
  assert.deepEqual(summary.domains[2].total.uncovered_mx_hosts, [
    { mx_host: "example-com.h-v1.mx.microsoft", failed_sessions: 10 },
  ]);
});

test("summarize lists unreadable reports by index", () => {
  const email = corpusBytes("report-email-google-style.eml");
  const summary = mtasts.summarize([new Uint8Array([0x7b]), email, email]);
  assert.equal(summary.reports, 1);
  assert.equal(summary.duplicate_reports, 1);
  assert.deepEqual(
    summary.errors.map((e) => [e.index, e.code]),
    [[0, "invalid-json"]],
  );
  const strict = mtasts.summarize([email], true);
  assert.equal(strict.reports, 0);
  assert.deepEqual(
    strict.errors.map((e) => [e.index, e.code]),
    [[0, "submitter-mismatch"]],
  );
});

/** Asserts that `call` throws a TypeError of this realm with exactly `message`. */
function assertTypeError(call, message) {
  assert.throws(call, (error) => {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${error}`);
    assert.equal(error.message, message);
    return true;
  });
}

/** Values that no string parameter accepts, each with the type that the error message names. */
const wrongValues = [
  [5, "number"],
  [{}, "object"],
  [null, "null"],
  [undefined, "undefined"],
  [true, "boolean"],
  [5n, "bigint"],
  [Symbol("text"), "symbol"],
  [["text"], "array"],
  [new String("text"), "object"],
  [() => "text", "function"],
];

test("string parameters reject other types", () => {
  for (const [value, type] of wrongValues) {
    assertTypeError(() => mtasts.checkPolicy(value), `text must be a string, got ${type}`);
    assertTypeError(() => mtasts.checkStsRecord(value), `text must be a string, got ${type}`);
    assertTypeError(() => mtasts.checkTlsrptRecord(value), `text must be a string, got ${type}`);
    assertTypeError(
      () => mtasts.matchMx(value, "mail.example.com"),
      `policyText must be a string, got ${type}`,
    );
    assertTypeError(() => mtasts.matchMx(crlfPolicy, value), `host must be a string, got ${type}`);
  }
});

test("bytes parameters reject other types", () => {
  const wrongBytes = [
    ...wrongValues,
    ["text", "string"],
    [[0x7b, 0x7d], "array"],
    [new Uint16Array(2), "Uint16Array"],
    [new Uint8ClampedArray(2), "Uint8ClampedArray"],
    [new ArrayBuffer(2), "object"],
    [new DataView(new ArrayBuffer(2)), "object"],
    // Inherits from Uint8Array.prototype but has no bytes.
    [Object.create(Uint8Array.prototype), "object"],
    [new Proxy(new Uint8Array(2), {}), "object"],
  ];
  for (const [value, type] of wrongBytes) {
    assertTypeError(() => mtasts.checkReport(value), `bytes must be a Uint8Array, got ${type}`);
    assertTypeError(
      () => mtasts.summarize([new Uint8Array([0x7b]), value]),
      `reports[1] must be a Uint8Array, got ${type}`,
    );
  }
  for (const [value, type] of wrongValues.filter(([, type]) => type !== "array")) {
    assertTypeError(
      () => mtasts.summarize(value),
      `reports must be an array of Uint8Array, got ${type}`,
    );
  }
  assertTypeError(
    () => mtasts.summarize(new Uint8Array([0x7b])),
    "reports must be an array of Uint8Array, got Uint8Array",
  );
});

test("strict parameters reject non-booleans", () => {
  const text = "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n";
  const calls = [
    (strict) => mtasts.checkPolicy(text, strict),
    (strict) => mtasts.checkStsRecord("v=STSv1; id=1", strict),
    (strict) => mtasts.checkTlsrptRecord("v=TLSRPTv1; rua=mailto:a@example.com", strict),
    (strict) => mtasts.checkReport(corpusBytes("report-rfc8460-example.json"), strict),
    (strict) => mtasts.summarize([corpusBytes("report-rfc8460-example.json")], strict),
  ];
  const wrongStrict = wrongValues.filter(
    ([value]) => value !== null && value !== undefined && typeof value !== "boolean",
  );
  for (const call of calls) {
    for (const [value, type] of [...wrongStrict, ["true", "string"], [1, "number"]]) {
      assertTypeError(() => call(value), `strict must be a boolean, got ${type}`);
    }
  }
  assert.equal(mtasts.checkPolicy(text, null).valid, true);
  assert.equal(mtasts.checkPolicy(text, undefined).valid, true);
  assert.equal(mtasts.checkPolicy(text, true).valid, false);
});

test("diagnosticCodes ignores arguments", () => {
  const codes = mtasts.diagnosticCodes();
  for (const [value] of wrongValues) {
    assert.deepEqual(mtasts.diagnosticCodes(value), codes);
  }
});

test("checkReport copies Uint8Array from any realm", () => {
  const bytes = corpusBytes("report-rfc8460-example.json");
  const expected = mtasts.checkReport(bytes);
  assert.equal(expected.valid, true);
  // A Uint8Array of another realm, such as one made in an iframe or a `vm` context.
  const foreign = runInNewContext("new Uint8Array(length)", { length: bytes.length });
  foreign.set(bytes);
  assert.equal(foreign instanceof Uint8Array, false);
  assert.deepEqual(mtasts.checkReport(foreign), expected);
  assert.deepEqual(mtasts.checkReport(Buffer.from(bytes)), expected);
  // A view into a larger buffer passes only its own bytes.
  const padded = new Uint8Array(bytes.length + 8);
  padded.set(bytes, 4);
  assert.deepEqual(mtasts.checkReport(padded.subarray(4, 4 + bytes.length)), expected);
  // A redefined `length` property does not change how many bytes are read.
  const lying = new Uint8Array(bytes);
  Object.defineProperty(lying, "length", { value: 2 ** 31 });
  assert.deepEqual(mtasts.checkReport(lying), expected);
  assert.deepEqual(mtasts.summarize([lying]), mtasts.summarize([bytes]));
});

test("exceptions of argument objects propagate", () => {
  const detached = new Uint8Array([0x7b, 0x7d]);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  assert.throws(() => mtasts.checkReport(detached), TypeError);
  assert.throws(() => mtasts.summarize([new Uint8Array([0x7b]), detached]), TypeError);

  const trapped = new Proxy([new Uint8Array([0x7b])], {
    get(target, key, receiver) {
      if (key === "0") {
        throw new RangeError("element 0 is unavailable");
      }
      return Reflect.get(target, key, receiver);
    },
  });
  assert.throws(() => mtasts.summarize(trapped), {
    name: "RangeError",
    message: "element 0 is unavailable",
  });

  const { proxy: revoked, revoke } = Proxy.revocable([], {});
  revoke();
  assert.throws(() => mtasts.summarize(revoked), TypeError);
  assertTypeError(() => mtasts.checkPolicy(revoked), "text must be a string, got object");
  assertTypeError(() => mtasts.checkReport(revoked), "bytes must be a Uint8Array, got object");

  // The module still works after every exception above.
  assert.equal(mtasts.checkPolicy(crlfPolicy).valid, true);
  assert.equal(mtasts.summarize([new Uint8Array([0x7b])]).errors[0].index, 0);
});

test("wrong types leave the module usable", () => {
  // The sequence that crashed Node.js 20 with SIGSEGV when the exports took &str.
  const longHost = "a".repeat(70000) + ".example.com";
  const expectedPolicy = mtasts.checkPolicy(crlfPolicy);
  assert.equal(expectedPolicy.valid, true);
  for (let round = 0; round < 20; round++) {
    assert.deepEqual(mtasts.checkPolicy(crlfPolicy), expectedPolicy, `round ${round}`);
    assertTypeError(() => mtasts.checkPolicy(5), "text must be a string, got number");
    assert.deepEqual(mtasts.checkPolicy(crlfPolicy), expectedPolicy, `round ${round}`);
    const long = mtasts.matchMx(crlfPolicy, longHost);
    assert.equal(long.valid, true);
    assert.equal(long.pattern, null);
    assertTypeError(() => mtasts.matchMx(crlfPolicy, 5), "host must be a string, got number");
  }
  assert.deepEqual(mtasts.checkPolicy(crlfPolicy), crlfPolicyCheck);
  assert.equal(mtasts.matchMx(crlfPolicy, "mx1.example.net.").pattern, "*.example.net");
  assert.equal(mtasts.matchMx(crlfPolicy, "mail.example.com").pattern, "mail.example.com");
  assert.equal(mtasts.checkStsRecord("v=STSv1; id=20240101").valid, true);
  const report = mtasts.checkReport(corpusBytes("report-rfc8460-example.json"));
  assert.equal(report.report["organization-name"], "Company-X");
});
