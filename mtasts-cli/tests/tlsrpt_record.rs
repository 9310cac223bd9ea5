//! Runs `mtasts check tlsrpt-record` and checks its output and exit status.

use std::io::Write;
use std::process::{Command, Output, Stdio};

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
    child.stdin.take().unwrap().write_all(input).unwrap();
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

/// Returns (code, severity, column) of each diagnostic in JSON output.
fn codes(value: &serde_json::Value) -> Vec<(String, String, u64)> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn valid_record_prints_destinations_and_extensions() {
    let output = mtasts(&[
        "check",
        "tlsrpt-record",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, https://r.example.net/v1; ext=1",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "record: valid TLS-RPT record (0 errors, 0 warnings)\n  rua      \
         mailto:tlsrpt@example.com\n           https://r.example.net/v1\n  ext=1 (extension)\n"
    );
    assert_eq!(stderr(&output), "");
}

#[test]
fn invalid_record_renders_the_diagnostic() {
    let output = mtasts(&[
        "check",
        "tlsrpt-record",
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com!10m",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let expected = "error[rua-size-suffix]: expected a URI without a size limit, found the \
                    DMARC-style suffix \"!10m\"\n --> <record>:1:42\n  |\n1 | v=TLSRPTv1; \
                    rua=mailto:tlsrpt@example.com!10m\n  |                                          \
                    ^^^^\n  = hint: remove \"!10m\", because TLS-RPT defines no size \
                    limit\n\nrecord: invalid TLS-RPT record (1 error, 0 warnings)\n";
    assert_eq!(stdout(&output), expected);
}

#[test]
fn json_has_verdict_diagnostics_data_and_record() {
    let output = mtasts(&[
        "check",
        "tlsrpt-record",
        "--json",
        "v=TLSRPTv1; rua=mailto:a@example.com; ext=1; rua=https://r.example.net/v1",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(value["kind"], "tlsrpt-record");
    assert_eq!(value["valid"], true);
    assert_eq!(
        value["data"],
        "v=TLSRPTv1; rua=mailto:a@example.com; ext=1; rua=https://r.example.net/v1"
    );
    assert_eq!(value["diagnostics"], serde_json::json!([]));
    assert_eq!(
        value["record"],
        serde_json::json!({
            "version": "TLSRPTv1",
            "rua": ["mailto:a@example.com", "https://r.example.net/v1"],
            "extensions": {"ext": "1"},
        })
    );
}

#[test]
fn json_invalid_record_has_no_record() {
    let output = mtasts(&[
        "check",
        "tlsrpt-record",
        "--json",
        "v=TLSRPTv1; rua=postmaster@example.com",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["record"], serde_json::Value::Null);
    assert_eq!(
        codes(&value),
        [("rua-missing-scheme".to_owned(), "error".to_owned(), 17)]
    );
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(diagnostic["offset"], 16);
    assert_eq!(diagnostic["length"], 22);
    assert_eq!(diagnostic["text"], "postmaster@example.com");
    assert_eq!(
        diagnostic["hint"],
        "write \"mailto:postmaster@example.com\""
    );
}

#[test]
fn not_a_tlsrpt_record_is_told_apart() {
    let output = mtasts(&["check", "tlsrpt-record", "--json", "v=STSv1; id=20240101"]);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(
        codes(&value),
        [("not-tlsrpt-record".to_owned(), "error".to_owned(), 1)]
    );
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(
        diagnostic["message"],
        "not a TLS-RPT record: expected it to begin with \"v=TLSRPTv1\", found \"v=STSv1\""
    );
    assert_eq!(
        diagnostic["hint"],
        "a TLS-RPT record at _smtp._tls.<domain> begins with \"v=TLSRPTv1;\""
    );
}

#[test]
fn strict_turns_warnings_into_errors() {
    let record = "v=TLSRPTv1; rua = mailto:a@example.com";
    let lenient = mtasts(&["check", "tlsrpt-record", "--json", record]);
    assert_eq!(lenient.status.code(), Some(0));
    assert_eq!(
        codes(&json(&lenient)),
        [("space-around-equals".to_owned(), "warning".to_owned(), 16)]
    );

    let strict = mtasts(&["check", "tlsrpt-record", "--strict", "--json", record]);
    assert_eq!(strict.status.code(), Some(1));
    let value = json(&strict);
    assert_eq!(value["valid"], false);
    assert_eq!(
        codes(&value),
        [("space-around-equals".to_owned(), "error".to_owned(), 16)]
    );
}

#[test]
fn pasted_zone_file_text_is_decoded() {
    let output = mtasts(&[
        "check",
        "tlsrpt-record",
        "--json",
        r#""v=TLSRPTv1\; rua=mailto:postmaster@example.com.""#,
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(
        value["data"],
        "v=TLSRPTv1; rua=mailto:postmaster@example.com."
    );
    assert_eq!(
        value["record"]["rua"],
        serde_json::json!(["mailto:postmaster@example.com."])
    );
    assert_eq!(
        codes(&value),
        [
            ("presentation-form".to_owned(), "warning".to_owned(), 1),
            ("mailto-trailing-dot".to_owned(), "warning".to_owned(), 46)
        ]
    );

    let strict = mtasts(&[
        "check",
        "tlsrpt-record",
        "--strict",
        r#""v=TLSRPTv1; rua=mailto:a@example.com""#,
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn reads_standard_input() {
    let output = mtasts_stdin(
        &["check", "tlsrpt-record", "-"],
        b"v=TLSRPTv1; rua=mailto:a@example.com\r\n",
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "record: valid TLS-RPT record (0 errors, 0 warnings)\n  rua      mailto:a@example.com\n"
    );
}

#[test]
fn non_utf8_input_is_invalid_not_a_crash() {
    let output = mtasts_stdin(
        &["check", "tlsrpt-record", "--json", "-"],
        b"v=TLSRPTv1; rua=mailto:\xff@example.com\n",
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    assert_eq!(
        codes(&json(&output)),
        [("non-ascii".to_owned(), "error".to_owned(), 24)]
    );
}

#[test]
fn missing_text_is_bad_usage() {
    let output = mtasts(&["check", "tlsrpt-record"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
}
