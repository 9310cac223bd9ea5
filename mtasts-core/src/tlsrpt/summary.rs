//! Aggregation of any number of TLS-RPT reports into per-domain, per-day session counts: the
//! picture a domain owner checks before moving an MTA-STS policy from `testing` to `enforce`.
//!
//! [`Aggregator::add`] takes one report at a time and copies only counts and the keys they are
//! filed under. Memory therefore grows with the number of distinct keys, not with the number
//! or size of the reports. The keys are policy domains and types, UTC days, MX hosts, sending
//! IPs, organisations, result types, `mx` patterns and report ids.
//! [`Aggregator::key_counts`] measures that size.
//!
//! # Grouping
//!
//! Counts are grouped by policy domain and policy type together, because one reporter may file
//! the same sessions under a DANE and an MTA-STS policy of the same domain, and adding the two
//! would count those sessions twice. The Microsoft report in the test corpus lists 7 successful
//! sessions under each. Policy domains are compared without letter
//! case and without one trailing dot. Within a group, counts are kept per UTC day of the
//! report's `start-datetime`, and the total over all days is added up from them when the
//! summary is built.
//!
//! # Where each count comes from
//!
//! - Successful and failed sessions, overall and per sending organisation: the policy's
//!   `summary`.
//! - Failures by result type, receiving MX host and sending IP: the `failure-details`. Failure
//!   types may overlap and reporters may leave details out (RFC 8460 §4), so these need not add
//!   up to the failed total.
//! - MX hosts not covered by the policy: each failure detail of an `sts` policy whose
//!   `receiving-mx-hostname` matches none of the policy's `mx` patterns, as
//!   [`MxPattern`] matches them. The patterns are the `mx-host` list, or when a report leaves
//!   that empty, the `mx:` lines of its `policy-string`. A failure detail under a policy that
//!   lists no pattern at all cannot be judged and is counted as unchecked instead.

mod output;

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use compact_str::CompactString;
use jiff::civil::Date;
use jiff::tz::Offset;

use crate::sts::{MxPattern, PatternError, find_match};
use crate::tlsrpt::report::{PolicyResult, PolicyType, Report, ResultType};

pub use output::{
    Aggregate, Counts, DayCounts, DomainAggregate, InvalidMxPattern, MxHostCount,
    OrganizationCount, ResultTypeCount, SendingIpCount,
};

/// A streaming summary of TLS-RPT reports: add reports one at a time with
/// [`Aggregator::add`], then read the result with [`Aggregator::aggregate`].
///
/// A report counts once per organisation and `report-id`: a second report with the same pair
/// is not counted, whatever its content, and [`Aggregator::add`] returns
/// [`AddOutcome::Duplicate`] for it.
///
/// # Examples
///
/// ```
/// use mtasts_core::tlsrpt::{AddOutcome, Aggregator, Report};
///
/// let json = std::fs::read("../testdata/corpus/report-rfc8460-example.json").unwrap();
/// let report = Report::from_json(&json).unwrap().value;
/// let mut aggregator = Aggregator::new();
/// assert_eq!(aggregator.add(&report), AddOutcome::Counted);
/// assert_eq!(aggregator.add(&report), AddOutcome::Duplicate);
///
/// let aggregate = aggregator.aggregate();
/// let domain = &aggregate.domains[0];
/// assert_eq!(domain.policy_domain.as_deref(), Some("company-y.example"));
/// assert_eq!(domain.total.successful_sessions, 5326);
/// assert_eq!(domain.total.failed_sessions, 303);
/// assert_eq!(domain.days[0].date.to_string(), "2016-04-01");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Aggregator {
    /// `(organization-name, report-id)` of every report counted.
    seen: HashSet<(String, String)>,
    duplicates: u64,
    groups: BTreeMap<GroupKey, Group>,
}

/// The outcome of [`Aggregator::add`] for one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum AddOutcome {
    /// The report was counted.
    Counted,
    /// A report with the same organisation and `report-id` was already counted, so this one
    /// was not.
    Duplicate,
}

/// Number of entries an [`Aggregator`] stores, by kind. Each is bounded by the number of
/// distinct keys in the reports added, never by the number of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KeyCounts {
    /// Distinct `(organization-name, report-id)` pairs counted.
    pub report_ids: usize,
    /// Distinct `(policy domain, policy type)` groups.
    pub groups: usize,
    /// Day rows over all groups.
    pub days: usize,
    /// Entries of every breakdown (result types, MX hosts, organisations, IPs, uncovered and
    /// unchecked hosts, invalid patterns), summed over every day row.
    pub breakdown_entries: usize,
}

/// A policy domain and policy type, the unit counts are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    /// Lower-case policy domain without a trailing dot, or `None` when the report names none.
    domain: Option<CompactString>,
    policy_type: PolicyType,
}

/// The counts of one group, per day. The total over all days is not stored: it is added up
/// from the days when a summary is built, which keeps each failure detail to one tally.
#[derive(Debug, Clone, Default)]
struct Group {
    days: BTreeMap<Date, Tally>,
}

impl Group {
    fn total(&self) -> Tally {
        let mut total = Tally::default();
        for day in self.days.values() {
            total.merge(day);
        }
        total
    }
}

/// Counts for one group over one day or over all days.
#[derive(Debug, Clone, Default)]
struct Tally {
    successful: u64,
    failed: u64,
    result_types: BTreeMap<ResultType, u64>,
    /// Failed sessions by receiving MX host. The `None` key collects details without a host.
    mx_hosts: BTreeMap<Option<CompactString>, u64>,
    organizations: BTreeMap<String, SessionCounts>,
    /// Failed sessions by sending MTA IP. The `None` key collects details without an IP.
    sending_ips: BTreeMap<Option<IpAddr>, u64>,
    uncovered_mx_hosts: BTreeMap<CompactString, u64>,
    unchecked_mx_hosts: BTreeMap<CompactString, u64>,
    invalid_mx_patterns: BTreeMap<CompactString, PatternError>,
}

#[derive(Debug, Clone, Copy, Default)]
struct SessionCounts {
    successful: u64,
    failed: u64,
}

/// The `mx` patterns of one applied `sts` policy, read once per policy entry of a report.
struct PolicyPatterns {
    valid: Vec<MxPattern>,
    invalid: Vec<(CompactString, PatternError)>,
}

impl Aggregator {
    /// Creates an empty aggregator.
    pub fn new() -> Aggregator {
        Aggregator::default()
    }

    /// Adds the counts of one report, unless a report with the same `organization-name` and
    /// `report-id` was already added.
    pub fn add(&mut self, report: &Report) -> AddOutcome {
        let id = (report.organization_name.clone(), report.report_id.clone());
        if !self.seen.insert(id) {
            self.duplicates = self.duplicates.saturating_add(1);
            return AddOutcome::Duplicate;
        }
        let day = Offset::UTC.to_datetime(report.date_range.start).date();
        for policy in &report.policies {
            let patterns = PolicyPatterns::of(policy);
            let key = GroupKey {
                domain: policy.policy.policy_domain.as_deref().map(normalize_name),
                policy_type: policy.policy.policy_type.clone(),
            };
            let group = self.groups.entry(key).or_default();
            let organization = report.organization_name.as_str();
            group
                .days
                .entry(day)
                .or_default()
                .record(organization, policy, patterns.as_ref());
        }
        AddOutcome::Counted
    }

    /// Returns the number of distinct reports counted.
    pub fn report_count(&self) -> usize {
        self.seen.len()
    }

    /// Returns the number of duplicate reports seen and not counted.
    pub fn duplicate_count(&self) -> u64 {
        self.duplicates
    }

    /// Counts the entries stored, to show that memory depends only on distinct keys.
    pub fn key_counts(&self) -> KeyCounts {
        let mut counts = KeyCounts {
            report_ids: self.seen.len(),
            groups: self.groups.len(),
            ..KeyCounts::default()
        };
        for group in self.groups.values() {
            counts.days += group.days.len();
            for tally in group.days.values() {
                counts.breakdown_entries += tally.entry_count();
            }
        }
        counts
    }

    /// Builds the summary of every report added so far. Groups are ordered by policy domain,
    /// with policies that name no domain last, then by policy type. Days are in date order.
    pub fn aggregate(&self) -> Aggregate {
        let mut domains: Vec<DomainAggregate> = self
            .groups
            .iter()
            .map(|(key, group)| DomainAggregate {
                policy_domain: key.domain.as_ref().map(|d| d.to_string()),
                policy_type: key.policy_type.clone(),
                total: group.total().to_counts(),
                days: group
                    .days
                    .iter()
                    .map(|(date, tally)| DayCounts {
                        date: *date,
                        counts: tally.to_counts(),
                    })
                    .collect(),
            })
            .collect();
        // The map orders `None` first, but groups without a policy domain read better last.
        domains.sort_by_key(|d| d.policy_domain.is_none());
        Aggregate {
            reports: self.seen.len() as u64,
            duplicate_reports: self.duplicates,
            domains,
        }
    }
}

impl PolicyPatterns {
    /// Reads the `mx` patterns of an `sts` policy entry. Returns `None` for other policy types,
    /// whose failures are not matched against patterns.
    fn of(policy: &PolicyResult) -> Option<PolicyPatterns> {
        if policy.policy.policy_type != PolicyType::Sts {
            return None;
        }
        let mut patterns = PolicyPatterns {
            valid: Vec::new(),
            invalid: Vec::new(),
        };
        let listed: Vec<&str> = if policy.policy.mx_host.is_empty() {
            policy
                .policy
                .policy_string
                .iter()
                .filter_map(|line| mx_line_value(line))
                .collect()
        } else {
            policy.policy.mx_host.iter().map(String::as_str).collect()
        };
        for text in listed {
            match MxPattern::new(text) {
                Ok(pattern) => patterns.valid.push(pattern),
                Err(error) => patterns.invalid.push((text.into(), error)),
            }
        }
        Some(patterns)
    }

    /// Returns `true` when the policy lists no pattern, valid or not.
    fn is_empty(&self) -> bool {
        self.valid.is_empty() && self.invalid.is_empty()
    }
}

/// Returns the value of a policy line `mx: <pattern>`, trimmed, or `None` for other lines.
/// The field name is case-sensitive and the colon follows it directly, as in the policy
/// grammar (RFC 8461 §3.2).
fn mx_line_value(line: &str) -> Option<&str> {
    line.strip_prefix("mx:").map(str::trim)
}

/// Lower-cases a domain or host name and drops one trailing dot, so that the spellings one
/// name is reported under are counted together.
fn normalize_name(name: &str) -> CompactString {
    let mut normalized = CompactString::from(name.strip_suffix('.').unwrap_or(name));
    normalized.make_ascii_lowercase();
    normalized
}

impl Tally {
    fn record(
        &mut self,
        organization: &str,
        policy: &PolicyResult,
        patterns: Option<&PolicyPatterns>,
    ) {
        let summary = policy.summary;
        self.successful = self
            .successful
            .saturating_add(summary.total_successful_session_count);
        self.failed = self
            .failed
            .saturating_add(summary.total_failure_session_count);
        let sessions = bump_borrowed(&mut self.organizations, organization);
        sessions.successful = sessions
            .successful
            .saturating_add(summary.total_successful_session_count);
        sessions.failed = sessions
            .failed
            .saturating_add(summary.total_failure_session_count);

        if let Some(patterns) = patterns {
            for (text, error) in &patterns.invalid {
                if !self.invalid_mx_patterns.contains_key(text) {
                    self.invalid_mx_patterns.insert(text.clone(), error.clone());
                }
            }
        }

        for detail in &policy.failure_details {
            let count = detail.failed_session_count;
            add_to(
                bump_borrowed(&mut self.result_types, &detail.result_type),
                count,
            );
            add_to(
                self.sending_ips.entry(detail.sending_mta_ip).or_default(),
                count,
            );
            let Some(host) = detail.receiving_mx_hostname.as_deref() else {
                add_to(self.mx_hosts.entry(None).or_default(), count);
                continue;
            };
            let host_key = normalize_name(host);
            if let Some(patterns) = patterns {
                if patterns.is_empty() {
                    add_to(
                        bump_borrowed(&mut self.unchecked_mx_hosts, &host_key),
                        count,
                    );
                } else if find_match(&patterns.valid, host).is_none() {
                    add_to(
                        bump_borrowed(&mut self.uncovered_mx_hosts, &host_key),
                        count,
                    );
                }
            }
            add_to(self.mx_hosts.entry(Some(host_key)).or_default(), count);
        }
    }

    fn to_counts(&self) -> Counts {
        let mut result_types: Vec<ResultTypeCount> = self
            .result_types
            .iter()
            .map(|(result_type, &failed_sessions)| ResultTypeCount {
                result_type: result_type.clone(),
                failed_sessions,
            })
            .collect();
        output::rank(
            &mut result_types,
            |e| e.failed_sessions,
            |e| Some(e.result_type.as_str()),
        );

        let mut mx_hosts: Vec<MxHostCount> = self
            .mx_hosts
            .iter()
            .map(|(host, &failed_sessions)| MxHostCount {
                mx_host: host.as_ref().map(|h| h.to_string()),
                failed_sessions,
            })
            .collect();
        output::rank(
            &mut mx_hosts,
            |e| e.failed_sessions,
            |e| e.mx_host.as_deref(),
        );

        let mut sending_organizations: Vec<OrganizationCount> = self
            .organizations
            .iter()
            .map(|(organization, sessions)| OrganizationCount {
                organization: organization.clone(),
                successful_sessions: sessions.successful,
                failed_sessions: sessions.failed,
            })
            .collect();
        output::rank(
            &mut sending_organizations,
            |e| e.failed_sessions,
            |e| Some(e.organization.as_str()),
        );

        let mut sending_ips: Vec<SendingIpCount> = self
            .sending_ips
            .iter()
            .map(|(&sending_ip, &failed_sessions)| SendingIpCount {
                sending_ip,
                failed_sessions,
            })
            .collect();
        output::rank(
            &mut sending_ips,
            |e| e.failed_sessions,
            |e| e.sending_ip.as_ref(),
        );

        Counts {
            successful_sessions: self.successful,
            failed_sessions: self.failed,
            result_types,
            mx_hosts,
            sending_organizations,
            sending_ips,
            uncovered_mx_hosts: ranked_hosts(&self.uncovered_mx_hosts),
            unchecked_mx_hosts: ranked_hosts(&self.unchecked_mx_hosts),
            invalid_mx_patterns: self
                .invalid_mx_patterns
                .iter()
                .map(|(pattern, error)| InvalidMxPattern {
                    pattern: pattern.to_string(),
                    error: error.clone(),
                })
                .collect(),
        }
    }

    /// Adds the counts of `other` to these. Sums saturate, so the order of the days does not
    /// change the result, and one pattern text always has the same error.
    fn merge(&mut self, other: &Tally) {
        add_to(&mut self.successful, other.successful);
        add_to(&mut self.failed, other.failed);
        for (result_type, &count) in &other.result_types {
            add_to(bump_borrowed(&mut self.result_types, result_type), count);
        }
        for (host, &count) in &other.mx_hosts {
            add_to(self.mx_hosts.entry(host.clone()).or_default(), count);
        }
        for (organization, sessions) in &other.organizations {
            let total = bump_borrowed(&mut self.organizations, organization.as_str());
            add_to(&mut total.successful, sessions.successful);
            add_to(&mut total.failed, sessions.failed);
        }
        for (&ip, &count) in &other.sending_ips {
            add_to(self.sending_ips.entry(ip).or_default(), count);
        }
        for (host, &count) in &other.uncovered_mx_hosts {
            add_to(bump_borrowed(&mut self.uncovered_mx_hosts, host), count);
        }
        for (host, &count) in &other.unchecked_mx_hosts {
            add_to(bump_borrowed(&mut self.unchecked_mx_hosts, host), count);
        }
        for (pattern, error) in &other.invalid_mx_patterns {
            if !self.invalid_mx_patterns.contains_key(pattern) {
                self.invalid_mx_patterns
                    .insert(pattern.clone(), error.clone());
            }
        }
    }

    fn entry_count(&self) -> usize {
        self.result_types.len()
            + self.mx_hosts.len()
            + self.organizations.len()
            + self.sending_ips.len()
            + self.uncovered_mx_hosts.len()
            + self.unchecked_mx_hosts.len()
            + self.invalid_mx_patterns.len()
    }
}

fn ranked_hosts(hosts: &BTreeMap<CompactString, u64>) -> Vec<MxHostCount> {
    let mut ranked: Vec<MxHostCount> = hosts
        .iter()
        .map(|(host, &failed_sessions)| MxHostCount {
            mx_host: Some(host.to_string()),
            failed_sessions,
        })
        .collect();
    output::rank(&mut ranked, |e| e.failed_sessions, |e| e.mx_host.as_deref());
    ranked
}

fn add_to(counter: &mut u64, count: u64) {
    *counter = counter.saturating_add(count);
}

/// Returns the value for `key`, inserting a default first. Unlike `entry`, this clones the key
/// only when it is new, which matters because most calls find an existing entry.
fn bump_borrowed<'m, K, Q, V>(map: &'m mut BTreeMap<K, V>, key: &Q) -> &'m mut V
where
    K: Borrow<Q> + Ord,
    Q: ToOwned<Owned = K> + Ord + ?Sized,
    V: Default,
{
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.get_mut(key).expect("the key was just inserted")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mx_line_value_reads_only_mx_lines() {
        assert_eq!(mx_line_value("mx: *.example.com"), Some("*.example.com"));
        assert_eq!(
            mx_line_value("mx:mail.example.com  "),
            Some("mail.example.com")
        );
        assert_eq!(mx_line_value("mx : mail.example.com"), None);
        assert_eq!(mx_line_value("mode: enforce"), None);
        assert_eq!(mx_line_value("MX: mail.example.com"), None);
        assert_eq!(mx_line_value("mxx: mail.example.com"), None);
    }

    #[test]
    fn normalize_name_folds_case_and_one_dot() {
        assert_eq!(normalize_name("MX1.Example.COM."), "mx1.example.com");
        assert_eq!(normalize_name("mx1.example.com"), "mx1.example.com");
        assert_eq!(normalize_name("a.."), "a.");
    }
}
