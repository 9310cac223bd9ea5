//! RFC 8460 rules that the other TLS-RPT suites leave out. For the record (§3): the
//! `_smtp._tls` owner name, RRset corner cases and extension values. For the report (§4, with
//! RFC 7493 and RFC 3339): member types, required members, counts, result and policy types, IP
//! addresses and date-times. For delivery: the email that carries a report (§5.3, §5.6) and
//! untrusted gzip input (§7).
//!
//! Report cases make small edits to `BASE`, a conformant report written one member per line, so
//! that each diagnostic's line and column point at the edited value.

mod common;

use std::io::Write;
use std::net::IpAddr;

use common::{E, Found, W, found};
use flate2::{Compression, GzBuilder};
use jiff::Timestamp;
use mtasts_core::tlsrpt::{
    FailureDetail, InputFormat, Limits, PolicyType, ReceivedReport, Report, ReportedPolicy,
    ResultType, TlsRptRecord,
};
use mtasts_core::txt::{Discovery, RecordKind};
use mtasts_core::{Diagnostic, ParseOptions, Parsed, Severity};

// ---------------------------------------------------------------------------------------------
// RFC 8460 §3: the `_smtp._tls` TXT record
// ---------------------------------------------------------------------------------------------

#[test]
fn record_owner_name_is_smtp_tls() {
    assert_eq!(RecordKind::TlsRpt.owner_prefix(), "_smtp._tls");
    let error = TlsRptRecord::parse("v=spf1 -all").unwrap_err();
    let diagnostic = error.first_error().unwrap();
    assert_eq!(diagnostic.code(), "not-tlsrpt-record");
    assert_eq!(
        diagnostic.hint(),
        "a TLS-RPT record at _smtp._tls.<domain> begins with \"v=TLSRPTv1;\""
    );
}

/// RFC 8460 §3: every record that begins with `v=TLSRPTv1;` is counted, whether or not it
/// parses, and unless exactly one is counted the domain has no TLS-RPT record.
#[test]
fn rrset_malformed_record_still_counts() {
    let valid = "v=TLSRPTv1; rua=mailto:a@example.com";
    let malformed = "v=TLSRPTv1; rua=postmaster@example.com";
    let cases = [
        ("valid record first", [valid, malformed]),
        ("malformed record first", [malformed, valid]),
    ];
    for (name, rrset) in cases {
        let selection = TlsRptRecord::select(rrset.map(|data| [data]));
        assert_eq!(
            selection.discovery,
            Discovery::Multiple { count: 2 },
            "{name}"
        );
        assert_eq!(selection.discovery.record(), None, "{name}");
        assert!(selection.near_misses.is_empty(), "{name}");
    }
}

/// RFC 8460 §3 and RFC 7208 §3.3: the strings of one resource record are joined, but separate
/// resource records are separate records.
#[test]
fn rrset_separate_records_not_joined() {
    let selection = TlsRptRecord::select([["v=TLSRPTv1;"], ["rua=mailto:a@example.com"]]);
    let Discovery::Invalid(error) = &selection.discovery else {
        panic!(
            "expected one invalid record, found {:?}",
            selection.discovery
        );
    };
    assert_eq!(
        found(&error.diagnostics),
        [(E, "missing-rua", 1, 12, 11, 11)]
    );
    assert!(selection.near_misses.is_empty());
}

/// RFC 8460 §3: `tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)`, and `tlsrpt-ext-name` may
/// start with a digit.
#[test]
fn extension_value_character_class_edges() {
    let accepted = [
        ("lowest character 0x21", "9x=!", "9x", "!"),
        ("colon 0x3A", "x=:", "x", ":"),
        ("less-than sign 0x3C", "x=<", "x", "<"),
        ("greater-than sign 0x3E", "x=>", "x", ">"),
        ("highest character 0x7E", "x=~", "x", "~"),
        (
            "every punctuation character allowed",
            "x=!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~",
            "x",
            "!\"#$%&'()*+,-./:<>?@[\\]^_`{|}~",
        ),
    ];
    for (name, field, extension_name, value) in accepted {
        let data = format!("v=TLSRPTv1; rua=mailto:a@example.com; {field}");
        let parsed = TlsRptRecord::parse(&data)
            .unwrap_or_else(|e| panic!("{name}: rejected: {:?}", found(&e.diagnostics)));
        let extensions: Vec<(&str, &str)> = parsed
            .value
            .extensions()
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(extensions, [(extension_name, value)], "{name}");
        assert_eq!(found(&parsed.warnings), [], "{name}");
    }

    let rejected: [(&str, &str, Found); 2] = [
        (
            "delete character 0x7F",
            "x=a\u{7f}b",
            (E, "invalid-extension-value", 1, 41, 40, 43),
        ),
        (
            "tab inside the value",
            "x=a\tb",
            (E, "invalid-extension-value", 1, 41, 40, 43),
        ),
    ];
    for (name, field, expected) in rejected {
        let data = format!("v=TLSRPTv1; rua=mailto:a@example.com; {field}");
        let error = TlsRptRecord::parse(&data).unwrap_err();
        assert_eq!(found(&error.diagnostics), [expected], "{name}");
    }
}

/// RFC 8460 §3 defines no rule for a repeated extension name. The first value is kept, with a
/// `duplicate-field` warning, as RFC 8461 §3.2 does for repeated policy fields.
#[test]
fn repeated_extension_keeps_first() {
    let data = "v=TLSRPTv1; rua=mailto:a@example.com; x=1; x=2";
    let parsed = TlsRptRecord::parse(data).unwrap();
    let extensions: Vec<(&str, &str)> = parsed
        .value
        .extensions()
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_str()))
        .collect();
    assert_eq!(extensions, [("x", "1")]);
    assert_eq!(
        found(&parsed.warnings),
        [(W, "duplicate-field", 1, 44, 43, 46)]
    );
    let strict = TlsRptRecord::parse_with(data.as_bytes(), ParseOptions::STRICT).unwrap_err();
    assert_eq!(
        found(&strict.diagnostics),
        [(E, "duplicate-field", 1, 44, 43, 46)]
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 8460 §4: the report
// ---------------------------------------------------------------------------------------------

/// A conformant report: one MTA-STS policy with one failure detail.
const BASE: &str = r#"{
  "organization-name": "Reporter Inc.",
  "date-range": {
    "start-datetime": "2024-09-03T00:00:00Z",
    "end-datetime": "2024-09-04T00:00:00Z"
  },
  "contact-info": "tlsrpt@reporter.example",
  "report-id": "20240903.1.example.com@reporter.example",
  "policies": [
    {
      "policy": {
        "policy-type": "sts",
        "policy-string": ["version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 604800"],
        "policy-domain": "example.com",
        "mx-host": ["mail.example.com"]
      },
      "summary": {
        "total-successful-session-count": 10,
        "total-failure-session-count": 2
      },
      "failure-details": [
        {
          "result-type": "certificate-expired",
          "sending-mta-ip": "198.51.100.7",
          "receiving-mx-hostname": "mail.example.com",
          "receiving-ip": "192.0.2.10",
          "failed-session-count": 2,
          "failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED"
        }
      ]
    }
  ]
}"#;

/// The `failure-details` array of `BASE`, as written there.
const BASE_DETAILS: &str = r#"[
        {
          "result-type": "certificate-expired",
          "sending-mta-ip": "198.51.100.7",
          "receiving-mx-hostname": "mail.example.com",
          "receiving-ip": "192.0.2.10",
          "failed-session-count": 2,
          "failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED"
        }
      ]"#;

/// A report diagnostic reduced to what these tests pin: severity, code, JSON path, line,
/// column and the text it points at. The path is `-` for issues without one.
type Noted<'a> = (Severity, &'static str, &'a str, u32, u32, &'a str);

fn noted(diagnostics: &[Diagnostic]) -> Vec<Noted<'_>> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d.severity,
                d.code(),
                d.issue.path().unwrap_or("-"),
                d.line,
                d.column,
                d.text.as_str(),
            )
        })
        .collect()
}

/// Returns `BASE` with each `(old, new)` replacement made, checking that `old` occurs once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut json = BASE.to_owned();
    for (old, new) in edits {
        assert_eq!(json.matches(old).count(), 1, "{old:?} must occur once");
        json = json.replacen(old, new, 1);
    }
    json
}

fn accepted(name: &str, json: &str) -> Parsed<Report> {
    Report::from_json(json.as_bytes())
        .unwrap_or_else(|e| panic!("{name}: rejected: {:?}", noted(&e.diagnostics)))
}

fn rejected(name: &str, json: &[u8], options: ParseOptions) -> Vec<Diagnostic> {
    match Report::from_json_with(json, options) {
        Ok(parsed) => panic!("{name}: accepted with {:?}", noted(&parsed.warnings)),
        Err(error) => error.diagnostics,
    }
}

/// Codes of the advisory warnings, which strict parsing leaves warnings: they describe valid
/// reports that skip a recommendation of RFC 8460.
const ADVISORY: [&str; 2] = ["count-mismatch", "date-range-not-a-day"];

/// Returns the diagnostics as strict parsing reports them: every warning raised to an error,
/// except the advisory ones.
fn raised<'a>(expected: &[Noted<'a>]) -> Vec<Noted<'a>> {
    expected
        .iter()
        .map(|&(severity, code, path, line, column, text)| {
            let severity = if ADVISORY.contains(&code) {
                severity
            } else {
                E
            };
            (severity, code, path, line, column, text)
        })
        .collect()
}

/// Checks a report that is accepted with `warnings`, and that strict parsing rejects with the
/// same diagnostics as errors, or accepts when there are none. Returns the report.
fn check_accepted(name: &str, json: &str, warnings: &[Noted<'_>]) -> Report {
    let parsed = accepted(name, json);
    assert_eq!(noted(&parsed.warnings), warnings, "{name}: warnings");
    let strict = Report::from_json_with(json.as_bytes(), ParseOptions::STRICT);
    match strict {
        Ok(strict) => {
            assert!(
                warnings.iter().all(|w| ADVISORY.contains(&w.1)),
                "{name}: strictly accepted"
            );
            assert_eq!(noted(&strict.warnings), warnings, "{name}: strict warnings");
        }
        Err(error) => assert_eq!(
            noted(&error.diagnostics),
            raised(warnings),
            "{name}: strict"
        ),
    }
    parsed.value
}

fn detail(report: &Report) -> &FailureDetail {
    &report.policies[0].failure_details[0]
}

fn time(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn base_report_is_conformant() {
    let parsed = Report::from_json_with(BASE.as_bytes(), ParseOptions::STRICT).unwrap();
    assert_eq!(noted(&parsed.warnings), []);
    let report = parsed.value;
    assert_eq!(report.policies.len(), 1);
    assert_eq!(report.policies[0].failure_details.len(), 1);
    assert_eq!(detail(&report).failed_session_count, 2);
    assert!(BASE.contains(BASE_DETAILS));
}

/// RFC 8460 §4.4: the JSON type of each member. A value of another type stops reading, with an
/// error at the value.
#[test]
fn members_need_their_schema_types() {
    let cases: [(&str, &str, &str, Noted<'static>, &str); 12] = [
        (
            "organization-name as a number",
            r#""organization-name": "Reporter Inc.""#,
            r#""organization-name": 7"#,
            (E, "invalid-type", "organization-name", 2, 24, "7"),
            "organization-name: expected a string, found a number",
        ),
        (
            "date-range as a string",
            r#""date-range": {"#,
            r#""date-range": "2024-09-03", "x": {"#,
            (E, "invalid-type", "date-range", 3, 17, "\"2024-09-03\""),
            "date-range: expected a date-range object, found a string",
        ),
        (
            "start-datetime as a number",
            r#""2024-09-03T00:00:00Z""#,
            "1725321600",
            (
                E,
                "invalid-type",
                "date-range.start-datetime",
                4,
                23,
                "1725321600",
            ),
            "date-range.start-datetime: expected a string, found a number",
        ),
        (
            "contact-info as a boolean",
            r#""tlsrpt@reporter.example""#,
            "true",
            (E, "invalid-type", "contact-info", 7, 19, "true"),
            "contact-info: expected a string, found a boolean",
        ),
        (
            "report-id as an array",
            r#""20240903.1.example.com@reporter.example""#,
            r#"["20240903.1.example.com@reporter.example"]"#,
            (E, "invalid-type", "report-id", 8, 16, "["),
            "report-id: expected a string, found an array",
        ),
        (
            "policies as a string",
            r#""policies": ["#,
            r#""policies": "sts", "x": ["#,
            (E, "invalid-type", "policies", 9, 15, "\"sts\""),
            "policies: expected an array of policies, found a string",
        ),
        (
            "policy as an array",
            r#""policy": {"#,
            r#""policy": [], "x": {"#,
            (E, "invalid-type", "policies[0].policy", 11, 17, "["),
            "policies[0].policy: expected a policy object, found an array",
        ),
        (
            "policy-string element as a number",
            r#""mode: enforce""#,
            "1",
            (
                E,
                "invalid-type",
                "policies[0].policy.policy-string[1]",
                13,
                45,
                "1",
            ),
            "policies[0].policy.policy-string[1]: expected a string, found a number",
        ),
        (
            "mx-host as an object",
            r#"["mail.example.com"]"#,
            r#"{"mx": "mail.example.com"}"#,
            (E, "invalid-type", "policies[0].policy.mx-host", 15, 20, "{"),
            "policies[0].policy.mx-host: expected an array of strings, found an object",
        ),
        (
            "summary as null",
            r#""summary": {"#,
            r#""summary": null, "x": {"#,
            (E, "invalid-type", "policies[0].summary", 17, 18, "null"),
            "policies[0].summary: expected a summary object, found null",
        ),
        (
            "failure-details as an object",
            r#""failure-details": ["#,
            r#""failure-details": {}, "x": ["#,
            (
                E,
                "invalid-type",
                "policies[0].failure-details",
                21,
                26,
                "{",
            ),
            "policies[0].failure-details: expected an array of failure details, found an object",
        ),
        (
            "sending-mta-ip as a number",
            r#""198.51.100.7""#,
            "3325256711",
            (
                E,
                "invalid-type",
                "policies[0].failure-details[0].sending-mta-ip",
                24,
                29,
                "3325256711",
            ),
            "policies[0].failure-details[0].sending-mta-ip: expected a string, found a number",
        ),
    ];
    for (name, old, new, expected, message) in cases {
        let json = edited(&[(old, new)]);
        let diagnostics = rejected(name, json.as_bytes(), ParseOptions::default());
        assert_eq!(noted(&diagnostics), [expected], "{name}");
        assert_eq!(diagnostics[0].message(), message, "{name}");
    }
}

/// An error about a value points at the value, not where the JSON reader stopped after it: the
/// `}` after a one-line value, or the next line for the last member of an object.
#[test]
fn value_error_points_at_the_value() {
    let cases: [(&str, String, Noted<'static>); 3] = [
        (
            "one-line report",
            r#"{"organization-name": 5}"#.to_owned(),
            (E, "invalid-type", "organization-name", 1, 23, "5"),
        ),
        (
            "last member of an object",
            edited(&[("\"2024-09-04T00:00:00Z\"", "null")]),
            (E, "invalid-type", "date-range.end-datetime", 5, 21, "null"),
        ),
        (
            "negative count",
            edited(&[(
                r#""failed-session-count": 2"#,
                r#""failed-session-count": -2"#,
            )]),
            (
                E,
                "invalid-count",
                "policies[0].failure-details[0].failed-session-count",
                27,
                35,
                "-2",
            ),
        ),
    ];
    for (name, json, expected) in cases {
        let diagnostics = rejected(name, json.as_bytes(), ParseOptions::default());
        assert_eq!(noted(&diagnostics), [expected], "{name}");
    }
}

#[test]
fn report_must_be_an_object() {
    let diagnostics = rejected("array", b"[]", ParseOptions::default());
    assert_eq!(noted(&diagnostics), [(E, "invalid-type", "", 1, 1, "[")]);
    assert_eq!(
        diagnostics[0].message(),
        "the report: expected a report object, found an array"
    );
}

/// RFC 8460 §4.4: the members every report needs. Each case renames one member, so that it is
/// missing and its value is skipped as an unknown member.
#[test]
fn required_members_missing_reject() {
    let cases: [(&str, &[Noted<'static>]); 13] = [
        (
            "organization-name",
            &[
                (E, "missing-member", "organization-name", 1, 1, "{"),
                (
                    W,
                    "unknown-member",
                    "x-organization-name",
                    2,
                    26,
                    "\"Reporter Inc.\"",
                ),
            ],
        ),
        (
            "date-range",
            &[
                (E, "missing-member", "date-range", 1, 1, "{"),
                (W, "unknown-member", "x-date-range", 3, 19, "{"),
            ],
        ),
        (
            "report-id",
            &[
                (E, "missing-member", "report-id", 1, 1, "{"),
                (
                    W,
                    "unknown-member",
                    "x-report-id",
                    8,
                    18,
                    "\"20240903.1.example.com@reporter.example\"",
                ),
            ],
        ),
        (
            "policies",
            &[
                (E, "missing-member", "policies", 1, 1, "{"),
                (W, "unknown-member", "x-policies", 9, 17, "["),
            ],
        ),
        (
            "start-datetime",
            &[
                (E, "missing-member", "date-range.start-datetime", 3, 17, "{"),
                (
                    W,
                    "unknown-member",
                    "date-range.x-start-datetime",
                    4,
                    25,
                    "\"2024-09-03T00:00:00Z\"",
                ),
            ],
        ),
        (
            "end-datetime",
            &[
                (E, "missing-member", "date-range.end-datetime", 3, 17, "{"),
                (
                    W,
                    "unknown-member",
                    "date-range.x-end-datetime",
                    5,
                    23,
                    "\"2024-09-04T00:00:00Z\"",
                ),
            ],
        ),
        (
            "policy",
            &[
                (E, "missing-member", "policies[0].policy", 10, 5, "{"),
                (W, "unknown-member", "policies[0].x-policy", 11, 19, "{"),
            ],
        ),
        (
            "policy-type",
            &[
                (
                    E,
                    "missing-member",
                    "policies[0].policy.policy-type",
                    11,
                    17,
                    "{",
                ),
                (
                    W,
                    "unknown-member",
                    "policies[0].policy.x-policy-type",
                    12,
                    26,
                    "\"sts\"",
                ),
            ],
        ),
        (
            "summary",
            &[
                (E, "missing-member", "policies[0].summary", 10, 5, "{"),
                (W, "unknown-member", "policies[0].x-summary", 17, 20, "{"),
            ],
        ),
        (
            "total-successful-session-count",
            &[
                (
                    E,
                    "missing-member",
                    "policies[0].summary.total-successful-session-count",
                    17,
                    18,
                    "{",
                ),
                (
                    W,
                    "unknown-member",
                    "policies[0].summary.x-total-successful-session-count",
                    18,
                    45,
                    "10",
                ),
            ],
        ),
        (
            "total-failure-session-count",
            &[
                (
                    E,
                    "missing-member",
                    "policies[0].summary.total-failure-session-count",
                    17,
                    18,
                    "{",
                ),
                (
                    W,
                    "unknown-member",
                    "policies[0].summary.x-total-failure-session-count",
                    19,
                    42,
                    "2",
                ),
            ],
        ),
        (
            "result-type",
            &[
                (
                    E,
                    "missing-member",
                    "policies[0].failure-details[0].result-type",
                    22,
                    9,
                    "{",
                ),
                (
                    W,
                    "unknown-member",
                    "policies[0].failure-details[0].x-result-type",
                    23,
                    28,
                    "\"certificate-expired\"",
                ),
            ],
        ),
        (
            "failed-session-count",
            &[
                (
                    E,
                    "missing-member",
                    "policies[0].failure-details[0].failed-session-count",
                    22,
                    9,
                    "{",
                ),
                (
                    W,
                    "unknown-member",
                    "policies[0].failure-details[0].x-failed-session-count",
                    27,
                    37,
                    "2",
                ),
            ],
        ),
    ];
    for (member, expected) in cases {
        let json = edited(&[(&format!("\"{member}\":"), &format!("\"x-{member}\":"))]);
        let diagnostics = rejected(member, json.as_bytes(), ParseOptions::default());
        assert_eq!(noted(&diagnostics), expected, "{member}");
        let missing = diagnostics.iter().find(|d| d.is_error()).unwrap();
        assert_eq!(
            missing.message(),
            format!(
                "missing required member {:?}",
                missing.issue.path().unwrap()
            ),
            "{member}"
        );
    }
}

/// RFC 8460 §4: `policies` is an array even when it contains one policy. One object is read as the
/// only policy, with a warning, and is written back as an array.
#[test]
fn policies_object_read_as_array() {
    let json = edited(&[(r#""policies": ["#, r#""policies":"#), ("\n  ]\n}", "\n}")]);
    let report = check_accepted(
        "policies object",
        &json,
        &[(W, "object-for-array", "policies", 10, 5, "{")],
    );
    assert_eq!(report.policies.len(), 1);
    assert_eq!(report.policies[0].policy.policy_type, PolicyType::Sts);
    let written = report.to_json();
    assert!(written.contains(r#""policies":[{"policy":{"#), "{written}");
}

/// RFC 8460 §4.4 and RFC 7493 §2.2: session counts are JSON integers, exact only up to
/// 2^53 - 1.
#[test]
fn counts_are_nonnegative_integers() {
    let accepted_cases: [(&str, &str, u64, &[Noted<'static>]); 4] = [
        ("integer", "10", 10, &[]),
        ("2^53 - 1", "9007199254740991", 9_007_199_254_740_991, &[]),
        (
            "2^53",
            "9007199254740992",
            9_007_199_254_740_992,
            &[(
                W,
                "count-too-large",
                "policies[0].summary.total-successful-session-count",
                18,
                43,
                "9007199254740992",
            )],
        ),
        (
            "string of digits",
            "\"10\"",
            10,
            &[(
                W,
                "count-as-string",
                "policies[0].summary.total-successful-session-count",
                18,
                43,
                "\"10\"",
            )],
        ),
    ];
    for (name, value, count, warnings) in accepted_cases {
        let json = edited(&[(
            r#""total-successful-session-count": 10"#,
            &format!(r#""total-successful-session-count": {value}"#),
        )]);
        let report = check_accepted(name, &json, warnings);
        assert_eq!(
            report.policies[0].summary.total_successful_session_count, count,
            "{name}"
        );
    }

    let path = "policies[0].summary.total-successful-session-count";
    let rejected_cases = [
        ("negative", "-1", "invalid-count", "invalid count -1"),
        ("fraction", "10.5", "invalid-count", "invalid count 10.5"),
        ("exponent", "1e1", "invalid-count", "invalid count 1e1"),
        (
            "integral fraction",
            "5.0",
            "invalid-count",
            "invalid count 5.0",
        ),
        (
            "beyond 64 bits",
            "18446744073709551616",
            "invalid-count",
            "invalid count 18446744073709551616",
        ),
        (
            "string of letters",
            "\"ten\"",
            "invalid-count",
            "invalid count \"ten\"",
        ),
        (
            "null",
            "null",
            "invalid-type",
            "expected an integer, found null",
        ),
    ];
    for (name, value, code, message) in rejected_cases {
        let json = edited(&[(
            r#""total-successful-session-count": 10"#,
            &format!(r#""total-successful-session-count": {value}"#),
        )]);
        let diagnostics = rejected(name, json.as_bytes(), ParseOptions::default());
        assert_eq!(
            noted(&diagnostics),
            [(E, code, path, 18, 43, value)],
            "{name}"
        );
        assert!(
            diagnostics[0]
                .message()
                .starts_with(&format!("{path}: {message}")),
            "{name}: {}",
            diagnostics[0].message()
        );
    }
}

/// RFC 8460 §4: failure types are not exclusive, so the details may add up to more than
/// `total-failure-session-count`. The difference is a warning, which strict parsing raises as
/// it raises every warning. An empty `failure-details` array is not compared.
#[test]
fn failure_counts_may_overlap() {
    let mismatch: &[Noted<'static>] = &[(W, "count-mismatch", "policies[0]", 10, 5, "{")];
    let cases: [(&str, &str, &str, &[Noted<'static>]); 4] = [
        ("details equal the total", "2", BASE_DETAILS, &[]),
        // Failure types may overlap, so details above the total are expected.
        ("details exceed the total", "1", BASE_DETAILS, &[]),
        ("details below the total", "3", BASE_DETAILS, mismatch),
        ("no details", "2", "[]", &[]),
    ];
    for (name, total, details, warnings) in cases {
        let json = edited(&[
            (
                r#""total-failure-session-count": 2"#,
                &format!(r#""total-failure-session-count": {total}"#),
            ),
            (BASE_DETAILS, details),
        ]);
        let report = check_accepted(name, &json, warnings);
        let summary = report.policies[0].summary;
        assert_eq!(
            summary.total_failure_session_count,
            total.parse::<u64>().unwrap(),
            "{name}"
        );
        if !warnings.is_empty() {
            let message = accepted(name, &json).warnings[0].message();
            assert_eq!(
                message,
                format!(
                    "policies[0]: failure details add up to 2 sessions but \
                     total-failure-session-count is {total}"
                ),
                "{name}"
            );
        }
    }
}

/// RFC 8460 §4.3 and §6.6: the eleven registered result types, matched exactly. Success is not
/// a result type.
#[test]
fn result_types_are_the_registered_eleven() {
    let registered: Vec<&str> = ResultType::REGISTERED
        .iter()
        .map(ResultType::as_str)
        .collect();
    assert_eq!(
        registered,
        [
            "starttls-not-supported",
            "certificate-host-mismatch",
            "certificate-expired",
            "certificate-not-trusted",
            "validation-failure",
            "tlsa-invalid",
            "dnssec-invalid",
            "dane-required",
            "sts-policy-fetch-error",
            "sts-policy-invalid",
            "sts-webpki-invalid",
        ]
    );
    for result_type in ResultType::REGISTERED {
        let name = result_type.as_str();
        assert_eq!(ResultType::from_value(name), result_type, "{name}");
        let json = edited(&[(
            r#""result-type": "certificate-expired""#,
            &format!(r#""result-type": "{name}""#),
        )]);
        let report = check_accepted(name, &json, &[]);
        assert_eq!(detail(&report).result_type, result_type, "{name}");
    }
}

#[test]
fn unregistered_result_type_is_kept() {
    let path = "policies[0].failure-details[0].result-type";
    let cases = [
        ("success", "success"),
        ("upper case", "Certificate-Expired"),
        ("trailing space", "validation-failure "),
    ];
    for (name, value) in cases {
        let quoted = format!("\"{value}\"");
        let json = edited(&[(
            r#""result-type": "certificate-expired""#,
            &format!(r#""result-type": {quoted}"#),
        )]);
        let report = check_accepted(
            name,
            &json,
            &[(W, "unknown-result-type", path, 23, 26, &quoted)],
        );
        assert_eq!(
            detail(&report).result_type,
            ResultType::Other(value.into()),
            "{name}"
        );
    }
}

/// RFC 8460 §4.4: `policy-type` is exactly `tlsa`, `sts` or `no-policy-found`. Other values are
/// kept as sent.
#[test]
fn policy_type_is_one_of_three() {
    let path = "policies[0].policy.policy-type";
    let cases: [(&str, &str, PolicyType, &[Noted<'static>]); 5] = [
        ("sts", "sts", PolicyType::Sts, &[]),
        ("tlsa", "tlsa", PolicyType::Tlsa, &[]),
        (
            "no-policy-found",
            "no-policy-found",
            PolicyType::NoPolicyFound,
            &[],
        ),
        (
            "upper case",
            "STS",
            PolicyType::Other("STS".into()),
            &[(W, "unknown-policy-type", path, 12, 24, "\"STS\"")],
        ),
        (
            "unregistered name",
            "dane",
            PolicyType::Other("dane".into()),
            &[(W, "unknown-policy-type", path, 12, 24, "\"dane\"")],
        ),
    ];
    for (name, value, policy_type, warnings) in cases {
        let json = edited(&[(
            r#""policy-type": "sts""#,
            &format!(r#""policy-type": "{value}""#),
        )]);
        let report = check_accepted(name, &json, warnings);
        assert_eq!(report.policies[0].policy.policy_type, policy_type, "{name}");
        assert_eq!(policy_type.as_str(), value, "{name}");
    }
}

/// RFC 8460 §4.4 and §4.5 define `policy-string` as an array of strings, while §4 calls the
/// policy "a string". One string is read as a one-element array, with a warning.
#[test]
fn policy_string_single_string_read() {
    let json = edited(&[(
        r#"["version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 604800"]"#,
        r#""version: STSv1""#,
    )]);
    let report = check_accepted(
        "one string",
        &json,
        &[(
            W,
            "string-for-array",
            "policies[0].policy.policy-string",
            13,
            26,
            "\"version: STSv1\"",
        )],
    );
    assert_eq!(report.policies[0].policy.policy_string, ["version: STSv1"]);
}

/// RFC 8460 leaves `policy-string`, `policy-domain` and `mx-host` undefined for
/// `no-policy-found`, and some reporters leave `mx-host` out of `sts` policies too. Each may be
/// missing in every policy type, and only a missing `policy-domain` gets a warning.
#[test]
fn policy_members_other_than_type_optional() {
    let json = edited(&[
        (
            r#""policy-string": ["version: STSv1", "mode: enforce", "mx: mail.example.com", "max_age: 604800"],
        "#,
            "",
        ),
        (
            r#""policy-domain": "example.com",
        "#,
            "",
        ),
        (
            r#",
        "mx-host": ["mail.example.com"]"#,
            "",
        ),
    ]);
    let report = check_accepted(
        "sts policy with only policy-type",
        &json,
        &[(
            W,
            "missing-optional-member",
            "policies[0].policy.policy-domain",
            11,
            17,
            "{",
        )],
    );
    assert_eq!(
        report.policies[0].policy,
        ReportedPolicy {
            policy_type: PolicyType::Sts,
            policy_string: vec![],
            policy_domain: None,
            mx_host: vec![],
        }
    );
}

/// Only `result-type` and `failed-session-count` are needed in a failure detail: RFC 8460 marks
/// `receiving-mx-helo` and `additional-information` optional, its own example leaves out
/// `receiving-ip` and `failure-reason-code`, and `sts-policy-fetch-error` has no MX to name.
#[test]
fn failure_detail_needs_type_and_count() {
    let json = edited(&[(
        BASE_DETAILS,
        r#"[
        {
          "result-type": "sts-policy-fetch-error",
          "failed-session-count": 2
        }
      ]"#,
    )]);
    let report = check_accepted("type and count only", &json, &[]);
    assert_eq!(
        detail(&report),
        &FailureDetail::new(ResultType::StsPolicyFetchError, 2)
    );
}

#[test]
fn failure_details_null_read_as_empty() {
    let json = edited(&[(BASE_DETAILS, "null")]);
    let report = check_accepted(
        "null",
        &json,
        &[(
            W,
            "null-member",
            "policies[0].failure-details",
            21,
            26,
            "null",
        )],
    );
    assert_eq!(report.policies[0].failure_details, []);
}

/// RFC 8460 §4.4 describes `additional-information` under the name `additional-info-uri`. Only
/// the schema key is read, and the other name is an unknown member.
#[test]
fn schema_keys_are_the_member_names() {
    let code = r#""failure-reason-code": "X509_V_ERR_CERT_HAS_EXPIRED""#;
    let uri = "https://reporter.example/tlsrpt/1";
    let cases: [(&str, &str, Option<&str>, &[Noted<'static>]); 2] = [
        ("schema key", "additional-information", Some(uri), &[]),
        (
            "description name",
            "additional-info-uri",
            None,
            &[(
                W,
                "unknown-member",
                "policies[0].failure-details[0].additional-info-uri",
                29,
                34,
                "\"https://reporter.example/tlsrpt/1\"",
            )],
        ),
    ];
    for (name, key, expected, warnings) in cases {
        let json = edited(&[(code, &format!("{code},\n          \"{key}\": \"{uri}\""))]);
        let report = check_accepted(name, &json, warnings);
        assert_eq!(
            detail(&report).additional_information.as_deref(),
            expected,
            "{name}"
        );
    }
}

/// RFC 8460 §4.4: IPv4 addresses are `dec-octet "." dec-octet "." dec-octet "." dec-octet`,
/// with no leading zeros, and IPv6 addresses are in text form. An address that does not parse
/// is dropped with a warning.
#[test]
fn ip_addresses_follow_the_grammar() {
    let path = "policies[0].failure-details[0].sending-mta-ip";
    let valid = [
        ("IPv4", "198.51.100.7", "198.51.100.7"),
        ("IPv4 octets 0 and 255", "0.0.0.255", "0.0.0.255"),
        ("IPv6", "2001:db8::25", "2001:db8::25"),
        ("IPv6 upper case", "2001:DB8::25", "2001:db8::25"),
        ("IPv6 uncompressed", "2001:db8:0:0:0:0:0:25", "2001:db8::25"),
        (
            "IPv4-mapped IPv6",
            "::ffff:198.51.100.7",
            "::ffff:198.51.100.7",
        ),
    ];
    for (name, text, address) in valid {
        let json = edited(&[("\"198.51.100.7\"", &format!("\"{text}\""))]);
        let report = check_accepted(name, &json, &[]);
        let expected: IpAddr = address.parse().unwrap();
        assert_eq!(detail(&report).sending_mta_ip, Some(expected), "{name}");
    }
    let invalid = [
        ("leading zero in an octet", "198.51.100.07"),
        ("octet above 255", "198.51.100.256"),
        ("three octets", "198.51.100"),
        ("IPv6 zone index", "fe80::1%eth0"),
        ("IPv6 in brackets", "[2001:db8::25]"),
    ];
    for (name, text) in invalid {
        let quoted = format!("\"{text}\"");
        let json = edited(&[("\"198.51.100.7\"", &quoted)]);
        let report = check_accepted(
            name,
            &json,
            &[(W, "invalid-ip-address", path, 24, 29, &quoted)],
        );
        assert_eq!(detail(&report).sending_mta_ip, None, "{name}");
    }
}

/// RFC 8460 §4.4 gives IPv6 addresses in RFC 5952 form, the canonical text, so they are written
/// that way however a report wrote them.
#[test]
fn ipv6_written_in_rfc5952_form() {
    let cases = [
        ("upper case", "2001:DB8::25", "2001:db8::25"),
        ("uncompressed", "2001:db8:0:0:0:0:0:25", "2001:db8::25"),
        (
            "longest zero run",
            "2001:db8:0:0:1:0:0:0",
            "2001:db8:0:0:1::",
        ),
        (
            "first of equal zero runs",
            "2001:0:0:1:0:0:1:1",
            "2001::1:0:0:1:1",
        ),
        (
            "single zero field",
            "2001:db8:0:1:1:1:1:1",
            "2001:db8:0:1:1:1:1:1",
        ),
        ("IPv4-mapped", "::FFFF:198.51.100.7", "::ffff:198.51.100.7"),
    ];
    for (name, text, written) in cases {
        let json = edited(&[("\"198.51.100.7\"", &format!("\"{text}\""))]);
        let report = accepted(name, &json).value;
        let output = report.to_json();
        let member = format!(r#""sending-mta-ip":"{written}""#);
        assert!(output.contains(&member), "{name}: {output}");
    }
}

/// RFC 3339 §5.6 date-times, as RFC 8460 §4.4 requires for the date range. Letters may be lower
/// case (ABNF literals are case-insensitive), and any offset is converted to UTC.
#[test]
fn datetime_rfc3339_forms_accepted() {
    let cases = [
        ("UTC", "2024-09-04T00:00:00Z", "2024-09-04T00:00:00Z"),
        (
            "lower-case t and z",
            "2024-09-04t00:00:00z",
            "2024-09-04T00:00:00Z",
        ),
        (
            "positive offset",
            "2024-09-04T02:00:00+02:00",
            "2024-09-04T00:00:00Z",
        ),
        (
            "negative offset",
            "2024-09-03T19:00:00-05:00",
            "2024-09-04T00:00:00Z",
        ),
        (
            "fraction of a second",
            "2024-09-03T23:59:59.5Z",
            "2024-09-03T23:59:59.5Z",
        ),
    ];
    for (name, text, utc) in cases {
        let json = edited(&[("\"2024-09-04T00:00:00Z\"", &format!("\"{text}\""))]);
        let report = check_accepted(name, &json, &[]);
        assert_eq!(report.date_range.end, time(utc), "{name}");
    }
}

/// Deviations from RFC 3339 §5.6 with a clear reading are accepted with a warning. The corpus
/// suite covers a missing offset with the Microsoft report.
#[test]
fn datetime_deviations_warn() {
    let path = "date-range.end-datetime";
    let cases = [
        (
            "space for T",
            "2024-09-04 00:00:00Z",
            "2024-09-04T00:00:00Z",
            "date-range.end-datetime: date-time \"2024-09-04 00:00:00Z\" deviates from RFC 3339 \
             (space instead of T)",
        ),
        (
            "leap second",
            "2024-09-03T23:59:60Z",
            "2024-09-03T23:59:59Z",
            "date-range.end-datetime: date-time \"2024-09-03T23:59:60Z\" deviates from RFC 3339 \
             (leap second read as :59)",
        ),
    ];
    for (name, text, utc, message) in cases {
        let quoted = format!("\"{text}\"");
        let json = edited(&[("\"2024-09-04T00:00:00Z\"", &quoted)]);
        let report = check_accepted(name, &json, &[(W, "datetime-format", path, 5, 21, &quoted)]);
        assert_eq!(report.date_range.end, time(utc), "{name}");
        assert_eq!(
            accepted(name, &json).warnings[0].message(),
            message,
            "{name}"
        );
    }
}

/// RFC 3339 §5.6 has no hour 24, so the end of "00:00-24:00" (RFC 8460 §4.1) is written as the
/// next day's `00:00:00Z`. Text without seconds, a colon in the offset or a real date is
/// rejected.
#[test]
fn datetime_outside_rfc3339_rejected() {
    let cases = [
        ("date only", "2024-09-04"),
        ("no seconds", "2024-09-04T00:00Z"),
        ("hour 24", "2024-09-03T24:00:00Z"),
        ("February 30", "2024-02-30T00:00:00Z"),
        ("offset without colon", "2024-09-04T00:00:00+0000"),
        ("two-digit year", "24-09-04T00:00:00Z"),
    ];
    for (name, text) in cases {
        let quoted = format!("\"{text}\"");
        let json = edited(&[("\"2024-09-04T00:00:00Z\"", &quoted)]);
        let diagnostics = rejected(name, json.as_bytes(), ParseOptions::default());
        assert_eq!(
            noted(&diagnostics),
            [(
                E,
                "invalid-datetime",
                "date-range.end-datetime",
                5,
                21,
                quoted.as_str()
            )],
            "{name}"
        );
    }
}

#[test]
fn date_range_end_before_start_warns() {
    let json = edited(&[("\"2024-09-04T00:00:00Z\"", "\"2024-09-02T00:00:00Z\"")]);
    let report = check_accepted(
        "end before start",
        &json,
        &[(W, "end-before-start", "date-range", 3, 17, "{")],
    );
    assert_eq!(report.date_range.end, time("2024-09-02T00:00:00Z"));
}

/// RFC 8460 §4 and RFC 7493 §2.1: a report is UTF-8 without surrogates.
#[test]
fn report_text_must_be_ijson() {
    let text = |old: &str, new: &str| edited(&[(old, new)]).into_bytes();
    let mut invalid_utf8 = text("\"Reporter Inc.\"", "\"Reporter XInc.\"");
    let x = invalid_utf8.iter().position(|&b| b == b'X').unwrap();
    invalid_utf8[x] = 0xff;
    let cases: [(&str, Vec<u8>, u32, u32); 3] = [
        // The JSON reader stops at the space where the second half of the pair should be.
        (
            "lone high surrogate",
            text("\"Reporter Inc.\"", r#""Reporter \ud800 Inc.""#),
            2,
            40,
        ),
        (
            "lone low surrogate",
            text("\"Reporter Inc.\"", r#""Reporter \udc00 Inc.""#),
            2,
            39,
        ),
        ("invalid UTF-8", invalid_utf8, 2, 34),
    ];
    for (name, json, line, column) in cases {
        let diagnostics = rejected(name, &json, ParseOptions::default());
        let position: Vec<(Severity, &str, u32, u32)> = diagnostics
            .iter()
            .map(|d| (d.severity, d.code(), d.line, d.column))
            .collect();
        assert_eq!(position, [(E, "invalid-json", line, column)], "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// RFC 8460 §5.3 and §5.6: the email message that carries a report
// ---------------------------------------------------------------------------------------------

const REPORT_TYPE: &str = "multipart/report; report-type=tlsrpt; boundary=\"b1\"";

/// Writes a message whose report part carries `BASE` unencoded. The root `Content-Type` is on
/// line 7, and the report part's on line 14.
fn message(root_type: &str, report_domain: &str, submitter: &str, part_type: &str) -> Vec<u8> {
    let lines = [
        "From: tlsrpt-noreply@reporter.example".to_owned(),
        "To: tlsrpt@example.com".to_owned(),
        format!(
            "Subject: Report Domain: {report_domain} Submitter: {submitter} Report-ID: \
             <20240903.1.example.com@reporter.example>"
        ),
        format!("TLS-Report-Domain: {report_domain}"),
        format!("TLS-Report-Submitter: {submitter}"),
        "MIME-Version: 1.0".to_owned(),
        format!("Content-Type: {root_type}"),
        String::new(),
        "--b1".to_owned(),
        "Content-Type: text/plain".to_owned(),
        String::new(),
        "An aggregate TLS report.".to_owned(),
        "--b1".to_owned(),
        format!("Content-Type: {part_type}"),
        String::new(),
        BASE.replace('\n', "\r\n"),
        "--b1--".to_owned(),
        String::new(),
    ];
    lines.join("\r\n").into_bytes()
}

fn read(input: &[u8], options: ParseOptions) -> ReceivedReport<'_> {
    ReceivedReport::read(input, options, &Limits::default()).unwrap()
}

/// Reduces message diagnostics to severity, code, line, column and the text each points at.
fn message_noted(diagnostics: &[Diagnostic]) -> Vec<(Severity, &'static str, u32, u32, &str)> {
    diagnostics
        .iter()
        .map(|d| (d.severity, d.code(), d.line, d.column, d.text.as_str()))
        .collect()
}

/// RFC 8460 §5.3: the message is `multipart/report` with `report-type=tlsrpt`. Another form is
/// a warning, and the report part is read all the same.
#[test]
fn email_is_multipart_report_tlsrpt() {
    let cases: [(&str, &str, Option<&str>); 4] = [
        ("report-type tlsrpt", REPORT_TYPE, None),
        (
            "report-type delivery-status",
            "multipart/report; report-type=delivery-status; boundary=\"b1\"",
            Some("multipart/report with report-type=delivery-status"),
        ),
        (
            "no report-type",
            "multipart/report; boundary=\"b1\"",
            Some("multipart/report"),
        ),
        (
            "multipart/mixed",
            "multipart/mixed; boundary=\"b1\"",
            Some("multipart/mixed"),
        ),
    ];
    for (name, root_type, found_type) in cases {
        let input = message(
            root_type,
            "example.com",
            "reporter.example",
            "application/tlsrpt+json",
        );
        let received = read(&input, ParseOptions::default());
        let expected: Vec<(Severity, &str, u32, u32, &str)> = match found_type {
            Some(_) => vec![(W, "not-multipart-report", 7, 15, root_type)],
            None => vec![],
        };
        assert_eq!(
            message_noted(&received.message_diagnostics),
            expected,
            "{name}"
        );
        if let Some(found_type) = found_type {
            assert_eq!(
                received.message_diagnostics[0].message(),
                format!(
                    "expected a multipart/report message with report-type=tlsrpt, found \
                     {found_type}"
                ),
                "{name}"
            );
        }
        let report = received.report.as_ref().unwrap();
        assert_eq!(
            report.value.report_id,
            "20240903.1.example.com@reporter.example"
        );
        let strict = read(&input, ParseOptions::STRICT);
        assert_eq!(strict.is_valid(), found_type.is_none(), "{name}: strict");
    }
}

/// RFC 2045 §5.1: media types are case-insensitive. RFC 8460 §6.4 defines no parameters for
/// `application/tlsrpt+json`, and a parameter is ignored.
#[test]
fn report_part_media_type_case_insensitive() {
    let cases = [
        ("registered form", "application/tlsrpt+json"),
        ("upper case", "APPLICATION/TLSRPT+JSON"),
        ("with a parameter", "application/tlsrpt+json; charset=utf-8"),
    ];
    for (name, part_type) in cases {
        let input = message(REPORT_TYPE, "example.com", "reporter.example", part_type);
        let received = read(&input, ParseOptions::STRICT);
        assert_eq!(
            received.format,
            InputFormat::Email {
                media_type: "application/tlsrpt+json".into(),
                file_name: None,
                compressed: false,
            },
            "{name}"
        );
        assert_eq!(message_noted(&received.message_diagnostics), [], "{name}");
        assert!(received.is_valid(), "{name}");
    }
}

/// RFC 8460 §5.3: `TLS-Report-Submitter` is the domain of `contact-info`. Domains compare
/// without letter case and without a trailing dot.
#[test]
fn submitter_compared_ignoring_case_and_dot() {
    let input = message(
        REPORT_TYPE,
        "example.com",
        "Reporter.EXAMPLE.",
        "application/tlsrpt+json",
    );
    let received = read(&input, ParseOptions::STRICT);
    assert_eq!(message_noted(&received.message_diagnostics), []);
    assert_eq!(
        received.email.unwrap().submitter.as_deref(),
        Some("Reporter.EXAMPLE.")
    );
}

/// RFC 8460 §5.6: when the message disagrees with the report body, the body is authoritative.
#[test]
fn report_domain_header_body_authoritative() {
    let input = message(
        REPORT_TYPE,
        "other.example",
        "reporter.example",
        "application/tlsrpt+json",
    );
    let received = read(&input, ParseOptions::STRICT);
    // NOTE: `TLS-Report-Domain` and the `Subject` are not compared with the body, so nothing
    // names the disagreement.
    assert_eq!(message_noted(&received.message_diagnostics), []);
    let email = received.email.as_ref().unwrap();
    assert_eq!(email.report_domain.as_deref(), Some("other.example"));
    let report = &received.report.as_ref().unwrap().value;
    assert_eq!(
        report.policies[0].policy.policy_domain.as_deref(),
        Some("example.com")
    );
}

// ---------------------------------------------------------------------------------------------
// RFC 8460 §7 and §6.3: received reports are untrusted
// ---------------------------------------------------------------------------------------------

/// A gzip header may carry a file name (RFC 1952 §2.3.1), which a receiver must never use as a
/// path. The name is ignored and the report is read from the data alone.
#[test]
fn gzip_header_file_name_ignored() {
    let mut encoder = GzBuilder::new()
        .filename("../../etc/passwd")
        .write(Vec::new(), Compression::default());
    encoder.write_all(BASE.as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    let received = read(&compressed, ParseOptions::STRICT);
    assert_eq!(received.format, InputFormat::Gzip);
    assert_eq!(received.email, None);
    assert_eq!(&*received.json, BASE.as_bytes());
    assert!(received.is_valid());
    let expected = Report::from_json(BASE.as_bytes()).unwrap().value;
    assert_eq!(received.report.unwrap().value, expected);
}

/// RFC 8259 §8.1: a byte order mark is not JSON, but readers may ignore one. It is skipped
/// with a warning, and strict parsing rejects it.
#[test]
fn byte_order_mark_is_skipped_with_a_warning() {
    let mut json = b"\xef\xbb\xbf".to_vec();
    json.extend_from_slice(BASE.as_bytes());
    let parsed = Report::from_json(&json).unwrap();
    let warnings: Vec<(Severity, &str, u32, u32)> = parsed
        .warnings
        .iter()
        .map(|d| (d.severity, d.code(), d.line, d.column))
        .collect();
    assert_eq!(warnings, [(W, "byte-order-mark", 1, 1)]);
    assert_eq!(
        parsed.value,
        Report::from_json(BASE.as_bytes()).unwrap().value
    );
    let strict = rejected("byte order mark", &json, ParseOptions::STRICT);
    assert_eq!(strict[0].code(), "byte-order-mark");
    assert_eq!(strict[0].severity, E);
}

/// RFC 7493 §2.1: I-JSON text contains no noncharacters. They are reported once, at the first.
#[test]
fn noncharacters_are_reported_at_the_first() {
    let json = edited(&[("\"Reporter Inc.\"", "\"Reporter \u{FFFF} Inc. \u{FDD0}\"")]);
    let parsed = Report::from_json(json.as_bytes()).unwrap();
    let found: Vec<(&str, String, u32, u32, String)> = parsed
        .warnings
        .iter()
        .map(|d| (d.code(), d.message(), d.line, d.column, d.text.clone()))
        .collect();
    assert_eq!(
        found,
        [(
            "noncharacter",
            "2 noncharacter code points, the first U+FFFF".to_owned(),
            2,
            34,
            "\u{FFFF}".to_owned()
        )]
    );
    let strict = rejected("noncharacter", json.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict[0].severity, E);
}

/// RFC 8460 §4.1: a report should cover one UTC day. Both end forms reporters use are
/// accepted; any other range gets an advisory warning, which strict parsing keeps a warning.
#[test]
fn date_range_should_be_one_utc_day() {
    let range = |start: &str, end: &str| {
        edited(&[
            ("2024-09-03T00:00:00Z", start),
            ("2024-09-04T00:00:00Z", end),
        ])
    };
    let not_a_day: &[Noted<'static>] = &[(W, "date-range-not-a-day", "date-range", 3, 17, "{")];
    let cases: [(&str, String, &[Noted<'static>]); 4] = [
        (
            "next midnight",
            range("2024-09-03T00:00:00Z", "2024-09-04T00:00:00Z"),
            &[],
        ),
        (
            "one second before",
            range("2024-09-03T00:00:00Z", "2024-09-03T23:59:59Z"),
            &[],
        ),
        (
            "two days",
            range("2024-09-03T00:00:00Z", "2024-09-05T00:00:00Z"),
            not_a_day,
        ),
        (
            "not at midnight",
            range("2024-09-03T06:00:00Z", "2024-09-04T06:00:00Z"),
            not_a_day,
        ),
    ];
    for (name, json, warnings) in cases {
        check_accepted(name, &json, warnings);
    }
}

/// RFC 8460 §4.4: `policy-domain` is the domain the policy was published for. A value that is
/// no domain name is kept as sent, with a warning; a trailing dot and U-labels are accepted.
#[test]
fn policy_domain_must_be_a_domain_name() {
    for (name, value) in [
        ("trailing dot", "example.com."),
        ("U-labels", "bücher.example"),
    ] {
        let json = edited(&[(
            r#""policy-domain": "example.com""#,
            &format!(r#""policy-domain": "{value}""#),
        )]);
        let report = check_accepted(name, &json, &[]);
        assert_eq!(
            report.policies[0].policy.policy_domain.as_deref(),
            Some(value)
        );
    }
    let json = edited(&[(
        r#""policy-domain": "example.com""#,
        r#""policy-domain": "evil,\"dom\r\nain""#,
    )]);
    let report = check_accepted(
        "punctuation and a line break",
        &json,
        &[(
            W,
            "invalid-policy-domain",
            "policies[0].policy.policy-domain",
            14,
            26,
            r#""evil,\"dom\r\nain""#,
        )],
    );
    assert_eq!(
        report.policies[0].policy.policy_domain.as_deref(),
        Some("evil,\"dom\r\nain")
    );
    let parsed = accepted("message", &json);
    assert_eq!(
        parsed.warnings[0].message(),
        "policies[0].policy.policy-domain: policy domain \"evil,\\\"dom\\r\\nain\" is not a \
         valid domain name: invalid character ',' in host name at byte 4"
    );
}
