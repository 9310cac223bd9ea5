// The browser suite. It serves the validator page (index.html, validator.js) and the package of
// `wasm-bindgen --target web` on 127.0.0.1. Then it drives headless Chromium with playwright-core
// to paste inputs from testdata/corpus/ or choose a report file, and checks the verdict and the
// diagnostics that the page shows.
//
// scripts/test-browser.sh passes the package directory in MTASTS_WASM_WEB_PKG. CHROMIUM may
// name another Chromium binary than /usr/bin/chromium.

import assert from "node:assert/strict";
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { chromium } from "playwright-core";

const packageDir = process.env.MTASTS_WASM_WEB_PKG;
if (!packageDir) {
  throw new Error("MTASTS_WASM_WEB_PKG is not set: run scripts/test-browser.sh");
}
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const pageDir = fileURLToPath(new URL(".", import.meta.url));
const corpus = fileURLToPath(new URL("../../../testdata/corpus/", import.meta.url));
const corpusText = (name) => readFileSync(join(corpus, name), "utf8");

const mediaTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Maps a request path to a file: /pkg/... to the package, anything else to the page folder. */
function resolveFile(urlPath) {
  const [root, relative] = urlPath.startsWith("/pkg/")
    ? [packageDir, urlPath.slice("/pkg/".length)]
    : [pageDir, urlPath === "/" ? "index.html" : urlPath.slice(1)];
  const file = normalize(join(root, decodeURIComponent(relative)));
  const inside = file.startsWith(resolve(root) + sep);
  return inside && statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
}

let server;
let baseUrl;
let context;
let profileDir;
let scratchDir;

before(async () => {
  server = createServer((request, response) => {
    const file = resolveFile(new URL(request.url, "http://127.0.0.1").pathname);
    if (file === null) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const type = mediaTypes[extname(file)] ?? "application/octet-stream";
    response.writeHead(200, { "content-type": type, "cache-control": "no-store" });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}/`;

  profileDir = mkdtempSync(join(tmpdir(), "mtasts-chromium-profile-"));
  scratchDir = mkdtempSync(join(tmpdir(), "mtasts-browser-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  for (const dir of [profileDir, scratchDir]) {
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/**
 * Opens the validator, enters the input (text, or a file to choose) and returns what the page
 * shows: the verdict, the details line and each diagnostic as [code, severity, text].
 */
async function validate({ kind, text, file, strict = false }) {
  const page = await context.newPage();
  // Loading and compiling the debug module took about 1 s on the project's 2-core machine.
  page.setDefaultTimeout(20_000);
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") {
      pageErrors.push(message.text());
    }
  });
  try {
    await page.goto(baseUrl);
    await page.waitForSelector("body[data-ready=true]", { state: "attached" });
    await page.selectOption("#kind", kind);
    await page.setChecked("#strict", strict);
    if (text !== undefined) {
      await page.fill("#input", text);
    }
    if (file !== undefined) {
      await page.setInputFiles("#file", file);
    }
    await page.click("#check");
    await page.waitForSelector("#result:not([hidden])");
    const display = {
      verdict: await page.textContent("#verdict"),
      details: await page.textContent("#details"),
      diagnostics: await page.$$eval("#diagnostics li", (items) =>
        items.map((item) => [item.dataset.code, item.dataset.severity, item.textContent]),
      ),
    };
    assert.deepEqual(pageErrors, [], "the page reported errors");
    return display;
  } finally {
    await page.close();
  }
}

test("valid policy", async () => {
  const display = await validate({ kind: "policy", text: corpusText("policy-crlf.txt") });
  assert.equal(display.verdict, "valid MTA-STS policy (0 errors, 0 warnings)");
  assert.deepEqual(display.diagnostics, []);
});

test("invalid policy", async () => {
  const display = await validate({ kind: "policy", text: corpusText("policy-max-age-hex.txt") });
  assert.equal(display.verdict, "invalid MTA-STS policy (1 error, 0 warnings)");
  assert.deepEqual(display.diagnostics, [
    [
      "invalid-max-age",
      "error",
      '4:10: error[invalid-max-age]: expected max_age as 1 to 10 ASCII digits, found "0x15180"',
    ],
  ]);
});

test("policy with warnings, lenient and strict", async () => {
  const text = corpusText("policy-trailing-blank-lines.txt");
  const lenient = await validate({ kind: "policy", text });
  assert.equal(lenient.verdict, "valid MTA-STS policy (0 errors, 2 warnings)");
  assert.deepEqual(
    lenient.diagnostics.map(([code, severity]) => [code, severity]),
    [
      ["blank-line", "warning"],
      ["blank-line", "warning"],
    ],
  );
  const strict = await validate({ kind: "policy", text, strict: true });
  assert.equal(strict.verdict, "invalid MTA-STS policy (2 errors, 0 warnings)");
});

test("pasted dig TXT line of an _mta-sts record", async () => {
  const cases = JSON.parse(corpusText("txt-presentation-artifacts.json")).cases;
  const pasted = cases.find((c) => c.id === "T05c").pasted;
  const display = await validate({
    kind: "sts-record",
    text: `_mta-sts.example.com.\t300\tIN\tTXT\t${pasted}`,
  });
  assert.equal(display.verdict, "valid _mta-sts record (0 errors, 1 warning)");
  assert.deepEqual(display.diagnostics, [
    [
      "presentation-form",
      "warning",
      "1:1: warning[presentation-form]: record is in zone-file presentation form " +
        "(quotes or backslash escapes)",
    ],
  ]);
});

test("pasted _smtp._tls record with escaped semicolon", async () => {
  const cases = JSON.parse(corpusText("txt-presentation-artifacts.json")).cases;
  const pasted = cases.find((c) => c.id === "T05a").pasted;
  const lenient = await validate({ kind: "tlsrpt-record", text: pasted });
  assert.equal(lenient.verdict, "valid _smtp._tls record (0 errors, 2 warnings)");
  assert.deepEqual(
    lenient.diagnostics.map(([code, severity]) => [code, severity]),
    [
      ["presentation-form", "warning"],
      ["mailto-trailing-dot", "warning"],
    ],
  );
  const strict = await validate({ kind: "tlsrpt-record", text: pasted, strict: true });
  assert.equal(strict.verdict, "invalid _smtp._tls record (2 errors, 0 warnings)");
});

test("gzipped report read as bytes", async () => {
  const json = readFileSync(join(corpus, "report-rfc8460-example.json"));
  const file = join(scratchDir, "company-x.example!company-y.example!1459468800!1459555199.json.gz");
  writeFileSync(file, gzipSync(json));
  const display = await validate({ kind: "report", file });
  assert.equal(display.verdict, "valid TLS-RPT report (0 errors, 1 warning)");
  assert.equal(display.details, "format: gzip");
  assert.deepEqual(display.diagnostics, [
    [
      "string-for-array",
      "warning",
      "15:21: warning[string-for-array]: policies[0].policy.mx-host: expected an array of " +
        "strings, found one string at policies[0].policy.mx-host",
    ],
  ]);
});

test("email report read as bytes", async () => {
  const display = await validate({
    kind: "report",
    file: join(corpus, "report-email-google-style.eml"),
  });
  assert.equal(display.verdict, "valid TLS-RPT report (0 errors, 3 warnings)");
  assert.equal(display.details, "format: email (application/tlsrpt+gzip)");
  assert.deepEqual(
    display.diagnostics.map(([code]) => code),
    ["submitter-mismatch", "file-name-mismatch", "missing-optional-member"],
  );
});

test("pasted text that is not a report", async () => {
  const display = await validate({ kind: "report", text: "{" });
  assert.equal(display.verdict, "invalid TLS-RPT report (1 error, 0 warnings)");
  assert.equal(display.details, "format: json");
  assert.deepEqual(
    display.diagnostics.map(([code, severity]) => [code, severity]),
    [["invalid-json", "error"]],
  );
});
