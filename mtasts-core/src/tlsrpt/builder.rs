//! The sending side of TLS-RPT ([RFC 8460 §4](https://www.rfc-editor.org/rfc/rfc8460#section-4)):
//! [`ReportBuilder`] collects the outcome of each SMTP session towards one policy domain over one
//! UTC day and produces the report, its file name, its JSON and its gzip form.

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;

use compact_str::CompactString;
use flate2::{Compression, GzBuilder};
use jiff::civil::Date;
use jiff::tz::Offset;
use jiff::{SignedDuration, Timestamp};

use crate::domain::{DomainError, check_domain, to_a_label};
use crate::sts::Policy;
use crate::tlsrpt::filename::{Extension, ReportFileName};
use crate::tlsrpt::report::{
    DateRange, FailureDetail, PolicyResult, PolicyType, Report, ReportedPolicy, ResultType, Summary,
};

/// Maximum count written: I-JSON readers represent integers exactly only up to 2^53 - 1
/// (RFC 7493 §2.2).
pub const MAX_SESSION_COUNT: u64 = (1 << 53) - 1;

/// Maximum length of a unique id, in characters. The file name grammar sets no limit, and this
/// one keeps the file name and the `Report-ID` of the email subject short.
pub const MAX_UNIQUE_ID_LENGTH: usize = 64;

/// Length of the UTC day a report covers.
const DAY: SignedDuration = SignedDuration::from_hours(24);

/// An error from the report builder: the rejected value and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuilderError {
    /// An `organization-name` that is empty or contains a control character.
    #[error(
        "invalid organization name {value:?}: expected non-empty text without control characters"
    )]
    InvalidOrganizationName {
        /// The name given.
        value: String,
    },
    /// A `contact-info` that is not an RFC 5322 `addr-spec` with a domain name.
    #[error("invalid contact-info {value:?}: {problem}")]
    InvalidContactInfo {
        /// The address given.
        value: String,
        /// A description of the problem.
        problem: String,
    },
    /// A domain that is not an RFC 5321 `Domain` of A-labels, even after dropping one trailing
    /// dot and converting U-labels with IDNA.
    #[error("invalid {field} {value:?}: {error}")]
    InvalidDomain {
        /// The field the domain is for, such as `policy-domain`.
        field: &'static str,
        /// The domain given.
        value: String,
        /// The problem found.
        error: DomainError,
    },
    /// A domain of one label. The email subject's `domain-name` (RFC 8460 §5.3, from RFC 6376)
    /// needs at least two.
    #[error("invalid {field} {value:?}: expected a domain of at least two labels")]
    SingleLabelDomain {
        /// The field the domain is for.
        field: &'static str,
        /// The domain given.
        value: String,
    },
    /// A unique id that is not 1 to 64 ASCII letters and digits (RFC 8460 §5.1 `unique-id`).
    #[error("invalid unique id {value:?}: expected 1 to 64 ASCII letters and digits")]
    InvalidUniqueId {
        /// The id given.
        value: String,
    },
    /// A day whose range cannot be written: before 1970, which the file name's timestamps
    /// cannot express, or the last day `jiff` represents.
    #[error("day {day} is out of range: expected a day from 1970-01-01 to 9999-12-30")]
    DayOutOfRange {
        /// The day given.
        day: Date,
    },
    /// A session outside the report's UTC day.
    #[error("session at {at} is outside the report's range from {start} to {end}")]
    OutsideDateRange {
        /// The session's time.
        at: Timestamp,
        /// Start of the range, inclusive.
        start: Timestamp,
        /// End of the range, exclusive.
        end: Timestamp,
    },
    /// A `result-type` outside the IANA "STARTTLS Validation Result Types" registry.
    #[error("result type {value:?} is not registered: use one of the RFC 8460 section 4.3 types")]
    UnregisteredResultType {
        /// The value given.
        value: String,
    },
    /// A failure recorded with a `failed-session-count` of 0.
    #[error("failed-session-count is 0: record a failure with the number of sessions it ended")]
    ZeroFailureCount,
    /// An optional string field given as an empty string. Leave it `None` instead.
    #[error("{field} is an empty string: leave the field out instead")]
    EmptyField {
        /// The JSON member name.
        field: &'static str,
    },
    /// An `additional-information` value that is not an RFC 3986 URI with a scheme.
    #[error(
        "invalid additional-information {value:?}: expected a URI such as https://example.com/info"
    )]
    InvalidAdditionalInformation {
        /// The value given.
        value: String,
    },
    /// A TLSA record that is not `usage selector matching-type data` in presentation format
    /// (RFC 6698 §2.2).
    #[error("invalid TLSA record {value:?}: {problem}")]
    InvalidTlsaRecord {
        /// The record given.
        value: String,
        /// A description of the problem.
        problem: &'static str,
    },
    /// A count that would pass [`MAX_SESSION_COUNT`].
    #[error("{field} would exceed 2^53 - 1, the largest integer I-JSON represents exactly")]
    CountTooLarge {
        /// The JSON member name of the count.
        field: &'static str,
    },
}

/// The organisation that sends reports: `organization-name` and `contact-info`, checked once
/// and shared by every report it builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reporter {
    organization_name: String,
    contact_info: String,
    submitter: String,
}

impl Reporter {
    /// Creates a reporter from its organisation name and contact address.
    ///
    /// The domain of `contact_info` is the submitter: the file name's `sender` and the email's
    /// `TLS-Report-Submitter` (RFC 8460 §5.1, §5.3). It is stored in lower case, without a
    /// trailing dot and with U-labels converted to A-labels; the local part is kept as given.
    ///
    /// # Errors
    ///
    /// Rejects an empty organisation name or one with control characters, and a contact
    /// address that is not `local-part@domain` with an RFC 5321 domain of two or more labels.
    pub fn new(organization_name: &str, contact_info: &str) -> Result<Reporter, BuilderError> {
        if organization_name.trim().is_empty() || organization_name.chars().any(char::is_control) {
            return Err(BuilderError::InvalidOrganizationName {
                value: organization_name.to_owned(),
            });
        }
        let invalid = |problem: String| BuilderError::InvalidContactInfo {
            value: contact_info.to_owned(),
            problem,
        };
        let (local, domain) = split_address(contact_info).map_err(invalid)?;
        let submitter = report_domain("contact-info domain", domain)?;
        Ok(Reporter {
            organization_name: organization_name.to_owned(),
            contact_info: format!("{local}@{submitter}"),
            submitter,
        })
    }

    /// Returns `organization-name`.
    pub fn organization_name(&self) -> &str {
        &self.organization_name
    }

    /// Returns `contact-info`, with its domain normalised.
    pub fn contact_info(&self) -> &str {
        &self.contact_info
    }

    /// Returns the submitter: the domain of `contact-info`.
    pub fn submitter(&self) -> &str {
        &self.submitter
    }
}

/// A policy the sender applied to a session: the `policy` member of a report entry.
///
/// Sessions recorded under equal policies are counted together. Build one with
/// [`AppliedPolicy::sts`], [`AppliedPolicy::sts_unparsed`], [`AppliedPolicy::tlsa`] or
/// [`AppliedPolicy::no_policy_found`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppliedPolicy {
    policy_type: PolicyType,
    policy_string: Vec<String>,
    policy_domain: String,
    mx_host: Vec<String>,
}

impl AppliedPolicy {
    /// Describes an MTA-STS policy that was fetched and parsed: `policy-string` contains its lines
    /// ([`Policy::lines`]) and `mx-host` its `mx` patterns.
    ///
    /// # Errors
    ///
    /// Rejects a policy domain that is not a valid domain name.
    pub fn sts(policy_domain: &str, policy: &Policy) -> Result<AppliedPolicy, BuilderError> {
        Ok(AppliedPolicy {
            policy_type: PolicyType::Sts,
            policy_string: policy.lines(),
            policy_domain: normalize_domain("policy-domain", policy_domain)?,
            mx_host: policy
                .mx()
                .iter()
                .map(|mx| mx.as_str().to_owned())
                .collect(),
        })
    }

    /// Describes an MTA-STS policy as the receiver served it, for failures such as
    /// `sts-policy-invalid` where no [`Policy`] could be parsed. RFC 8460 §4.5 describes the
    /// string as the policy the receiver declared "including any errors", so each non-empty
    /// line of `text` is kept as written, without its line ending. `mx-host` contains the values
    /// of lines that start with `mx:`. Pass an empty text when nothing was fetched, as for
    /// `sts-policy-fetch-error`.
    ///
    /// # Errors
    ///
    /// Rejects a policy domain that is not a valid domain name.
    pub fn sts_unparsed(policy_domain: &str, text: &str) -> Result<AppliedPolicy, BuilderError> {
        let policy_string: Vec<String> = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(str::to_owned)
            .collect();
        let mx_host = policy_string
            .iter()
            .filter_map(|line| line.strip_prefix("mx:"))
            .map(|value| value.trim().to_owned())
            .collect();
        Ok(AppliedPolicy {
            policy_type: PolicyType::Sts,
            policy_string,
            policy_domain: normalize_domain("policy-domain", policy_domain)?,
            mx_host,
        })
    }

    /// Describes a DANE policy: the TLSA records of `base_domain`, the TLSA base domain
    /// (RFC 8460 §4.4).
    ///
    /// Each record is written in presentation format with single spaces, as RFC 8460 §4.5
    /// asks: `usage selector matching-type data`, such as `3 1 1 1F850A33...`. Whitespace
    /// inside the data is removed and its hex digits are upper-cased, so the same RRset always
    /// gives the same `policy-string`. An empty list is allowed, for failures such as
    /// `tlsa-invalid` where no usable record was found.
    ///
    /// # Errors
    ///
    /// Rejects a base domain that is not a valid domain name, and a record that does not have
    /// three numbers from 0 to 255 followed by an even number of hex digits.
    pub fn tlsa<I, S>(base_domain: &str, records: I) -> Result<AppliedPolicy, BuilderError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let policy_string = records
            .into_iter()
            .map(|record| normalize_tlsa(record.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AppliedPolicy {
            policy_type: PolicyType::Tlsa,
            policy_string,
            policy_domain: normalize_domain("policy-domain", base_domain)?,
            mx_host: Vec::new(),
        })
    }

    /// Describes a session to a domain with neither an MTA-STS nor a DANE policy. RFC 8460
    /// leaves `policy-string` and `mx-host` undefined for this case, so both are written as
    /// empty arrays, and `policy-domain` is always written because some readers require it.
    ///
    /// # Errors
    ///
    /// Rejects a policy domain that is not a valid domain name.
    pub fn no_policy_found(policy_domain: &str) -> Result<AppliedPolicy, BuilderError> {
        Ok(AppliedPolicy {
            policy_type: PolicyType::NoPolicyFound,
            policy_string: Vec::new(),
            policy_domain: normalize_domain("policy-domain", policy_domain)?,
            mx_host: Vec::new(),
        })
    }

    /// Returns `policy-type`: `sts`, `tlsa` or `no-policy-found`.
    pub fn policy_type(&self) -> &PolicyType {
        &self.policy_type
    }

    /// Returns `policy-string`.
    pub fn policy_string(&self) -> &[String] {
        &self.policy_string
    }

    /// Returns `policy-domain`, in lower case and with A-labels.
    pub fn policy_domain(&self) -> &str {
        &self.policy_domain
    }

    /// Returns `mx-host`.
    pub fn mx_host(&self) -> &[String] {
        &self.mx_host
    }

    fn to_reported(&self) -> ReportedPolicy {
        ReportedPolicy {
            policy_type: self.policy_type.clone(),
            policy_string: self.policy_string.clone(),
            policy_domain: Some(self.policy_domain.clone()),
            mx_host: self.mx_host.clone(),
        }
    }
}

/// What makes two failures identical: every member of a `failure-details` entry except the
/// count.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct FailureKey {
    result_type: ResultType,
    sending_mta_ip: Option<IpAddr>,
    receiving_mx_hostname: Option<CompactString>,
    receiving_mx_helo: Option<CompactString>,
    receiving_ip: Option<IpAddr>,
    additional_information: Option<String>,
    failure_reason_code: Option<CompactString>,
}

/// The count of one kind of failure, and when it was first recorded, which orders the
/// `failure-details` entries.
#[derive(Debug, Clone, Copy)]
struct FailureCount {
    first_seen: usize,
    sessions: u64,
}

#[derive(Debug, Clone)]
struct PolicyEntry {
    policy: AppliedPolicy,
    summary: Summary,
    failures: HashMap<FailureKey, FailureCount>,
}

/// Collects the sessions towards one policy domain over one UTC day and builds its report.
///
/// The policy domain is the recipient domain whose `_smtp._tls` record lists where the report
/// goes: the file name's `policy-domain` and the email's `TLS-Report-Domain`. The policies
/// recorded may name other domains, such as the TLSA base domain of a DANE policy.
///
/// Policies appear in the report in the order they were first recorded, and so do the
/// failure details of each policy.
///
/// The builder does no I/O and reads no clock. Every session carries its own time, and the
/// report's identity comes from the caller's [`Reporter`], day and unique id, so the same calls
/// always produce the same bytes.
///
/// # Choices
///
/// - **Date range.** RFC 8460 §4.1 recommends that a report cover a whole UTC day, "00:00-24:00".
///   RFC 3339 has no hour 24, so the end is written as the next day's `00:00:00Z`. The range is
///   half-open: sessions at or after that instant belong to the next report, and no second of
///   the day is left out, which a `23:59:59Z` end would do. The file name's timestamps are 86400
///   seconds apart. This crate's reader accepts both forms.
/// - **Report id.** `report-id` is `<YYYYMMDD>.<unique-id>.<policy-domain>@<submitter>`, such
///   as `20240903.7f3a9c01.example.com@mail.sender.example`. It has the `id-left "@" id-right`
///   form that the email subject's `Report-ID` needs (RFC 8460 §5.3), so the subject and the body
///   carry the same id. It is unique as long as the caller never reuses a unique id for the
///   same day and policy domain: give each reporting host and each run its own, for example 16
///   hex digits of a random `u64`.
/// - **Counts.** Each recorded failure counts its sessions both in its `failure-details` entry
///   and in `total-failure-session-count`, so the details add up to the total. A session that
///   fails in more than one way (RFC 8460 §4 lets failure types overlap) should be recorded
///   once, under the result type that ended it.
///
/// ```
/// use jiff::civil::date;
/// use mtasts_core::sts::Policy;
/// use mtasts_core::tlsrpt::{AppliedPolicy, FailureDetail, ReportBuilder, Reporter, ResultType};
///
/// let reporter = Reporter::new("Example Sender", "tlsrpt@mail.sender.example").unwrap();
/// let day = date(2024, 9, 3);
/// let mut builder = ReportBuilder::new(&reporter, "example.com", day, "7f3a9c01").unwrap();
///
/// let text = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 604800\n";
/// let policy = Policy::parse(text).unwrap().value;
/// let applied = AppliedPolicy::sts("example.com", &policy).unwrap();
/// let at = "2024-09-03T10:00:00Z".parse().unwrap();
/// builder.record_success(&applied, at, 2).unwrap();
/// let failure = FailureDetail {
///     receiving_mx_hostname: Some("mx1.example.com".into()),
///     ..FailureDetail::new(ResultType::CertificateExpired, 1)
/// };
/// builder.record_failure(&applied, at, failure).unwrap();
///
/// let outgoing = builder.build();
/// let report = outgoing.report();
/// assert_eq!(report.report_id, "20240903.7f3a9c01.example.com@mail.sender.example");
/// assert_eq!(report.policies[0].summary.total_successful_session_count, 2);
/// assert_eq!(report.policies[0].summary.total_failure_session_count, 1);
/// assert_eq!(
///     outgoing.file_name(mtasts_core::tlsrpt::Extension::JsonGz).to_string(),
///     "mail.sender.example!example.com!1725321600!1725408000!7f3a9c01.json.gz"
/// );
/// ```
#[derive(Debug, Clone)]
pub struct ReportBuilder {
    reporter: Reporter,
    policy_domain: String,
    unique_id: String,
    day: Date,
    start: Timestamp,
    end: Timestamp,
    policies: Vec<PolicyEntry>,
}

impl ReportBuilder {
    /// Creates a builder for the report about `policy_domain` on the UTC day `day`.
    ///
    /// `unique_id` becomes the file name's `unique-id` and part of `report-id` (see the module
    /// documentation). To find the day of a session time, use
    /// `jiff::tz::Offset::UTC.to_datetime(at).date()`.
    ///
    /// # Errors
    ///
    /// Rejects a policy domain that is not a domain name of two or more labels, a unique id
    /// that is not 1 to 64 ASCII letters and digits, and a day before 1970 or on 9999-12-31.
    pub fn new(
        reporter: &Reporter,
        policy_domain: &str,
        day: Date,
        unique_id: &str,
    ) -> Result<ReportBuilder, BuilderError> {
        let policy_domain = report_domain("policy-domain", policy_domain)?;
        let valid_id = !unique_id.is_empty()
            && unique_id.len() <= MAX_UNIQUE_ID_LENGTH
            && unique_id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid_id {
            return Err(BuilderError::InvalidUniqueId {
                value: unique_id.to_owned(),
            });
        }
        let out_of_range = BuilderError::DayOutOfRange { day };
        let start = Offset::UTC
            .to_timestamp(day.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|_| out_of_range.clone())?;
        let end = start.checked_add(DAY).map_err(|_| out_of_range.clone())?;
        if start.as_second() < 0 {
            return Err(out_of_range);
        }
        Ok(ReportBuilder {
            reporter: reporter.clone(),
            policy_domain,
            unique_id: unique_id.to_owned(),
            day,
            start,
            end,
            policies: Vec::new(),
        })
    }

    /// Returns the policy domain the report is about.
    pub fn policy_domain(&self) -> &str {
        &self.policy_domain
    }

    /// Returns the UTC day the report covers.
    pub fn day(&self) -> Date {
        self.day
    }

    /// Returns the report's date range: the day's `00:00:00Z` and the next day's `00:00:00Z`.
    pub fn date_range(&self) -> DateRange {
        DateRange {
            start: self.start,
            end: self.end,
        }
    }

    /// Counts `count` successful sessions at `at` under `policy`. A count of 0 only adds the
    /// policy to the report.
    ///
    /// # Errors
    ///
    /// Rejects a time outside the report's day and a total above [`MAX_SESSION_COUNT`]. The
    /// builder is unchanged after an error.
    pub fn record_success(
        &mut self,
        policy: &AppliedPolicy,
        at: Timestamp,
        count: u64,
    ) -> Result<(), BuilderError> {
        self.check_time(at)?;
        let index = self.entry_index(policy);
        let summary = &self.policies[index].summary;
        let total = checked_total(
            summary.total_successful_session_count,
            count,
            "total-successful-session-count",
        )?;
        self.policies[index].summary.total_successful_session_count = total;
        Ok(())
    }

    /// Counts a failure at `at` under `policy`. Its `failed_session_count` is the number of
    /// sessions, and a failure equal to an earlier one in every other member adds to that
    /// entry's count.
    ///
    /// Before comparing, an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) becomes the IPv4
    /// address, and `receiving_mx_hostname` is lower-cased without its trailing dot. The
    /// other strings are kept as given.
    ///
    /// # Errors
    ///
    /// Rejects a time outside the report's day, an unregistered result type, a count of 0, an
    /// empty string in an optional member, an MX host name that is not a domain name, an
    /// `additional_information` that is not a URI, and a count that would pass
    /// [`MAX_SESSION_COUNT`]. The builder is unchanged after an error.
    pub fn record_failure(
        &mut self,
        policy: &AppliedPolicy,
        at: Timestamp,
        failure: FailureDetail,
    ) -> Result<(), BuilderError> {
        self.check_time(at)?;
        let (key, count) = failure_key(failure)?;
        let index = self.entry_index(policy);
        let entry = &self.policies[index];
        let total = checked_total(
            entry.summary.total_failure_session_count,
            count,
            "total-failure-session-count",
        )?;
        let previous = entry.failures.get(&key).map_or(0, |known| known.sessions);
        let sessions = checked_total(previous, count, "failed-session-count")?;

        let entry = &mut self.policies[index];
        entry.summary.total_failure_session_count = total;
        let first_seen = entry.failures.len();
        entry
            .failures
            .entry(key)
            .or_insert(FailureCount {
                first_seen,
                sessions: 0,
            })
            .sessions = sessions;
        Ok(())
    }

    /// Builds the report from the sessions recorded so far. The builder can go on recording.
    pub fn build(&self) -> OutgoingReport {
        let policies = self.policies.iter().map(PolicyEntry::to_result).collect();
        let report = Report {
            organization_name: self.reporter.organization_name.clone(),
            date_range: self.date_range(),
            contact_info: Some(self.reporter.contact_info.clone()),
            report_id: self.report_id(),
            policies,
        };
        OutgoingReport {
            report,
            policy_domain: self.policy_domain.clone(),
            submitter: self.reporter.submitter.clone(),
            unique_id: self.unique_id.clone(),
        }
    }

    fn report_id(&self) -> String {
        format!(
            "{:04}{:02}{:02}.{}.{}@{}",
            self.day.year(),
            self.day.month(),
            self.day.day(),
            self.unique_id,
            self.policy_domain,
            self.reporter.submitter
        )
    }

    fn check_time(&self, at: Timestamp) -> Result<(), BuilderError> {
        if at < self.start || at >= self.end {
            return Err(BuilderError::OutsideDateRange {
                at,
                start: self.start,
                end: self.end,
            });
        }
        Ok(())
    }

    /// Returns the index of the entry for `policy`, adding one if needed. A report has few
    /// policies, so a linear search is enough.
    fn entry_index(&mut self, policy: &AppliedPolicy) -> usize {
        if let Some(index) = self.policies.iter().position(|e| e.policy == *policy) {
            return index;
        }
        self.policies.push(PolicyEntry {
            policy: policy.clone(),
            summary: Summary::default(),
            failures: HashMap::new(),
        });
        self.policies.len() - 1
    }
}

impl PolicyEntry {
    fn to_result(&self) -> PolicyResult {
        let mut failures: Vec<(&FailureKey, &FailureCount)> = self.failures.iter().collect();
        failures.sort_by_key(|(_, count)| count.first_seen);
        let failure_details = failures
            .into_iter()
            .map(|(key, count)| FailureDetail {
                result_type: key.result_type.clone(),
                sending_mta_ip: key.sending_mta_ip,
                receiving_mx_hostname: key.receiving_mx_hostname.clone(),
                receiving_mx_helo: key.receiving_mx_helo.clone(),
                receiving_ip: key.receiving_ip,
                failed_session_count: count.sessions,
                additional_information: key.additional_information.clone(),
                failure_reason_code: key.failure_reason_code.clone(),
            })
            .collect();
        PolicyResult {
            policy: self.policy.to_reported(),
            summary: self.summary,
            failure_details,
        }
    }
}

/// A finished report with what its file name and email need: the policy domain, the
/// submitter and the unique id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingReport {
    pub(crate) report: Report,
    pub(crate) policy_domain: String,
    pub(crate) submitter: String,
    pub(crate) unique_id: String,
}

impl OutgoingReport {
    /// Returns the report.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Returns the report, dropping the rest.
    pub fn into_report(self) -> Report {
        self.report
    }

    /// Returns the policy domain the report is about, for `TLS-Report-Domain`.
    pub fn policy_domain(&self) -> &str {
        &self.policy_domain
    }

    /// Returns the submitter, the domain of `contact-info`, for `TLS-Report-Submitter`.
    pub fn submitter(&self) -> &str {
        &self.submitter
    }

    /// Returns the unique id of the file name.
    pub fn unique_id(&self) -> &str {
        &self.unique_id
    }

    /// Returns the RFC 8460 §5.1 file name:
    /// `<submitter>!<policy-domain>!<start>!<end>!<unique-id>.json` or `.json.gz`.
    pub fn file_name(&self, extension: Extension) -> ReportFileName {
        let range = self.report.date_range;
        // Both timestamps are whole seconds from 1970 on, and every field was checked when the
        // builder was created, so the name is valid.
        ReportFileName::new(
            &self.submitter,
            &self.policy_domain,
            range.start.as_second().unsigned_abs(),
            range.end.as_second().unsigned_abs(),
            Some(&self.unique_id),
            extension,
        )
        .expect("the builder checked every field of the file name")
    }

    /// Writes the report as JSON, as [`Report::to_json`] does.
    pub fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// Writes the report JSON compressed with gzip (RFC 1952), the form RFC 8460 §5.2 asks
    /// for. The gzip header has no file name, a modification time of 0 and the operating
    /// system "unknown" (255), so the output depends only on the report and the `flate2`
    /// version.
    pub fn to_gzip(&self) -> Vec<u8> {
        let json = self.to_json();
        let mut encoder = GzBuilder::new()
            .mtime(0)
            .operating_system(255)
            .write(Vec::with_capacity(json.len() / 4), Compression::default());
        encoder
            .write_all(json.as_bytes())
            .expect("writing to a Vec cannot fail");
        encoder.finish().expect("writing to a Vec cannot fail")
    }
}

/// Adds `count` to `total`, keeping the result within [`MAX_SESSION_COUNT`].
fn checked_total(total: u64, count: u64, field: &'static str) -> Result<u64, BuilderError> {
    total
        .checked_add(count)
        .filter(|&sum| sum <= MAX_SESSION_COUNT)
        .ok_or(BuilderError::CountTooLarge { field })
}

/// Checks a failure and splits it into its identity and its count.
fn failure_key(failure: FailureDetail) -> Result<(FailureKey, u64), BuilderError> {
    if let ResultType::Other(value) = &failure.result_type {
        return Err(BuilderError::UnregisteredResultType {
            value: value.to_string(),
        });
    }
    if failure.failed_session_count == 0 {
        return Err(BuilderError::ZeroFailureCount);
    }
    let receiving_mx_hostname = match failure.receiving_mx_hostname {
        Some(host) => {
            non_empty(&host, "receiving-mx-hostname")?;
            Some(normalize_domain("receiving-mx-hostname", &host)?.into())
        }
        None => None,
    };
    if let Some(helo) = &failure.receiving_mx_helo {
        non_empty(helo, "receiving-mx-helo")?;
    }
    if let Some(code) = &failure.failure_reason_code {
        non_empty(code, "failure-reason-code")?;
    }
    if let Some(uri) = &failure.additional_information {
        non_empty(uri, "additional-information")?;
        if !is_uri_with_scheme(uri) {
            return Err(BuilderError::InvalidAdditionalInformation { value: uri.clone() });
        }
    }
    let key = FailureKey {
        result_type: failure.result_type,
        sending_mta_ip: failure.sending_mta_ip.map(|ip| ip.to_canonical()),
        receiving_mx_hostname,
        receiving_mx_helo: failure.receiving_mx_helo,
        receiving_ip: failure.receiving_ip.map(|ip| ip.to_canonical()),
        additional_information: failure.additional_information,
        failure_reason_code: failure.failure_reason_code,
    };
    Ok((key, failure.failed_session_count))
}

fn non_empty(value: &str, field: &'static str) -> Result<(), BuilderError> {
    if value.is_empty() {
        return Err(BuilderError::EmptyField { field });
    }
    Ok(())
}

/// Checks the shape of an RFC 3986 URI: a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`),
/// a colon, and then printable ASCII without spaces.
fn is_uri_with_scheme(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_valid = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_valid && !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic())
}

/// Normalises a domain for a report: drops one trailing dot, converts U-labels to A-labels,
/// lower-cases, and checks the RFC 5321 `Domain` grammar.
pub(crate) fn normalize_domain(field: &'static str, value: &str) -> Result<String, BuilderError> {
    let name = value.strip_suffix('.').unwrap_or(value);
    let name = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        to_a_label(name).unwrap_or_else(|| name.to_owned())
    };
    check_domain(&name).map_err(|error| BuilderError::InvalidDomain {
        field,
        value: value.to_owned(),
        error,
    })?;
    Ok(name)
}

/// Normalises a domain that the email subject names, which needs two or more labels.
fn report_domain(field: &'static str, value: &str) -> Result<String, BuilderError> {
    let name = normalize_domain(field, value)?;
    if !name.contains('.') {
        return Err(BuilderError::SingleLabelDomain {
            field,
            value: value.to_owned(),
        });
    }
    Ok(name)
}

/// Splits an RFC 5322 `addr-spec` into its local part and domain. The local part must be an
/// ASCII `dot-atom-text` or `quoted-string`; the domain is returned unchecked.
pub(crate) fn split_address(address: &str) -> Result<(&str, &str), String> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err("expected local-part@domain, found no \"@\"".to_owned());
    };
    if local.is_empty() {
        return Err("expected a local part before \"@\", found nothing".to_owned());
    }
    if domain.is_empty() {
        return Err("expected a domain after \"@\", found nothing".to_owned());
    }
    if let Some(quoted) = local.strip_prefix('"') {
        check_quoted_local_part(quoted)?;
    } else {
        check_dot_atom(local)?;
    }
    Ok((local, domain))
}

/// Checks the content of a quoted local part after its opening quote: printable ASCII,
/// spaces and backslash pairs, then the closing quote at the end.
fn check_quoted_local_part(quoted: &str) -> Result<(), String> {
    let bytes = quoted.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if i + 1 == bytes.len() => return Ok(()),
            b'"' => break,
            b'\\'
                if bytes
                    .get(i + 1)
                    .is_some_and(|b| *b == b' ' || b.is_ascii_graphic()) =>
            {
                i += 2;
            }
            b'\\' => break,
            b' ' => i += 1,
            b if b.is_ascii_graphic() => i += 1,
            _ => break,
        }
    }
    Err("expected a quoted local part of printable ASCII that ends at \"@\"".to_owned())
}

/// Checks RFC 5322 `dot-atom-text` in ASCII.
fn check_dot_atom(text: &str) -> Result<(), String> {
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if let Some(c) = text.chars().find(|&c| !atext(c) && c != '.') {
        return Err(format!(
            "expected ASCII letters, digits, dots or one of !#$%&'*+-/=?^_`{{|}}~ in the local \
             part, found {c:?}"
        ));
    }
    if text.split('.').any(str::is_empty) {
        return Err(format!(
            "expected a local part without a leading, trailing or doubled dot, found {text:?}"
        ));
    }
    Ok(())
}

/// Checks a TLSA record in presentation format and writes it with single spaces and
/// upper-case hex.
fn normalize_tlsa(record: &str) -> Result<String, BuilderError> {
    let invalid = |problem| BuilderError::InvalidTlsaRecord {
        value: record.to_owned(),
        problem,
    };
    let mut fields = record.split_ascii_whitespace();
    let mut numbers = [0u8; 3];
    for number in &mut numbers {
        let field = fields
            .next()
            .ok_or_else(|| invalid("expected usage, selector, matching type and data"))?;
        let valid = field.bytes().all(|b| b.is_ascii_digit());
        *number =
            field.parse().ok().filter(|_| valid).ok_or_else(|| {
                invalid("expected usage, selector and matching type from 0 to 255")
            })?;
    }
    let data: String = fields.collect();
    if data.is_empty() {
        return Err(invalid(
            "expected certificate association data after three numbers",
        ));
    }
    if !data.bytes().all(|b| b.is_ascii_hexdigit()) || !data.len().is_multiple_of(2) {
        return Err(invalid("expected the data as an even number of hex digits"));
    }
    let [usage, selector, matching_type] = numbers;
    Ok(format!(
        "{usage} {selector} {matching_type} {}",
        data.to_ascii_uppercase()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_tlsa_writes_presentation_format() {
        assert_eq!(
            normalize_tlsa("3  1 1 ab cd\tEF01").unwrap(),
            "3 1 1 ABCDEF01"
        );
        for (record, problem) in [
            ("3 1", "expected usage, selector, matching type and data"),
            (
                "3 1 1",
                "expected certificate association data after three numbers",
            ),
            (
                "256 1 1 AB",
                "expected usage, selector and matching type from 0 to 255",
            ),
            (
                "+3 1 1 AB",
                "expected usage, selector and matching type from 0 to 255",
            ),
            (
                "3 1 1 ABC",
                "expected the data as an even number of hex digits",
            ),
            (
                "3 1 1 (AB)",
                "expected the data as an even number of hex digits",
            ),
        ] {
            assert_eq!(
                normalize_tlsa(record),
                Err(BuilderError::InvalidTlsaRecord {
                    value: record.to_owned(),
                    problem
                }),
                "{record}"
            );
        }
    }

    #[test]
    fn split_address_checks_the_local_part() {
        assert_eq!(split_address("a.b@x.example"), Ok(("a.b", "x.example")));
        assert_eq!(
            split_address("\"a b\"@x.example"),
            Ok(("\"a b\"", "x.example"))
        );
        for address in [
            "x.example",
            "@x.example",
            "a@",
            "a..b@x.example",
            "a b@x.example",
        ] {
            assert!(split_address(address).is_err(), "{address}");
        }
        assert!(split_address("\"a\"b\"@x.example").is_err());
        assert!(split_address("\"a\\\"@x.example").is_err());
    }

    #[test]
    fn uri_check_needs_a_scheme() {
        assert!(is_uri_with_scheme("https://example.com/info?id=1"));
        assert!(is_uri_with_scheme("urn:x-example:1"));
        for uri in ["example.com", "1http://x", "https://a b", "https:", ":x"] {
            assert!(!is_uri_with_scheme(uri), "{uri}");
        }
    }

    #[test]
    fn normalize_domain_accepts_dns_forms() {
        assert_eq!(
            normalize_domain("f", "MX1.Example.COM.").unwrap(),
            "mx1.example.com"
        );
        assert_eq!(
            normalize_domain("f", "bücher.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert!(matches!(
            normalize_domain("f", "a..b"),
            Err(BuilderError::InvalidDomain { field: "f", .. })
        ));
    }
}
