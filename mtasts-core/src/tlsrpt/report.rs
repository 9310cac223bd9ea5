//! The TLS-RPT aggregate report
//! ([RFC 8460 §4](https://www.rfc-editor.org/rfc/rfc8460#section-4)): a typed model of the
//! whole schema, and its conformant JSON form.
//!
//! Reading a report, with the quirks of real reporters, is in [`Report::from_json`]. Writing
//! one is [`Report::to_json`]: arrays for `policy-string` and `mx-host` (erratum 6241), RFC 3339
//! times in UTC with `Z`, every optional field left out when it has no value, and
//! `policy-domain`, `policy-string`, `mx-host` and `failure-details` always present. RFC 8460
//! does not say what the first three hold for `no-policy-found`, and some readers require
//! `policy-domain`, so a policy without a domain is written with `"policy-domain": ""`, which
//! this crate's reader warns about.

use std::fmt;
use std::net::IpAddr;

use compact_str::CompactString;
use jiff::Timestamp;
use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::tlsrpt::datetime;

/// One TLS-RPT report: the sessions one organisation saw towards the policy domains of one
/// recipient organisation over a time range, usually one UTC day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `organization-name`: the organisation that produced the report.
    pub organization_name: String,
    /// `date-range`: the time range the report covers.
    pub date_range: DateRange,
    /// `contact-info`: an address for questions about the report.
    pub contact_info: Option<String>,
    /// `report-id`: a unique identifier chosen by the reporter.
    pub report_id: String,
    /// `policies`: one entry per policy applied.
    pub policies: Vec<PolicyResult>,
}

/// `date-range`: the start and end of the reported time range.
///
/// RFC 8460 §4.1 asks for a whole UTC day but does not say whether the end is inclusive, and
/// reporters send both `23:59:59Z` and the next day's `00:00:00Z`. Both are kept as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// `start-datetime`.
    pub start: Timestamp,
    /// `end-datetime`.
    pub end: Timestamp,
}

/// One entry of `policies`: a policy the reporter applied, and the sessions under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyResult {
    /// `policy`: which policy was applied.
    pub policy: ReportedPolicy,
    /// `summary`: session counts.
    pub summary: Summary,
    /// `failure-details`: one entry per kind of failure.
    pub failure_details: Vec<FailureDetail>,
}

/// `policy`: the policy a reporter applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedPolicy {
    /// `policy-type`.
    pub policy_type: PolicyType,
    /// `policy-string`: the policy as the reporter saw it. For MTA-STS, one string per policy
    /// line; for DANE, one string per TLSA record.
    pub policy_string: Vec<String>,
    /// `policy-domain`: the policy domain, or for DANE the TLSA base domain. Some reporters
    /// leave it out for `no-policy-found`.
    pub policy_domain: Option<String>,
    /// `mx-host`: the `mx` patterns of an applied MTA-STS policy.
    pub mx_host: Vec<String>,
}

/// `summary`: session counts for one applied policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// `total-successful-session-count`.
    pub total_successful_session_count: u64,
    /// `total-failure-session-count`.
    pub total_failure_session_count: u64,
}

/// One entry of `failure-details`: a kind of failure and how many sessions had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureDetail {
    /// `result-type`.
    pub result_type: ResultType,
    /// `sending-mta-ip`: the reporter's MTA that attempted the session.
    pub sending_mta_ip: Option<IpAddr>,
    /// `receiving-mx-hostname`: the MX host the reporter connected to.
    pub receiving_mx_hostname: Option<CompactString>,
    /// `receiving-mx-helo`: the name the MX gave in its greeting or EHLO reply.
    pub receiving_mx_helo: Option<CompactString>,
    /// `receiving-ip`: the address the reporter connected to.
    pub receiving_ip: Option<IpAddr>,
    /// `failed-session-count`.
    pub failed_session_count: u64,
    /// `additional-information`: a URI with more detail, kept as sent.
    pub additional_information: Option<String>,
    /// `failure-reason-code`: a free-form error code, such as an OpenSSL verify error.
    pub failure_reason_code: Option<CompactString>,
}

impl FailureDetail {
    /// Creates a detail with the given result type and count and no other field.
    pub fn new(result_type: ResultType, failed_session_count: u64) -> FailureDetail {
        FailureDetail {
            result_type,
            sending_mta_ip: None,
            receiving_mx_hostname: None,
            receiving_mx_helo: None,
            receiving_ip: None,
            failed_session_count,
            additional_information: None,
            failure_reason_code: None,
        }
    }
}

/// `policy-type` (RFC 8460 §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PolicyType {
    /// `tlsa`: a DANE policy.
    Tlsa,
    /// `sts`: an MTA-STS policy.
    Sts,
    /// `no-policy-found`: neither.
    NoPolicyFound,
    /// A value the RFC does not define, kept as sent.
    Other(CompactString),
}

impl PolicyType {
    /// Returns the value as written in a report.
    pub fn as_str(&self) -> &str {
        match self {
            PolicyType::Tlsa => "tlsa",
            PolicyType::Sts => "sts",
            PolicyType::NoPolicyFound => "no-policy-found",
            PolicyType::Other(other) => other,
        }
    }

    /// Maps a report value to its type. Matching is exact, as RFC 8460 spells the values.
    pub fn from_value(value: &str) -> PolicyType {
        match value {
            "tlsa" => PolicyType::Tlsa,
            "sts" => PolicyType::Sts,
            "no-policy-found" => PolicyType::NoPolicyFound,
            other => PolicyType::Other(other.into()),
        }
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `result-type`: the registered reasons a session failed (RFC 8460 §4.3, IANA "STARTTLS
/// Validation Result Types"). Success is not a result type: successful sessions are only
/// counted in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResultType {
    /// `starttls-not-supported`: the MX did not offer STARTTLS.
    StarttlsNotSupported,
    /// `certificate-host-mismatch`: the certificate does not name the MX host.
    CertificateHostMismatch,
    /// `certificate-expired`.
    CertificateExpired,
    /// `certificate-not-trusted`: the chain does not lead to a trusted root.
    CertificateNotTrusted,
    /// `validation-failure`: another negotiation failure.
    ValidationFailure,
    /// `tlsa-invalid`: the TLSA records could not be used.
    TlsaInvalid,
    /// `dnssec-invalid`: DNSSEC validation failed.
    DnssecInvalid,
    /// `dane-required`: DANE was required but no usable TLSA records were found.
    DaneRequired,
    /// `sts-policy-fetch-error`: the policy could not be fetched over HTTPS.
    StsPolicyFetchError,
    /// `sts-policy-invalid`: the fetched policy is not valid.
    StsPolicyInvalid,
    /// `sts-webpki-invalid`: the policy host's certificate did not validate.
    StsWebpkiInvalid,
    /// A value the registry does not hold, kept as sent.
    Other(CompactString),
}

impl ResultType {
    /// Every registered result type, in registry order.
    pub const REGISTERED: [ResultType; 11] = [
        ResultType::StarttlsNotSupported,
        ResultType::CertificateHostMismatch,
        ResultType::CertificateExpired,
        ResultType::CertificateNotTrusted,
        ResultType::ValidationFailure,
        ResultType::TlsaInvalid,
        ResultType::DnssecInvalid,
        ResultType::DaneRequired,
        ResultType::StsPolicyFetchError,
        ResultType::StsPolicyInvalid,
        ResultType::StsWebpkiInvalid,
    ];

    /// Returns the value as written in a report.
    pub fn as_str(&self) -> &str {
        match self {
            ResultType::StarttlsNotSupported => "starttls-not-supported",
            ResultType::CertificateHostMismatch => "certificate-host-mismatch",
            ResultType::CertificateExpired => "certificate-expired",
            ResultType::CertificateNotTrusted => "certificate-not-trusted",
            ResultType::ValidationFailure => "validation-failure",
            ResultType::TlsaInvalid => "tlsa-invalid",
            ResultType::DnssecInvalid => "dnssec-invalid",
            ResultType::DaneRequired => "dane-required",
            ResultType::StsPolicyFetchError => "sts-policy-fetch-error",
            ResultType::StsPolicyInvalid => "sts-policy-invalid",
            ResultType::StsWebpkiInvalid => "sts-webpki-invalid",
            ResultType::Other(other) => other,
        }
    }

    /// Maps a report value to its type. Matching is exact.
    pub fn from_value(value: &str) -> ResultType {
        match value {
            "starttls-not-supported" => ResultType::StarttlsNotSupported,
            "certificate-host-mismatch" => ResultType::CertificateHostMismatch,
            "certificate-expired" => ResultType::CertificateExpired,
            "certificate-not-trusted" => ResultType::CertificateNotTrusted,
            "validation-failure" => ResultType::ValidationFailure,
            "tlsa-invalid" => ResultType::TlsaInvalid,
            "dnssec-invalid" => ResultType::DnssecInvalid,
            "dane-required" => ResultType::DaneRequired,
            "sts-policy-fetch-error" => ResultType::StsPolicyFetchError,
            "sts-policy-invalid" => ResultType::StsPolicyInvalid,
            "sts-webpki-invalid" => ResultType::StsWebpkiInvalid,
            other => ResultType::Other(other.into()),
        }
    }
}

impl fmt::Display for ResultType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Report {
    /// Writes the report as conformant JSON on one line.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::Report;
    ///
    /// let json = std::fs::read("../testdata/corpus/report-rfc8460-example.json").unwrap();
    /// let report = Report::from_json(&json).unwrap().value;
    /// let written = report.to_json();
    /// assert!(written.contains(r#""mx-host":["*.mail.company-y.example"]"#));
    /// assert_eq!(Report::from_json(written.as_bytes()).unwrap().value, report);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes the report as indented JSON, for people to read.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.contact_info.is_some() { 5 } else { 4 };
        let mut s = serializer.serialize_struct("Report", fields)?;
        s.serialize_field("organization-name", &self.organization_name)?;
        s.serialize_field("date-range", &self.date_range)?;
        if let Some(contact) = &self.contact_info {
            s.serialize_field("contact-info", contact)?;
        }
        s.serialize_field("report-id", &self.report_id)?;
        s.serialize_field("policies", &self.policies)?;
        s.end()
    }
}

impl Serialize for DateRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DateRange", 2)?;
        s.serialize_field("start-datetime", &datetime::format(self.start))?;
        s.serialize_field("end-datetime", &datetime::format(self.end))?;
        s.end()
    }
}

impl Serialize for PolicyResult {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("PolicyResult", 3)?;
        s.serialize_field("policy", &self.policy)?;
        s.serialize_field("summary", &self.summary)?;
        s.serialize_field("failure-details", &self.failure_details)?;
        s.end()
    }
}

impl Serialize for ReportedPolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ReportedPolicy", 4)?;
        s.serialize_field("policy-type", self.policy_type.as_str())?;
        s.serialize_field("policy-string", &self.policy_string)?;
        s.serialize_field("policy-domain", self.policy_domain.as_deref().unwrap_or(""))?;
        s.serialize_field("mx-host", &self.mx_host)?;
        s.end()
    }
}

impl Serialize for Summary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Summary", 2)?;
        s.serialize_field(
            "total-successful-session-count",
            &self.total_successful_session_count,
        )?;
        s.serialize_field(
            "total-failure-session-count",
            &self.total_failure_session_count,
        )?;
        s.end()
    }
}

impl Serialize for FailureDetail {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("result-type", self.result_type.as_str())?;
        if let Some(ip) = &self.sending_mta_ip {
            map.serialize_entry("sending-mta-ip", &ip.to_string())?;
        }
        if let Some(host) = &self.receiving_mx_hostname {
            map.serialize_entry("receiving-mx-hostname", host.as_str())?;
        }
        if let Some(helo) = &self.receiving_mx_helo {
            map.serialize_entry("receiving-mx-helo", helo.as_str())?;
        }
        if let Some(ip) = &self.receiving_ip {
            map.serialize_entry("receiving-ip", &ip.to_string())?;
        }
        map.serialize_entry("failed-session-count", &self.failed_session_count)?;
        if let Some(info) = &self.additional_information {
            map.serialize_entry("additional-information", info)?;
        }
        if let Some(code) = &self.failure_reason_code {
            map.serialize_entry("failure-reason-code", code.as_str())?;
        }
        map.end()
    }
}
