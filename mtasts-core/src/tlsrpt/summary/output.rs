//! The result of an [`Aggregator`](super::Aggregator): plain values with their JSON form.
//!
//! Every breakdown list is ranked by failed sessions, most first, and entries with equal counts
//! are in ascending key order, with the entry for a missing value last.

use std::cmp::Ordering;
use std::net::IpAddr;

use jiff::civil::Date;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::sts::PatternError;
use crate::tlsrpt::report::{PolicyType, ResultType};

/// The summary of every report added to an [`Aggregator`](super::Aggregator).
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// Distinct reports counted.
    pub reports: u64,
    /// Reports not counted because one with the same organisation and `report-id` was.
    pub duplicate_reports: u64,
    /// One entry per policy domain and policy type.
    pub domains: Vec<DomainAggregate>,
}

/// The counts for one policy domain under one policy type.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainAggregate {
    /// The policy domain, lower-case and without a trailing dot, or `None` for policies whose
    /// report names no domain (some reporters leave it out for `no-policy-found`).
    pub policy_domain: Option<String>,
    /// The policy type the sessions were reported under.
    pub policy_type: PolicyType,
    /// Counts over all days.
    pub total: Counts,
    /// Counts per UTC day of the reports' `start-datetime`, in date order.
    pub days: Vec<DayCounts>,
}

/// The counts of one UTC day.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCounts {
    /// The UTC date of the reports' `start-datetime`.
    pub date: Date,
    /// Counts of the reports that start on this date.
    pub counts: Counts,
}

/// Session counts and failure breakdowns over a set of reports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counts {
    /// Sum of `total-successful-session-count`.
    pub successful_sessions: u64,
    /// Sum of `total-failure-session-count`.
    pub failed_sessions: u64,
    /// Failed sessions by `result-type`, from the failure details.
    pub result_types: Vec<ResultTypeCount>,
    /// Failed sessions by `receiving-mx-hostname`, from the failure details.
    pub mx_hosts: Vec<MxHostCount>,
    /// Successful and failed sessions by the `organization-name` of the report.
    pub sending_organizations: Vec<OrganizationCount>,
    /// Failed sessions by `sending-mta-ip`, from the failure details.
    pub sending_ips: Vec<SendingIpCount>,
    /// Failed sessions by MX host that matches none of the `mx` patterns of the `sts` policy
    /// the reporter applied. Always empty for other policy types.
    pub uncovered_mx_hosts: Vec<MxHostCount>,
    /// Failed sessions by MX host under an `sts` policy whose report lists no `mx` pattern, so
    /// that coverage could not be checked.
    pub unchecked_mx_hosts: Vec<MxHostCount>,
    /// `mx` patterns that are not valid, in text order, each listed once.
    pub invalid_mx_patterns: Vec<InvalidMxPattern>,
}

/// Failed sessions of one result type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultTypeCount {
    /// The `result-type`.
    pub result_type: ResultType,
    /// Failed sessions.
    pub failed_sessions: u64,
}

/// Failed sessions towards one receiving MX host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxHostCount {
    /// Lower-case host name without a trailing dot, or `None` for failure details that name no
    /// host.
    pub mx_host: Option<String>,
    /// Failed sessions.
    pub failed_sessions: u64,
}

/// Sessions reported by one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationCount {
    /// The report's `organization-name`, as sent.
    pub organization: String,
    /// Successful sessions.
    pub successful_sessions: u64,
    /// Failed sessions.
    pub failed_sessions: u64,
}

/// Failed sessions from one sending MTA address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendingIpCount {
    /// The `sending-mta-ip`, or `None` for failure details without a valid address.
    pub sending_ip: Option<IpAddr>,
    /// Failed sessions.
    pub failed_sessions: u64,
}

/// An `mx` pattern that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidMxPattern {
    /// The pattern as the report sent it.
    pub pattern: String,
    /// The parse error.
    pub error: PatternError,
}

impl Counts {
    /// Returns all sessions, successful and failed, saturating at `u64::MAX`.
    pub fn total_sessions(&self) -> u64 {
        self.successful_sessions
            .saturating_add(self.failed_sessions)
    }

    /// Returns the share of failed sessions, from 0.0 to 1.0, or `None` when no session was
    /// reported.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::Counts;
    ///
    /// let mut counts = Counts::default();
    /// assert_eq!(counts.failure_rate(), None);
    /// counts.successful_sessions = 3;
    /// counts.failed_sessions = 1;
    /// assert_eq!(counts.failure_rate(), Some(0.25));
    /// ```
    pub fn failure_rate(&self) -> Option<f64> {
        // The sum in f64 cannot overflow, unlike the sum in u64.
        let total = self.successful_sessions as f64 + self.failed_sessions as f64;
        if total == 0.0 {
            None
        } else {
            Some(self.failed_sessions as f64 / total)
        }
    }
}

/// Sorts entries by failed sessions, most first, then by key. `key` returns `None` for the
/// entry of a missing value, which goes last among equal counts.
pub(super) fn rank<T, K: Ord + ?Sized>(
    entries: &mut [T],
    failed: impl Fn(&T) -> u64,
    key: impl Fn(&T) -> Option<&K>,
) {
    entries.sort_by(|a, b| {
        let by_key = match (key(a), key(b)) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        failed(b).cmp(&failed(a)).then(by_key)
    });
}

impl Serialize for Aggregate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Aggregate", 3)?;
        s.serialize_field("reports", &self.reports)?;
        s.serialize_field("duplicate_reports", &self.duplicate_reports)?;
        s.serialize_field("domains", &self.domains)?;
        s.end()
    }
}

impl Serialize for DomainAggregate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DomainAggregate", 4)?;
        s.serialize_field("policy_domain", &self.policy_domain)?;
        s.serialize_field("policy_type", self.policy_type.as_str())?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("days", &self.days)?;
        s.end()
    }
}

impl Serialize for DayCounts {
    /// Writes the date as `YYYY-MM-DD` followed by the fields of [`Counts`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("DayCounts", 1 + COUNTS_FIELDS)?;
        s.serialize_field("date", &self.date.to_string())?;
        self.counts.serialize_fields(&mut s)?;
        s.end()
    }
}

/// Number of fields [`Counts::serialize_fields`] writes.
const COUNTS_FIELDS: usize = 10;

impl Counts {
    fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("successful_sessions", &self.successful_sessions)?;
        s.serialize_field("failed_sessions", &self.failed_sessions)?;
        s.serialize_field("failure_rate", &self.failure_rate())?;
        s.serialize_field("result_types", &self.result_types)?;
        s.serialize_field("mx_hosts", &self.mx_hosts)?;
        s.serialize_field("sending_organizations", &self.sending_organizations)?;
        s.serialize_field("sending_ips", &self.sending_ips)?;
        s.serialize_field("uncovered_mx_hosts", &self.uncovered_mx_hosts)?;
        s.serialize_field("unchecked_mx_hosts", &self.unchecked_mx_hosts)?;
        s.serialize_field("invalid_mx_patterns", &self.invalid_mx_patterns)
    }
}

impl Serialize for Counts {
    /// Writes every field, with `failure_rate` as a number or `null` when there was no session.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Counts", COUNTS_FIELDS)?;
        self.serialize_fields(&mut s)?;
        s.end()
    }
}

impl Serialize for ResultTypeCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("ResultTypeCount", 2)?;
        s.serialize_field("result_type", self.result_type.as_str())?;
        s.serialize_field("failed_sessions", &self.failed_sessions)?;
        s.end()
    }
}

impl Serialize for MxHostCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("MxHostCount", 2)?;
        s.serialize_field("mx_host", &self.mx_host)?;
        s.serialize_field("failed_sessions", &self.failed_sessions)?;
        s.end()
    }
}

impl Serialize for OrganizationCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("OrganizationCount", 3)?;
        s.serialize_field("organization", &self.organization)?;
        s.serialize_field("successful_sessions", &self.successful_sessions)?;
        s.serialize_field("failed_sessions", &self.failed_sessions)?;
        s.end()
    }
}

impl Serialize for SendingIpCount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SendingIpCount", 2)?;
        s.serialize_field("sending_ip", &self.sending_ip.map(|ip| ip.to_string()))?;
        s.serialize_field("failed_sessions", &self.failed_sessions)?;
        s.end()
    }
}

impl Serialize for InvalidMxPattern {
    /// Writes the pattern and the error message.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("InvalidMxPattern", 2)?;
        s.serialize_field("pattern", &self.pattern)?;
        s.serialize_field("error", &self.error.to_string())?;
        s.end()
    }
}
