//! Runs `mtasts check report` on the shipped corpus and on generated inputs, and checks output
//! and exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn corpus(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus");
    dir.join(name).to_string_lossy().into_owned()
}

fn mtasts(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .output()
        .unwrap()
}

fn mtasts_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The command may stop reading early, at its input limit.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

/// CRC-32 as gzip computes it (RFC 1952 §8).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Minimal gzip header: deflate, no flags, no time, unknown operating system (RFC 1952 §2.3).
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// Wraps data in gzip without compressing it, in DEFLATE stored blocks (RFC 1951 §3.2.4).
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = GZIP_HEADER.to_vec();
    let chunks: Vec<&[u8]> = data.chunks(usize::from(u16::MAX)).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let length = u16::try_from(chunk.len()).unwrap();
        out.extend(length.to_le_bytes());
        out.extend((!length).to_le_bytes());
        out.extend(*chunk);
    }
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Packs DEFLATE bits: values least significant bit first, Huffman codes most significant bit
/// first (RFC 1951 §3.1.1).
#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    used: u32,
}

impl BitWriter {
    fn bits(&mut self, value: u32, count: u32) {
        for i in 0..count {
            if self.used == 0 {
                self.bytes.push(0);
            }
            let bit = u8::from(value >> i & 1 == 1);
            *self.bytes.last_mut().unwrap() |= bit << self.used;
            self.used = (self.used + 1) % 8;
        }
    }

    fn code(&mut self, code: u32, length: u32) {
        self.bits(code.reverse_bits() >> (32 - length), length);
    }
}

/// Gzip data that inflates to `size` spaces: one fixed-Huffman block (RFC 1951 §3.2.6) of a
/// literal space followed by matches of 258 bytes at distance 1. Its CRC is left at zero,
/// because a reader that keeps to its limit stops long before the trailer.
fn space_bomb(size: usize) -> Vec<u8> {
    let mut writer = BitWriter::default();
    writer.bits(1, 1); // BFINAL
    writer.bits(1, 2); // BTYPE 01: fixed Huffman codes
    let space = 0x30 + u32::from(b' '); // literals 0-143 are 0x30 + value, 8 bits
    writer.code(space, 8);
    let mut written = 1;
    while written + 258 <= size {
        writer.code(0xC0 + (285 - 280), 8); // length symbol 285: 258 bytes
        writer.code(0, 5); // distance symbol 0: distance 1
        written += 258;
    }
    for _ in written..size {
        writer.code(space, 8);
    }
    writer.code(0, 7); // end of block, symbol 256
    let mut out = GZIP_HEADER.to_vec();
    out.extend(writer.bytes);
    out.extend(0u32.to_le_bytes());
    out.extend((size as u32).to_le_bytes());
    out
}

#[test]
fn test_gzip_helpers_write_valid_gzip() {
    // Checked through the command itself: a stored report and a small bomb both inflate.
    let json = std::fs::read(corpus("report-mox-tlsa-host-domain.json")).unwrap();
    let output = mtasts_stdin(&["check", "report", "-"], &gzip(&json));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let mut bomb = space_bomb(1000);
    // A real CRC makes the small bomb valid gzip: 1000 spaces are not a report.
    let crc = bomb.len() - 8;
    bomb[crc..crc + 4].copy_from_slice(&crc32(&[b' '; 1000]).to_le_bytes());
    let output = mtasts_stdin(&["check", "report", "-"], &bomb);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("error[invalid-json]: invalid JSON: EOF while parsing a value"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn valid_report_prints_the_diagnostic_and_summary() {
    let file = corpus("report-rfc8460-example.json");
    let output = mtasts(&["check", "report", &file]);
    assert_eq!(output.status.code(), Some(0));
    let expected = format!(
        "warning[string-for-array]: policies[0].policy.mx-host: expected an array of strings, \
         found one string\n  --> {file}:15:21\n   |\n15 |          \"mx-host\": \
         \"*.mail.company-y.example\"\n   |                     ^^^^^^^^^^^^^^^^^^^^^^^^^^\n   \
         = hint: write an array of strings, even for one\n\n{file}: valid TLS-RPT report (0 \
         errors, 1 warning)\n  format        JSON\n  organization  Company-X\n  contact       \
         sts-reporting@company-x.example\n  report id     5065427c-23d3-47ca-b6e0-946ea0e8c4be\n  \
         date range    2016-04-01T00:00:00Z to 2016-04-01T23:59:59Z\n  policy 1      sts \
         company-y.example\n                5326 successful, 303 failed sessions\n                \
         \x20 certificate-expired: 100\n                  starttls-not-supported: 200\n           \
         \x20      validation-failure: 3\n"
    );
    assert_eq!(stdout(&output), expected);
    assert_eq!(stderr(&output), "");
}

#[test]
fn failures_of_one_type_are_added_up() {
    let output = mtasts(&[
        "check",
        "report",
        &corpus("report-google-empty-sending-ip.json"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.ends_with(
            "  policy 1      sts example.com\n                0 successful, 10 failed \
             sessions\n                  validation-failure: 10\n"
        ),
        "{text}"
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let file = corpus("report-rfc8460-example.json");
    let output = mtasts(&["check", "report", "--strict", &file]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("error[string-for-array]:"), "{text}");
    assert!(
        text.ends_with(&format!(
            "{file}: invalid TLS-RPT report (1 error, 0 warnings)\n  format        JSON\n"
        )),
        "{text}"
    );
}

#[test]
fn conformant_report_passes_strict() {
    let output = mtasts(&[
        "check",
        "report",
        "--strict",
        &corpus("report-mox-tlsa-host-domain.json"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains("valid TLS-RPT report (0 errors, 0 warnings)"),
        "{text}"
    );
    assert!(
        text.contains("  policy 1      tlsa mail.example.com\n"),
        "{text}"
    );
    assert!(text.contains("  policy 2      sts example.com\n"), "{text}");
}

#[test]
fn email_report_shows_message_and_json_diagnostics() {
    let file = corpus("report-email-google-style.eml");
    let output = mtasts(&["check", "report", &file]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.starts_with(&format!(
            "warning[submitter-mismatch]: TLS-Report-Submitter \"google.com\" differs from the \
             contact-info domain \"google.example\"; the report body is used\n --> {file}:6:23\n  \
             |\n6 | TLS-Report-Submitter: google.com\n  |                       ^^^^^^^^^^\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "warning[missing-optional-member]: missing member \"policies[0].failure-details\", \
             treated as empty\n --> {file} (report part):1:239\n"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{file}: valid TLS-RPT report (0 errors, 3 warnings)\n  format        email \
             (application/tlsrpt+gzip)\n  file name     \
             google.com!example.com!1725321600!1725407999!001.json.gz\n  domain        \
             example.com\n  submitter     google.com\n"
        )),
        "{text}"
    );
    assert!(
        text.ends_with(
            "  policy 1      no-policy-found example.com\n                48 successful, 0 \
             failed sessions\n"
        ),
        "{text}"
    );
}

#[test]
fn email_report_fails_strict() {
    let output = mtasts(&[
        "check",
        "report",
        "--strict",
        &corpus("report-email-google-style.eml"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("invalid TLS-RPT report (3 errors, 0 warnings)"));
}

#[test]
fn json_output_has_verdict_diagnostics_and_report() {
    let output = mtasts(&[
        "check",
        "report",
        "--json",
        &corpus("report-google-empty-sending-ip.json"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(value["kind"], "tlsrpt-report");
    assert_eq!(value["valid"], true);
    assert_eq!(value["format"]["type"], "json");
    assert_eq!(value["email"], serde_json::Value::Null);

    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 2);
    assert_eq!(diagnostics[0]["code"], "empty-string");
    assert_eq!(diagnostics[0]["severity"], "warning");
    assert_eq!(
        diagnostics[0]["path"],
        "policies[0].failure-details[0].sending-mta-ip"
    );
    assert_eq!(diagnostics[0]["source"], "report");
    assert_eq!(diagnostics[0]["line"], 35);
    assert_eq!(
        diagnostics[1]["path"],
        "policies[0].failure-details[1].sending-mta-ip"
    );

    let report = &value["report"];
    assert_eq!(report["organization-name"], "Google Inc.");
    assert_eq!(report["date-range"]["end-datetime"], "2024-08-02T23:59:59Z");
    let detail = &report["policies"][0]["failure-details"][0];
    assert_eq!(detail["failed-session-count"], 4);
    assert_eq!(detail.get("sending-mta-ip"), None);
    assert_eq!(
        report["policies"][0]["policy"]["mx-host"],
        serde_json::json!([
            "*.mail.protection.outlook.com",
            "*.mx.microsoft",
            "mail.example.net"
        ])
    );
}

#[test]
fn json_output_report_is_the_conformant_form() {
    let output = mtasts(&[
        "check",
        "report",
        "--json",
        &corpus("report-rfc8460-example.json"),
    ]);
    let value = json(&output);
    // The bare string of the RFC's example is written as an array.
    assert_eq!(
        value["report"]["policies"][0]["policy"]["mx-host"],
        serde_json::json!(["*.mail.company-y.example"])
    );
    let keys: Vec<&String> = value["report"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "organization-name",
            "date-range",
            "contact-info",
            "report-id",
            "policies"
        ]
    );
}

#[test]
fn json_output_for_email_names_the_sources() {
    let output = mtasts(&[
        "check",
        "report",
        "--json",
        &corpus("report-email-google-style.eml"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(
        value["format"],
        serde_json::json!({
            "type": "email",
            "media_type": "application/tlsrpt+gzip",
            "file_name": "google.com!example.com!1725321600!1725407999!001.json.gz",
            "compressed": true,
        })
    );
    assert_eq!(value["email"]["tls_report_domain"], "example.com");
    assert_eq!(value["email"]["tls_report_submitter"], "google.com");
    let sources: Vec<(&str, &str)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["source"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [
            ("message", "submitter-mismatch"),
            ("message", "file-name-mismatch"),
            ("report", "missing-optional-member"),
        ]
    );
}

#[test]
fn gzip_report_is_read_from_stdin() {
    let json = std::fs::read(corpus("report-microsoft-2023-no-timezone.json")).unwrap();
    let output = mtasts_stdin(&["check", "report", "-"], &gzip(&json));
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "warning[missing-time-zone]: date-range.start-datetime: date-time \
             \"2023-01-10T00:00:00\" has no time zone offset and is taken as UTC\n --> <stdin> \
             (decompressed):1:77\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "<stdin>: valid TLS-RPT report (0 errors, 3 warnings)\n  format        \
             gzip-compressed JSON\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  date range    2023-01-10T00:00:00Z to 2023-01-10T23:59:59Z\n"),
        "{text}"
    );
}

#[test]
fn invalid_json_is_shown_at_its_position() {
    let output = mtasts_stdin(&["check", "report", "-"], b"{\"organization-name\": 1}");
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with(
            "error[invalid-type]: organization-name: expected a string, found a number\n --> \
             <stdin>:1:"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "<stdin>: invalid TLS-RPT report (1 error, 0 warnings)\n  format        JSON\n"
        ),
        "{text}"
    );
}

#[test]
fn corrupt_gzip_is_invalid() {
    let report = std::fs::read(corpus("report-google-sts-success.json")).unwrap();
    let compressed = gzip(&report);
    let output = mtasts_stdin(
        &["check", "report", "-"],
        &compressed[..compressed.len() - 8],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.starts_with("error[invalid-gzip]: invalid gzip data: "),
        "{text}"
    );
    assert!(
        text.ends_with("<stdin>: invalid TLS-RPT report (1 error, 0 warnings)\n"),
        "{text}"
    );

    let output = mtasts_stdin(
        &["check", "report", "--json", "-"],
        &compressed[..compressed.len() - 8],
    );
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["error"]["code"], "invalid-gzip");
    assert_eq!(value["report"], serde_json::Value::Null);
}

#[test]
fn gzip_bomb_is_an_invalid_report() {
    // 65 MiB of spaces inflate past the 64 MiB default.
    let bomb = space_bomb(65 * 1024 * 1024);
    let output = mtasts_stdin(&["check", "report", "-"], &bomb);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    assert_eq!(
        stdout(&output),
        format!(
            "error[decompressed-too-large]: gzip data of {} bytes inflates to more than the \
             limit of 67108864 bytes (max_decompressed_size)\n<stdin>: invalid TLS-RPT report \
             (1 error, 0 warnings)\n",
            bomb.len()
        )
    );
    let output = mtasts_stdin(&["check", "report", "--json", "-"], &bomb);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["error"]["code"], "decompressed-too-large");
}

#[test]
fn oversized_file_is_refused_before_reading() {
    let path =
        std::env::temp_dir().join(format!("mtasts-check-report-{}.json", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(16 * 1024 * 1024 + 1).unwrap();
    drop(file);
    let output = mtasts(&["check", "report", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        format!(
            "mtasts: cannot read {}: input of 16777217 bytes exceeds the limit of 16777216 \
             bytes (max_input_size)\n",
            path.display()
        )
    );
}

#[test]
fn oversized_stdin_is_refused() {
    let input = vec![b' '; 16 * 1024 * 1024 + 1];
    let output = mtasts_stdin(&["check", "report", "-"], &input);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "mtasts: cannot read <stdin>: input exceeds the limit of 16777216 bytes\n"
    );
}

#[test]
fn missing_file_is_a_usage_error() {
    let output = mtasts(&["check", "report", "/nonexistent/report.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("mtasts: cannot read /nonexistent/report.json: "),
        "{}",
        stderr(&output)
    );
}
