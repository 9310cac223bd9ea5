//! Inputs shared by the benchmarks, and the checks that every implementation returns the
//! expected result on them.
//!
//! Each benchmark calls the matching `check_*` function once before timing, so that no
//! implementation is timed on an error path or on a wrong result. `tests/checks.rs` runs the
//! same checks under `cargo test`. The MTA-STS inputs are in this file, the TLS-RPT record and
//! the generated reports in [`tlsrpt`].

pub mod tlsrpt;

use mailrs_mta_sts::Decision;
use mtasts_core::sts::{Mode, MxPattern, Policy, StsRecord};

/// A typical `_mta-sts` TXT record, the example of RFC 8461 §3.1.
pub const STS_RECORD: &str = "v=STSv1; id=20160831085700Z;";

/// The `id` of [`STS_RECORD`].
pub const STS_RECORD_ID: &str = "20160831085700Z";

/// A five-line policy with CRLF line endings, one literal and one wildcard `mx`.
pub const POLICY_5_LINES: &str = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n\
                                  mx: *.example.net\r\nmax_age: 604800\r\n";

/// [`POLICY_5_LINES`] with `mx` names of six and seven labels in place of three and two, for
/// the benchmark that shows whether parsing time depends on the number of labels.
pub const POLICY_5_LINES_DEEP_NAMES: &str = "version: STSv1\r\nmode: enforce\r\n\
                                             mx: m.i.e.xample.com\r\nmx: *.e.a.p.e.net\r\n\
                                             max_age: 604800\r\n";

/// The `max_age` of both benchmark policies, in seconds.
pub const POLICY_MAX_AGE: u32 = 604_800;

/// Number of `mx` lines in [`policy_50_mx`].
pub const POLICY_50_MX_COUNT: usize = 50;

/// Returns the `mx` patterns of [`policy_50_mx`]: literal and wildcard patterns in turn, none
/// of which covers another, so the policy parses without warnings. The last one is
/// `*.pool49.example.net`.
pub fn policy_50_mx_patterns() -> Vec<String> {
    (0..POLICY_50_MX_COUNT)
        .map(|i| {
            if i % 2 == 0 {
                format!("mx{i}.mail.example.com")
            } else {
                format!("*.pool{i}.example.net")
            }
        })
        .collect()
}

/// Returns a policy of 50 `mx` lines with CRLF line endings.
pub fn policy_50_mx() -> String {
    let mut text = String::from("version: STSv1\r\nmode: enforce\r\n");
    for pattern in policy_50_mx_patterns() {
        text.push_str("mx: ");
        text.push_str(&pattern);
        text.push_str("\r\n");
    }
    text.push_str("max_age: 604800\r\n");
    text
}

/// The benchmark policy that an MX matching case runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyInput {
    /// [`POLICY_5_LINES`].
    FiveLines,
    /// [`policy_50_mx`].
    FiftyMx,
}

impl PolicyInput {
    /// Returns the policy text.
    pub fn text(self) -> String {
        match self {
            PolicyInput::FiveLines => POLICY_5_LINES.to_owned(),
            PolicyInput::FiftyMx => policy_50_mx(),
        }
    }
}

/// One MX host checked against a whole policy.
#[derive(Debug, Clone, Copy)]
pub struct PolicyMatchCase {
    /// Benchmark name.
    pub name: &'static str,
    /// The policy the host is checked against.
    pub policy: PolicyInput,
    /// The MX host.
    pub host: &'static str,
    /// The pattern the host must match first, or `None` when it matches no pattern.
    pub expected: Option<&'static str>,
}

/// The MX-against-policy cases.
pub const POLICY_MATCH_CASES: [PolicyMatchCase; 5] = [
    PolicyMatchCase {
        name: "literal_hit",
        policy: PolicyInput::FiveLines,
        host: "mail.example.com",
        expected: Some("mail.example.com"),
    },
    PolicyMatchCase {
        name: "wildcard_hit",
        policy: PolicyInput::FiveLines,
        host: "mx1.example.net",
        expected: Some("*.example.net"),
    },
    PolicyMatchCase {
        name: "wildcard_miss_two_labels",
        policy: PolicyInput::FiveLines,
        host: "a.b.example.net",
        expected: None,
    },
    PolicyMatchCase {
        name: "50_mx_hit_last",
        policy: PolicyInput::FiftyMx,
        host: "mx1.pool49.example.net",
        expected: Some("*.pool49.example.net"),
    },
    PolicyMatchCase {
        name: "50_mx_no_hit",
        policy: PolicyInput::FiftyMx,
        host: "mx1.attacker.example",
        expected: None,
    },
];

/// One MX host checked against one pattern.
#[derive(Debug, Clone, Copy)]
pub struct PatternMatchCase {
    /// Benchmark name.
    pub name: &'static str,
    /// The `mx` pattern, as written in a policy.
    pub pattern: &'static str,
    /// The MX host.
    pub host: &'static str,
    /// Whether the host matches.
    pub expected: bool,
}

/// The MX-against-one-pattern cases.
pub const PATTERN_MATCH_CASES: [PatternMatchCase; 3] = [
    PatternMatchCase {
        name: "literal_hit",
        pattern: "mail.example.com",
        host: "mail.example.com",
        expected: true,
    },
    PatternMatchCase {
        name: "wildcard_hit",
        pattern: "*.example.net",
        host: "mx1.example.net",
        expected: true,
    },
    PatternMatchCase {
        name: "wildcard_miss_two_labels",
        pattern: "*.example.net",
        host: "a.b.example.net",
        expected: false,
    },
];

/// Checks that `mtasts-core` parses [`STS_RECORD`] to its id, without warnings.
pub fn check_mtasts_record() {
    let parsed = StsRecord::parse(STS_RECORD).expect("mtasts-core rejected the record");
    assert_eq!(parsed.value.id().as_str(), STS_RECORD_ID, "mtasts-core id");
    assert!(
        parsed.warnings.is_empty(),
        "mtasts-core warnings: {:?}",
        parsed.warnings
    );
}

/// Checks that mail-auth parses [`STS_RECORD`] to its id.
pub fn check_mail_auth_record() {
    use mail_auth::common::parse::TxtRecordParser;
    let record = mail_auth::mta_sts::MtaSts::parse(STS_RECORD.as_bytes())
        .expect("mail-auth rejected the record");
    assert_eq!(record.id, STS_RECORD_ID, "mail-auth id");
}

/// Checks that mailrs-mta-sts parses [`STS_RECORD`] to its id.
pub fn check_mailrs_record() {
    let record =
        mailrs_mta_sts::StsRecord::parse(STS_RECORD).expect("mailrs-mta-sts rejected the record");
    assert_eq!(record.id, STS_RECORD_ID, "mailrs-mta-sts id");
}

/// Parses `text` with `mtasts-core` and checks mode, `max_age`, the `mx` count and that there
/// are no warnings.
pub fn check_mtasts_policy(text: &str, mx_count: usize) -> Policy {
    let parsed = Policy::parse(text).expect("mtasts-core rejected the policy");
    assert!(
        parsed.warnings.is_empty(),
        "mtasts-core warnings: {:?}",
        parsed.warnings
    );
    let policy = parsed.value;
    assert_eq!(policy.mode(), Mode::Enforce, "mtasts-core mode");
    assert_eq!(policy.max_age(), POLICY_MAX_AGE, "mtasts-core max_age");
    assert_eq!(policy.mx().len(), mx_count, "mtasts-core mx count");
    policy
}

/// Parses `text` with mailrs-mta-sts and checks mode, `max_age` and the `mx` count.
pub fn check_mailrs_policy(text: &str, mx_count: usize) -> mailrs_mta_sts::Policy {
    let policy = mailrs_mta_sts::Policy::parse(text).expect("mailrs-mta-sts rejected the policy");
    assert_eq!(
        policy.mode,
        mailrs_mta_sts::PolicyMode::Enforce,
        "mailrs-mta-sts mode"
    );
    assert_eq!(
        policy.max_age,
        u64::from(POLICY_MAX_AGE),
        "mailrs-mta-sts max_age"
    );
    assert_eq!(policy.mx.len(), mx_count, "mailrs-mta-sts mx count");
    policy
}

/// Returns the number of `mx` lines in a benchmark policy.
pub fn mx_count(input: PolicyInput) -> usize {
    match input {
        PolicyInput::FiveLines => 2,
        PolicyInput::FiftyMx => POLICY_50_MX_COUNT,
    }
}

/// Checks [`Policy::match_mx`] on one case and returns the parsed policy to time it on.
pub fn check_mtasts_policy_match(case: &PolicyMatchCase) -> Policy {
    let policy = check_mtasts_policy(&case.policy.text(), mx_count(case.policy));
    let found = policy.match_mx(case.host).map(MxPattern::as_str);
    assert_eq!(
        found, case.expected,
        "mtasts-core match_mx({:?})",
        case.host
    );
    policy
}

/// Checks mailrs-mta-sts's `enforce` on one case and returns the parsed policy to time it on.
/// The policies are in `enforce` mode, so a host that matches no pattern is denied.
pub fn check_mailrs_policy_match(case: &PolicyMatchCase) -> mailrs_mta_sts::Policy {
    let policy = check_mailrs_policy(&case.policy.text(), mx_count(case.policy));
    let expected = match case.expected {
        Some(_) => Decision::Allow,
        None => Decision::Deny,
    };
    let decision = mailrs_mta_sts::enforce(&policy, case.host);
    assert_eq!(
        decision, expected,
        "mailrs-mta-sts enforce({:?})",
        case.host
    );
    policy
}

/// Checks [`MxPattern::matches`] on one case and returns the pattern to time it on.
pub fn check_mtasts_pattern_match(case: &PatternMatchCase) -> MxPattern {
    let pattern = MxPattern::new(case.pattern).expect("mtasts-core rejected the pattern");
    let matched = pattern.matches(case.host);
    assert_eq!(
        matched, case.expected,
        "mtasts-core {:?} vs {:?}",
        case.pattern, case.host
    );
    pattern
}

/// Checks mailrs-mta-sts's `mx_matches` on one case.
pub fn check_mailrs_pattern_match(case: &PatternMatchCase) {
    let matched = mailrs_mta_sts::mx_matches(case.host, case.pattern);
    assert_eq!(
        matched, case.expected,
        "mailrs-mta-sts {:?} vs {:?}",
        case.pattern, case.host
    );
}

/// One certificate DNS-ID check.
#[derive(Debug, Clone, Copy)]
pub struct DnsIdCase {
    /// Benchmark name.
    pub name: &'static str,
    /// The SAN `dNSName` entries of the certificate.
    pub dns_ids: &'static [&'static str],
    /// The MX host.
    pub host: &'static str,
    /// Whether any entry matches.
    pub expected: bool,
}

/// The certificate DNS-ID cases. Only `mtasts-core` is timed on them: neither mail-auth
/// 0.13.3 nor mailrs-mta-sts 2.0.2 has a DNS-ID matcher.
pub const DNS_ID_CASES: [DnsIdCase; 3] = [
    DnsIdCase {
        name: "wildcard_hit",
        dns_ids: &["*.example.net"],
        host: "mx1.example.net",
        expected: true,
    },
    DnsIdCase {
        name: "wildcard_miss_two_labels",
        dns_ids: &["*.example.net"],
        host: "a.b.example.net",
        expected: false,
    },
    DnsIdCase {
        name: "3_sans_hit_last",
        dns_ids: &["mail.example.com", "mail.example.org", "*.example.net"],
        host: "mx1.example.net.",
        expected: true,
    },
];

/// Checks `dns_id_matches` (one entry) or `certificate_matches` (several) on one case.
pub fn check_mtasts_dns_id(case: &DnsIdCase) {
    let matched = match case.dns_ids {
        [dns_id] => mtasts_core::sts::dns_id_matches(dns_id, case.host),
        dns_ids => mtasts_core::sts::certificate_matches(dns_ids.iter().copied(), case.host),
    };
    assert_eq!(
        matched, case.expected,
        "mtasts-core {:?} vs {:?}",
        case.dns_ids, case.host
    );
}
