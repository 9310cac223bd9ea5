//! The MX matching cases of `testdata/corpus/mx-matching-cases.json`: each pattern list becomes
//! the `mx` lines of an `enforce` policy, and each host is matched against it through every
//! matching entry point.

mod common;

use common::{E, Found, W, found};
use hickory_proto::rr::Name;
use mtasts_core::sts::{MxPattern, Policy, find_match};
use serde::Deserialize;

#[derive(Deserialize)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    patterns: Vec<String>,
    host: Option<String>,
    /// `true`, `false` or `"n/a"`.
    #[serde(rename = "match")]
    matches: Option<serde_json::Value>,
    mx_rrset: Option<Vec<String>>,
    mode: Option<String>,
}

/// What the project expects for one case.
#[derive(Debug, PartialEq)]
enum Expected {
    /// The policy is valid with these warnings, and the host matches this stored pattern.
    Match(&'static str, &'static [Found]),
    /// The policy is valid with these warnings, and the host matches no pattern.
    NoMatch(&'static [Found]),
    /// The policy is rejected with this error, so no host can match it.
    Invalid(Found),
}

/// Expected outcome per case. The policy text puts the first `mx` line on line 4, at byte 45.
const ROWS: &[(&str, Expected)] = &[
    ("M01a", Expected::Match("*.example.com", &[])),
    ("M01b", Expected::NoMatch(&[])),
    ("M01c", Expected::NoMatch(&[])),
    (
        "M01e",
        Expected::Match("*.mail.protection.outlook.com", &[]),
    ),
    ("M02a", Expected::NoMatch(&[])),
    ("M02b", Expected::NoMatch(&[])),
    (
        "M02d",
        Expected::Invalid((E, "mx-wildcard-without-domain", 4, 5, 49, 51)),
    ),
    (
        "M02e",
        Expected::Invalid((E, "mx-misplaced-wildcard", 4, 13, 57, 58)),
    ),
    ("M02g", Expected::NoMatch(&[])),
    ("M03a", Expected::Match("mail.example.com", &[])),
    (
        "M03b",
        Expected::Match("mail.example.com", &[(W, "mx-trailing-dot", 4, 21, 65, 66)]),
    ),
    ("M03d", Expected::Match("mail.example.com", &[])),
    ("M03e", Expected::Match("*.example.com", &[])),
    ("M03g", Expected::Match("xn--mx-lka.example", &[])),
    ("M03h", Expected::Invalid((E, "mx-u-label", 4, 5, 49, 61))),
    (
        "M03j",
        Expected::Match("192.0.2.56", &[(W, "mx-ip-address", 4, 5, 49, 59)]),
    ),
    ("M04a", Expected::NoMatch(&[])),
];

fn cases() -> Vec<Case> {
    let bytes = common::corpus_bytes("mx-matching-cases.json");
    let file: CaseFile = serde_json::from_slice(&bytes).unwrap();
    file.cases
}

fn expected(id: &str) -> &'static Expected {
    let row = ROWS.iter().find(|(row_id, _)| *row_id == id);
    &row.unwrap_or_else(|| panic!("{id}: no row")).1
}

/// Builds the policy text for a case: the given mode and one `mx` line per pattern.
fn policy_text(mode: &str, patterns: &[String]) -> String {
    let mut text = format!("version: STSv1\nmode: {mode}\nmax_age: 604800\n");
    for pattern in patterns {
        text.push_str(&format!("mx: {pattern}\n"));
    }
    text
}

/// Returns the hosts a case matches: its `host`, or every name of its `mx_rrset`.
fn hosts(case: &Case) -> Vec<&str> {
    match (&case.host, &case.mx_rrset) {
        (Some(host), None) => vec![host.as_str()],
        (None, Some(rrset)) => rrset.iter().map(String::as_str).collect(),
        _ => panic!("{}: expected either host or mx_rrset", case.id),
    }
}

/// Matches `host` through `match_mx`, `match_mx_name`, `find_match` and
/// `MxPattern::matches`, checks that they agree, and returns the matched pattern.
fn match_all_ways<'p>(name: &str, policy: &'p Policy, host: &str) -> Option<&'p str> {
    let by_policy = policy.match_mx(host).map(MxPattern::as_str);
    let by_find = find_match(policy.mx(), host).map(MxPattern::as_str);
    let by_pattern = policy
        .mx()
        .iter()
        .find(|p| p.matches(host))
        .map(MxPattern::as_str);
    assert_eq!(
        by_find, by_policy,
        "{name}: find_match and match_mx disagree"
    );
    assert_eq!(
        by_pattern, by_policy,
        "{name}: matches and match_mx disagree"
    );
    let dns_name = Name::from_utf8(host).unwrap();
    let by_name = policy.match_mx_name(&dns_name).map(MxPattern::as_str);
    assert_eq!(
        by_name, by_policy,
        "{name}: match_mx_name and match_mx disagree"
    );
    by_policy
}

#[test]
fn mx_every_case_has_a_row() {
    let ids: Vec<String> = cases().into_iter().map(|case| case.id).collect();
    let rows: Vec<&str> = ROWS.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, rows);
}

#[test]
fn mx_matching_cases() {
    for case in cases() {
        let name = case.id.as_str();
        let mode = case.mode.as_deref().unwrap_or("enforce");
        let text = policy_text(mode, &case.patterns);
        let expected = expected(name);
        let corpus_match = case.matches.as_ref().and_then(serde_json::Value::as_bool);
        match expected {
            Expected::Invalid(error) => {
                assert_eq!(corpus_match, Some(false), "{name}: corpus verdict");
                let rejected = Policy::parse(&text).unwrap_err();
                assert_eq!(found(&rejected.diagnostics), [*error], "{name}");
                for pattern in &case.patterns {
                    assert!(MxPattern::new(pattern).is_err(), "{name}: {pattern}");
                }
            }
            Expected::Match(_, warnings) | Expected::NoMatch(warnings) => {
                let parsed =
                    Policy::parse(&text).unwrap_or_else(|e| panic!("{name}: policy rejected: {e}"));
                assert_eq!(found(&parsed.warnings), *warnings, "{name}: warnings");
                let want = match expected {
                    Expected::Match(pattern, _) => Some(*pattern),
                    _ => None,
                };
                if let Some(corpus_match) = corpus_match {
                    assert_eq!(want.is_some(), corpus_match, "{name}: corpus verdict");
                }
                for host in hosts(&case) {
                    let got = match_all_ways(name, &parsed.value, host);
                    assert_eq!(got, want, "{name}: {host}");
                }
            }
        }
    }
}

#[test]
fn mx_enforce_no_match_is_per_policy() {
    // M04a: an enforce policy that lists none of the MX hosts allows none of them. Matching
    // depends on the policy only, so another domain's policy that lists the same hosts still
    // allows them.
    let case = cases().into_iter().find(|c| c.id == "M04a").unwrap();
    let hosts = case.mx_rrset.clone().unwrap();
    let own = Policy::parse(policy_text("enforce", &case.patterns))
        .unwrap()
        .value;
    let other = Policy::parse(policy_text("enforce", &hosts)).unwrap().value;
    for host in &hosts {
        assert_eq!(own.match_mx(host), None, "{host}");
        assert_eq!(
            other.match_mx(host).map(MxPattern::as_str),
            Some(host.as_str()),
            "{host}"
        );
        assert_eq!(own.match_mx(host), None, "{host} after the other domain");
    }
}

#[test]
fn mx_ip_literal_matches_same_text_only() {
    // M03j: an IPv4-like `mx` value is a host name. Only the same text matches it.
    let pattern = MxPattern::new("192.0.2.56").unwrap();
    assert!(!pattern.is_wildcard());
    assert_eq!(pattern.domain(), "192.0.2.56");
    for (host, expected) in [
        ("192.0.2.56", true),
        ("192.0.2.56.", true),
        ("192.0.2.056", false),
        ("[192.0.2.56]", false),
        ("::ffff:192.0.2.56", false),
        ("::ffff:c000:238", false),
        ("3221226040", false),
        ("x.192.0.2.56", false),
    ] {
        assert_eq!(pattern.matches(host), expected, "{host}");
    }
}
