//! Building TLS-RPT reports on the sending side: aggregation, the date range, and every output
//! form (JSON, gzip, file name, email message, HTTPS body), each read back with this crate's
//! own readers.

mod common;

use std::net::IpAddr;

use common::corpus_bytes;
use jiff::Timestamp;
use jiff::civil::date;
use mtasts_core::ParseOptions;
use mtasts_core::domain::DomainError;
use mtasts_core::sts::Policy;
use mtasts_core::tlsrpt::{
    AppliedPolicy, BuilderError, Delivery, EmailError, EmailOptions, Extension, FailureDetail,
    InputFormat, Limits, MAX_SESSION_COUNT, OutgoingReport, PolicyType, ReceivedReport, Report,
    ReportBuilder, ReportFileName, Reporter, ResultType, TlsRptRecord,
};

const UNIQUE_ID: &str = "7f3a9c01";
const REPORT_ID: &str = "20240903.7f3a9c01.example.com@mail.sender.example";
const TLSA_RECORD: &str = "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6";

fn timestamp(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn reporter() -> Reporter {
    Reporter::new("Example Sender Inc.", "tlsrpt@mail.sender.example").unwrap()
}

fn builder() -> ReportBuilder {
    ReportBuilder::new(&reporter(), "example.com", date(2024, 9, 3), UNIQUE_ID).unwrap()
}

/// Returns the MTA-STS policy of the corpus file `policy-crlf.txt`: enforce, with the patterns
/// `mail.example.com` and `*.example.net`.
fn sts_policy() -> AppliedPolicy {
    let policy = Policy::parse(corpus_bytes("policy-crlf.txt"))
        .unwrap()
        .value;
    AppliedPolicy::sts("example.com", &policy).unwrap()
}

fn tlsa_policy() -> AppliedPolicy {
    AppliedPolicy::tlsa("mail.example.com", [TLSA_RECORD]).unwrap()
}

fn expired_certificate() -> FailureDetail {
    FailureDetail {
        sending_mta_ip: Some(ip("198.51.100.7")),
        receiving_mx_hostname: Some("mail.example.com".into()),
        receiving_ip: Some(ip("192.0.2.10")),
        failure_reason_code: Some("X509_V_ERR_CERT_HAS_EXPIRED".into()),
        ..FailureDetail::new(ResultType::CertificateExpired, 1)
    }
}

fn no_starttls() -> FailureDetail {
    FailureDetail {
        sending_mta_ip: Some(ip("2001:db8::25")),
        receiving_mx_hostname: Some("mx2.example.net".into()),
        receiving_mx_helo: Some("mx2.example.net".into()),
        receiving_ip: Some(ip("2001:db8:1::20")),
        additional_information: Some("https://mail.sender.example/tlsrpt/starttls".into()),
        ..FailureDetail::new(ResultType::StarttlsNotSupported, 3)
    }
}

/// Builds a day with an MTA-STS policy and a DANE policy, successes and three kinds of failure.
fn full_report() -> OutgoingReport {
    let sts = sts_policy();
    let tlsa = tlsa_policy();
    let tlsa_failure = FailureDetail {
        receiving_mx_hostname: Some("mail.example.com".into()),
        receiving_ip: Some(ip("192.0.2.10")),
        failure_reason_code: Some("no TLSA record matches the certificate".into()),
        ..FailureDetail::new(ResultType::TlsaInvalid, 1)
    };
    let mut builder = builder();

    // The first and the last instant of the day, each with one expired certificate, which
    // aggregate into one entry.
    let first = timestamp("2024-09-03T00:00:00Z");
    let last = timestamp("2024-09-03T23:59:59.999999999Z");
    builder.record_success(&sts, first, 100).unwrap();
    builder
        .record_failure(&sts, first, expired_certificate())
        .unwrap();
    builder
        .record_failure(&sts, last, expired_certificate())
        .unwrap();

    // Sessions out of time order, as parallel workers record them.
    let noon = timestamp("2024-09-03T12:00:00Z");
    let morning = timestamp("2024-09-03T08:00:00Z");
    builder.record_success(&tlsa, noon, 5).unwrap();
    builder.record_failure(&sts, noon, no_starttls()).unwrap();
    builder.record_success(&sts, morning, 20).unwrap();
    builder
        .record_failure(&tlsa, morning, tlsa_failure)
        .unwrap();

    builder.build()
}

const FULL_REPORT_JSON: &str = concat!(
    r#"{"organization-name":"Example Sender Inc.","#,
    r#""date-range":{"start-datetime":"2024-09-03T00:00:00Z","#,
    r#""end-datetime":"2024-09-04T00:00:00Z"},"#,
    r#""contact-info":"tlsrpt@mail.sender.example","#,
    r#""report-id":"20240903.7f3a9c01.example.com@mail.sender.example","#,
    r#""policies":[{"policy":{"policy-type":"sts","#,
    r#""policy-string":["version: STSv1","mode: enforce","mx: mail.example.com","#,
    r#""mx: *.example.net","max_age: 604800"],"#,
    r#""policy-domain":"example.com","mx-host":["mail.example.com","*.example.net"]},"#,
    r#""summary":{"total-successful-session-count":120,"total-failure-session-count":5},"#,
    r#""failure-details":[{"result-type":"certificate-expired","#,
    r#""sending-mta-ip":"198.51.100.7","receiving-mx-hostname":"mail.example.com","#,
    r#""receiving-ip":"192.0.2.10","failed-session-count":2,"#,
    r#""failure-reason-code":"X509_V_ERR_CERT_HAS_EXPIRED"},"#,
    r#"{"result-type":"starttls-not-supported","sending-mta-ip":"2001:db8::25","#,
    r#""receiving-mx-hostname":"mx2.example.net","receiving-mx-helo":"mx2.example.net","#,
    r#""receiving-ip":"2001:db8:1::20","failed-session-count":3,"#,
    r#""additional-information":"https://mail.sender.example/tlsrpt/starttls"}]},"#,
    r#"{"policy":{"policy-type":"tlsa","#,
    r#""policy-string":["#,
    r#""3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"],"#,
    r#""policy-domain":"mail.example.com","mx-host":[]},"#,
    r#""summary":{"total-successful-session-count":5,"total-failure-session-count":1},"#,
    r#""failure-details":[{"result-type":"tlsa-invalid","#,
    r#""receiving-mx-hostname":"mail.example.com","receiving-ip":"192.0.2.10","#,
    r#""failed-session-count":1,"#,
    r#""failure-reason-code":"no TLSA record matches the certificate"}]}]}"#,
);

fn email_options(format: Extension) -> EmailOptions {
    EmailOptions {
        format,
        ..EmailOptions::new(
            "tlsrpt-noreply@mail.sender.example",
            timestamp("2024-09-04T02:30:00Z"),
        )
    }
}

fn email_text(report: &OutgoingReport, format: Extension) -> String {
    let message = report
        .to_email("tlsrpt@example.com", &email_options(format))
        .unwrap();
    String::from_utf8(message).unwrap()
}

/// Reads received bytes in strict mode and returns the report, failing on any diagnostic.
fn read_strict(input: &[u8]) -> (ReceivedReport<'_>, Report) {
    let received = ReceivedReport::read(input, ParseOptions::STRICT, &Limits::default()).unwrap();
    assert_eq!(received.message_diagnostics, vec![]);
    let parsed = received.report.clone().unwrap();
    assert_eq!(parsed.warnings, vec![]);
    (received, parsed.value)
}

#[test]
fn report_json_is_exact() {
    let outgoing = full_report();
    assert_eq!(outgoing.to_json(), FULL_REPORT_JSON);
    assert_eq!(outgoing.report().report_id, REPORT_ID);
    assert_eq!(outgoing.policy_domain(), "example.com");
    assert_eq!(outgoing.submitter(), "mail.sender.example");
    assert_eq!(outgoing.unique_id(), UNIQUE_ID);
}

#[test]
fn json_reads_back_without_warnings() {
    let outgoing = full_report();
    let json = outgoing.to_json();

    let lenient = Report::from_json(json.as_bytes()).unwrap();
    assert_eq!(lenient.warnings, vec![]);
    assert_eq!(&lenient.value, outgoing.report());

    let strict = Report::from_json_with(json.as_bytes(), ParseOptions::STRICT).unwrap();
    assert_eq!(strict.warnings, vec![]);
    assert_eq!(&strict.value, outgoing.report());

    let pretty = outgoing.report().to_json_pretty();
    let from_pretty = Report::from_json_with(pretty.as_bytes(), ParseOptions::STRICT).unwrap();
    assert_eq!(&from_pretty.value, outgoing.report());
}

#[test]
fn date_range_is_the_whole_utc_day() {
    let range = full_report().report().date_range;
    assert_eq!(range.start, timestamp("2024-09-03T00:00:00Z"));
    assert_eq!(range.end, timestamp("2024-09-04T00:00:00Z"));
    assert_eq!(range.end.as_second() - range.start.as_second(), 86_400);
}

#[test]
fn gzip_reads_back_through_input() {
    let outgoing = full_report();
    let gzip = outgoing.to_gzip();
    // RFC 1952 header: magic, deflate, no flags, modification time 0, OS unknown (255).
    assert_eq!(gzip[..4], [0x1f, 0x8b, 8, 0]);
    assert_eq!(gzip[4..8], [0, 0, 0, 0]);
    assert_eq!(gzip[9], 255);
    assert_eq!(gzip, outgoing.to_gzip());

    let (received, report) = read_strict(&gzip);
    assert_eq!(received.format, InputFormat::Gzip);
    assert_eq!(&*received.json, outgoing.to_json().as_bytes());
    assert_eq!(&report, outgoing.report());
}

#[test]
fn file_name_parses_back() {
    let outgoing = full_report();
    for (extension, text) in [
        (
            Extension::JsonGz,
            "mail.sender.example!example.com!1725321600!1725408000!7f3a9c01.json.gz",
        ),
        (
            Extension::Json,
            "mail.sender.example!example.com!1725321600!1725408000!7f3a9c01.json",
        ),
    ] {
        let name = outgoing.file_name(extension);
        assert_eq!(name.to_string(), text);
        let parsed = ReportFileName::parse(text).unwrap();
        assert_eq!(parsed, name);
        assert_eq!(parsed.sender(), "mail.sender.example");
        assert_eq!(parsed.policy_domain(), "example.com");
        assert_eq!(parsed.begin_timestamp(), 1_725_321_600);
        assert_eq!(parsed.end_timestamp(), 1_725_408_000);
        assert_eq!(parsed.unique_id(), Some(UNIQUE_ID));
        assert_eq!(parsed.extension(), extension);
    }
}

#[test]
fn identical_failures_aggregate() {
    let mut builder = builder();
    let sts = sts_policy();
    let at = timestamp("2024-09-03T10:00:00Z");
    builder
        .record_failure(&sts, at, expired_certificate())
        .unwrap();
    // The same failure as seen in DNS and by a dual-stack socket: an MX name with a trailing
    // dot and capitals, and IPv4-mapped IPv6 addresses.
    let same = FailureDetail {
        receiving_mx_hostname: Some("Mail.Example.COM.".into()),
        sending_mta_ip: Some(ip("::ffff:198.51.100.7")),
        receiving_ip: Some(ip("::ffff:192.0.2.10")),
        failed_session_count: 4,
        ..expired_certificate()
    };
    builder.record_failure(&sts, at, same).unwrap();
    let other_code = FailureDetail {
        failure_reason_code: Some("X509_V_ERR_CERT_NOT_YET_VALID".into()),
        ..expired_certificate()
    };
    builder.record_failure(&sts, at, other_code).unwrap();
    builder
        .record_failure(&sts, at, expired_certificate())
        .unwrap();

    let report = builder.build().into_report();
    assert_eq!(report.policies.len(), 1);
    let policy = &report.policies[0];
    assert_eq!(policy.summary.total_failure_session_count, 7);
    assert_eq!(policy.summary.total_successful_session_count, 0);
    assert_eq!(policy.failure_details.len(), 2);
    assert_eq!(
        policy.failure_details[0],
        FailureDetail {
            failed_session_count: 6,
            ..expired_certificate()
        }
    );
    assert_eq!(
        policy.failure_details[1].failure_reason_code.as_deref(),
        Some("X509_V_ERR_CERT_NOT_YET_VALID")
    );
    assert_eq!(policy.failure_details[1].failed_session_count, 1);
}

#[test]
fn policies_keep_separate_summaries() {
    let report = full_report().into_report();
    let types: Vec<&PolicyType> = report
        .policies
        .iter()
        .map(|p| &p.policy.policy_type)
        .collect();
    assert_eq!(types, [&PolicyType::Sts, &PolicyType::Tlsa]);
    assert_eq!(
        report.policies[0].summary.total_successful_session_count,
        120
    );
    assert_eq!(report.policies[0].summary.total_failure_session_count, 5);
    assert_eq!(report.policies[1].summary.total_successful_session_count, 5);
    assert_eq!(report.policies[1].summary.total_failure_session_count, 1);
    assert_eq!(
        report.policies[1].policy.policy_domain.as_deref(),
        Some("mail.example.com")
    );
}

#[test]
fn session_outside_day_is_rejected() {
    let mut builder = builder();
    let sts = sts_policy();
    let start = timestamp("2024-09-03T00:00:00Z");
    let end = timestamp("2024-09-04T00:00:00Z");
    for at in [
        timestamp("2024-09-02T23:59:59.999999999Z"),
        end,
        timestamp("2024-09-05T12:00:00Z"),
    ] {
        let expected = BuilderError::OutsideDateRange { at, start, end };
        assert_eq!(builder.record_success(&sts, at, 1), Err(expected.clone()));
        assert_eq!(
            builder.record_failure(&sts, at, expired_certificate()),
            Err(expected)
        );
    }
    // A rejected session leaves no trace, not even an empty policy entry.
    assert_eq!(builder.build().report().policies, vec![]);

    builder.record_success(&sts, start, 1).unwrap();
    builder
        .record_success(&sts, timestamp("2024-09-03T23:59:59.999999999Z"), 1)
        .unwrap();
    let report = builder.build().into_report();
    assert_eq!(report.policies[0].summary.total_successful_session_count, 2);
}

#[test]
fn no_policy_found_writes_empty_arrays() {
    let mut builder = builder();
    let none = AppliedPolicy::no_policy_found("Example.COM.").unwrap();
    builder
        .record_success(&none, timestamp("2024-09-03T06:00:00Z"), 48)
        .unwrap();
    let outgoing = builder.build();
    let json = outgoing.to_json();
    assert!(
        json.contains(concat!(
            r#"{"policy":{"policy-type":"no-policy-found","policy-string":[],"#,
            r#""policy-domain":"example.com","mx-host":[]},"#,
            r#""summary":{"total-successful-session-count":48,"total-failure-session-count":0},"#,
            r#""failure-details":[]}"#
        )),
        "{json}"
    );
    let strict = Report::from_json_with(json.as_bytes(), ParseOptions::STRICT).unwrap();
    assert_eq!(strict.warnings, vec![]);
    assert_eq!(&strict.value, outgoing.report());
}

#[test]
fn tlsa_records_are_normalized() {
    let policy = AppliedPolicy::tlsa(
        "MAIL.example.com",
        ["3 1 1 0c72ac70 b745ac19", "2  0 1\tABCD"],
    )
    .unwrap();
    assert_eq!(policy.policy_type(), &PolicyType::Tlsa);
    assert_eq!(policy.policy_domain(), "mail.example.com");
    assert_eq!(
        policy.policy_string(),
        ["3 1 1 0C72AC70B745AC19", "2 0 1 ABCD"]
    );
    assert!(policy.mx_host().is_empty());

    let empty: [&str; 0] = [];
    assert!(
        AppliedPolicy::tlsa("mail.example.com", empty)
            .unwrap()
            .policy_string()
            .is_empty()
    );
    assert_eq!(
        AppliedPolicy::tlsa("mail.example.com", ["3 1 1 XYZ"]),
        Err(BuilderError::InvalidTlsaRecord {
            value: "3 1 1 XYZ".into(),
            problem: "expected the data as an even number of hex digits",
        })
    );
}

#[test]
fn sts_unparsed_keeps_the_served_lines() {
    let text = "version: STSv1\r\nmode: enforce\r\nnmx: mail.example.com\r\nmx:  *.example.net\r\n\
                \r\nmax_age: 604800\r\n";
    let policy = AppliedPolicy::sts_unparsed("example.com", text).unwrap();
    assert_eq!(policy.policy_type(), &PolicyType::Sts);
    assert_eq!(
        policy.policy_string(),
        [
            "version: STSv1",
            "mode: enforce",
            "nmx: mail.example.com",
            "mx:  *.example.net",
            "max_age: 604800"
        ]
    );
    assert_eq!(policy.mx_host(), ["*.example.net"]);

    let fetch_failed = AppliedPolicy::sts_unparsed("example.com", "").unwrap();
    assert!(fetch_failed.policy_string().is_empty());
    assert!(fetch_failed.mx_host().is_empty());

    // A policy that failed to parse is a different policy from the parsed one.
    assert_ne!(policy, sts_policy());
}

#[test]
fn failures_without_mx_are_accepted() {
    let mut builder = builder();
    let fetch_failed = AppliedPolicy::sts_unparsed("example.com", "").unwrap();
    let failure = FailureDetail {
        failure_reason_code: Some("HTTP 404".into()),
        ..FailureDetail::new(ResultType::StsPolicyFetchError, 2)
    };
    builder
        .record_failure(&fetch_failed, timestamp("2024-09-03T05:00:00Z"), failure)
        .unwrap();
    let json = builder.build().to_json();
    assert!(
        json.contains(concat!(
            r#""failure-details":[{"result-type":"sts-policy-fetch-error","#,
            r#""failed-session-count":2,"failure-reason-code":"HTTP 404"}]"#
        )),
        "{json}"
    );
    let strict = Report::from_json_with(json.as_bytes(), ParseOptions::STRICT).unwrap();
    assert_eq!(strict.warnings, vec![]);
}

#[test]
fn invalid_failures_are_rejected() {
    let mut builder = builder();
    let sts = sts_policy();
    let at = timestamp("2024-09-03T10:00:00Z");
    let cases = [
        (
            FailureDetail::new(ResultType::Other("tls-too-old".into()), 1),
            BuilderError::UnregisteredResultType {
                value: "tls-too-old".into(),
            },
        ),
        (
            FailureDetail::new(ResultType::ValidationFailure, 0),
            BuilderError::ZeroFailureCount,
        ),
        (
            FailureDetail {
                receiving_mx_helo: Some("".into()),
                ..expired_certificate()
            },
            BuilderError::EmptyField {
                field: "receiving-mx-helo",
            },
        ),
        (
            FailureDetail {
                failure_reason_code: Some("".into()),
                ..expired_certificate()
            },
            BuilderError::EmptyField {
                field: "failure-reason-code",
            },
        ),
        (
            FailureDetail {
                additional_information: Some("see the logs".into()),
                ..expired_certificate()
            },
            BuilderError::InvalidAdditionalInformation {
                value: "see the logs".into(),
            },
        ),
        (
            FailureDetail {
                receiving_mx_hostname: Some("mx_1.example.com".into()),
                ..expired_certificate()
            },
            BuilderError::InvalidDomain {
                field: "receiving-mx-hostname",
                value: "mx_1.example.com".into(),
                error: DomainError::InvalidCharacter {
                    offset: 2,
                    character: '_',
                },
            },
        ),
    ];
    for (failure, expected) in cases {
        assert_eq!(builder.record_failure(&sts, at, failure), Err(expected));
    }
    assert_eq!(builder.build().report().policies, vec![]);
}

#[test]
fn counts_stay_within_ijson_integers() {
    let mut builder = builder();
    let sts = sts_policy();
    let at = timestamp("2024-09-03T10:00:00Z");
    builder.record_success(&sts, at, MAX_SESSION_COUNT).unwrap();
    assert_eq!(
        builder.record_success(&sts, at, 1),
        Err(BuilderError::CountTooLarge {
            field: "total-successful-session-count"
        })
    );
    let many = FailureDetail {
        failed_session_count: MAX_SESSION_COUNT,
        ..expired_certificate()
    };
    builder.record_failure(&sts, at, many).unwrap();
    assert_eq!(
        builder.record_failure(&sts, at, expired_certificate()),
        Err(BuilderError::CountTooLarge {
            field: "total-failure-session-count"
        })
    );
    let summary = builder.build().report().policies[0].summary;
    assert_eq!(summary.total_successful_session_count, MAX_SESSION_COUNT);
    assert_eq!(summary.total_failure_session_count, MAX_SESSION_COUNT);
}

#[test]
fn reporter_and_builder_check_their_values() {
    assert_eq!(
        Reporter::new("", "tlsrpt@mail.sender.example"),
        Err(BuilderError::InvalidOrganizationName { value: "".into() })
    );
    assert_eq!(
        Reporter::new("Line\nbreak", "tlsrpt@mail.sender.example"),
        Err(BuilderError::InvalidOrganizationName {
            value: "Line\nbreak".into()
        })
    );
    assert!(matches!(
        Reporter::new("Example", "tlsrpt.mail.sender.example"),
        Err(BuilderError::InvalidContactInfo { .. })
    ));
    assert_eq!(
        Reporter::new("Example", "tlsrpt@localhost"),
        Err(BuilderError::SingleLabelDomain {
            field: "contact-info domain",
            value: "localhost".into()
        })
    );
    let idn = Reporter::new("Example", "TLS.Rpt@Bücher.example.").unwrap();
    assert_eq!(idn.contact_info(), "TLS.Rpt@xn--bcher-kva.example");
    assert_eq!(idn.submitter(), "xn--bcher-kva.example");

    let reporter = reporter();
    let day = date(2024, 9, 3);
    for unique_id in [
        "",
        "a-b",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdefX",
    ] {
        assert_eq!(
            ReportBuilder::new(&reporter, "example.com", day, unique_id).err(),
            Some(BuilderError::InvalidUniqueId {
                value: unique_id.into()
            }),
            "{unique_id}"
        );
    }
    assert!(matches!(
        ReportBuilder::new(&reporter, "example..com", day, UNIQUE_ID),
        Err(BuilderError::InvalidDomain {
            field: "policy-domain",
            ..
        })
    ));
    for day in [date(1969, 12, 31), date(9999, 12, 31)] {
        assert_eq!(
            ReportBuilder::new(&reporter, "example.com", day, UNIQUE_ID).err(),
            Some(BuilderError::DayOutOfRange { day })
        );
    }
    let first = ReportBuilder::new(&reporter, "example.com", date(1970, 1, 1), "1").unwrap();
    assert_eq!(first.date_range().start.as_second(), 0);
}

/// Returns the header section of a message or part: everything before the first empty line.
fn header_section(text: &str) -> &str {
    text.split("\r\n\r\n").next().unwrap()
}

/// Returns a header field's raw value without the name and colon, with its folding kept.
fn raw_header(headers: &str, name: &str) -> String {
    let prefix = format!("{name}:");
    let mut lines = headers.split("\r\n");
    let first = lines
        .find_map(|line| line.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {name} field in {headers}"));
    let mut value = first.to_owned();
    for line in lines.take_while(|line| line.starts_with([' ', '\t'])) {
        value.push_str("\r\n");
        value.push_str(line);
    }
    value
}

/// Matches the subject grammar of RFC 8460 §5.3:
///
/// ```text
/// tlsrpt-subject = %s"Report" FWS %s"Domain:" FWS domain-name FWS
///                  %s"Submitter:" FWS domain-name FWS
///                  %s"Report-ID:" FWS "<" id-left "@" id-right ">" [CFWS]
/// ```
///
/// `domain-name` is RFC 6376's (two or more RFC 5321 sub-domains), `id-left` and `id-right` are
/// RFC 5322 `dot-atom-text` (or a `no-fold-literal` on the right), and `FWS` is
/// `([*WSP CRLF] 1*WSP)`. The trailing `[CFWS]` is checked as optional whitespace only.
/// Returns the two domains and the id.
struct SubjectChecker<'s> {
    rest: &'s str,
}

impl<'s> SubjectChecker<'s> {
    fn literal(&mut self, text: &str) -> Option<()> {
        self.rest = self.rest.strip_prefix(text)?;
        Some(())
    }

    fn fws(&mut self) -> Option<()> {
        let wsp = |s: &'s str| s.trim_start_matches([' ', '\t']);
        let after_wsp = wsp(self.rest);
        let rest = match after_wsp.strip_prefix("\r\n") {
            Some(folded) => folded,
            None => self.rest,
        };
        let after = wsp(rest);
        if after.len() == rest.len() {
            return None;
        }
        self.rest = after;
        Some(())
    }

    fn take_while(&mut self, allowed: impl Fn(char) -> bool) -> &'s str {
        let end = self.rest.find(|c| !allowed(c)).unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    fn domain_name(&mut self) -> Option<&'s str> {
        let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        let labels: Vec<&str> = name.split('.').collect();
        let valid_label =
            |label: &&str| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-');
        (labels.len() >= 2 && labels.iter().all(valid_label)).then_some(name)
    }

    fn dot_atom_text(&mut self) -> Option<&'s str> {
        let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
        let text = self.take_while(|c| atext(c) || c == '.');
        (!text.is_empty() && text.split('.').all(|atom| !atom.is_empty())).then_some(text)
    }

    fn check(subject: &'s str) -> Option<(&'s str, &'s str, String)> {
        let mut parser = SubjectChecker { rest: subject };
        parser.literal("Report")?;
        parser.fws()?;
        parser.literal("Domain:")?;
        parser.fws()?;
        let domain = parser.domain_name()?;
        parser.fws()?;
        parser.literal("Submitter:")?;
        parser.fws()?;
        let submitter = parser.domain_name()?;
        parser.fws()?;
        parser.literal("Report-ID:")?;
        parser.fws()?;
        parser.literal("<")?;
        let left = parser.dot_atom_text()?;
        parser.literal("@")?;
        let right = parser.dot_atom_text()?;
        parser.literal(">")?;
        let _ = parser.fws();
        parser
            .rest
            .is_empty()
            .then(|| (domain, submitter, format!("{left}@{right}")))
    }
}

#[test]
fn subject_checker_rejects_other_forms() {
    for subject in [
        "Report Domain: example.com Submitter: mail.sender.example Report-ID: <a@b>",
        "Report\r\n Domain:\texample.com Submitter: s.example Report-ID:\r\n\t<a.b@c.d> ",
    ] {
        assert!(SubjectChecker::check(subject).is_some(), "{subject:?}");
    }
    for subject in [
        "report Domain: example.com Submitter: s.example Report-ID: <a@b>",
        "Report Domain: example Submitter: s.example Report-ID: <a@b>",
        "Report Domain: example.com Submitter: s.example Report-ID: a@b",
        "Report Domain: example.com Submitter: s.example Report-ID: <a..b@c>",
        "Report Domain:example.com Submitter: s.example Report-ID: <a@b>",
        "Report Domain: example.com Submitter: s.example Report-ID: <a@b> x",
        "Report Domain: example.com Submitter: s.example Report-ID:\r\n<a@b>",
    ] {
        assert!(SubjectChecker::check(subject).is_none(), "{subject:?}");
    }
}

#[test]
fn subject_matches_rfc8460_grammar() {
    let outgoing = full_report();
    let expected = ("example.com", "mail.sender.example", REPORT_ID.to_owned());
    assert_eq!(
        outgoing.email_subject(),
        format!(
            "Report Domain: example.com Submitter: mail.sender.example Report-ID: <{REPORT_ID}>"
        )
    );
    assert_eq!(
        SubjectChecker::check(&outgoing.email_subject()),
        Some(expected.clone())
    );

    // In the message the subject is folded, which the grammar's FWS allows.
    let message = email_text(&outgoing, Extension::JsonGz);
    let raw = raw_header(header_section(&message), "Subject");
    let raw = raw.strip_prefix(' ').unwrap();
    assert!(raw.contains("\r\n "), "{raw:?}");
    assert_eq!(SubjectChecker::check(raw), Some(expected));
}

#[test]
fn email_gzip_reads_back() {
    let outgoing = full_report();
    let message = email_text(&outgoing, Extension::JsonGz);
    let (received, report) = read_strict(message.as_bytes());
    assert_eq!(&report, outgoing.report());
    assert_eq!(
        received.format,
        InputFormat::Email {
            media_type: "application/tlsrpt+gzip".into(),
            file_name: Some(
                "mail.sender.example!example.com!1725321600!1725408000!7f3a9c01.json.gz".into()
            ),
            compressed: true,
        }
    );
    let email = received.email.unwrap();
    assert_eq!(email.report_domain.as_deref(), Some("example.com"));
    assert_eq!(email.submitter.as_deref(), Some("mail.sender.example"));
    assert_eq!(email.subject, Some(outgoing.email_subject()));
    assert!(received.report.is_ok());
}

#[test]
fn email_json_reads_back() {
    let outgoing = full_report();
    let message = email_text(&outgoing, Extension::Json);
    let (received, report) = read_strict(message.as_bytes());
    assert_eq!(&report, outgoing.report());
    assert_eq!(
        received.format,
        InputFormat::Email {
            media_type: "application/tlsrpt+json".into(),
            file_name: Some(
                "mail.sender.example!example.com!1725321600!1725408000!7f3a9c01.json".into()
            ),
            compressed: false,
        }
    );
    assert_eq!(&*received.json, outgoing.to_json().as_bytes());
    let email = received.email.unwrap();
    assert_eq!(email.report_domain.as_deref(), Some("example.com"));
    assert_eq!(email.submitter.as_deref(), Some("mail.sender.example"));
}

#[test]
fn email_header_fields_are_exact() {
    let message = email_text(&full_report(), Extension::JsonGz);
    let headers = header_section(&message);
    assert_eq!(
        headers,
        "From: <tlsrpt-noreply@mail.sender.example>\r\n\
         To: <tlsrpt@example.com>\r\n\
         Date: Wed, 4 Sep 2024 02:30:00 +0000\r\n\
         Message-ID: <20240903.7f3a9c01.example.com@mail.sender.example>\r\n\
         Subject: Report Domain: example.com Submitter: mail.sender.example Report-ID:\r\n \
         <20240903.7f3a9c01.example.com@mail.sender.example>\r\n\
         TLS-Report-Domain: example.com\r\n\
         TLS-Report-Submitter: mail.sender.example\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n \
         boundary=\"=_tlsrpt-report\""
    );
}

/// The whole message for the JSON form, which unlike gzip output does not depend on the
/// deflate implementation.
const PINNED_JSON_EMAIL: &str = "\
From: <tlsrpt-noreply@mail.sender.example>\r
To: <tlsrpt@example.com>\r
Date: Wed, 4 Sep 2024 02:30:00 +0000\r
Message-ID: <20240903.7f3a9c01.example.com@mail.sender.example>\r
Subject: Report Domain: example.com Submitter: mail.sender.example Report-ID:\r
 <20240903.7f3a9c01.example.com@mail.sender.example>\r
TLS-Report-Domain: example.com\r
TLS-Report-Submitter: mail.sender.example\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=\"tlsrpt\";\r
 boundary=\"=_tlsrpt-report\"\r
\r
\r
--=_tlsrpt-report\r
Content-Type: text/plain; charset=\"utf-8\"\r
Content-Transfer-Encoding: 7bit\r
\r
This is an aggregate TLS report (RFC 8460) for example.com\r
from Example Sender Inc. (tlsrpt@mail.sender.example).\r
\r
Submitter: mail.sender.example\r
Report-ID: <20240903.7f3a9c01.example.com@mail.sender.example>\r
Start: 2024-09-03T00:00:00Z\r
End: 2024-09-04T00:00:00Z\r
\r
Policy sts for example.com:\r
successful sessions: 20\r
failed sessions: 1\r
\r
--=_tlsrpt-report\r
Content-Type: application/tlsrpt+json\r
Content-Disposition: attachment;\r
 filename*0=\"mail.sender.example!example.com!1725321600!1725408000!7f3a9c01\";\r
 filename*1=\".json\"\r
Content-Transfer-Encoding: base64\r
\r
eyJvcmdhbml6YXRpb24tbmFtZSI6IkV4YW1wbGUgU2VuZGVyIEluYy4iLCJkYXRlLXJhbmdlIjp7\r
InN0YXJ0LWRhdGV0aW1lIjoiMjAyNC0wOS0wM1QwMDowMDowMFoiLCJlbmQtZGF0ZXRpbWUiOiIy\r
MDI0LTA5LTA0VDAwOjAwOjAwWiJ9LCJjb250YWN0LWluZm8iOiJ0bHNycHRAbWFpbC5zZW5kZXIu\r
ZXhhbXBsZSIsInJlcG9ydC1pZCI6IjIwMjQwOTAzLjdmM2E5YzAxLmV4YW1wbGUuY29tQG1haWwu\r
c2VuZGVyLmV4YW1wbGUiLCJwb2xpY2llcyI6W3sicG9saWN5Ijp7InBvbGljeS10eXBlIjoic3Rz\r
IiwicG9saWN5LXN0cmluZyI6WyJ2ZXJzaW9uOiBTVFN2MSIsIm1vZGU6IGVuZm9yY2UiLCJteDog\r
bWFpbC5leGFtcGxlLmNvbSIsIm14OiAqLmV4YW1wbGUubmV0IiwibWF4X2FnZTogNjA0ODAwIl0s\r
InBvbGljeS1kb21haW4iOiJleGFtcGxlLmNvbSIsIm14LWhvc3QiOlsibWFpbC5leGFtcGxlLmNv\r
bSIsIiouZXhhbXBsZS5uZXQiXX0sInN1bW1hcnkiOnsidG90YWwtc3VjY2Vzc2Z1bC1zZXNzaW9u\r
LWNvdW50IjoyMCwidG90YWwtZmFpbHVyZS1zZXNzaW9uLWNvdW50IjoxfSwiZmFpbHVyZS1kZXRh\r
aWxzIjpbeyJyZXN1bHQtdHlwZSI6ImNlcnRpZmljYXRlLWV4cGlyZWQiLCJzZW5kaW5nLW10YS1p\r
cCI6IjE5OC41MS4xMDAuNyIsInJlY2VpdmluZy1teC1ob3N0bmFtZSI6Im1haWwuZXhhbXBsZS5j\r
b20iLCJyZWNlaXZpbmctaXAiOiIxOTIuMC4yLjEwIiwiZmFpbGVkLXNlc3Npb24tY291bnQiOjEs\r
ImZhaWx1cmUtcmVhc29uLWNvZGUiOiJYNTA5X1ZfRVJSX0NFUlRfSEFTX0VYUElSRUQifV19XX0=\r
\r
--=_tlsrpt-report--\r
";

fn small_report() -> OutgoingReport {
    let mut builder = builder();
    let sts = sts_policy();
    builder
        .record_success(&sts, timestamp("2024-09-03T12:00:00Z"), 20)
        .unwrap();
    builder
        .record_failure(
            &sts,
            timestamp("2024-09-03T13:00:00Z"),
            expired_certificate(),
        )
        .unwrap();
    builder.build()
}

#[test]
fn email_is_pinned_for_fixed_inputs() {
    assert_eq!(
        email_text(&small_report(), Extension::Json),
        PINNED_JSON_EMAIL
    );
    let (_, report) = read_strict(PINNED_JSON_EMAIL.as_bytes());
    assert_eq!(&report, small_report().report());
}

#[test]
fn output_is_deterministic() {
    let first = full_report();
    let second = full_report();
    assert_eq!(first, second);
    assert_eq!(first.to_gzip(), second.to_gzip());
    for format in [Extension::Json, Extension::JsonGz] {
        assert_eq!(email_text(&first, format), email_text(&second, format));
    }
}

/// Checks the line rules of RFC 5322 and RFC 2045 on a whole message: CRLF line endings only,
/// header lines of at most 78 characters, base64 lines of at most 76.
fn check_lines(message: &str) {
    assert!(message.ends_with("\r\n"));
    let without_crlf = message.replace("\r\n", "");
    assert!(!without_crlf.contains(['\r', '\n']), "bare CR or LF");
    let mut in_headers = true;
    let mut in_base64 = false;
    for line in message.split("\r\n") {
        if line.starts_with("--=_tlsrpt-report") {
            in_headers = true;
            in_base64 = false;
            continue;
        }
        if in_headers {
            assert!(
                line.len() <= 78,
                "header line of {} characters: {line:?}",
                line.len()
            );
            if line == "Content-Transfer-Encoding: base64" {
                in_base64 = true;
            }
            if line.is_empty() {
                in_headers = false;
            }
        } else if in_base64 {
            assert!(
                line.len() <= 76,
                "base64 line of {} characters: {line:?}",
                line.len()
            );
        }
    }
}

#[test]
fn message_lines_follow_rfc5322() {
    for format in [Extension::Json, Extension::JsonGz] {
        check_lines(&email_text(&full_report(), format));
    }
}

#[test]
fn long_domains_fold_and_read_back() {
    let long_label = "a".repeat(63);
    let policy_domain = format!("{long_label}.{long_label}.example");
    let contact = format!("tlsrpt@{long_label}.sender.example");
    let reporter = Reporter::new("Ünïcode Sender GmbH", &contact).unwrap();
    let unique_id = "Z".repeat(64);
    let mut builder =
        ReportBuilder::new(&reporter, &policy_domain, date(2024, 9, 3), &unique_id).unwrap();
    let none = AppliedPolicy::no_policy_found(&policy_domain).unwrap();
    builder
        .record_success(&none, timestamp("2024-09-03T12:00:00Z"), 1)
        .unwrap();
    let outgoing = builder.build();
    let report_id = format!("20240903.{unique_id}.{policy_domain}@{long_label}.sender.example");
    assert_eq!(outgoing.report().report_id, report_id);

    for format in [Extension::Json, Extension::JsonGz] {
        let message = email_text(&outgoing, format);
        // Folding happens only at whitespace, so a word longer than a line keeps a line of its
        // own: these domains and ids are the only lines past 78 characters.
        let long_lines: Vec<&str> = message
            .split("\r\n")
            .filter(|line| line.len() > 78)
            .collect();
        let submitter = format!("{long_label}.sender.example");
        assert_eq!(
            long_lines,
            [
                format!("Message-ID: <{report_id}>"),
                format!(" {policy_domain}"),
                format!(" {submitter}"),
                format!(" <{report_id}>"),
                format!("TLS-Report-Domain: {policy_domain}"),
                format!("TLS-Report-Submitter: {submitter}"),
            ]
        );

        let raw = raw_header(header_section(&message), "Subject");
        let checked = SubjectChecker::check(raw.strip_prefix(' ').unwrap()).unwrap();
        assert_eq!(checked.0, policy_domain);
        assert_eq!(checked.2, report_id);

        let (received, report) = read_strict(message.as_bytes());
        assert_eq!(&report, outgoing.report());
        let InputFormat::Email { file_name, .. } = received.format else {
            panic!("not read as an email message");
        };
        assert_eq!(file_name, Some(outgoing.file_name(format).to_string()));
        // The organization name is not ASCII, so the text part is quoted-printable.
        assert!(message.contains("Content-Transfer-Encoding: quoted-printable"));
    }
}

#[test]
fn short_file_name_is_one_parameter() {
    let reporter = Reporter::new("Example", "t@s.example").unwrap();
    let mut builder = ReportBuilder::new(&reporter, "e.example", date(2024, 9, 3), "1").unwrap();
    let none = AppliedPolicy::no_policy_found("e.example").unwrap();
    builder
        .record_success(&none, timestamp("2024-09-03T12:00:00Z"), 1)
        .unwrap();
    let outgoing = builder.build();
    let message = email_text(&outgoing, Extension::JsonGz);
    assert!(
        message.contains(concat!(
            "Content-Disposition: attachment;\r\n",
            " filename=\"s.example!e.example!1725321600!1725408000!1.json.gz\"\r\n"
        )),
        "{message}"
    );
    check_lines(&message);
    let (received, _) = read_strict(message.as_bytes());
    let InputFormat::Email { file_name, .. } = received.format else {
        panic!("not read as an email message");
    };
    assert_eq!(
        file_name.as_deref(),
        Some("s.example!e.example!1725321600!1725408000!1.json.gz")
    );
}

#[test]
fn boundary_does_not_occur_in_parts() {
    for format in [Extension::Json, Extension::JsonGz] {
        let message = email_text(&full_report(), format);
        // Four delimiters: the two openings, the close, and the parameter in Content-Type.
        assert_eq!(message.matches("=_tlsrpt-report").count(), 4);
        assert_eq!(message.matches("\r\n--=_tlsrpt-report\r\n").count(), 2);
        assert_eq!(message.matches("\r\n--=_tlsrpt-report--\r\n").count(), 1);
    }
}

#[test]
fn deliveries_follow_the_record() {
    let record = TlsRptRecord::parse(
        "v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.net/v1/tlsrpt",
    )
    .unwrap()
    .value;
    let outgoing = full_report();
    let options = email_options(Extension::JsonGz);
    let deliveries = outgoing.deliveries(&record, &options);
    assert_eq!(deliveries.len(), 2);

    let Ok(Delivery::Email { to, message }) = &deliveries[0] else {
        panic!("expected an email delivery, found {:?}", deliveries[0]);
    };
    assert_eq!(to, "tlsrpt@example.com");
    assert_eq!(
        message,
        &outgoing.to_email("tlsrpt@example.com", &options).unwrap()
    );

    let Ok(Delivery::Https {
        uri,
        content_type,
        body,
    }) = &deliveries[1]
    else {
        panic!("expected an HTTPS delivery, found {:?}", deliveries[1]);
    };
    assert_eq!(uri, "https://reports.example.net/v1/tlsrpt");
    assert_eq!(*content_type, "application/tlsrpt+gzip");
    assert_eq!(body, &outgoing.to_gzip());
    let (received, report) = read_strict(body);
    assert_eq!(received.format, InputFormat::Gzip);
    assert_eq!(&report, outgoing.report());
}

#[test]
fn mailto_addresses_are_normalized_for_headers() {
    let record = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:tls+rpt@B%C3%BCcher.example.")
        .unwrap()
        .value;
    let deliveries = full_report().deliveries(&record, &email_options(Extension::JsonGz));
    let Ok(Delivery::Email { to, message }) = &deliveries[0] else {
        panic!("expected an email delivery, found {:?}", deliveries[0]);
    };
    assert_eq!(to, "tls+rpt@xn--bcher-kva.example");
    let text = String::from_utf8(message.clone()).unwrap();
    assert!(
        text.contains("\r\nTo: <tls+rpt@xn--bcher-kva.example>\r\n"),
        "{text}"
    );
}

#[test]
fn invalid_email_settings_are_rejected() {
    let outgoing = full_report();
    let options = email_options(Extension::JsonGz);
    assert!(matches!(
        outgoing.to_email("tlsrpt", &options),
        Err(EmailError::InvalidAddress { header: "To", .. })
    ));
    assert!(matches!(
        outgoing.to_email("tlsrpt@bad_domain.example", &options),
        Err(EmailError::InvalidAddress { header: "To", .. })
    ));
    assert!(matches!(
        outgoing.to_email(
            "tlsrpt@example.com",
            &EmailOptions {
                from: "rapport\u{e9}@mail.sender.example".into(),
                ..options.clone()
            }
        ),
        Err(EmailError::InvalidAddress { header: "From", .. })
    ));
    assert_eq!(
        outgoing.to_email(
            "tlsrpt@example.com",
            &EmailOptions {
                message_id: Some("<id@example.com>".into()),
                ..options.clone()
            }
        ),
        Err(EmailError::InvalidMessageId {
            value: "<id@example.com>".into()
        })
    );
    let custom = outgoing
        .to_email(
            "tlsrpt@[192.0.2.1]",
            &EmailOptions {
                message_id: Some("retry.2@mail.sender.example".into()),
                ..options
            },
        )
        .unwrap();
    let text = String::from_utf8(custom).unwrap();
    assert!(text.contains("\r\nTo: <tlsrpt@[192.0.2.1]>\r\n"), "{text}");
    assert!(
        text.contains("\r\nMessage-ID: <retry.2@mail.sender.example>\r\n"),
        "{text}"
    );
}
