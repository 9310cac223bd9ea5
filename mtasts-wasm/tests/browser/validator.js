// The validator page of the browser suite: runs the check that the form selects and shows the
// verdict and every diagnostic. Loads the package that `wasm-bindgen --target web` generates,
// which the test server serves under /pkg/.

import init, {
  checkPolicy,
  checkReport,
  checkStsRecord,
  checkTlsrptRecord,
} from "./pkg/mtasts_wasm.js";

const form = document.getElementById("form");
const kind = document.getElementById("kind");
const strict = document.getElementById("strict");
const input = document.getElementById("input");
const file = document.getElementById("file");

/** What each kind of input is called in the verdict. */
const names = {
  policy: "MTA-STS policy",
  "sts-record": "_mta-sts record",
  "tlsrpt-record": "_smtp._tls record",
  report: "TLS-RPT report",
};

/** Runs the check for the selected kind; a report file, when chosen, replaces the text. */
async function check() {
  const isStrict = strict.checked;
  switch (kind.value) {
    case "policy":
      return checkPolicy(input.value, isStrict);
    case "sts-record":
      return checkStsRecord(input.value, isStrict);
    case "tlsrpt-record":
      return checkTlsrptRecord(input.value, isStrict);
    case "report": {
      const bytes = file.files.length > 0
        ? new Uint8Array(await file.files[0].arrayBuffer())
        : new TextEncoder().encode(input.value);
      return checkReport(bytes, isStrict);
    }
    default:
      throw new Error(`unknown input kind ${kind.value}`);
  }
}

/** Counts the diagnostics of each severity, as "1 error, 2 warnings". */
function counts(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

/** Describes the form a report was received in, such as "gzip" or "email (application/...)". */
function describeFormat(format) {
  return format.type === "email" ? `email (${format.media_type})` : format.type;
}

function show(result) {
  const verdict = document.getElementById("verdict");
  const details = document.getElementById("details");
  const list = document.getElementById("diagnostics");
  const validity = result.valid ? "valid" : "invalid";
  verdict.dataset.valid = String(result.valid);
  verdict.textContent = `${validity} ${names[kind.value]} (${counts(result.diagnostics)})`;
  details.textContent = "";
  if (result.error) {
    details.textContent = `error[${result.error.code}]: ${result.error.message}`;
  } else if (result.format) {
    details.textContent = `format: ${describeFormat(result.format)}`;
  }
  list.replaceChildren(
    ...result.diagnostics.map((d) => {
      const item = document.createElement("li");
      item.dataset.code = d.code;
      item.dataset.severity = d.severity;
      const where = d.path === undefined ? "" : ` at ${d.path === "" ? "(root)" : d.path}`;
      item.textContent = `${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}${where}`;
      return item;
    }),
  );
  document.getElementById("result").hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  show(await check());
});

await init();
document.getElementById("check").disabled = false;
document.body.dataset.ready = "true";
