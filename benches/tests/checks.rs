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
