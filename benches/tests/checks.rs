//! Runs the checks that the benchmarks make before timing, so that `cargo test` catches an
//! implementation that fails on a benchmark input without running the benchmarks.

use mtasts_benches::*;

#[test]
fn record_checks_pass() {
    check_mtasts_record();
    check_mail_auth_record();
    check_mailrs_record();
}

#[test]
fn policy_checks_pass() {
    check_mtasts_policy(POLICY_5_LINES, 2);
    check_mailrs_policy(POLICY_5_LINES, 2);
    let policy_50 = policy_50_mx();
    check_mtasts_policy(&policy_50, POLICY_50_MX_COUNT);
    check_mailrs_policy(&policy_50, POLICY_50_MX_COUNT);
}

#[test]
fn policy_50_mx_ends_with_hit_pattern() {
    let patterns = policy_50_mx_patterns();
    assert_eq!(patterns.len(), POLICY_50_MX_COUNT);
    assert_eq!(
        patterns.last().map(String::as_str),
        Some("*.pool49.example.net")
    );
}

#[test]
fn mx_match_checks_pass() {
    for case in &POLICY_MATCH_CASES {
        check_mtasts_policy_match(case);
        check_mailrs_policy_match(case);
    }
    for case in &PATTERN_MATCH_CASES {
        check_mtasts_pattern_match(case);
        check_mailrs_pattern_match(case);
    }
}

#[test]
fn dns_id_checks_pass() {
    for case in &DNS_ID_CASES {
        check_mtasts_dns_id(case);
    }
}

#[test]
fn tlsrpt_record_checks_pass() {
    tlsrpt::check_mtasts_tlsrpt_record();
    tlsrpt::check_mail_auth_tlsrpt_record();
    tlsrpt::check_mailrs_tlsrpt_record();
}

#[test]
fn tlsrpt_report_checks_pass() {
    for input in [tlsrpt::report_small(), tlsrpt::report_1mb()] {
        tlsrpt::check_mtasts_report(&input);
        tlsrpt::check_mail_auth_report(&input);
        tlsrpt::check_mailrs_report(&input);
        tlsrpt::check_plain_report(&input);
        tlsrpt::check_mtasts_gzip_report(&input, &tlsrpt::gzip(&input.json));
    }
}

#[test]
fn tlsrpt_report_sizes() {
    let small = tlsrpt::report_small().json.len();
    assert!(
        (3_000..4_000).contains(&small),
        "3.5 KB report is {small} bytes"
    );
    let large = tlsrpt::report_1mb().json.len();
    let mib = 1 << 20;
    assert!(
        (mib * 95 / 100..mib * 105 / 100).contains(&large),
        "1 MiB report is {large} bytes"
    );
}

#[test]
fn tlsrpt_report_generation_is_deterministic() {
    assert_eq!(tlsrpt::report_1mb().json, tlsrpt::report_1mb().json);
    assert_ne!(
        tlsrpt::report_json(&tlsrpt::generate_report(1, 12)),
        tlsrpt::report_json(&tlsrpt::generate_report(2, 12))
    );
}

#[test]
fn tlsrpt_report_1mb_content_is_varied() {
    let digest = tlsrpt::report_1mb().expected_digest();
    let registered = mtasts_core::tlsrpt::ResultType::REGISTERED;
    for result_type in &registered {
        assert!(
            digest.result_types.contains_key(result_type.as_str()),
            "no {result_type} detail"
        );
    }
    assert_eq!(digest.result_types.len(), registered.len(), "result types");
    assert_eq!(digest.policy_types, ["sts", "tlsa", "no-policy-found"]);
    assert!(digest.ipv6_sending_ips > 0, "no IPv6 sending IP");
    assert!(
        digest.ipv6_sending_ips < digest.sending_ips,
        "no IPv4 sending IP"
    );
    assert!(digest.reason_codes > 0, "no failure-reason-code");
    assert!(
        digest.additional_information > 0,
        "no additional-information"
    );
    assert!(digest.helos > 0, "no receiving-mx-helo");
}

#[test]
fn tlsrpt_summary_check_passes() {
    let reports = tlsrpt::summary_reports();
    assert_eq!(reports.len(), tlsrpt::SUMMARY_REPORT_COUNT);
    let parsed = tlsrpt::parse_mtasts_reports(&reports);
    tlsrpt::check_mtasts_summary(&reports, &parsed);
    let expected = tlsrpt::expected_summary(&reports);
    assert!(
        expected.uncovered_failed_sessions > 0,
        "no failure outside the mx patterns"
    );
    assert!(expected.groups > 10, "only {} groups", expected.groups);
}
