//! Runs the `mtasts` binary on the shipped corpus and checks output and exit status.

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

#[test]
fn check_policy_valid_prints_the_policy() {
    let output = mtasts(&["check", "policy", &corpus("policy-crlf.txt")]);
    assert_eq!(output.status.code(), Some(0));
    let expected = format!(
        "{}: valid MTA-STS policy (0 errors, 0 warnings)\n  version  STSv1\n  mode     enforce\n  \
         max_age  604800 (7 days)\n  mx       mail.example.com\n           *.example.net\n",
        corpus("policy-crlf.txt")
    );
    assert_eq!(stdout(&output), expected);
    assert_eq!(stderr(&output), "");
}

#[test]
fn check_policy_invalid_renders_the_diagnostic() {
    let file = corpus("policy-max-age-plus.txt");
    let output = mtasts(&["check", "policy", &file]);
    assert_eq!(output.status.code(), Some(1));
    let expected = format!(
        "error[invalid-max-age]: expected max_age as 1 to 10 ASCII digits, found \"+86400\"\n \
         --> {file}:4:10\n  |\n4 | max_age: +86400\n  |          ^^^^^^\n  = hint: remove the \
         sign\n\n{file}: invalid MTA-STS policy (1 error, 0 warnings)\n"
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn check_policy_json_has_verdict_diagnostics_and_fields() {
    let output = mtasts(&[
        "check",
        "policy",
        "--json",
        &corpus("policy-mx-trailing-dot.txt"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(value["valid"], true);
    assert_eq!(value["kind"], "mta-sts-policy");
    assert_eq!(value["policy"]["mode"], "enforce");
    assert_eq!(value["policy"]["max_age"], 86400);
    assert_eq!(
        value["policy"]["mx"],
        serde_json::json!(["mail.example.com"])
    );
    let diagnostic = &value["diagnostics"][0];
    assert_eq!(diagnostic["severity"], "warning");
    assert_eq!(diagnostic["code"], "mx-trailing-dot");
    assert_eq!(diagnostic["line"], 3);
    assert_eq!(diagnostic["column"], 21);
    assert_eq!(
        diagnostic["message"],
        "mx pattern \"mail.example.com.\" ends with a dot"
    );
    assert_eq!(value["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn check_policy_strict_turns_warnings_into_errors() {
    let output = mtasts(&[
        "check",
        "policy",
        "--strict",
        "--json",
        &corpus("policy-trailing-blank-lines.txt"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["policy"], serde_json::Value::Null);
    let codes: Vec<(&str, &str, u64)> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [("blank-line", "error", 6), ("blank-line", "error", 7)]
    );
}

#[test]
fn check_policy_reads_standard_input() {
    let output = mtasts_stdin(
        &["check", "policy", "-"],
        b"version: STSv1\nmode: none\nmax_age: 86400\n",
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("<stdin>: valid MTA-STS policy (0 errors, 0 warnings)\n"));
}

#[test]
fn check_policy_binary_garbage_is_invalid_not_a_crash() {
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    garbage.extend_from_slice(b"\n\r\x00\xff");
    let output = mtasts_stdin(&["check", "policy", "-"], &garbage);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    assert!(stdout(&output).starts_with("error[invalid-utf8]: policy is not valid UTF-8\n"));
}

#[test]
fn check_policy_oversized_body_is_rejected() {
    let mut body = b"version: STSv1\nmode: none\nmax_age: 86400\nx_pad: ".to_vec();
    body.extend(std::iter::repeat_n(b'a', 65_600));
    body.push(b'\n');
    let output = mtasts_stdin(&["check", "policy", "--json", "-"], &body);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["diagnostics"][0]["code"], "policy-too-large");
    assert_eq!(
        value["diagnostics"][0]["message"],
        "policy of 65649 bytes exceeds the limit of 65536 bytes"
    );
}

#[test]
fn unreadable_input_exits_2() {
    let output = mtasts(&["check", "policy", "/nonexistent/policy.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "mtasts: cannot read /nonexistent/policy.txt: No such file or directory (os error 2)\n"
    );
    assert_eq!(stdout(&output), "");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(mtasts(&["check"]).status.code(), Some(2));
    assert_eq!(mtasts(&["check", "policy"]).status.code(), Some(2));
    assert_eq!(
        mtasts(&["match", &corpus("policy-lf.txt")]).status.code(),
        Some(2)
    );
    assert_eq!(mtasts(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(mtasts(&["--help"]).status.code(), Some(0));
}

#[test]
fn check_sts_record_valid_and_invalid() {
    let output = mtasts(&["check", "sts-record", "v=STSv1; id=20160831085700Z;"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "record: valid MTA-STS record (0 errors, 0 warnings)\n  id       20160831085700Z\n"
    );

    let output = mtasts(&["check", "sts-record", "--json", "v=STSv1; id=2016-08-31"]);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["diagnostics"][0]["code"], "invalid-id");
    assert_eq!(value["diagnostics"][0]["column"], 13);
    assert_eq!(value["record"], serde_json::Value::Null);
}

#[test]
fn check_sts_record_tells_not_a_record_apart() {
    let output = mtasts(&["check", "sts-record", "--json", "v=spf1 -all"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["diagnostics"][0]["code"], "not-sts-record");
}

#[test]
fn check_sts_record_decodes_pasted_zone_file_text() {
    let output = mtasts(&[
        "check",
        "sts-record",
        "--json",
        r#""v=STSv1; id=2024" "0101T000000Z""#,
    ]);
    assert_eq!(output.status.code(), Some(0));
    let value = json(&output);
    assert_eq!(value["data"], "v=STSv1; id=20240101T000000Z");
    assert_eq!(value["record"]["id"], "20240101T000000Z");
    assert_eq!(value["diagnostics"][0]["code"], "presentation-form");
    assert_eq!(value["diagnostics"][0]["severity"], "warning");

    let strict = mtasts(&["check", "sts-record", "--strict", r#""v=STSv1; id=1""#]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn match_reports_each_host_and_fails_on_a_miss() {
    let policy = corpus("policy-lf.txt");
    let output = mtasts(&["match", &policy, "mail.example.com.", "MX1.example.net"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "mail.example.com.  matches mail.example.com\nMX1.example.net    matches *.example.net\n"
    );

    let output = mtasts(&["match", &policy, "a.b.example.net", "example.net"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "a.b.example.net  no match\nexample.net      no match\n"
    );
}

#[test]
fn match_json_lists_matches() {
    let output = mtasts(&[
        "match",
        "--json",
        &corpus("policy-lf.txt"),
        "mx9.example.net",
        "evil.example",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let value = json(&output);
    assert_eq!(value["valid"], true);
    assert_eq!(value["all_matched"], false);
    assert_eq!(
        value["matches"],
        serde_json::json!([
            {"host": "mx9.example.net", "matched": true, "pattern": "*.example.net", "host_error": null},
            {"host": "evil.example", "matched": false, "pattern": null, "host_error": null}
        ])
    );
}

#[test]
fn match_names_invalid_hosts() {
    let long_host = format!("{}.example.net", "a".repeat(65_536));
    let output = mtasts(&[
        "match",
        &corpus("policy-lf.txt"),
        "a..example.net",
        "",
        "x\u{1b}[2J.example.net",
        &long_host,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[0],
        "a..example.net          no match: not a valid host name (empty label in host name at \
         byte 2)"
    );
    assert_eq!(
        lines[1],
        "                        no match: not a valid host name (expected a host name, found \
         nothing)"
    );
    assert_eq!(
        lines[2],
        "x\\u{1b}[2J.example.net  no match: not a valid host name (invalid character '\\u{1b}' \
         in host name at byte 1)"
    );
    assert_eq!(
        lines[3].strip_prefix(long_host.as_str()),
        Some(
            "  no match: not a valid host name (label of 65536 characters exceeds the DNS limit \
             of 63)"
        )
    );
}

#[test]
fn match_against_invalid_policy_exits_1() {
    let output = mtasts(&[
        "match",
        &corpus("policy-mx-star-only.txt"),
        "mail.example.com",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.starts_with("error[mx-bare-wildcard]:"), "{text}");
    assert!(
        text.ends_with("no host can be matched against an invalid policy\n"),
        "{text}"
    );
}

#[test]
fn match_notes_mode_none() {
    let output = mtasts(&[
        "match",
        &corpus("policy-mode-none-no-mx.txt"),
        "mail.example.com",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).ends_with(
        "mail.example.com  no match\nnote: the mode is none, so senders apply no policy to this \
         domain\n"
    ));
}

#[test]
fn unreadable_input_with_json_prints_an_error_object() {
    let output = mtasts(&["check", "policy", "--json", "/nonexistent/policy.txt"]);
    assert_eq!(output.status.code(), Some(2));
    let value = json(&output);
    assert_eq!(value["valid"], false);
    assert_eq!(value["error"]["code"], "unreadable-input");
    assert_eq!(
        value["error"]["message"],
        "cannot read /nonexistent/policy.txt: No such file or directory (os error 2)"
    );
    assert_eq!(value["diagnostics"], serde_json::json!([]));
}

#[test]
fn record_on_stdin_loses_every_final_line_ending() {
    let output = mtasts_stdin(&["check", "sts-record", "-"], b"v=STSv1; id=1\r\n\n\n");
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("  id       1\n"),
        "{}",
        stdout(&output)
    );
    let output = mtasts_stdin(
        &["check", "tlsrpt-record", "-"],
        b"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\n\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}
