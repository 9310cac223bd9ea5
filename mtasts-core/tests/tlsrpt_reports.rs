//! The shipped TLS-RPT report corpus: every report parses to exact values with exact warnings,
//! strict parsing rejects each deviation, reports survive writing and reading back, and the
//! email sample carries the same report as its JSON twin.

mod common;

use std::net::IpAddr;

use common::corpus_bytes;
use jiff::Timestamp;
use mtasts_core::tlsrpt::{
    DateRange, FailureDetail, InputFormat, Limits, PolicyResult, PolicyType, ReceivedReport,
    Report, ReportedPolicy, ResultType, Summary,
};
use mtasts_core::{Diagnostic, ParseOptions, Severity};

/// Every report file of the corpus.
const REPORT_FILES: [&str; 10] = [
    "report-google-empty-sending-ip.json",
    "report-google-no-policy-found.json",
    "report-google-sts-success.json",
    "report-google-validation-failure.json",
    "report-microsoft-2023-no-timezone.json",
    "report-microsoft-tlsa-json-in-string.json",
    "report-mox-tlsa-host-domain.json",
    "report-postfix-no-policy-domain.json",
    "report-rfc8460-example.json",
    "report-stalwart-null-contact.json",
];

fn parse(name: &str) -> (Report, Vec<Diagnostic>) {
    let parsed = Report::from_json(&corpus_bytes(name))
        .unwrap_or_else(|e| panic!("{name} was rejected: {:?}", e.diagnostics));
    (parsed.value, parsed.warnings)
}

/// Reduces diagnostics to their code and JSON path.
fn codes_and_paths(diagnostics: &[Diagnostic]) -> Vec<(&'static str, String)> {
    diagnostics
        .iter()
        .map(|d| (d.code(), d.issue.path().unwrap_or("-").to_owned()))
        .collect()
}

fn owned(expected: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    expected
        .iter()
        .map(|(code, path)| (*code, (*path).to_owned()))
        .collect()
}

fn time(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn range(start: &str, end: &str) -> DateRange {
    DateRange {
        start: time(start),
        end: time(end),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

fn policy(
    policy_type: PolicyType,
    policy_string: &[&str],
    policy_domain: Option<&str>,
    mx_host: &[&str],
) -> ReportedPolicy {
    ReportedPolicy {
        policy_type,
        policy_string: strings(policy_string),
        policy_domain: policy_domain.map(str::to_owned),
        mx_host: strings(mx_host),
    }
}

fn summary(successful: u64, failed: u64) -> Summary {
    Summary {
        total_successful_session_count: successful,
        total_failure_session_count: failed,
    }
}

fn result(
    policy: ReportedPolicy,
    summary: Summary,
    failure_details: Vec<FailureDetail>,
) -> PolicyResult {
    PolicyResult {
        policy,
        summary,
        failure_details,
    }
}

/// Builds a detail as Google writes them: result type, receiving IP and MX host, and a count.
fn detail(
    result_type: ResultType,
    sending_mta_ip: Option<IpAddr>,
    receiving_ip: &str,
    receiving_mx_hostname: &str,
    count: u64,
) -> FailureDetail {
    FailureDetail {
        sending_mta_ip,
        receiving_ip: ip(receiving_ip),
        receiving_mx_hostname: Some(receiving_mx_hostname.into()),
        ..FailureDetail::new(result_type, count)
    }
}

const GOOGLE_STS_MX: [&str; 3] = [
    "*.mail.protection.outlook.com",
    "*.mx.microsoft",
    "mail.example.net",
];

#[test]
fn rfc8460_example_values() {
    let (report, warnings) = parse("report-rfc8460-example.json");
    let expected = Report {
        organization_name: "Company-X".into(),
        date_range: range("2016-04-01T00:00:00Z", "2016-04-01T23:59:59Z"),
        contact_info: Some("sts-reporting@company-x.example".into()),
        report_id: "5065427c-23d3-47ca-b6e0-946ea0e8c4be".into(),
        policies: vec![result(
            policy(
                PolicyType::Sts,
                &[
                    "version: STSv1",
                    "mode: testing",
                    "mx: *.mail.company-y.example",
                    "max_age: 86400",
                ],
                Some("company-y.example"),
                &["*.mail.company-y.example"],
            ),
            summary(5326, 303),
            vec![
                FailureDetail {
                    sending_mta_ip: ip("2001:db8:abcd:12::1"),
                    receiving_mx_hostname: Some("mx1.mail.company-y.example".into()),
                    ..FailureDetail::new(ResultType::CertificateExpired, 100)
                },
                FailureDetail {
                    sending_mta_ip: ip("2001:db8:abcd:13::1"),
                    receiving_mx_hostname: Some("mx2.mail.company-y.example".into()),
                    receiving_ip: ip("203.0.113.56"),
                    additional_information: Some(
                        "https://reports.company-x.example/report_info ? id = 5065427 c - 23 \
                         d3# StarttlsNotSupported "
                            .into(),
                    ),
                    ..FailureDetail::new(ResultType::StarttlsNotSupported, 200)
                },
                FailureDetail {
                    sending_mta_ip: ip("198.51.100.62"),
                    receiving_ip: ip("203.0.113.58"),
                    receiving_mx_hostname: Some("mx-backup.mail.company-y.example".into()),
                    failure_reason_code: Some("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED".into()),
                    ..FailureDetail::new(ResultType::ValidationFailure, 3)
                },
            ],
        )],
    };
    assert_eq!(report, expected);
    let details = &report.policies[0].failure_details;
    let sum: u64 = details.iter().map(|d| d.failed_session_count).sum();
    assert_eq!(sum, 303);
    assert_eq!(details[0].receiving_ip, None);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[("string-for-array", "policies[0].policy.mx-host")])
    );
}

#[test]
fn google_sts_success_values() {
    let (report, warnings) = parse("report-google-sts-success.json");
    let expected = Report {
        organization_name: "Google Inc.".into(),
        date_range: range("2022-09-15T00:00:00Z", "2022-09-15T23:59:59Z"),
        contact_info: Some("smtp-tls-reporting@google.example".into()),
        report_id: "2022-09-15T00:00:00Z_example.com".into(),
        policies: vec![result(
            policy(
                PolicyType::Sts,
                // The order the policy was served in, with max_age before mx.
                &[
                    "version: STSv1",
                    "mode: enforce",
                    "max_age: 86400",
                    "mx: mail.example.com",
                ],
                Some("example.com"),
                &["mail.example.com"],
            ),
            summary(3, 0),
            Vec::new(),
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[("missing-optional-member", "policies[0].failure-details")])
    );
}

#[test]
fn google_no_policy_found_values() {
    let (report, warnings) = parse("report-google-no-policy-found.json");
    let expected = Report {
        organization_name: "Google Inc.".into(),
        date_range: range("2024-09-03T00:00:00Z", "2024-09-03T23:59:59Z"),
        contact_info: Some("smtp-tls-reporting@google.example".into()),
        report_id: "2024-09-03T00:00:00Z_example.com".into(),
        policies: vec![result(
            policy(PolicyType::NoPolicyFound, &[], Some("example.com"), &[]),
            summary(48, 0),
            Vec::new(),
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[("missing-optional-member", "policies[0].failure-details")])
    );
}

#[test]
fn google_validation_failure_values() {
    let (report, warnings) = parse("report-google-validation-failure.json");
    let expected = Report {
        organization_name: "Example Inc.".into(),
        date_range: range("2024-01-09T00:00:00Z", "2024-01-09T23:59:59Z"),
        contact_info: Some("smtp-tls-reporting@reporter.example".into()),
        report_id: "2024-01-09T00:00:00Z_example.com".into(),
        policies: vec![result(
            policy(
                PolicyType::Sts,
                &[
                    "version: STSv1",
                    "mode: testing",
                    "mx: example.com",
                    "max_age: 86400",
                ],
                Some("example.com"),
                &[],
            ),
            summary(0, 3),
            vec![
                detail(
                    ResultType::ValidationFailure,
                    ip("198.51.100.201"),
                    "192.0.2.41",
                    "example.com",
                    2,
                ),
                detail(
                    ResultType::ValidationFailure,
                    ip("198.51.100.176"),
                    "192.0.2.41",
                    "example.com",
                    1,
                ),
            ],
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(codes_and_paths(&warnings), owned(&[]));
}

#[test]
fn google_empty_sending_ip_values() {
    let (report, warnings) = parse("report-google-empty-sending-ip.json");
    let expected = Report {
        organization_name: "Google Inc.".into(),
        date_range: range("2024-08-02T00:00:00Z", "2024-08-02T23:59:59Z"),
        contact_info: Some("smtp-tls-reporting@google.example".into()),
        report_id: "2024-08-02T00:00:00Z_example.com".into(),
        policies: vec![result(
            policy(
                PolicyType::Sts,
                &[
                    "version: STSv1",
                    "mode: enforce",
                    "mx: *.mail.protection.outlook.com",
                    "mx: *.mx.microsoft",
                    "mx: mail.example.net",
                    "max_age: 604800",
                ],
                Some("example.com"),
                &GOOGLE_STS_MX,
            ),
            summary(0, 10),
            vec![
                detail(
                    ResultType::ValidationFailure,
                    None,
                    "203.0.113.13",
                    "example-com.h-v1.mx.microsoft",
                    4,
                ),
                detail(
                    ResultType::ValidationFailure,
                    None,
                    "203.0.113.12",
                    "example-com.h-v1.mx.microsoft",
                    6,
                ),
            ],
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[
            (
                "empty-string",
                "policies[0].failure-details[0].sending-mta-ip"
            ),
            (
                "empty-string",
                "policies[0].failure-details[1].sending-mta-ip"
            ),
        ])
    );
}

#[test]
fn microsoft_no_timezone_values() {
    let (report, warnings) = parse("report-microsoft-2023-no-timezone.json");
    let expected = Report {
        organization_name: "Microsoft Corporation".into(),
        // Read as UTC.
        date_range: range("2023-01-10T00:00:00Z", "2023-01-10T23:59:59Z"),
        contact_info: Some("tlsrpt-noreply@microsoft.example".into()),
        report_id: "133198585438131172+example.com".into(),
        policies: vec![result(
            policy(
                PolicyType::Sts,
                &[
                    "version: STSv1",
                    "mode: enforce",
                    "mx: mail.example.com",
                    "max_age: 86400",
                ],
                Some("example.com"),
                &[],
            ),
            summary(2, 0),
            Vec::new(),
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[
            ("missing-time-zone", "date-range.start-datetime"),
            ("missing-time-zone", "date-range.end-datetime"),
            ("missing-optional-member", "policies[0].failure-details"),
        ])
    );
}

#[test]
fn microsoft_tlsa_json_in_string_values() {
    let (report, warnings) = parse("report-microsoft-tlsa-json-in-string.json");
    let expected = Report {
        organization_name: "Microsoft Corporation".into(),
        date_range: range("2024-10-23T00:00:00Z", "2024-10-23T23:59:59Z"),
        contact_info: Some("tlsrpt-noreply@microsoft.example".into()),
        report_id: "133742711803146449+example.com".into(),
        policies: vec![
            result(
                policy(
                    PolicyType::Tlsa,
                    &[
                        "3 1 1 ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB",
                        "3 1 1 CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD",
                    ],
                    Some("example.com"),
                    &[],
                ),
                summary(7, 0),
                Vec::new(),
            ),
            result(
                policy(
                    PolicyType::Sts,
                    &[
                        "version: STSv1",
                        "mode: enforce",
                        "mx: mail.example.net",
                        "max_age: 604800",
                    ],
                    Some("example.com"),
                    &[],
                ),
                summary(7, 0),
                Vec::new(),
            ),
        ],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[
            ("missing-optional-member", "policies[0].failure-details"),
            ("json-array-in-string", "policies[0].policy.policy-string"),
            ("missing-optional-member", "policies[1].failure-details"),
        ])
    );
}

#[test]
fn mox_tlsa_host_domain_values() {
    let (report, warnings) = parse("report-mox-tlsa-host-domain.json");
    let expected = Report {
        organization_name: "remote.example".into(),
        date_range: range("2024-02-25T00:00:00Z", "2024-02-25T23:59:59Z"),
        contact_info: Some("postmaster@remote.example".into()),
        report_id: "20240225.example.com@remote.example".into(),
        policies: vec![
            result(
                policy(
                    PolicyType::Tlsa,
                    &[
                        "3 1 1 2020202020202020202020202020202020202020202020202020202020202020",
                        "3 1 1 4242424242424242424242424242424242424242424242424242424242424242",
                    ],
                    // The TLSA base domain, which is the MX host.
                    Some("mail.example.com"),
                    &[],
                ),
                summary(1, 0),
                Vec::new(),
            ),
            result(
                policy(
                    PolicyType::Sts,
                    &[
                        "version: STSv1",
                        "mode: enforce",
                        "max_age: 86400",
                        "mx: mail.example.com",
                    ],
                    Some("example.com"),
                    &["mail.example.com"],
                ),
                summary(1, 0),
                Vec::new(),
            ),
        ],
    };
    assert_eq!(report, expected);
    assert_eq!(codes_and_paths(&warnings), owned(&[]));
}

#[test]
fn postfix_no_policy_domain_values() {
    let (report, warnings) = parse("report-postfix-no-policy-domain.json");
    let expected = Report {
        organization_name: "mail.example.net".into(),
        date_range: range("2025-09-20T00:00:00Z", "2025-09-20T23:59:59Z"),
        contact_info: Some("smtp-tls-reporting@mail.example.net".into()),
        report_id: "2025-09-20T00:00:00Z_idx1_example.com".into(),
        policies: vec![result(
            policy(PolicyType::NoPolicyFound, &[], None, &[]),
            summary(1, 0),
            Vec::new(),
        )],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[(
            "missing-optional-member",
            "policies[0].policy.policy-domain"
        )])
    );
}

#[test]
fn stalwart_null_contact_values() {
    let (report, warnings) = parse("report-stalwart-null-contact.json");
    let expected = Report {
        organization_name: "mx.example.net".into(),
        // The end is the next day's midnight, kept as sent.
        date_range: range("2024-10-31T00:00:00Z", "2024-11-01T00:00:00Z"),
        contact_info: None,
        report_id: "1730332800_11732957880687192466".into(),
        policies: vec![
            result(
                policy(PolicyType::NoPolicyFound, &[], Some("example.com"), &[]),
                summary(1, 0),
                Vec::new(),
            ),
            result(
                policy(
                    PolicyType::Sts,
                    &[
                        "version: STSv1",
                        "mode: enforce",
                        "max_age: 86400",
                        "mx: mx1.example.org",
                        "mx: mx2.example.org",
                    ],
                    Some("example.org"),
                    &["mx1.example.org", "mx2.example.org"],
                ),
                summary(1, 0),
                Vec::new(),
            ),
        ],
    };
    assert_eq!(report, expected);
    assert_eq!(
        codes_and_paths(&warnings),
        owned(&[("null-member", "contact-info")])
    );
}

#[test]
fn strict_rejects_each_deviation() {
    for name in REPORT_FILES {
        let json = corpus_bytes(name);
        let lenient = Report::from_json(&json).unwrap().warnings;
        let strict = Report::from_json_with(&json, ParseOptions::STRICT);
        if lenient.is_empty() {
            assert!(
                strict.is_ok(),
                "{name}: strict rejected a conformant report"
            );
            continue;
        }
        let diagnostics = strict.expect_err(name).diagnostics;
        assert_eq!(
            codes_and_paths(&diagnostics),
            codes_and_paths(&lenient),
            "{name}"
        );
        assert!(
            diagnostics.iter().all(|d| d.severity == Severity::Error),
            "{name}: {diagnostics:?}"
        );
    }
}

#[test]
fn conformant_reports_have_no_warnings() {
    let conformant: Vec<&str> = REPORT_FILES
        .into_iter()
        .filter(|name| parse(name).1.is_empty())
        .collect();
    assert_eq!(
        conformant,
        [
            "report-google-validation-failure.json",
            "report-mox-tlsa-host-domain.json"
        ]
    );
}

#[test]
fn written_reports_read_back_equal() {
    for name in REPORT_FILES {
        let (report, _) = parse(name);
        let written = report.to_json();
        let reread = Report::from_json(written.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: written JSON rejected: {:?}", e.diagnostics));
        assert_eq!(reread.value, report, "{name}");
        let pretty = Report::from_json(report.to_json_pretty().as_bytes()).unwrap();
        assert_eq!(pretty.value, report, "{name}");
    }
}

#[test]
fn written_reports_warn_only_about_absent_values() {
    // The writer leaves out a missing contact-info and writes a missing policy-domain as "",
    // and the reader warns about both when it reads them back.
    let mut found = Vec::new();
    for name in REPORT_FILES {
        let written = parse(name).0.to_json();
        let warnings = Report::from_json(written.as_bytes()).unwrap().warnings;
        for (code, path) in codes_and_paths(&warnings) {
            found.push((name, code, path));
        }
    }
    assert_eq!(
        found,
        [
            (
                "report-postfix-no-policy-domain.json",
                "empty-string",
                "policies[0].policy.policy-domain".to_owned()
            ),
            (
                "report-stalwart-null-contact.json",
                "missing-optional-member",
                "contact-info".to_owned()
            ),
        ]
    );
}

#[test]
fn email_payload_equals_its_json_twin() {
    let message = corpus_bytes("report-email-google-style.eml");
    let received = ReceivedReport::read(&message, ParseOptions::default(), &Limits::default())
        .expect("the message is read");
    assert_eq!(
        received.format,
        InputFormat::Email {
            media_type: "application/tlsrpt+gzip".into(),
            file_name: Some("google.com!example.com!1725321600!1725407999!001.json.gz".into()),
            compressed: true,
        }
    );
    // The JSON file ends with a newline, which the compressed payload does not have.
    let twin = corpus_bytes("report-google-no-policy-found.json");
    let twin = twin.strip_suffix(b"\n").unwrap_or(&twin);
    assert_eq!(
        String::from_utf8_lossy(&received.json),
        String::from_utf8_lossy(twin)
    );
    let (expected, expected_warnings) = parse("report-google-no-policy-found.json");
    let parsed = received.report.expect("the report is read");
    assert_eq!(parsed.value, expected);
    assert_eq!(parsed.warnings, expected_warnings);
}

#[test]
fn email_headers_are_returned() {
    let message = corpus_bytes("report-email-google-style.eml");
    let received =
        ReceivedReport::read(&message, ParseOptions::default(), &Limits::default()).unwrap();
    let email = received.email.expect("email headers");
    assert_eq!(email.report_domain.as_deref(), Some("example.com"));
    assert_eq!(email.submitter.as_deref(), Some("google.com"));
    assert_eq!(
        email.subject.as_deref(),
        Some(
            "Report Domain: example.com Submitter: google.com Report-ID: \
             <2024.09.03T00.00.00Z+example.com@google.example>"
        )
    );
}

#[test]
fn email_submitter_mismatch_is_a_warning() {
    // The sample names google.com as submitter, but its contact-info is at google.example.
    let message = corpus_bytes("report-email-google-style.eml");
    let received =
        ReceivedReport::read(&message, ParseOptions::default(), &Limits::default()).unwrap();
    let found: Vec<_> = received
        .message_diagnostics
        .iter()
        .map(|d| (d.severity, d.code(), d.line, d.text.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (Severity::Warning, "submitter-mismatch", 6, "google.com"),
            (
                Severity::Warning,
                "file-name-mismatch",
                19,
                "google.com!example.com!1725321600!1725407999!001.json.gz"
            ),
        ]
    );
    assert_eq!(
        received.message_diagnostics[0].message(),
        "TLS-Report-Submitter \"google.com\" differs from the contact-info domain \
         \"google.example\"; the report body is used"
    );
    assert_eq!(
        received.message_diagnostics[1].message(),
        "file name sender \"google.com\" differs from the report's \"google.example\"; the \
         report body is used"
    );
    assert!(received.is_valid());

    let strict = ReceivedReport::read(&message, ParseOptions::STRICT, &Limits::default()).unwrap();
    assert!(!strict.is_valid());
    assert!(strict.message_diagnostics.iter().all(Diagnostic::is_error));
}
