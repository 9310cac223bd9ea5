//! TLS-RPT inputs: the `_smtp._tls` record, generated aggregate reports, and the checks that
//! every implementation reads them to the same content.
//!
//! Reports are generated from a seed with [`generate_report`], so every run and every
//! implementation gets the same bytes. Each report is compact JSON without escapes. Its content
//! is varied: `sts`, `tlsa` and `no-policy-found` policies, failure details of every registered
//! result type, IPv4 and IPv6 addresses, MX host names inside and outside the policy's `mx`
//! patterns, and reason codes.
//!
//! The checks reduce each implementation's result to a [`ReportDigest`] and compare it with the
//! digest of the generated report.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::net::IpAddr;

use flate2::Compression;
use flate2::write::GzEncoder;
use mail_auth::common::parse::TxtRecordParser;
use mtasts_core::tlsrpt::{
    AddOutcome, Aggregate, Aggregator, InputFormat, Limits, ReceivedReport, Report, Rua,
    TlsRptRecord,
};
use mtasts_core::{ParseOptions, Parsed};
use serde::{Deserialize, Serialize};

/// A typical `_smtp._tls` TXT record with one `mailto:` destination.
pub const TLSRPT_RECORD: &str = "v=TLSRPTv1; rua=mailto:tlsrpt@example.com";

/// The address of the `mailto:` URI in [`TLSRPT_RECORD`].
pub const TLSRPT_RECORD_ADDRESS: &str = "tlsrpt@example.com";

/// Checks that `mtasts-core` parses [`TLSRPT_RECORD`] to its one destination, without warnings.
pub fn check_mtasts_tlsrpt_record() {
    let parsed = TlsRptRecord::parse(TLSRPT_RECORD).expect("mtasts-core rejected the record");
    let expected = [Rua::Mailto {
        address: TLSRPT_RECORD_ADDRESS.into(),
    }];
    assert_eq!(parsed.value.rua(), expected, "mtasts-core rua");
    assert!(
        parsed.warnings.is_empty(),
        "mtasts-core warnings: {:?}",
        parsed.warnings
    );
}

/// Checks that mail-auth parses [`TLSRPT_RECORD`] to its one destination.
pub fn check_mail_auth_tlsrpt_record() {
    let record = mail_auth::mta_sts::TlsRpt::parse(TLSRPT_RECORD.as_bytes())
        .expect("mail-auth rejected the record");
    let expected = [mail_auth::mta_sts::ReportUri::Mail(
        TLSRPT_RECORD_ADDRESS.to_owned(),
    )];
    assert_eq!(record.rua, expected, "mail-auth rua");
}

/// Checks that mailrs-tls-rpt parses [`TLSRPT_RECORD`] to its one destination.
pub fn check_mailrs_tlsrpt_record() {
    let record = mailrs_tls_rpt::TlsRptRecord::parse(TLSRPT_RECORD)
        .expect("mailrs-tls-rpt rejected the record");
    let expected = [mailrs_tls_rpt::RuaEndpoint::Mailto(
        TLSRPT_RECORD_ADDRESS.to_owned(),
    )];
    assert_eq!(record.rua, expected, "mailrs-tls-rpt rua");
}

/// A TLS-RPT report (RFC 8460 §4.4) as plain derived serde types, with strings, vectors and
/// integers only. Reading into it is the floor the parsers are compared with, because it checks
/// nothing beyond the JSON types. The generator also writes its reports from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainReport {
    /// `organization-name`.
    pub organization_name: String,
    /// `date-range`.
    pub date_range: PlainDateRange,
    /// `contact-info`.
    pub contact_info: String,
    /// `report-id`.
    pub report_id: String,
    /// `policies`.
    pub policies: Vec<PlainPolicyResult>,
}

/// `date-range`, with the date-times as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainDateRange {
    /// `start-datetime`.
    pub start_datetime: String,
    /// `end-datetime`.
    pub end_datetime: String,
}

/// One entry of `policies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainPolicyResult {
    /// `policy`.
    pub policy: PlainPolicy,
    /// `summary`.
    pub summary: PlainSummary,
    /// `failure-details`.
    pub failure_details: Vec<PlainFailureDetail>,
}

/// `policy`. The generator always writes `policy-string` and `mx-host` as arrays, possibly
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainPolicy {
    /// `policy-type`.
    pub policy_type: String,
    /// `policy-string`.
    pub policy_string: Vec<String>,
    /// `policy-domain`.
    pub policy_domain: String,
    /// `mx-host`.
    pub mx_host: Vec<String>,
}

/// `summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainSummary {
    /// `total-successful-session-count`.
    pub total_successful_session_count: u64,
    /// `total-failure-session-count`.
    pub total_failure_session_count: u64,
}

/// One entry of `failure-details`. Members that a detail leaves out are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PlainFailureDetail {
    /// `result-type`.
    pub result_type: String,
    /// `sending-mta-ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sending_mta_ip: Option<String>,
    /// `receiving-mx-hostname`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiving_mx_hostname: Option<String>,
    /// `receiving-mx-helo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiving_mx_helo: Option<String>,
    /// `receiving-ip`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receiving_ip: Option<String>,
    /// `failed-session-count`.
    pub failed_session_count: u64,
    /// `additional-information`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
    /// `failure-reason-code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason_code: Option<String>,
}

/// SplitMix64, a small deterministic generator, so that the inputs never depend on a random
/// number crate's version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..bound`. The modulo bias is irrelevant for test data.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Returns `true` with the given percentage.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Reporting organisations and their `contact-info`.
const REPORTERS: [(&str, &str); 6] = [
    ("Company-X", "sts-reporting@company-x.example"),
    (
        "Mail Provider Y Ltd.",
        "smtp-tls-reporting@provider-y.example",
    ),
    ("Hosting Z GmbH", "postmaster@hosting-z.example"),
    ("Large Webmail Inc.", "tlsrpt-noreply@webmail.example"),
    ("ISP Cable Co.", "tls-reports@isp-cable.example"),
    ("University Mail Service", "mailadmin@uni.example"),
];

/// Policy domains the reports are about.
const POLICY_DOMAINS: [&str; 8] = [
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
    "shop.example",
    "company-y.example",
    "bank.example",
    "news.example.net",
];

/// Result types for failures under an `sts` policy, with the reason code sent with them.
const STS_FAILURES: [(&str, &str); 8] = [
    (
        "starttls-not-supported",
        "STARTTLS not offered in EHLO response",
    ),
    ("certificate-host-mismatch", "X509_V_ERR_HOSTNAME_MISMATCH"),
    ("certificate-expired", "X509_V_ERR_CERT_HAS_EXPIRED"),
    (
        "certificate-not-trusted",
        "X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    ),
    ("validation-failure", "TLS alert 40 handshake_failure"),
    ("sts-policy-fetch-error", "HTTP status 404"),
    ("sts-policy-invalid", "invalid max_age"),
    (
        "sts-webpki-invalid",
        "X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
    ),
];

/// Result types for failures under a `tlsa` policy, with the reason code sent with them.
const TLSA_FAILURES: [(&str, &str); 4] = [
    ("tlsa-invalid", "no usable TLSA record"),
    ("dnssec-invalid", "DNSSEC bogus: signature expired"),
    ("dane-required", "no TLSA records found"),
    ("validation-failure", "TLSA digest mismatch"),
];

/// Result types for failures without a policy, with the reason code sent with them.
const NO_POLICY_FAILURES: [(&str, &str); 2] = [
    (
        "starttls-not-supported",
        "STARTTLS not offered in EHLO response",
    ),
    ("validation-failure", "TLS alert 70 protocol_version"),
];

/// Number of distinct sending MTA addresses, so that a summary has a realistic number of keys.
const SENDING_IP_POOL: u64 = 192;

/// Returns a sending MTA address from a pool: IPv4 in 60 % of details, IPv6 otherwise.
fn sending_ip(rng: &mut SplitMix64) -> String {
    let n = rng.below(SENDING_IP_POOL);
    if rng.percent(60) {
        format!("203.0.113.{}", n + 1)
    } else {
        format!("2001:db8:4860:{:x}::{:x}", n / 16 + 1, n % 16 + 0x1a)
    }
}

/// Returns the address of a receiving MX, IPv4 or IPv6.
fn receiving_ip(rng: &mut SplitMix64) -> String {
    let n = rng.below(64);
    if rng.percent(70) {
        format!("198.51.100.{}", n + 10)
    } else {
        format!("2001:db8:1::{:x}", n + 0x25)
    }
}

/// Returns a receiving MX host of `domain`. `backupN.<domain>` matches neither of the
/// generated `mx` patterns `mail.<domain>` and `*.mx.<domain>`, so some failures are
/// uncovered.
fn mx_host(rng: &mut SplitMix64, domain: &str) -> String {
    match rng.below(10) {
        0..=5 => format!("mx{}.mx.{domain}", rng.below(8) + 1),
        6..=8 => format!("mail.{domain}"),
        _ => format!("backup{}.{domain}", rng.below(3) + 1),
    }
}

/// Returns a random lower-case hex string of `len` digits.
fn hex(rng: &mut SplitMix64, len: usize) -> String {
    let mut text = String::with_capacity(len + 16);
    while text.len() < len {
        text.push_str(&format!("{:016x}", rng.next()));
    }
    text.truncate(len);
    text
}

/// Returns one failure detail under a policy of `domain` whose failures are `failures`.
fn failure_detail(
    rng: &mut SplitMix64,
    domain: &str,
    failures: &[(&str, &str)],
) -> PlainFailureDetail {
    let (result_type, reason_code) = failures[rng.index(failures.len())];
    let receiving_mx_hostname = rng.percent(90).then(|| mx_host(rng, domain));
    let receiving_mx_helo = match &receiving_mx_hostname {
        Some(host) if rng.percent(50) => Some(host.clone()),
        _ if rng.percent(20) => Some(format!("smtp.{domain}")),
        _ => None,
    };
    let additional_information = rng
        .percent(20)
        .then(|| format!("https://tlsrpt.reporter.example/details/{}", hex(rng, 16)));
    PlainFailureDetail {
        result_type: result_type.to_owned(),
        sending_mta_ip: rng.percent(95).then(|| sending_ip(rng)),
        receiving_mx_hostname,
        receiving_mx_helo,
        receiving_ip: rng.percent(80).then(|| receiving_ip(rng)),
        failed_session_count: rng.below(500) + 1,
        additional_information,
        failure_reason_code: rng.percent(70).then(|| reason_code.to_owned()),
    }
}

/// Returns a policy entry with `detail_count` failure details. Its failure total is the sum of
/// the details, so that `mtasts-core` reads it without a `count-mismatch` warning.
fn policy_result(
    rng: &mut SplitMix64,
    policy_type: &str,
    domain: &str,
    detail_count: usize,
) -> PlainPolicyResult {
    let (policy_string, mx_host, failures): (Vec<String>, Vec<String>, &[(&str, &str)]) =
        match policy_type {
            "sts" => {
                let mode = if rng.percent(70) {
                    "enforce"
                } else {
                    "testing"
                };
                let policy_string = vec![
                    "version: STSv1".to_owned(),
                    format!("mode: {mode}"),
                    format!("mx: mail.{domain}"),
                    format!("mx: *.mx.{domain}"),
                    "max_age: 604800".to_owned(),
                ];
                let mx_host = vec![format!("mail.{domain}"), format!("*.mx.{domain}")];
                (policy_string, mx_host, &STS_FAILURES)
            }
            "tlsa" => {
                let records = (0..2).map(|_| format!("3 1 1 {}", hex(rng, 64))).collect();
                (records, Vec::new(), &TLSA_FAILURES)
            }
            _ => (Vec::new(), Vec::new(), &NO_POLICY_FAILURES),
        };
    let failure_details: Vec<PlainFailureDetail> = (0..detail_count)
        .map(|_| failure_detail(rng, domain, failures))
        .collect();
    let failed = failure_details.iter().map(|d| d.failed_session_count).sum();
    PlainPolicyResult {
        policy: PlainPolicy {
            policy_type: policy_type.to_owned(),
            policy_string,
            policy_domain: domain.to_owned(),
            mx_host,
        },
        summary: PlainSummary {
            total_successful_session_count: rng.below(100_000) + 1_000,
            total_failure_session_count: failed,
        },
        failure_details,
    }
}

/// Generates a report from `seed` with `detail_count` failure details spread over three
/// policies: an `sts` and a `tlsa` policy of one domain, which get 60 % and 30 % of the
/// details, and a `no-policy-found` entry for another domain. The reporter, the domains and
/// the day (in March 2024) depend on the seed, and the `report-id` is unique per seed.
pub fn generate_report(seed: u64, detail_count: usize) -> PlainReport {
    let mut rng = SplitMix64(seed);
    let (organization_name, contact_info) = REPORTERS[rng.index(REPORTERS.len())];
    let domain = POLICY_DOMAINS[rng.index(POLICY_DOMAINS.len())];
    let other_domain = POLICY_DOMAINS[rng.index(POLICY_DOMAINS.len())];
    let day = rng.below(30) + 1;
    let sts_details = detail_count * 6 / 10;
    let tlsa_details = detail_count * 3 / 10;
    let no_policy_details = detail_count - sts_details - tlsa_details;
    let policies = vec![
        policy_result(&mut rng, "sts", domain, sts_details),
        policy_result(&mut rng, "tlsa", domain, tlsa_details),
        policy_result(&mut rng, "no-policy-found", other_domain, no_policy_details),
    ];
    PlainReport {
        organization_name: organization_name.to_owned(),
        date_range: PlainDateRange {
            start_datetime: format!("2024-03-{day:02}T00:00:00Z"),
            end_datetime: format!("2024-03-{day:02}T23:59:59Z"),
        },
        contact_info: contact_info.to_owned(),
        report_id: format!("2024-03-{day:02}T00:00:00Z_{domain}_{seed:016x}"),
        policies,
    }
}

/// Writes a report as compact JSON.
pub fn report_json(report: &PlainReport) -> Vec<u8> {
    serde_json::to_vec(report).expect("a PlainReport always serializes")
}

/// Compresses `data` with gzip at the default level, the form of `.json.gz` report files.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all(data)
        .expect("writing to a Vec does not fail");
    encoder.finish().expect("writing to a Vec does not fail")
}

/// A generated benchmark report: its content, its JSON and the digest every parser must
/// reproduce.
pub struct ReportInput {
    /// Benchmark name, such as `3.5kb`.
    pub name: &'static str,
    /// The report as generated.
    pub report: PlainReport,
    /// The report as compact JSON.
    pub json: Vec<u8>,
}

impl ReportInput {
    fn new(name: &'static str, seed: u64, detail_count: usize) -> ReportInput {
        let report = generate_report(seed, detail_count);
        let json = report_json(&report);
        ReportInput { name, report, json }
    }

    /// Returns the digest every implementation must read from [`ReportInput::json`].
    pub fn expected_digest(&self) -> ReportDigest {
        digest_plain(&self.report)
    }
}

/// Number of failure details of [`report_small`].
pub const REPORT_SMALL_DETAILS: usize = 10;

/// Number of failure details of [`report_1mb`].
pub const REPORT_1MB_DETAILS: usize = 4_400;

/// Returns a report of about 3.5 KB: 10 failure details in three policies.
pub fn report_small() -> ReportInput {
    ReportInput::new("3.5kb", 3, REPORT_SMALL_DETAILS)
}

/// Returns a report of about 1 MiB: 4,400 failure details in three policies.
pub fn report_1mb() -> ReportInput {
    ReportInput::new("1mb", 1_000_003, REPORT_1MB_DETAILS)
}

/// The facts the checks compare: the report's identity, its policies, and counts over its
/// failure details. A field read into the wrong member, a dropped detail or a misread result type or
/// address changes the digest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportDigest {
    /// `organization-name`.
    pub organization_name: String,
    /// `report-id`.
    pub report_id: String,
    /// The UTC date of `start-datetime`, such as `2024-03-01`.
    pub start_date: String,
    /// `policy-type` of each policy, in order.
    pub policy_types: Vec<String>,
    /// `policy-domain` of each policy, in order.
    pub policy_domains: Vec<String>,
    /// Number of `mx-host` patterns over all policies.
    pub mx_patterns: usize,
    /// Sum of `total-successful-session-count`.
    pub successful_sessions: u64,
    /// Sum of `total-failure-session-count`.
    pub failed_sessions: u64,
    /// Failure details over all policies.
    pub details: usize,
    /// Sum of `failed-session-count`.
    pub detail_failed_sessions: u64,
    /// Failure details by `result-type`.
    pub result_types: BTreeMap<String, usize>,
    /// Details with a `sending-mta-ip`.
    pub sending_ips: usize,
    /// Details with an IPv6 `sending-mta-ip`.
    pub ipv6_sending_ips: usize,
    /// Details with a `receiving-ip`.
    pub receiving_ips: usize,
    /// Total length of every `receiving-mx-hostname`.
    pub mx_hostname_bytes: usize,
    /// Details with a `receiving-mx-helo`.
    pub helos: usize,
    /// Details with a `failure-reason-code`.
    pub reason_codes: usize,
    /// Details with `additional-information`.
    pub additional_information: usize,
}

/// The members of one failure detail that a digest counts.
struct DetailFacts<'a> {
    result_type: String,
    sending_ip: Option<IpAddr>,
    receiving_ip: bool,
    mx_hostname: Option<&'a str>,
    helo: bool,
    reason_code: bool,
    additional_information: bool,
    failed_sessions: u64,
}

impl ReportDigest {
    fn add_policy(&mut self, policy_type: String, domain: &str, mx_patterns: usize) {
        self.policy_types.push(policy_type);
        self.policy_domains.push(domain.to_owned());
        self.mx_patterns += mx_patterns;
    }

    fn add_summary(&mut self, successful: u64, failed: u64) {
        self.successful_sessions += successful;
        self.failed_sessions += failed;
    }

    fn add_detail(&mut self, facts: DetailFacts<'_>) {
        self.details += 1;
        self.detail_failed_sessions += facts.failed_sessions;
        *self.result_types.entry(facts.result_type).or_default() += 1;
        if let Some(ip) = facts.sending_ip {
            self.sending_ips += 1;
            self.ipv6_sending_ips += usize::from(ip.is_ipv6());
        }
        self.receiving_ips += usize::from(facts.receiving_ip);
        self.mx_hostname_bytes += facts.mx_hostname.map_or(0, str::len);
        self.helos += usize::from(facts.helo);
        self.reason_codes += usize::from(facts.reason_code);
        self.additional_information += usize::from(facts.additional_information);
    }
}

/// Returns the digest of a report read into the plain derived types.
pub fn digest_plain(report: &PlainReport) -> ReportDigest {
    let mut digest = ReportDigest {
        organization_name: report.organization_name.clone(),
        report_id: report.report_id.clone(),
        start_date: report.date_range.start_datetime[..10].to_owned(),
        ..ReportDigest::default()
    };
    for policy in &report.policies {
        let details = &policy.failure_details;
        digest.add_policy(
            policy.policy.policy_type.clone(),
            &policy.policy.policy_domain,
            policy.policy.mx_host.len(),
        );
        digest.add_summary(
            policy.summary.total_successful_session_count,
            policy.summary.total_failure_session_count,
        );
        for detail in details {
            let sending_ip = detail
                .sending_mta_ip
                .as_deref()
                .map(|ip| ip.parse().expect("the generator writes valid IP addresses"));
            digest.add_detail(DetailFacts {
                result_type: detail.result_type.clone(),
                sending_ip,
                receiving_ip: detail.receiving_ip.is_some(),
                mx_hostname: detail.receiving_mx_hostname.as_deref(),
                helo: detail.receiving_mx_helo.is_some(),
                reason_code: detail.failure_reason_code.is_some(),
                additional_information: detail.additional_information.is_some(),
                failed_sessions: detail.failed_session_count,
            });
        }
    }
    digest
}

/// Returns the digest of a report read by `mtasts-core`.
pub fn digest_mtasts(report: &Report) -> ReportDigest {
    let mut digest = ReportDigest {
        organization_name: report.organization_name.clone(),
        report_id: report.report_id.clone(),
        start_date: report.date_range.start.to_string()[..10].to_owned(),
        ..ReportDigest::default()
    };
    for policy in &report.policies {
        digest.add_policy(
            policy.policy.policy_type.as_str().to_owned(),
            policy.policy.policy_domain.as_deref().unwrap_or(""),
            policy.policy.mx_host.len(),
        );
        digest.add_summary(
            policy.summary.total_successful_session_count,
            policy.summary.total_failure_session_count,
        );
        for detail in &policy.failure_details {
            digest.add_detail(DetailFacts {
                result_type: detail.result_type.as_str().to_owned(),
                sending_ip: detail.sending_mta_ip,
                receiving_ip: detail.receiving_ip.is_some(),
                mx_hostname: detail.receiving_mx_hostname.as_deref(),
                helo: detail.receiving_mx_helo.is_some(),
                reason_code: detail.failure_reason_code.is_some(),
                additional_information: detail.additional_information.is_some(),
                failed_sessions: detail.failed_session_count,
            });
        }
    }
    digest
}

/// Returns the kebab-case JSON name of a serde enum value, such as a mail-auth result type.
/// A value mail-auth does not recognise serializes as `Other`, which no digest expects.
fn serde_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        other => panic!("expected an enum serialized as a string, found {other:?}"),
    }
}

/// Returns the digest of a report read by mail-auth. mail-auth reads a date-time it cannot
/// parse as the Unix epoch, which gives the start date `1970-01-01`.
pub fn digest_mail_auth(report: &mail_auth::report::tlsrpt::TlsReport) -> ReportDigest {
    let start = &report.date_range.start_datetime;
    let mut digest = ReportDigest {
        organization_name: report.organization_name.clone().unwrap_or_default(),
        report_id: report.report_id.clone(),
        start_date: format!("{:04}-{:02}-{:02}", start.year, start.month, start.day),
        ..ReportDigest::default()
    };
    for policy in &report.policies {
        digest.add_policy(
            serde_name(&policy.policy.policy_type),
            &policy.policy.policy_domain,
            policy.policy.mx_host.len(),
        );
        digest.add_summary(
            u64::from(policy.summary.total_success),
            u64::from(policy.summary.total_failure),
        );
        for detail in &policy.failure_details {
            digest.add_detail(DetailFacts {
                result_type: serde_name(&detail.result_type),
                sending_ip: detail.sending_mta_ip,
                receiving_ip: detail.receiving_ip.is_some(),
                mx_hostname: detail.receiving_mx_hostname.as_deref(),
                helo: detail.receiving_mx_helo.is_some(),
                reason_code: detail.failure_reason_code.is_some(),
                additional_information: detail.additional_information.is_some(),
                failed_sessions: u64::from(detail.failed_session_count),
            });
        }
    }
    digest
}

/// Returns the digest of a report read by mailrs-tls-rpt.
pub fn digest_mailrs(report: &mailrs_tls_rpt::Report) -> ReportDigest {
    let mut digest = ReportDigest {
        organization_name: report.organization_name.clone(),
        report_id: report.report_id.clone(),
        start_date: report.date_range.start_datetime[..10].to_owned(),
        ..ReportDigest::default()
    };
    for policy in &report.policies {
        digest.add_policy(
            serde_name(&policy.policy.policy_type),
            &policy.policy.policy_domain,
            policy.policy.mx_host.len(),
        );
        digest.add_summary(
            policy.summary.total_successful_session_count,
            policy.summary.total_failure_session_count,
        );
        for detail in &policy.failure_details {
            digest.add_detail(DetailFacts {
                result_type: detail.result_type.as_str().to_owned(),
                sending_ip: detail.sending_mta_ip,
                receiving_ip: detail.receiving_ip.is_some(),
                mx_hostname: detail.receiving_mx_hostname.as_deref(),
                helo: detail.receiving_mx_helo.is_some(),
                reason_code: detail.failure_reason_code.is_some(),
                additional_information: detail.additional_information.is_some(),
                failed_sessions: detail.failed_session_count,
            });
        }
    }
    digest
}

fn assert_no_warnings(parsed: &Parsed<Report>) {
    assert!(
        parsed.warnings.is_empty(),
        "mtasts-core warnings: {:?}",
        parsed.warnings
    );
}

/// Checks that `mtasts-core` reads `input` to the expected digest, without warnings.
pub fn check_mtasts_report(input: &ReportInput) {
    let parsed = Report::from_json(&input.json).expect("mtasts-core rejected the report");
    assert_no_warnings(&parsed);
    assert_eq!(
        digest_mtasts(&parsed.value),
        input.expected_digest(),
        "mtasts-core digest of {}",
        input.name
    );
}

/// Checks that `mtasts-core` reads the gzip-compressed `gzip_data` of `input` through
/// [`ReceivedReport::read`] to the expected digest, without warnings.
pub fn check_mtasts_gzip_report(input: &ReportInput, gzip_data: &[u8]) {
    let received = ReceivedReport::read(gzip_data, ParseOptions::default(), &Limits::default())
        .expect("mtasts-core rejected the gzip data");
    assert_eq!(
        received.format,
        InputFormat::Gzip,
        "mtasts-core input format"
    );
    assert_eq!(
        received.json.as_ref(),
        input.json.as_slice(),
        "decompressed JSON"
    );
    let parsed = received.report.expect("mtasts-core rejected the report");
    assert_no_warnings(&parsed);
    assert_eq!(
        digest_mtasts(&parsed.value),
        input.expected_digest(),
        "mtasts-core digest of gzip {}",
        input.name
    );
}

/// Checks that mail-auth 0.13.3 reads `input` to the expected digest.
pub fn check_mail_auth_report(input: &ReportInput) {
    let report = mail_auth::report::tlsrpt::TlsReport::parse_json(&input.json)
        .expect("mail-auth rejected the report");
    assert_eq!(
        digest_mail_auth(&report),
        input.expected_digest(),
        "mail-auth digest of {}",
        input.name
    );
}

/// Checks that mailrs-tls-rpt's report type reads `input` to the expected digest.
pub fn check_mailrs_report(input: &ReportInput) {
    let report: mailrs_tls_rpt::Report =
        serde_json::from_slice(&input.json).expect("mailrs-tls-rpt rejected the report");
    assert_eq!(
        digest_mailrs(&report),
        input.expected_digest(),
        "mailrs-tls-rpt digest of {}",
        input.name
    );
}

/// Checks that the plain derived types read `input` back to the generated report.
pub fn check_plain_report(input: &ReportInput) {
    let report: PlainReport =
        serde_json::from_slice(&input.json).expect("the plain derive rejected the report");
    assert_eq!(report, input.report, "plain derive of {}", input.name);
}

/// Number of reports in [`summary_reports`].
pub const SUMMARY_REPORT_COUNT: usize = 1_000;

/// Returns [`SUMMARY_REPORT_COUNT`] varied reports for the aggregator: seeds 0 to 999, with 0
/// to 24 failure details each (about 12 and 4 KB of JSON on average).
pub fn summary_reports() -> Vec<PlainReport> {
    (0..SUMMARY_REPORT_COUNT as u64)
        .map(|seed| {
            let detail_count = SplitMix64(seed ^ 0x5eed).below(25) as usize;
            generate_report(seed, detail_count)
        })
        .collect()
}

/// The totals a correct summary of some generated reports has.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExpectedSummary {
    /// Distinct reports.
    pub reports: u64,
    /// Distinct `(policy domain, policy type)` pairs.
    pub groups: usize,
    /// Sum of `total-successful-session-count`.
    pub successful_sessions: u64,
    /// Sum of `total-failure-session-count`.
    pub failed_sessions: u64,
    /// Failed sessions of `sts` details whose MX host is a `backupN` host, which no generated
    /// `mx` pattern covers.
    pub uncovered_failed_sessions: u64,
}

/// Computes the totals a summary of `reports` must have.
pub fn expected_summary<'a>(reports: impl IntoIterator<Item = &'a PlainReport>) -> ExpectedSummary {
    let mut counter = SummaryCounter::default();
    for report in reports {
        counter.add(report);
    }
    counter.finish()
}

/// Computes [`ExpectedSummary`] one report at a time, so that the reports need not be kept.
#[derive(Debug, Default)]
pub struct SummaryCounter {
    totals: ExpectedSummary,
    groups: BTreeSet<(String, String)>,
}

impl SummaryCounter {
    /// Counts one report.
    pub fn add(&mut self, report: &PlainReport) {
        let totals = &mut self.totals;
        totals.reports += 1;
        for policy in &report.policies {
            let group = (
                policy.policy.policy_domain.clone(),
                policy.policy.policy_type.clone(),
            );
            self.groups.insert(group);
            totals.successful_sessions += policy.summary.total_successful_session_count;
            totals.failed_sessions += policy.summary.total_failure_session_count;
            if policy.policy.policy_type != "sts" {
                continue;
            }
            for detail in &policy.failure_details {
                let host = detail.receiving_mx_hostname.as_deref().unwrap_or("");
                if host.starts_with("backup") {
                    totals.uncovered_failed_sessions += detail.failed_session_count;
                }
            }
        }
    }

    /// Returns the totals of every report counted.
    pub fn finish(self) -> ExpectedSummary {
        ExpectedSummary {
            groups: self.groups.len(),
            ..self.totals
        }
    }
}

/// Returns the totals of an aggregate, in the form of [`expected_summary`].
pub fn summary_totals(aggregate: &Aggregate) -> ExpectedSummary {
    let mut totals = ExpectedSummary {
        reports: aggregate.reports,
        groups: aggregate.domains.len(),
        ..ExpectedSummary::default()
    };
    for domain in &aggregate.domains {
        totals.successful_sessions += domain.total.successful_sessions;
        totals.failed_sessions += domain.total.failed_sessions;
        totals.uncovered_failed_sessions += domain
            .total
            .uncovered_mx_hosts
            .iter()
            .map(|host| host.failed_sessions)
            .sum::<u64>();
    }
    totals
}

/// Adds every report to a new [`Aggregator`] and returns the aggregate. This is the work the
/// summary benchmark times.
pub fn summarize(reports: &[Report]) -> Aggregate {
    let mut aggregator = Aggregator::new();
    for report in reports {
        let outcome = aggregator.add(report);
        debug_assert_eq!(outcome, AddOutcome::Counted);
    }
    aggregator.aggregate()
}

/// Reads the generated reports with `mtasts-core`, checking that each reads without warnings.
pub fn parse_mtasts_reports(reports: &[PlainReport]) -> Vec<Report> {
    reports
        .iter()
        .map(|report| {
            let parsed = Report::from_json(&report_json(report))
                .expect("mtasts-core rejected a generated report");
            assert_no_warnings(&parsed);
            parsed.value
        })
        .collect()
}

/// Checks that summarising `parsed` gives the totals of the generated `reports`, with no
/// duplicates.
pub fn check_mtasts_summary(reports: &[PlainReport], parsed: &[Report]) {
    let aggregate = summarize(parsed);
    assert_eq!(aggregate.duplicate_reports, 0, "duplicate reports");
    assert_eq!(
        summary_totals(&aggregate),
        expected_summary(reports),
        "summary totals"
    );
}
