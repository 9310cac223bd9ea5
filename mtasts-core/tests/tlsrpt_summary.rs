//! Aggregating TLS-RPT reports: exact counts over the shipped corpus, duplicates, MX coverage,
//! failure rates and a 10,000-report stream.

mod common;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use jiff::Timestamp;
use mtasts_core::sts::PatternError;
use mtasts_core::tlsrpt::{
    AddOutcome, Aggregate, Aggregator, Counts, DateRange, DomainAggregate, FailureDetail,
    KeyCounts, PolicyResult, PolicyType, Report, ReportedPolicy, ResultType, Summary,
};
use serde_json::json;

/// Reads every report file of the corpus, in name order.
fn corpus_reports() -> Vec<(String, Report)> {
    let dir = common::corpus_path("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("report-") && name.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let report = Report::from_json(&common::corpus_bytes(&name))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .value;
            (name, report)
        })
        .collect()
}

fn corpus_report(name: &str) -> Report {
    Report::from_json(&common::corpus_bytes(name))
        .unwrap()
        .value
}

/// Parses a report the test writes as JSON.
fn report(value: serde_json::Value) -> Report {
    Report::from_json(value.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("invalid test report: {e}"))
        .value
}

/// Builds a one-policy `sts` report for `example.com` with the given failure details.
fn sts_report(
    organization: &str,
    report_id: &str,
    start: &str,
    mx_host: &[&str],
    counts: (u64, u64),
    details: serde_json::Value,
) -> Report {
    report(json!({
        "organization-name": organization,
        "date-range": {"start-datetime": start, "end-datetime": "2024-12-31T23:59:59Z"},
        "contact-info": "tlsrpt@reporter.example",
        "report-id": report_id,
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: testing", "max_age: 86400"],
                "policy-domain": "example.com",
                "mx-host": mx_host,
            },
            "summary": {
                "total-successful-session-count": counts.0,
                "total-failure-session-count": counts.1,
            },
            "failure-details": details,
        }],
    }))
}

fn aggregate_of(reports: &[Report]) -> Aggregate {
    let mut aggregator = Aggregator::new();
    for report in reports {
        assert_eq!(aggregator.add(report), AddOutcome::Counted);
    }
    aggregator.aggregate()
}

fn group<'a>(
    aggregate: &'a Aggregate,
    domain: Option<&str>,
    policy_type: PolicyType,
) -> &'a DomainAggregate {
    aggregate
        .domains
        .iter()
        .find(|d| d.policy_domain.as_deref() == domain && d.policy_type == policy_type)
        .unwrap_or_else(|| panic!("no group for {domain:?} {policy_type}"))
}

/// A day reduced to (date, successful sessions, failed sessions).
type DayRow = (String, u64, u64);

/// Reduces a group to its day rows and its (successful, failed) totals.
fn day_rows(group: &DomainAggregate) -> (Vec<DayRow>, (u64, u64)) {
    let days = group
        .days
        .iter()
        .map(|day| {
            (
                day.date.to_string(),
                day.counts.successful_sessions,
                day.counts.failed_sessions,
            )
        })
        .collect();
    let total = (group.total.successful_sessions, group.total.failed_sessions);
    (days, total)
}

fn result_types(counts: &Counts) -> Vec<(&str, u64)> {
    counts
        .result_types
        .iter()
        .map(|e| (e.result_type.as_str(), e.failed_sessions))
        .collect()
}

fn mx_hosts(list: &[mtasts_core::tlsrpt::MxHostCount]) -> Vec<(Option<&str>, u64)> {
    list.iter()
        .map(|e| (e.mx_host.as_deref(), e.failed_sessions))
        .collect()
}

fn sending_ips(counts: &Counts) -> Vec<(Option<String>, u64)> {
    counts
        .sending_ips
        .iter()
        .map(|e| (e.sending_ip.map(|ip| ip.to_string()), e.failed_sessions))
        .collect()
}

fn organizations(counts: &Counts) -> Vec<(&str, u64, u64)> {
    counts
        .sending_organizations
        .iter()
        .map(|e| {
            (
                e.organization.as_str(),
                e.successful_sessions,
                e.failed_sessions,
            )
        })
        .collect()
}

fn owned(rows: &[(&str, u64, u64)]) -> Vec<DayRow> {
    rows.iter()
        .map(|&(date, ok, failed)| (date.to_owned(), ok, failed))
        .collect()
}

#[test]
fn corpus_groups_and_day_counts_are_exact() {
    let reports: Vec<Report> = corpus_reports().into_iter().map(|(_, r)| r).collect();
    assert_eq!(reports.len(), 10);
    let aggregate = aggregate_of(&reports);
    assert_eq!(aggregate.reports, 10);
    assert_eq!(aggregate.duplicate_reports, 0);

    let groups: Vec<(Option<&str>, &str)> = aggregate
        .domains
        .iter()
        .map(|d| (d.policy_domain.as_deref(), d.policy_type.as_str()))
        .collect();
    assert_eq!(
        groups,
        [
            (Some("company-y.example"), "sts"),
            (Some("example.com"), "tlsa"),
            (Some("example.com"), "sts"),
            (Some("example.com"), "no-policy-found"),
            (Some("example.org"), "sts"),
            (Some("mail.example.com"), "tlsa"),
            (None, "no-policy-found"),
        ]
    );

    // Each row below is read off the report files by hand.
    type Expected<'a> = (
        Option<&'a str>,
        PolicyType,
        &'a [(&'a str, u64, u64)],
        (u64, u64),
    );
    let expected: [Expected; 7] = [
        (
            Some("company-y.example"),
            PolicyType::Sts,
            &[("2016-04-01", 5326, 303)],
            (5326, 303),
        ),
        (
            Some("example.com"),
            PolicyType::Tlsa,
            &[("2024-10-23", 7, 0)],
            (7, 0),
        ),
        (
            Some("example.com"),
            PolicyType::Sts,
            &[
                ("2022-09-15", 3, 0),
                ("2023-01-10", 2, 0),
                ("2024-01-09", 0, 3),
                ("2024-02-25", 1, 0),
                ("2024-08-02", 0, 10),
                ("2024-10-23", 7, 0),
            ],
            (13, 13),
        ),
        (
            Some("example.com"),
            PolicyType::NoPolicyFound,
            &[("2024-09-03", 48, 0), ("2024-10-31", 1, 0)],
            (49, 0),
        ),
        (
            Some("example.org"),
            PolicyType::Sts,
            &[("2024-10-31", 1, 0)],
            (1, 0),
        ),
        (
            Some("mail.example.com"),
            PolicyType::Tlsa,
            &[("2024-02-25", 1, 0)],
            (1, 0),
        ),
        (
            None,
            PolicyType::NoPolicyFound,
            &[("2025-09-20", 1, 0)],
            (1, 0),
        ),
    ];
    for (domain, policy_type, days, total) in expected {
        let label = format!("{domain:?} {policy_type}");
        let (actual_days, actual_total) = day_rows(group(&aggregate, domain, policy_type));
        assert_eq!(actual_days, owned(days), "{label}");
        assert_eq!(actual_total, total, "{label}");
    }
}

#[test]
fn corpus_example_com_sts_breakdowns_are_exact() {
    let reports: Vec<Report> = corpus_reports().into_iter().map(|(_, r)| r).collect();
    let aggregate = aggregate_of(&reports);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;

    assert_eq!(total.failure_rate(), Some(0.5));
    assert_eq!(result_types(total), [("validation-failure", 13)]);
    assert_eq!(
        mx_hosts(&total.mx_hosts),
        [
            (Some("example-com.h-v1.mx.microsoft"), 10),
            (Some("example.com"), 3)
        ]
    );
    assert_eq!(
        sending_ips(total),
        [
            (None, 10),
            (Some("198.51.100.201".to_owned()), 2),
            (Some("198.51.100.176".to_owned()), 1),
        ]
    );
    assert_eq!(
        organizations(total),
        [
            ("Google Inc.", 3, 10),
            ("Example Inc.", 0, 3),
            ("Microsoft Corporation", 9, 0),
            ("remote.example", 1, 0),
        ]
    );
    assert_eq!(
        mx_hosts(&total.uncovered_mx_hosts),
        [(Some("example-com.h-v1.mx.microsoft"), 10)]
    );
    assert!(total.unchecked_mx_hosts.is_empty());
    assert!(total.invalid_mx_patterns.is_empty());
}

#[test]
fn corpus_rfc8460_example_breakdowns_are_exact() {
    let aggregate = aggregate_of(&[corpus_report("report-rfc8460-example.json")]);
    let total = &group(&aggregate, Some("company-y.example"), PolicyType::Sts).total;
    assert_eq!(total.failure_rate(), Some(303.0 / 5629.0));
    assert_eq!(
        result_types(total),
        [
            ("starttls-not-supported", 200),
            ("certificate-expired", 100),
            ("validation-failure", 3),
        ]
    );
    assert_eq!(
        mx_hosts(&total.mx_hosts),
        [
            (Some("mx2.mail.company-y.example"), 200),
            (Some("mx1.mail.company-y.example"), 100),
            (Some("mx-backup.mail.company-y.example"), 3),
        ]
    );
    assert_eq!(
        sending_ips(total),
        [
            (Some("2001:db8:abcd:13::1".to_owned()), 200),
            (Some("2001:db8:abcd:12::1".to_owned()), 100),
            (Some("198.51.100.62".to_owned()), 3),
        ]
    );
    assert_eq!(organizations(total), [("Company-X", 5326, 303)]);
    // The bare-string mx-host `*.mail.company-y.example` covers all three hosts.
    assert!(total.uncovered_mx_hosts.is_empty());
}

#[test]
fn duplicate_report_id_counts_once() {
    let report = corpus_report("report-google-empty-sending-ip.json");
    let mut aggregator = Aggregator::new();
    assert_eq!(aggregator.add(&report), AddOutcome::Counted);
    assert_eq!(aggregator.add(&report), AddOutcome::Duplicate);

    // The same id with other counts is still a duplicate: the first report wins.
    let mut changed = report.clone();
    changed.policies[0].summary.total_failure_session_count = 1000;
    assert_eq!(aggregator.add(&changed), AddOutcome::Duplicate);

    let aggregate = aggregator.aggregate();
    assert_eq!(aggregate.reports, 1);
    assert_eq!(aggregate.duplicate_reports, 2);
    assert_eq!(aggregator.report_count(), 1);
    assert_eq!(aggregator.duplicate_count(), 2);
    let (days, total) = day_rows(group(&aggregate, Some("example.com"), PolicyType::Sts));
    assert_eq!(days, owned(&[("2024-08-02", 0, 10)]));
    assert_eq!(total, (0, 10));
}

#[test]
fn same_report_id_from_another_organisation_counts() {
    let report = corpus_report("report-google-empty-sending-ip.json");
    let mut other = report.clone();
    other.organization_name = "Other Reporter".to_owned();
    let aggregate = aggregate_of(&[report, other]);
    assert_eq!(aggregate.reports, 2);
    assert_eq!(aggregate.duplicate_reports, 0);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;
    assert_eq!(total.failed_sessions, 20);
    assert_eq!(
        organizations(total),
        [("Google Inc.", 0, 10), ("Other Reporter", 0, 10)]
    );
}

#[test]
fn uncovered_mx_two_labels_under_wildcard() {
    let aggregate = aggregate_of(&[corpus_report("report-google-empty-sending-ip.json")]);
    let day = &group(&aggregate, Some("example.com"), PolicyType::Sts).days[0];
    assert_eq!(day.date.to_string(), "2024-08-02");
    // The wildcard of `*.mx.microsoft` matches exactly one label, and `example-com.h-v1` is two.
    assert_eq!(
        mx_hosts(&day.counts.uncovered_mx_hosts),
        [(Some("example-com.h-v1.mx.microsoft"), 10)]
    );
    assert_eq!(sending_ips(&day.counts), [(None, 10)]);
    assert_eq!(day.counts.failure_rate(), Some(1.0));
    assert!(day.counts.unchecked_mx_hosts.is_empty());
    assert!(day.counts.invalid_mx_patterns.is_empty());
}

#[test]
fn policy_string_mx_fallback() {
    // This report has no `mx-host`, but its policy-string has `mx: example.com`.
    let aggregate = aggregate_of(&[corpus_report("report-google-validation-failure.json")]);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;
    assert_eq!(mx_hosts(&total.mx_hosts), [(Some("example.com"), 3)]);
    assert!(total.uncovered_mx_hosts.is_empty());
    assert!(total.unchecked_mx_hosts.is_empty());
}

#[test]
fn policy_without_patterns_leaves_hosts_unchecked() {
    let report = sts_report(
        "Reporter",
        "r1",
        "2024-03-01T00:00:00Z",
        &[],
        (0, 2),
        json!([{"result-type": "certificate-expired", "receiving-mx-hostname": "mx.example.com",
                "failed-session-count": 2}]),
    );
    let aggregate = aggregate_of(&[report]);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;
    assert!(total.uncovered_mx_hosts.is_empty());
    assert_eq!(
        mx_hosts(&total.unchecked_mx_hosts),
        [(Some("mx.example.com"), 2)]
    );
}

#[test]
fn invalid_patterns_are_listed_not_skipped() {
    let report = sts_report(
        "Reporter",
        "r1",
        "2024-03-01T00:00:00Z",
        &["mail*.example.com", "mx.example.com", "*"],
        (5, 4),
        json!([
            {"result-type": "certificate-host-mismatch", "receiving-mx-hostname": "mail1.example.com",
             "failed-session-count": 3},
            {"result-type": "certificate-host-mismatch", "receiving-mx-hostname": "MX.Example.COM.",
             "failed-session-count": 1},
        ]),
    );
    let aggregate = aggregate_of(&[report]);
    let counts = &group(&aggregate, Some("example.com"), PolicyType::Sts).days[0].counts;
    let invalid: Vec<(&str, &PatternError)> = counts
        .invalid_mx_patterns
        .iter()
        .map(|p| (p.pattern.as_str(), &p.error))
        .collect();
    assert_eq!(
        invalid,
        [
            ("*", &PatternError::BareWildcard),
            (
                "mail*.example.com",
                &PatternError::MisplacedWildcard { offset: 4 }
            ),
        ]
    );
    // The invalid pattern covers nothing; the valid one covers its host in any spelling.
    assert_eq!(
        mx_hosts(&counts.uncovered_mx_hosts),
        [(Some("mail1.example.com"), 3)]
    );
    assert_eq!(
        mx_hosts(&counts.mx_hosts),
        [(Some("mail1.example.com"), 3), (Some("mx.example.com"), 1)]
    );
    let value = serde_json::to_value(counts).unwrap();
    assert_eq!(
        value["invalid_mx_patterns"][1],
        json!({"pattern": "mail*.example.com",
               "error": "wildcard at byte 4 is not the whole left-most label"})
    );
}

#[test]
fn only_sts_policies_are_checked_for_coverage() {
    let mut report = corpus_report("report-google-empty-sending-ip.json");
    report.policies[0].policy.policy_type = PolicyType::Tlsa;
    let aggregate = aggregate_of(&[report]);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Tlsa).total;
    assert_eq!(total.failed_sessions, 10);
    assert!(total.uncovered_mx_hosts.is_empty());
    assert!(total.unchecked_mx_hosts.is_empty());
}

#[test]
fn failure_rate_without_sessions_is_none() {
    let counts = Counts::default();
    assert_eq!(counts.failure_rate(), None);
    let value = serde_json::to_value(&counts).unwrap();
    assert_eq!(value["failure_rate"], serde_json::Value::Null);

    let report = sts_report(
        "Reporter",
        "r1",
        "2024-03-01T00:00:00Z",
        &[],
        (0, 0),
        json!([]),
    );
    let aggregate = aggregate_of(&[report]);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;
    assert_eq!(total.total_sessions(), 0);
    assert_eq!(total.failure_rate(), None);
}

#[test]
fn failure_rate_math() {
    let rate = |successful_sessions, failed_sessions| {
        Counts {
            successful_sessions,
            failed_sessions,
            ..Counts::default()
        }
        .failure_rate()
    };
    assert_eq!(rate(3, 1), Some(0.25));
    assert_eq!(rate(0, 7), Some(1.0));
    assert_eq!(rate(7, 0), Some(0.0));
    assert_eq!(rate(5326, 303), Some(303.0 / 5629.0));
    // Counts near the top of u64 must not overflow the sum.
    assert_eq!(rate(u64::MAX, u64::MAX), Some(0.5));
    let value = serde_json::to_value(Counts {
        successful_sessions: 3,
        failed_sessions: 1,
        ..Counts::default()
    })
    .unwrap();
    assert_eq!(value["failure_rate"], json!(0.25));
}

#[test]
fn counts_saturate_instead_of_overflowing() {
    let big = (u64::MAX - 1, 0);
    let first = sts_report(
        "Reporter",
        "r1",
        "2024-03-01T00:00:00Z",
        &[],
        big,
        json!([]),
    );
    let second = sts_report(
        "Reporter",
        "r2",
        "2024-03-01T00:00:00Z",
        &[],
        big,
        json!([]),
    );
    let aggregate = aggregate_of(&[first, second]);
    let total = &group(&aggregate, Some("example.com"), PolicyType::Sts).total;
    assert_eq!(total.successful_sessions, u64::MAX);
}

/// The total adds up every breakdown of the day rows, key by key, and saturates across days as
/// it does within one.
#[test]
fn total_adds_up_the_days_key_by_key() {
    let detail = |result_type: &str, host: &str, count: u64| {
        json!({
            "result-type": result_type,
            "sending-mta-ip": "192.0.2.1",
            "receiving-mx-hostname": host,
            "failed-session-count": count,
        })
    };

    let monday = sts_report(
        "Reporter",
        "r1",
        "2024-03-04T00:00:00Z",
        &["*.mx.example.com"],
        (u64::MAX - 1, 3),
        json!([
            detail("certificate-expired", "a.mx.example.com", 1),
            detail("starttls-not-supported", "backup.example.net", 2),
        ]),
    );
    let tuesday = sts_report(
        "Reporter",
        "r2",
        "2024-03-05T00:00:00Z",
        &["*.mx.example.com"],
        (5, 4),
        json!([detail("certificate-expired", "backup.example.net", 4)]),
    );

    let aggregate = aggregate_of(&[monday, tuesday]);
    let group = group(&aggregate, Some("example.com"), PolicyType::Sts);
    assert_eq!(group.days.len(), 2);

    let total = &group.total;
    assert_eq!(total.successful_sessions, u64::MAX);
    assert_eq!(total.failed_sessions, 7);
    assert_eq!(
        result_types(total),
        [("certificate-expired", 5), ("starttls-not-supported", 2)]
    );
    assert_eq!(
        mx_hosts(&total.mx_hosts),
        [
            (Some("backup.example.net"), 6),
            (Some("a.mx.example.com"), 1)
        ]
    );
    assert_eq!(
        mx_hosts(&total.uncovered_mx_hosts),
        [(Some("backup.example.net"), 6)]
    );
    assert_eq!(sending_ips(total), [(Some("192.0.2.1".to_owned()), 7)]);
    assert_eq!(organizations(total), [("Reporter", u64::MAX, 7)]);
}

#[test]
fn day_is_the_utc_date_of_the_start() {
    let late = sts_report(
        "Reporter",
        "r1",
        "2024-03-01T23:30:00-02:00",
        &[],
        (1, 0),
        json!([]),
    );
    let early = sts_report(
        "Reporter",
        "r2",
        "2024-03-02T00:30:00+02:00",
        &[],
        (2, 0),
        json!([]),
    );
    let aggregate = aggregate_of(&[late, early]);
    let (days, total) = day_rows(group(&aggregate, Some("example.com"), PolicyType::Sts));
    assert_eq!(days, owned(&[("2024-03-01", 2, 0), ("2024-03-02", 1, 0)]));
    assert_eq!(total, (3, 0));
}

#[test]
fn domain_spellings_share_one_group() {
    let mut upper = corpus_report("report-google-sts-success.json");
    upper.policies[0].policy.policy_domain = Some("Example.COM.".to_owned());
    let lower = corpus_report("report-microsoft-2023-no-timezone.json");
    let aggregate = aggregate_of(&[upper, lower]);
    assert_eq!(aggregate.domains.len(), 1);
    let (_, total) = day_rows(group(&aggregate, Some("example.com"), PolicyType::Sts));
    assert_eq!(total, (5, 0));
}

#[test]
fn aggregate_json_field_order() {
    let aggregate = aggregate_of(&[corpus_report("report-google-validation-failure.json")]);
    let text = serde_json::to_string(&aggregate).unwrap();
    let expected = concat!(
        r#"{"reports":1,"duplicate_reports":0,"domains":[{"policy_domain":"example.com","#,
        r#""policy_type":"sts","total":{"successful_sessions":0,"failed_sessions":3,"#,
        r#""failure_rate":1.0,"result_types":[{"result_type":"validation-failure","#,
        r#""failed_sessions":3}],"mx_hosts":[{"mx_host":"example.com","failed_sessions":3}],"#,
        r#""sending_organizations":[{"organization":"Example Inc.","successful_sessions":0,"#,
        r#""failed_sessions":3}],"sending_ips":[{"sending_ip":"198.51.100.201","#,
        r#""failed_sessions":2},{"sending_ip":"198.51.100.176","failed_sessions":1}],"#,
        r#""uncovered_mx_hosts":[],"unchecked_mx_hosts":[],"invalid_mx_patterns":[]},"#,
        r#""days":[{"date":"2024-01-09","successful_sessions":0,"failed_sessions":3,"#,
        r#""failure_rate":1.0,"result_types":[{"result_type":"validation-failure","#,
        r#""failed_sessions":3}],"mx_hosts":[{"mx_host":"example.com","failed_sessions":3}],"#,
        r#""sending_organizations":[{"organization":"Example Inc.","successful_sessions":0,"#,
        r#""failed_sessions":3}],"sending_ips":[{"sending_ip":"198.51.100.201","#,
        r#""failed_sessions":2},{"sending_ip":"198.51.100.176","failed_sessions":1}],"#,
        r#""uncovered_mx_hosts":[],"unchecked_mx_hosts":[],"invalid_mx_patterns":[]}]}]}"#,
    );
    assert_eq!(text, expected);
}

// Streaming: generated reports whose keys repeat with a short period.

const STREAM_REPORTS: u64 = 10_000;
const DOMAINS: u64 = 4;
const DAYS: u64 = 7;
const ORGANIZATIONS: u64 = 3;
const HOSTS: u64 = 5;
const IPS: u64 = 6;
const FAILED_PERIOD: u64 = 9;

/// Builds report `i` of the stream. Domain, day, organisation, MX host, sending IP, result
/// type and failure count each cycle with a small period (4, 7, 3, 5, 6, 3 and 9). So every
/// combination appears within the first 1,260 reports, the least common multiple.
fn generated_report(i: u64) -> Report {
    let domain = format!("d{}.example", i % DOMAINS);
    let failed = i % FAILED_PERIOD;
    let result_type = [
        ResultType::ValidationFailure,
        ResultType::CertificateExpired,
        ResultType::StarttlsNotSupported,
    ][(i % 3) as usize]
        .clone();
    let mut detail = FailureDetail::new(result_type, failed);
    detail.receiving_mx_hostname = Some(format!("mx{}.{domain}", i % HOSTS).into());
    detail.sending_mta_ip = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, (i % IPS) as u8)));
    // 2024-05-01T00:00:00Z plus a whole number of days.
    let start = Timestamp::from_second(1_714_521_600 + (i % DAYS) as i64 * 86_400).unwrap();
    Report {
        organization_name: format!("org{}", i % ORGANIZATIONS),
        date_range: DateRange { start, end: start },
        contact_info: None,
        report_id: format!("id-{i}"),
        policies: vec![PolicyResult {
            policy: ReportedPolicy {
                policy_type: PolicyType::Sts,
                policy_string: Vec::new(),
                policy_domain: Some(domain.clone()),
                // mx0 to mx2 are covered; mx3 and mx4 are not.
                mx_host: vec![
                    format!("mx0.{domain}"),
                    format!("mx1.{domain}"),
                    format!("mx2.{domain}"),
                ],
            },
            summary: Summary {
                total_successful_session_count: i % 10,
                total_failure_session_count: failed,
            },
            failure_details: if failed == 0 {
                Vec::new()
            } else {
                vec![detail]
            },
        }],
    }
}

#[test]
fn stream_of_10000_reports_is_exact_and_bounded() {
    let mut aggregator = Aggregator::new();
    let mut at_2000 = KeyCounts::default();
    // Expected totals, summed independently of the aggregator: (successful, failed) per domain
    // and day, and failed sessions per uncovered host.
    let mut expected_days: BTreeMap<(u64, u64), (u64, u64)> = BTreeMap::new();
    let mut expected_uncovered: BTreeMap<(u64, u64), u64> = BTreeMap::new();
    for i in 0..STREAM_REPORTS {
        let report = generated_report(i);
        assert_eq!(aggregator.add(&report), AddOutcome::Counted);
        // Every tenth report arrives twice, as when a mailbox contains a resent report.
        if i % 10 == 0 {
            assert_eq!(aggregator.add(&report), AddOutcome::Duplicate);
        }
        let day = expected_days.entry((i % DOMAINS, i % DAYS)).or_default();
        day.0 += i % 10;
        day.1 += i % FAILED_PERIOD;
        if i % HOSTS >= 3 && i % FAILED_PERIOD != 0 {
            *expected_uncovered
                .entry((i % DOMAINS, i % HOSTS))
                .or_default() += i % FAILED_PERIOD;
        }
        if i + 1 == 2000 {
            at_2000 = aggregator.key_counts();
        }
    }

    let at_end = aggregator.key_counts();
    assert_eq!(at_end.report_ids, 10_000);
    assert_eq!(at_2000.report_ids, 2000);
    // Apart from report ids, nothing grows once every key has been seen.
    assert_eq!(at_end.groups, at_2000.groups);
    assert_eq!(at_end.days, at_2000.days);
    assert_eq!(at_end.breakdown_entries, at_2000.breakdown_entries);
    assert_eq!(at_end.groups, 4);
    assert_eq!(at_end.days, 28);

    let aggregate = aggregator.aggregate();
    assert_eq!(aggregate.reports, 10_000);
    assert_eq!(aggregate.duplicate_reports, 1000);
    // Over i < 10,000, i % 10 sums to 1,000 × 45, and i % 9 to 1,111 × 36 (i = 9,999 adds 0).
    let successful: u64 = aggregate
        .domains
        .iter()
        .map(|d| d.total.successful_sessions)
        .sum();
    let failed: u64 = aggregate
        .domains
        .iter()
        .map(|d| d.total.failed_sessions)
        .sum();
    assert_eq!(successful, 45_000);
    assert_eq!(failed, 39_996);

    for domain in &aggregate.domains {
        let name = domain.policy_domain.as_deref().unwrap();
        let index: u64 = name[1..2].parse().unwrap();
        for day in &domain.days {
            let day_index = (day.date.day() - 1) as u64;
            let expected = expected_days[&(index, day_index)];
            assert_eq!(
                (day.counts.successful_sessions, day.counts.failed_sessions),
                expected,
                "{name} {}",
                day.date
            );
        }
        let uncovered: Vec<(Option<&str>, u64)> = mx_hosts(&domain.total.uncovered_mx_hosts);
        let expected: Vec<(String, u64)> = expected_uncovered
            .iter()
            .filter(|((d, _), _)| *d == index)
            .map(|((_, host), &count)| (format!("mx{host}.{name}"), count))
            .collect();
        let mut expected: Vec<(Option<&str>, u64)> = expected
            .iter()
            .map(|(host, count)| (Some(host.as_str()), *count))
            .collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        assert_eq!(uncovered, expected, "{name}");
        assert_eq!(domain.total.sending_organizations.len(), 3, "{name}");
        assert_eq!(domain.total.result_types.len(), 3, "{name}");
    }
}
