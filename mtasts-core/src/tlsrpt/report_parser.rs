//! Reading TLS-RPT report JSON as real reporters send it.
//!
//! The JSON is read in one pass with serde into the typed model. Deviations from RFC 8460 §4 that
//! have a clear reading are accepted with a warning naming the JSON path; strict parsing
//! turns each into an error.
//!
//! # Deviations and leniency
//!
//! - `mx-host` as one string instead of an array (the RFC's own example does this; erratum
//!   6241), and `policy-string` as one string.
//! - `policy-string` as a one-element array whose element is the text of a JSON array of strings,
//!   as Microsoft sends TLSA records: the inner array is decoded.
//! - date-times without an offset (taken as UTC), with a space for `T`, or with second 60.
//! - an empty string or `null` for an optional field, which is treated as absent.
//! - a missing `contact-info`, `failure-details` or `policy-domain`, in every policy type. The
//!   Postfix report in the test corpus leaves `policy-domain` out of a `no-policy-found` policy.
//! - a missing `policy-string` or `mx-host`, read as an empty list without a diagnostic.
//!   RFC 8460 does not say what they hold for `no-policy-found`, and the Google and Microsoft
//!   reports in the test corpus leave `mx-host` out of `sts` policies.
//! - a `failure-details` entry with only `result-type` and `failed-session-count`, without a
//!   diagnostic. The RFC's own example leaves out `receiving-ip` and `failure-reason-code`, and
//!   `sts-policy-fetch-error` has no MX to name.
//! - `policies` as a single object instead of an array, and counts written as strings of
//!   digits.
//! - an invalid IP address, which is dropped, and unregistered `result-type` or
//!   `policy-type` values, which are kept. IPv6 addresses may be in any RFC 4291 text form,
//!   such as upper-case or uncompressed, and [`Report::to_json`] writes them in RFC 5952 form.
//!   IPv4 octets with leading zeros are invalid, as in the RFC 8460 §4.4 grammar.
//! - detail counts that add up to less than `total-failure-session-count`. Failure types may
//!   overlap (RFC 8460 §4), so this is an advisory warning, which strict parsing leaves a
//!   warning, as it does `date-range-not-a-day`.
//! - members the schema does not define, which are ignored. These include
//!   `additional-info-uri`, the name under which RFC 8460 §4.4 describes
//!   `additional-information`: only the schema keys are read.
//!
//! Member names must be unique in every object (RFC 7493 §2.3). Nesting deeper than 127 levels,
//! counting the report object as 1, is rejected by the JSON reader before it can exhaust the
//! stack, inside unknown members too.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::net::IpAddr;

use compact_str::CompactString;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Severity, Span};
use crate::domain::DomainError;
use crate::tlsrpt::datetime::{self, DateTimeQuirk};
use crate::tlsrpt::json_path::{self, Segment};
use crate::tlsrpt::report::{
    DateRange, FailureDetail, PolicyResult, PolicyType, Report, ReportedPolicy, ResultType, Summary,
};

/// Largest integer I-JSON represents exactly (RFC 7493 §2.2).
const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// Most issues recorded for one report. Each costs a few hundred bytes, so without a bound
/// a report of short deviations, such as many one-letter unknown members, would need far more
/// memory than its own size. Issues past the bound are counted in
/// [`ReportIssue::TooManyIssues`].
pub(crate) const MAX_ISSUES: usize = 10_000;

/// Problems in TLS-RPT report JSON. Each names the JSON path of the value, such as
/// `policies[0].policy.mx-host`; the root object's path is empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReportIssue {
    /// The text is not JSON.
    #[error("invalid JSON: {message}")]
    Json {
        /// What the JSON reader reported.
        message: String,
    },
    /// Objects and arrays nested deeper than the reader allows.
    #[error("JSON nesting is deeper than 127 levels")]
    NestingTooDeep,
    /// A member name appears twice in one object, which I-JSON forbids.
    #[error("duplicate member {key:?} in {}", display_path(.path))]
    DuplicateKey {
        /// Path of the object.
        path: String,
        /// The repeated name.
        key: String,
    },
    /// A value of the wrong JSON type.
    #[error("{}: expected {expected}, found {found}", display_path(.path))]
    InvalidType {
        /// Path of the value.
        path: String,
        /// The type the schema defines.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// A required member is missing.
    #[error("missing required member {:?}", .path)]
    MissingMember {
        /// Path the member should have.
        path: String,
    },
    /// A date-time that is not RFC 3339.
    #[error("{path}: invalid date-time {value:?}: expected RFC 3339, such as 2024-01-01T00:00:00Z")]
    InvalidDateTime {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// A count that is not a non-negative integer.
    #[error("{path}: invalid count {value}: expected a non-negative integer")]
    InvalidCount {
        /// Path of the value.
        path: String,
        /// The value as read: a string as sent, a number as the JSON reader converted it,
        /// such as `10` for `1e1`.
        value: String,
    },
    /// A count beyond 2^53 - 1, which JSON readers may not represent exactly.
    #[error("{path}: count {value} exceeds 2^53 - 1 and may not be exact in other readers")]
    CountTooLarge {
        /// Path of the value.
        path: String,
        /// The value.
        value: u64,
    },
    /// A count written as a string of digits.
    #[error("{path}: count written as the string {value:?}")]
    CountAsString {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// `mx-host` or `policy-string` as one string instead of an array of strings.
    #[error("{path}: expected an array of strings, found one string")]
    StringForArray {
        /// Path of the value.
        path: String,
    },
    /// `policy-string` holding the text of a JSON array, which was decoded.
    #[error("{path}: a string holds a JSON array of {count} strings, which were decoded")]
    JsonArrayInString {
        /// Path of the value.
        path: String,
        /// Number of strings decoded.
        count: usize,
    },
    /// `policies` as one object instead of an array of objects.
    #[error("{path}: expected an array of policies, found one object")]
    ObjectForArray {
        /// Path of the value.
        path: String,
    },
    /// A date-time without an offset, taken as UTC.
    #[error("{path}: date-time {value:?} has no time zone offset and is taken as UTC")]
    MissingTimeZone {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// A date-time with another accepted deviation.
    #[error("{path}: date-time {value:?} deviates from RFC 3339 ({quirk})")]
    DateTimeQuirk {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
        /// The deviation.
        quirk: &'static str,
    },
    /// An empty string for an optional member, treated as absent.
    #[error("{path}: empty string for an optional member, treated as absent")]
    EmptyString {
        /// Path of the value.
        path: String,
    },
    /// `null` for a member, treated as absent.
    #[error("{path}: null, treated as absent")]
    Null {
        /// Path of the value.
        path: String,
    },
    /// An optional member that RFC 8460 shows in every report, missing.
    #[error("missing member {path:?}, treated as empty")]
    MissingOptional {
        /// Path the member should have.
        path: String,
    },
    /// An IP address that does not parse, dropped.
    #[error("{path}: invalid IP address {value:?}, ignored")]
    InvalidIpAddress {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// A `policy-domain` that is not a domain name, kept as sent.
    #[error("{path}: policy domain {value:?} is not a valid domain name: {problem}")]
    InvalidPolicyDomain {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
        /// The reason the value is not a domain name.
        problem: String,
    },
    /// A `result-type` outside the IANA registry.
    #[error("{path}: unregistered result type {value:?}")]
    UnknownResultType {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// A `policy-type` other than `tlsa`, `sts` or `no-policy-found`.
    #[error("{path}: unknown policy type {value:?}")]
    UnknownPolicyType {
        /// Path of the value.
        path: String,
        /// The value as sent.
        value: String,
    },
    /// The per-type failure counts do not add up to the summary's total.
    #[error(
        "{path}: failure details add up to {sum} sessions but total-failure-session-count is {total}"
    )]
    CountMismatch {
        /// Path of the policy entry.
        path: String,
        /// `total-failure-session-count`.
        total: u64,
        /// Sum of `failed-session-count`.
        sum: u64,
    },
    /// The date range ends before it starts.
    #[error("{path}: end-datetime is before start-datetime")]
    EndBeforeStart {
        /// Path of the date range.
        path: String,
    },
    /// A member the schema does not define, ignored.
    #[error("{}: unknown member, ignored", display_path(.path))]
    UnknownMember {
        /// Path of the member.
        path: String,
    },
    /// A UTF-8 byte order mark before the JSON text, which RFC 8259 §8.1 does not allow.
    #[error("byte order mark before the JSON text")]
    ByteOrderMark,
    /// A noncharacter such as U+FFFF in the text, which I-JSON forbids (RFC 7493 §2.1).
    #[error("{count} noncharacter code points, the first U+{first:04X}")]
    Noncharacter {
        /// How many the text has.
        count: usize,
        /// The first one.
        first: u32,
    },
    /// A date range other than one whole UTC day, which RFC 8460 §4.1 asks reports to cover.
    #[error("{path}: the date range is not one UTC day")]
    DateRangeNotADay {
        /// Path of the date range.
        path: String,
    },
    /// More issues than the reader records. It is an error when any of those not recorded is.
    #[error("{omitted} more issues found from here on were counted but not recorded")]
    TooManyIssues {
        /// Number of issues not recorded.
        omitted: usize,
    },
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "the report" } else { path }
}

crate::codes::issue_codes! {
    ReportIssue {
        ReportIssue::Json { .. } => "invalid-json",
        ReportIssue::NestingTooDeep => "nesting-too-deep",
        ReportIssue::DuplicateKey { .. } => "duplicate-member",
        ReportIssue::InvalidType { .. } => "invalid-type",
        ReportIssue::MissingMember { .. } => "missing-member",
        ReportIssue::InvalidDateTime { .. } => "invalid-datetime",
        ReportIssue::InvalidCount { .. } => "invalid-count",
        ReportIssue::CountTooLarge { .. } => "count-too-large",
        ReportIssue::CountAsString { .. } => "count-as-string",
        ReportIssue::StringForArray { .. } => "string-for-array",
        ReportIssue::JsonArrayInString { .. } => "json-array-in-string",
        ReportIssue::ObjectForArray { .. } => "object-for-array",
        ReportIssue::MissingTimeZone { .. } => "missing-time-zone",
        ReportIssue::DateTimeQuirk { .. } => "datetime-format",
        ReportIssue::EmptyString { .. } => "empty-string",
        ReportIssue::Null { .. } => "null-member",
        ReportIssue::MissingOptional { .. } => "missing-optional-member",
        ReportIssue::InvalidIpAddress { .. } => "invalid-ip-address",
        ReportIssue::InvalidPolicyDomain { .. } => "invalid-policy-domain",
        ReportIssue::UnknownResultType { .. } => "unknown-result-type",
        ReportIssue::UnknownPolicyType { .. } => "unknown-policy-type",
        ReportIssue::CountMismatch { .. } => "count-mismatch",
        ReportIssue::EndBeforeStart { .. } => "end-before-start",
        ReportIssue::UnknownMember { .. } => "unknown-member",
        ReportIssue::TooManyIssues { .. } => "too-many-issues",
        ReportIssue::ByteOrderMark => "byte-order-mark",
        ReportIssue::Noncharacter { .. } => "noncharacter",
        ReportIssue::DateRangeNotADay { .. } => "date-range-not-a-day",
    }
}

impl ReportIssue {
    /// Returns `true` for warnings about valid reports: what RFC 8460 recommends but does not
    /// require, and counts that may legitimately disagree. Strict parsing leaves them warnings.
    pub(crate) fn is_advisory(&self) -> bool {
        matches!(
            self,
            ReportIssue::CountMismatch { .. } | ReportIssue::DateRangeNotADay { .. }
        )
    }

    pub(crate) fn is_warning(&self) -> bool {
        !matches!(
            self,
            ReportIssue::Json { .. }
                | ReportIssue::NestingTooDeep
                | ReportIssue::DuplicateKey { .. }
                | ReportIssue::InvalidType { .. }
                | ReportIssue::MissingMember { .. }
                | ReportIssue::InvalidDateTime { .. }
                | ReportIssue::InvalidCount { .. }
        )
    }

    /// Returns the JSON path the issue names, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            ReportIssue::Json { .. }
            | ReportIssue::NestingTooDeep
            | ReportIssue::TooManyIssues { .. }
            | ReportIssue::ByteOrderMark
            | ReportIssue::Noncharacter { .. } => None,
            ReportIssue::DuplicateKey { path, .. }
            | ReportIssue::InvalidType { path, .. }
            | ReportIssue::MissingMember { path }
            | ReportIssue::InvalidDateTime { path, .. }
            | ReportIssue::InvalidCount { path, .. }
            | ReportIssue::CountTooLarge { path, .. }
            | ReportIssue::CountAsString { path, .. }
            | ReportIssue::StringForArray { path }
            | ReportIssue::JsonArrayInString { path, .. }
            | ReportIssue::ObjectForArray { path }
            | ReportIssue::MissingTimeZone { path, .. }
            | ReportIssue::DateTimeQuirk { path, .. }
            | ReportIssue::EmptyString { path }
            | ReportIssue::Null { path }
            | ReportIssue::MissingOptional { path }
            | ReportIssue::InvalidIpAddress { path, .. }
            | ReportIssue::InvalidPolicyDomain { path, .. }
            | ReportIssue::UnknownResultType { path, .. }
            | ReportIssue::UnknownPolicyType { path, .. }
            | ReportIssue::CountMismatch { path, .. }
            | ReportIssue::EndBeforeStart { path }
            | ReportIssue::UnknownMember { path }
            | ReportIssue::DateRangeNotADay { path } => Some(path),
        }
    }

    pub(crate) fn hint(&self) -> Cow<'static, str> {
        match self {
            ReportIssue::Json { .. } => "check that the file is a whole, uncorrupted report".into(),
            ReportIssue::NestingTooDeep => "a report nests only a few levels deep".into(),
            ReportIssue::DuplicateKey { .. } => "keep one member with this name".into(),
            ReportIssue::InvalidType { .. } => {
                "see the report schema in RFC 8460 section 4.4".into()
            }
            ReportIssue::MissingMember { .. } => {
                "add the member; RFC 8460 section 4.4 requires it".into()
            }
            ReportIssue::InvalidDateTime { .. } | ReportIssue::MissingTimeZone { .. } => {
                "write RFC 3339 UTC times such as 2024-01-01T00:00:00Z".into()
            }
            ReportIssue::DateTimeQuirk { .. } => {
                "write RFC 3339 UTC times such as 2024-01-01T00:00:00Z".into()
            }
            ReportIssue::InvalidCount { .. }
            | ReportIssue::CountTooLarge { .. }
            | ReportIssue::CountAsString { .. } => "write counts as JSON integers".into(),
            ReportIssue::StringForArray { .. } => "write an array of strings, even for one".into(),
            ReportIssue::JsonArrayInString { .. } => {
                "write the strings themselves as the array's elements".into()
            }
            ReportIssue::ObjectForArray { .. } => "write an array of policies, even for one".into(),
            ReportIssue::EmptyString { .. } | ReportIssue::Null { .. } => {
                "leave out members that have no value".into()
            }
            ReportIssue::MissingOptional { .. } => {
                "include the member, empty if there is nothing to report".into()
            }
            ReportIssue::InvalidIpAddress { .. } => {
                "write IPv4 in dotted-decimal or IPv6 as RFC 5952 text".into()
            }
            ReportIssue::InvalidPolicyDomain { .. } => {
                "write the domain the policy was published for, such as \"example.com\"".into()
            }
            ReportIssue::UnknownResultType { .. } => {
                "use a result type registered in RFC 8460 section 4.3".into()
            }
            ReportIssue::UnknownPolicyType { .. } => {
                "use \"sts\", \"tlsa\" or \"no-policy-found\"".into()
            }
            ReportIssue::CountMismatch { .. } => {
                "failure types may overlap, but a smaller sum means details are missing".into()
            }
            ReportIssue::EndBeforeStart { .. } => "swap the two date-times".into(),
            ReportIssue::UnknownMember { .. } => {
                "the member is not part of the RFC 8460 schema".into()
            }
            ReportIssue::TooManyIssues { .. } => {
                "fix the issues listed, then validate the report again".into()
            }
            ReportIssue::ByteOrderMark => "save the report without a byte order mark".into(),
            ReportIssue::Noncharacter { .. } => {
                "remove the noncharacters; I-JSON text must not contain them".into()
            }
            ReportIssue::DateRangeNotADay { .. } => {
                "cover one UTC day: 00:00:00Z to the next day's 00:00:00Z or 23:59:59Z".into()
            }
        }
    }
}

impl Report {
    /// Reads report JSON leniently: the deviations real reporters make are accepted with a
    /// warning naming the JSON path. See [`Report::from_json_with`].
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the JSON is malformed or misses what the report needs.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::{PolicyType, Report};
    ///
    /// let json = std::fs::read("../testdata/corpus/report-google-no-policy-found.json").unwrap();
    /// let parsed = Report::from_json(&json).unwrap();
    /// let policy = &parsed.value.policies[0];
    /// assert_eq!(policy.policy.policy_type, PolicyType::NoPolicyFound);
    /// assert_eq!(policy.summary.total_successful_session_count, 48);
    /// assert_eq!(parsed.warnings[0].code(), "missing-optional-member");
    /// ```
    pub fn from_json(json: &[u8]) -> Result<Parsed<Report>, ParseError> {
        Report::from_json_with(json, ParseOptions::default())
    }

    /// Reads report JSON with the given options. With `options.strict`, every deviation from
    /// RFC 8460 §4.4 is an error.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic, errors and warnings, when any error is found.
    pub fn from_json_with(
        json: &[u8],
        options: ParseOptions,
    ) -> Result<Parsed<Report>, ParseError> {
        // RFC 8259 §8.1 does not allow a byte order mark, but lets readers ignore one.
        let offset = if json.starts_with(BYTE_ORDER_MARK) {
            3
        } else {
            0
        };
        let whole = json;
        let json = &whole[offset..];
        let shift = |span: Span| Span::new(span.start + offset, span.end + offset);
        let mut context = Context::default();
        // Valid UTF-8 is checked once here, so that the reader need not check every string.
        let result = match std::str::from_utf8(json) {
            Ok(text) => read_report(serde_json::de::StrRead::new(text), &mut context),
            Err(_) => read_report(serde_json::de::SliceRead::new(json), &mut context),
        };
        let mut diagnostics = Diagnostics::new(whole, options);
        if offset > 0 {
            diagnostics.push(ReportIssue::ByteOrderMark, Span::new(0, offset));
        }
        let mut locator = json_path::Locator::new(json);
        if let Err(error) = &result
            && !(context.rejected && context.fatal.is_none())
        {
            // The JSON reader stops at or after the end of the value it last read, so an error
            // about a value is placed at the value its path names, when the path is found.
            let span = context
                .fatal_value
                .take()
                .map(|segments| value_span(json, &mut locator, &segments))
                .filter(|span| !span.is_empty())
                .unwrap_or_else(|| error_span(json, error));
            let issue = match context.fatal.take() {
                // A number is shown as written, because the float it was read as can differ:
                // 18446744073709551616 reads back as 18446744073709552000.
                Some(ReportIssue::InvalidCount { path, value }) => {
                    let written = json
                        .get(span.start..span.end)
                        .filter(|text| text.first().is_some_and(|&b| b != b'"'))
                        .map(|text| String::from_utf8_lossy(text).into_owned());
                    ReportIssue::InvalidCount {
                        path,
                        value: written.unwrap_or(value),
                    }
                }
                Some(issue) => issue,
                None if error.to_string().starts_with("recursion limit exceeded") => {
                    ReportIssue::NestingTooDeep
                }
                None => ReportIssue::Json {
                    message: message_without_position(error),
                },
            };
            diagnostics.push_with_severity(issue.into(), shift(span), Severity::Error);
        }
        if let Some((start, count, first)) = find_noncharacters(json) {
            let issue = ReportIssue::Noncharacter { count, first };
            let width = char::from_u32(first).map_or(1, char::len_utf8);
            diagnostics.push(issue, shift(Span::new(start, start + width)));
        }
        let mut located: Vec<(ReportIssue, Span)> = Vec::with_capacity(context.found.len());
        for found in context.found {
            let span = value_span(json, &mut locator, &found.segments);
            located.push((found.issue, span));
        }
        // In input order, lines and columns are counted in one pass over the input.
        located.sort_by_key(|(_, span)| span.start);
        for (issue, span) in located {
            diagnostics.push(issue, shift(span));
        }
        if let Some(segments) = &context.first_omitted {
            let (start, _) = locator.locate(segments);
            let issue = ReportIssue::TooManyIssues {
                omitted: context.omitted,
            };
            if context.omitted_error {
                let span = shift(Span::at(start));
                diagnostics.push_with_severity(issue.into(), span, Severity::Error);
            } else {
                diagnostics.push(issue, shift(Span::at(start)));
            }
        }
        match result {
            Ok(report) => diagnostics.finish(report),
            Err(_) => Err(diagnostics.into_error()),
        }
    }
}

/// Returns the span of the value that `segments` names: the whole value, or only the first
/// byte of an object or array rather than all of it.
fn value_span(json: &[u8], locator: &mut json_path::Locator<'_>, segments: &[Segment]) -> Span {
    let (start, end) = locator.locate(segments);
    let end = if matches!(json.get(start), Some(b'{' | b'[')) {
        start + 1
    } else {
        end
    };
    Span::new(start, end)
}

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Finds the noncharacters of the text (U+FDD0 to U+FDEF, and the last two code points of
/// every plane), which RFC 7493 §2.1 forbids. Returns the offset of the first, the count and
/// the first one. All of them are encoded with a lead byte of 0xEF or above, so text without
/// such a byte, which is nearly every report, is passed over in one fast scan.
fn find_noncharacters(json: &[u8]) -> Option<(usize, usize, u32)> {
    // Every noncharacter is encoded with a lead byte of 0xEF or above, which ASCII text lacks.
    let has_candidates = !json.is_ascii()
        && json
            .chunks(256)
            .any(|chunk| chunk.iter().fold(0u8, |max, &b| max.max(b)) >= 0xEF);
    if !has_candidates {
        return None;
    }
    let text = std::str::from_utf8(json).ok()?;
    let mut found = None;
    let mut count = 0;
    for (offset, c) in text.char_indices() {
        let code = u32::from(c);
        if (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE {
            count += 1;
            found.get_or_insert((offset, code));
        }
    }
    found.map(|(offset, first)| (offset, count, first))
}

fn read_report<'de, R: serde_json::de::Read<'de>>(
    reader: R,
    context: &mut Context,
) -> Result<Report, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::new(reader);
    let report = ReportSeed(context).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(report)
}

/// Returns the byte range serde_json's error position points at: one byte at its line and
/// column, or the end of the input when the error is at the end.
fn error_span(json: &[u8], error: &serde_json::Error) -> Span {
    let line_start = if error.line() <= 1 {
        0
    } else {
        json.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(error.line() - 2)
            .map_or(json.len(), |(i, _)| i + 1)
    };
    // serde_json counts the column in bytes; column 0 means before the first byte of the line.
    let offset = (line_start + error.column().saturating_sub(1)).min(json.len());
    Span::new(offset, (offset + 1).min(json.len()))
}

fn message_without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    }
}

struct Found {
    issue: ReportIssue,
    segments: Vec<Segment>,
}

/// State shared by the visitors of one report: the current path and what was found.
#[derive(Default)]
struct Context {
    path: Vec<Segment>,
    found: Vec<Found>,
    /// The error that stopped reading, with the path where it happened.
    fatal: Option<ReportIssue>,
    /// Path of the value the fatal error is about, when it is about a value rather than a
    /// member name.
    fatal_value: Option<Vec<Segment>>,
    /// Set when reading stopped because of errors already in `found`.
    rejected: bool,
    /// Issues found after `found` reached [`MAX_ISSUES`], counted only.
    omitted: usize,
    /// Whether any of the omitted issues is an error.
    omitted_error: bool,
    /// Path of the first omitted issue.
    first_omitted: Option<Vec<Segment>>,
}

impl Context {
    fn path_string(&self) -> String {
        json_path::format(&self.path)
    }

    /// Replaces the last segment of the path, which the caller has pushed.
    fn set_last(&mut self, segment: Segment) {
        if let Some(last) = self.path.last_mut() {
            *last = segment;
        }
    }

    fn child_path(&self, key: &str) -> Vec<Segment> {
        let mut path = self.path.clone();
        path.push(Segment::Key(key.to_owned().into()));
        path
    }

    /// Records an issue about the value at the current path.
    fn record(&mut self, make: impl FnOnce(String) -> ReportIssue) {
        let issue = make(self.path_string());
        if self.omit(&issue) {
            return;
        }
        self.found.push(Found {
            issue,
            segments: self.path.clone(),
        });
    }

    /// Counts `issue` instead of storing it once [`MAX_ISSUES`] are stored, and returns
    /// whether it was counted only.
    fn omit(&mut self, issue: &ReportIssue) -> bool {
        if self.found.len() < MAX_ISSUES {
            return false;
        }
        self.omitted += 1;
        self.omitted_error |= !issue.is_warning();
        self.first_omitted.get_or_insert_with(|| self.path.clone());
        true
    }

    /// Records an issue about the member `key` of the current object, which may be missing.
    fn record_member(&mut self, key: &str, make: impl FnOnce(String) -> ReportIssue) {
        let segments = self.child_path(key);
        let issue = make(json_path::format(&segments));
        if self.omit(&issue) {
            return;
        }
        // A missing member is positioned at its parent object.
        let segments = self.path.clone();
        self.found.push(Found { issue, segments });
    }

    /// Stores an error that stops reading and returns the error to propagate.
    fn fail<E: de::Error>(&mut self, issue: ReportIssue) -> E {
        self.fatal = Some(issue);
        E::custom("report rejected")
    }

    /// Returns the error that stops reading after errors already recorded in `found`.
    fn reject<E: de::Error>(&mut self) -> E {
        self.rejected = true;
        E::custom("report rejected")
    }

    /// Stores an error about the value at the current path that stops reading, and returns
    /// the error to propagate.
    fn fail_at_value<E: de::Error>(&mut self, issue: ReportIssue) -> E {
        self.fatal_value = Some(self.path.clone());
        self.fail(issue)
    }

    fn invalid_type<E: de::Error>(&mut self, expected: &'static str, found: &'static str) -> E {
        let path = self.path_string();
        self.fail_at_value(ReportIssue::InvalidType {
            path,
            expected,
            found,
        })
    }
}

/// A member name, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Walks the members of one object: known names go to `on_member` with their index in
/// `known`, unknown names are skipped with a warning, and a repeated name stops reading.
/// Returns a bit set of the known members seen.
fn visit_members<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
    known: &'static [&'static str],
    mut on_member: impl FnMut(usize, &mut A, &mut Context) -> Result<(), A::Error>,
) -> Result<u32, A::Error> {
    let mut seen = 0u32;
    // Created at the first unknown member: most objects have none, and creating a set costs
    // a random seed.
    let mut unknown: Option<HashSet<String>> = None;
    // One path segment serves every member in turn, which costs less than a push and a pop
    // for each. Reading stops at any error, so the path is restored only on success.
    context.path.push(Segment::Index(0));
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        match known.iter().position(|k| *k == key) {
            Some(index) => {
                if seen & (1 << index) != 0 {
                    context.path.pop();
                    let path = context.path_string();
                    return Err(context.fail(ReportIssue::DuplicateKey {
                        path,
                        key: key.into(),
                    }));
                }
                seen |= 1 << index;
                context.set_last(Segment::Key(Cow::Borrowed(known[index])));
                on_member(index, map, context)?;
            }
            None => {
                let unknown = unknown.get_or_insert_with(HashSet::new);
                if unknown.contains(key.as_ref()) {
                    context.path.pop();
                    let path = context.path_string();
                    return Err(context.fail(ReportIssue::DuplicateKey {
                        path,
                        key: key.into(),
                    }));
                }
                context.set_last(Segment::Key(key.to_string().into()));
                context.record(|path| ReportIssue::UnknownMember { path });
                map.next_value_seed(SkipValue)?;
                unknown.insert(key.into_owned());
            }
        }
    }
    context.path.pop();
    Ok(seen)
}

/// Skips one value of any type. Unlike [`IgnoredAny`], which serde_json skips with a loop that
/// has no depth limit, it enters arrays and objects one level at a time, so that the JSON
/// reader's nesting limit applies inside unknown members too.
struct SkipValue;

impl<'de> DeserializeSeed<'de> for SkipValue {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SkipValue {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(SkipValue)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value_seed(SkipValue)?;
        }
        Ok(())
    }
}

/// Reads a string that must be present and not null, and converts it with `convert`, which
/// may record issues about the value.
fn required_string<'de, A: MapAccess<'de>, T>(
    map: &mut A,
    context: &mut Context,
    convert: impl FnOnce(&str, &mut Context) -> Option<T>,
) -> Result<Option<T>, A::Error> {
    map.next_value_seed(StringSeed {
        context,
        optional: false,
        convert,
    })
}

/// Reads an optional string and converts it with `convert`, which may record issues about
/// the value. `""` and `null` become `None` with a warning.
fn optional_string<'de, A: MapAccess<'de>, T>(
    map: &mut A,
    context: &mut Context,
    convert: impl FnOnce(&str, &mut Context) -> Option<T>,
) -> Result<Option<T>, A::Error> {
    map.next_value_seed(StringSeed {
        context,
        optional: true,
        convert,
    })
}

/// Writes the `visit_bool`, `visit_u64`, `visit_i64` and `visit_f64` methods of a visitor with
/// a `context` field that accepts none of those types: each fails with
/// [`ReportIssue::InvalidType`], naming `$expected`.
macro_rules! reject_numbers_and_booleans {
    ($expected:literal) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.context.invalid_type($expected, "a boolean"))
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.context.invalid_type($expected, "a number"))
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.context.invalid_type($expected, "a number"))
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.context.invalid_type($expected, "a number"))
        }
    };
}

/// Seed for [`required_string`] and [`optional_string`]. A value of another JSON type stops
/// reading with [`ReportIssue::InvalidType`].
struct StringSeed<'c, F> {
    context: &'c mut Context,
    optional: bool,
    convert: F,
}

impl<'de, T, F: FnOnce(&str, &mut Context) -> Option<T>> DeserializeSeed<'de>
    for StringSeed<'_, F>
{
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T, F: FnOnce(&str, &mut Context) -> Option<T>> Visitor<'de> for StringSeed<'_, F> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<T>, E> {
        if self.optional && v.is_empty() {
            self.context
                .record(|path| ReportIssue::EmptyString { path });
            return Ok(None);
        }
        Ok((self.convert)(v, self.context))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        if !self.optional {
            return Err(self.context.invalid_type("a string", "null"));
        }
        self.context.record(|path| ReportIssue::Null { path });
        Ok(None)
    }

    reject_numbers_and_booleans!("a string");

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Option<T>, A::Error> {
        Err(self.context.invalid_type("a string", "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Option<T>, A::Error> {
        Err(self.context.invalid_type("a string", "an object"))
    }
}

/// Reads a string that must be present and not null as an owned `String`.
fn required_owned<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
) -> Result<Option<String>, A::Error> {
    required_string(map, context, |text, _| Some(text.to_owned()))
}

/// Reads an optional string as an owned `String`.
fn optional_owned<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
) -> Result<Option<String>, A::Error> {
    optional_string(map, context, |text, _| Some(text.to_owned()))
}

/// Reads an optional string into `slot`, which `""` and `null` leave unchanged. Writing in
/// place saves copying the value out through the JSON reader, thousands of times per report.
fn optional_compact<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
    slot: &mut Option<CompactString>,
) -> Result<(), A::Error> {
    optional_string(map, context, |text, _| {
        *slot = Some(CompactString::from(text));
        Some(())
    })?;
    Ok(())
}

/// Reads an optional IP address into `slot`, which `""`, `null` and an invalid address leave
/// unchanged. The value is written in place, as in [`optional_compact`].
fn ip_address<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
    slot: &mut Option<IpAddr>,
) -> Result<(), A::Error> {
    optional_string(map, context, |text, context| {
        match crate::ip::parse_ip(text) {
            Some(ip) => *slot = Some(ip),
            None => context.record(|path| ReportIssue::InvalidIpAddress {
                path,
                value: text.to_owned(),
            }),
        }
        Some(())
    })?;
    Ok(())
}

/// Reads a session count: a non-negative integer, or with a warning a string of digits.
fn count<'de, A: MapAccess<'de>>(map: &mut A, context: &mut Context) -> Result<u64, A::Error> {
    map.next_value_seed(CountSeed(context))
}

/// Seed for [`count`].
struct CountSeed<'c>(&'c mut Context);

impl CountSeed<'_> {
    /// Records [`ReportIssue::CountTooLarge`] when other JSON readers may not represent `value`
    /// exactly, and returns `value`.
    #[inline]
    fn checked(self, value: u64) -> u64 {
        if value > MAX_EXACT_INTEGER {
            self.0
                .record(|path| ReportIssue::CountTooLarge { path, value });
        }
        value
    }

    /// Stores a [`ReportIssue::InvalidCount`] that stops reading, and returns the error to
    /// propagate.
    fn invalid<E: de::Error>(self, value: String) -> E {
        let path = self.0.path_string();
        self.0
            .fail_at_value(ReportIssue::InvalidCount { path, value })
    }
}

impl<'de> DeserializeSeed<'de> for CountSeed<'_> {
    type Value = u64;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CountSeed<'_> {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(self.checked(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(self.checked(v)),
            Err(_) => Err(self.invalid(v.to_string())),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        Err(self.invalid(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        if v.is_empty() || v.len() > 19 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.invalid(format!("{v:?}")));
        }
        let n = v.parse::<u64>().unwrap_or(u64::MAX);
        self.0.record(|path| ReportIssue::CountAsString {
            path,
            value: v.to_owned(),
        });
        Ok(self.checked(n))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<u64, E> {
        Err(self.0.invalid_type("an integer", "a boolean"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Err(self.0.invalid_type("an integer", "null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(self.0.invalid_type("an integer", "an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(self.0.invalid_type("an integer", "an object"))
    }
}

fn date_time<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
) -> Result<Option<jiff::Timestamp>, A::Error> {
    required_string(map, context, |text, context| {
        let Some((timestamp, quirks)) = datetime::parse(text) else {
            context.record(|path| ReportIssue::InvalidDateTime {
                path,
                value: text.to_owned(),
            });
            return None;
        };
        for quirk in quirks {
            let value = text.to_string();
            context.record(|path| match quirk {
                DateTimeQuirk::MissingOffset => ReportIssue::MissingTimeZone { path, value },
                DateTimeQuirk::SpaceSeparator => ReportIssue::DateTimeQuirk {
                    path,
                    value,
                    quirk: "space instead of T",
                },
                DateTimeQuirk::LeapSecond => ReportIssue::DateTimeQuirk {
                    path,
                    value,
                    quirk: "leap second read as :59",
                },
            });
        }
        Some(timestamp)
    })
}

/// Reads an array of strings, accepting one string (with a warning) and, for `policy-string`,
/// one string that holds a JSON array.
struct StringsSeed<'c> {
    context: &'c mut Context,
    decode_inner_array: bool,
}

impl<'de> DeserializeSeed<'de> for StringsSeed<'_> {
    type Value = Vec<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<String>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringsSeed<'_> {
    type Value = Vec<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<String>, E> {
        self.context
            .record(|path| ReportIssue::StringForArray { path });
        Ok(vec![v.to_owned()])
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<String>, E> {
        self.context.record(|path| ReportIssue::Null { path });
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut strings = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        let mut index = 0;
        loop {
            self.context.path.push(Segment::Index(index));
            let element = seq.next_element_seed(StringSeed {
                context: self.context,
                optional: false,
                convert: |text: &str, _: &mut Context| Some(text.to_owned()),
            })?;
            self.context.path.pop();
            let Some(text) = element else {
                break;
            };
            // The conversion above never returns `None`, so every element is kept.
            strings.extend(text);
            index += 1;
        }
        if self.decode_inner_array
            && let [only] = strings.as_slice()
            && only.trim_start().starts_with('[')
            && let Ok(inner) = serde_json::from_str::<Vec<String>>(only)
        {
            let count = inner.len();
            self.context
                .record(|path| ReportIssue::JsonArrayInString { path, count });
            return Ok(inner);
        }
        Ok(strings)
    }

    reject_numbers_and_booleans!("an array of strings");

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Vec<String>, A::Error> {
        Err(self
            .context
            .invalid_type("an array of strings", "an object"))
    }
}

fn strings<'de, A: MapAccess<'de>>(
    map: &mut A,
    context: &mut Context,
    decode_inner_array: bool,
) -> Result<Vec<String>, A::Error> {
    map.next_value_seed(StringsSeed {
        context,
        decode_inner_array,
    })
}

const REPORT_MEMBERS: &[&str] = &[
    "organization-name",
    "date-range",
    "contact-info",
    "report-id",
    "policies",
];

struct ReportSeed<'c>(&'c mut Context);

impl<'de> DeserializeSeed<'de> for ReportSeed<'_> {
    type Value = Report;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Report, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ReportSeed<'_> {
    type Value = Report;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a report object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Report, A::Error> {
        let context = self.0;
        let mut organization_name = None;
        let mut date_range = None;
        let mut contact_info = None;
        let mut report_id = None;
        let mut policies = None;
        let seen = visit_members(&mut map, context, REPORT_MEMBERS, |index, map, context| {
            match index {
                0 => organization_name = required_owned(map, context)?,
                1 => date_range = map.next_value_seed(DateRangeSeed(context))?,
                2 => contact_info = optional_owned(map, context)?,
                3 => report_id = required_owned(map, context)?,
                _ => policies = Some(map.next_value_seed(PoliciesSeed(context))?),
            }
            Ok(())
        })?;
        if seen & (1 << 2) == 0 {
            context.record_member("contact-info", |path| ReportIssue::MissingOptional { path });
        }
        let organization_name = require(context, organization_name, "organization-name");
        let report_id = require(context, report_id, "report-id");
        let policies = require(context, policies, "policies");
        let date_range = match (seen & (1 << 1) != 0, date_range) {
            (_, Some(range)) => Some(range),
            (false, None) => require(context, None, "date-range"),
            (true, None) => None,
        };
        match (organization_name, date_range, report_id, policies) {
            (Some(organization_name), Some(date_range), Some(report_id), Some(policies)) => {
                Ok(Report {
                    organization_name,
                    date_range,
                    contact_info,
                    report_id,
                    policies,
                })
            }
            _ => Err(context.reject()),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Report, A::Error> {
        Err(self.0.invalid_type("a report object", "an array"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "a string"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "a number"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "a number"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "a boolean"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Report, E> {
        Err(self.0.invalid_type("a report object", "null"))
    }
}

/// Returns `value`, or records a missing required member and returns `None`. Reading goes on,
/// so that one pass finds every missing member; the caller rejects the report at the end.
fn require<T>(context: &mut Context, value: Option<T>, key: &'static str) -> Option<T> {
    if value.is_none() {
        context.record_member(key, |path| ReportIssue::MissingMember { path });
    }
    value
}

/// Generates a `DeserializeSeed` that reads an object with `$visit` and rejects every other
/// JSON type with [`ReportIssue::InvalidType`]. In the `push` form the seed also borrows a
/// vector, `$visit` adds what it reads to it, and the seed returns whether it read a value.
/// A large value is then built in its place in the vector and never moved through the layers
/// of the JSON reader.
macro_rules! object_seed {
    ($seed:ident, $value:ty, $expected:literal, $visit:ident) => {
        struct $seed<'c>(&'c mut Context);

        object_seed!(@impl $seed, $value, $expected, |seed: $seed<'_>, map| $visit(map, seed.0));
    };
    ($seed:ident, push $item:ty, $expected:literal, $visit:ident) => {
        struct $seed<'c>(&'c mut Context, &'c mut Vec<$item>);

        object_seed!(@impl $seed, bool, $expected, |seed: $seed<'_>, map| {
            $visit(map, seed.0, seed.1)
        });
    };
    (@impl $seed:ident, $value:ty, $expected:literal, $visit_map:expr) => {
        impl<'de> DeserializeSeed<'de> for $seed<'_> {
            type Value = $value;

            fn deserialize<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<$value, D::Error> {
                deserializer.deserialize_any(self)
            }
        }

        impl<'de> Visitor<'de> for $seed<'_> {
            type Value = $value;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($expected)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$value, A::Error> {
                ($visit_map)(self, map)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<$value, A::Error> {
                Err(self.0.invalid_type($expected, "an array"))
            }

            fn visit_str<E: de::Error>(self, _: &str) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "a string"))
            }

            fn visit_u64<E: de::Error>(self, _: u64) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "a number"))
            }

            fn visit_i64<E: de::Error>(self, _: i64) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "a number"))
            }

            fn visit_f64<E: de::Error>(self, _: f64) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "a number"))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "a boolean"))
            }

            fn visit_unit<E: de::Error>(self) -> Result<$value, E> {
                Err(self.0.invalid_type($expected, "null"))
            }
        }
    };
}

object_seed!(
    DateRangeSeed,
    Option<DateRange>,
    "a date-range object",
    visit_date_range
);
object_seed!(
    PolicyResultSeed,
    Option<PolicyResult>,
    "a policy object",
    visit_policy_result
);
object_seed!(
    ReportedPolicySeed,
    Option<ReportedPolicy>,
    "a policy object",
    visit_policy
);
object_seed!(
    SummarySeed,
    Option<Summary>,
    "a summary object",
    visit_summary
);
object_seed!(
    DetailSeed,
    push FailureDetail,
    "a failure-details object",
    visit_detail
);

const DATE_RANGE_MEMBERS: &[&str] = &["start-datetime", "end-datetime"];

fn visit_date_range<'de, A: MapAccess<'de>>(
    mut map: A,
    context: &mut Context,
) -> Result<Option<DateRange>, A::Error> {
    let mut start = None;
    let mut end = None;
    let seen = visit_members(
        &mut map,
        context,
        DATE_RANGE_MEMBERS,
        |index, map, context| {
            let value = date_time(map, context)?;
            if index == 0 {
                start = value
            } else {
                end = value
            }
            Ok(())
        },
    )?;
    for (bit, key) in DATE_RANGE_MEMBERS.iter().enumerate() {
        if seen & (1 << bit) == 0 {
            context.record_member(key, |path| ReportIssue::MissingMember { path });
        }
    }
    let (Some(start), Some(end)) = (start, end) else {
        return Ok(None);
    };
    if end < start {
        context.record(|path| ReportIssue::EndBeforeStart { path });
    } else if !is_one_utc_day(start, end) {
        context.record(|path| ReportIssue::DateRangeNotADay { path });
    }
    Ok(Some(DateRange { start, end }))
}

/// Returns `true` when the range starts at a UTC midnight and ends at the next one or one
/// second before it, the two forms reporters use for "00:00-24:00".
fn is_one_utc_day(start: jiff::Timestamp, end: jiff::Timestamp) -> bool {
    const DAY: i64 = 86_400;
    let (start, end) = (start.as_second(), end.as_second());
    start.rem_euclid(DAY) == 0 && (end - start == DAY || end - start == DAY - 1)
}

/// Reads `policies`: an array of policy entries, or with a warning a single entry.
struct PoliciesSeed<'c>(&'c mut Context);

impl<'de> DeserializeSeed<'de> for PoliciesSeed<'_> {
    type Value = Vec<PolicyResult>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<PolicyResult>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PoliciesSeed<'_> {
    type Value = Vec<PolicyResult>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of policies")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<PolicyResult>, A::Error> {
        let context = self.0;
        let mut policies = Vec::new();
        let mut complete = true;
        let mut index = 0;
        loop {
            context.path.push(Segment::Index(index));
            let element = seq.next_element_seed(PolicyResultSeed(context))?;
            context.path.pop();
            match element {
                None => break,
                Some(Some(policy)) => policies.push(policy),
                Some(None) => complete = false,
            }
            index += 1;
        }
        if complete {
            Ok(policies)
        } else {
            Err(context.reject())
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<PolicyResult>, A::Error> {
        self.0.record(|path| ReportIssue::ObjectForArray { path });
        self.0.path.push(Segment::Index(0));
        let policy = visit_policy_result(map, self.0)?;
        self.0.path.pop();
        match policy {
            Some(policy) => Ok(vec![policy]),
            None => Err(self.0.reject()),
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "a string"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "a number"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "a number"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "a boolean"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<PolicyResult>, E> {
        Err(self.0.invalid_type("an array of policies", "null"))
    }
}

const POLICY_RESULT_MEMBERS: &[&str] = &["policy", "summary", "failure-details"];

fn visit_policy_result<'de, A: MapAccess<'de>>(
    mut map: A,
    context: &mut Context,
) -> Result<Option<PolicyResult>, A::Error> {
    let mut policy = None;
    let mut summary = None;
    let mut details = None;
    let seen = visit_members(
        &mut map,
        context,
        POLICY_RESULT_MEMBERS,
        |index, map, context| {
            match index {
                0 => policy = map.next_value_seed(ReportedPolicySeed(context))?,
                1 => summary = map.next_value_seed(SummarySeed(context))?,
                _ => details = Some(map.next_value_seed(DetailsSeed(context))?),
            }
            Ok(())
        },
    )?;
    if seen & 1 == 0 {
        context.record_member("policy", |path| ReportIssue::MissingMember { path });
    }
    if seen & 2 == 0 {
        context.record_member("summary", |path| ReportIssue::MissingMember { path });
    }
    if seen & 4 == 0 {
        context.record_member("failure-details", |path| ReportIssue::MissingOptional {
            path,
        });
    }
    let failure_details = match details {
        None => Vec::new(),
        Some(Some(details)) => details,
        Some(None) => return Ok(None),
    };
    let (Some(policy), Some(summary)) = (policy, summary) else {
        return Ok(None);
    };
    let sum = failure_details
        .iter()
        .fold(0u64, |sum, d| sum.saturating_add(d.failed_session_count));
    let total = summary.total_failure_session_count;
    // Failure types may overlap (RFC 8460 §4), so only a smaller sum means missing details.
    if sum < total && !failure_details.is_empty() {
        context.record(|path| ReportIssue::CountMismatch { path, total, sum });
    }
    Ok(Some(PolicyResult {
        policy,
        summary,
        failure_details,
    }))
}

const POLICY_MEMBERS: &[&str] = &["policy-type", "policy-string", "policy-domain", "mx-host"];

fn visit_policy<'de, A: MapAccess<'de>>(
    mut map: A,
    context: &mut Context,
) -> Result<Option<ReportedPolicy>, A::Error> {
    let mut policy_type = None;
    let mut policy_string = Vec::new();
    let mut policy_domain = None;
    let mut mx_host = Vec::new();
    let seen = visit_members(&mut map, context, POLICY_MEMBERS, |index, map, context| {
        match index {
            0 => {
                policy_type = required_string(map, context, |text, context| {
                    let parsed = PolicyType::from_value(text);
                    if let PolicyType::Other(other) = &parsed {
                        let value = other.to_string();
                        context.record(|path| ReportIssue::UnknownPolicyType { path, value });
                    }
                    Some(parsed)
                })?;
            }
            1 => policy_string = strings(map, context, true)?,
            2 => {
                policy_domain = optional_owned(map, context)?;
                if let Some(domain) = &policy_domain {
                    check_policy_domain(domain, context);
                }
            }
            _ => mx_host = strings(map, context, false)?,
        }
        Ok(())
    })?;
    let Some(policy_type) = require(context, policy_type, "policy-type") else {
        return Ok(None);
    };
    if seen & (1 << 2) == 0 {
        context.record_member("policy-domain", |path| ReportIssue::MissingOptional {
            path,
        });
    }
    Ok(Some(ReportedPolicy {
        policy_type,
        policy_string,
        policy_domain,
        mx_host,
    }))
}

/// Warns when `domain` is not a domain name (RFC 8460 §4.4: the `policy-domain` is the
/// domain the policy was published for). One trailing dot and U-labels that convert to
/// A-labels are accepted. The value is kept as sent, so that a summary still groups by it.
fn check_policy_domain(domain: &str, context: &mut Context) {
    let name = domain.strip_suffix('.').unwrap_or(domain);
    let problem = match crate::domain::check_domain(name) {
        Ok(())
        | Err(DomainError::NonAscii {
            a_label: Some(_), ..
        }) => return,
        Err(error) => error.to_string(),
    };
    context.record(|path| ReportIssue::InvalidPolicyDomain {
        path,
        value: domain.to_owned(),
        problem,
    });
}

const SUMMARY_MEMBERS: &[&str] = &[
    "total-successful-session-count",
    "total-failure-session-count",
];

fn visit_summary<'de, A: MapAccess<'de>>(
    mut map: A,
    context: &mut Context,
) -> Result<Option<Summary>, A::Error> {
    let mut summary = Summary::default();
    let seen = visit_members(&mut map, context, SUMMARY_MEMBERS, |index, map, context| {
        let value = count(map, context)?;
        if index == 0 {
            summary.total_successful_session_count = value;
        } else {
            summary.total_failure_session_count = value;
        }
        Ok(())
    })?;
    for (bit, key) in SUMMARY_MEMBERS.iter().enumerate() {
        if seen & (1 << bit) == 0 {
            context.record_member(key, |path| ReportIssue::MissingMember { path });
        }
    }
    Ok((seen == 0b11).then_some(summary))
}

/// Reads `failure-details`: an array of details, or with a warning `null`.
struct DetailsSeed<'c>(&'c mut Context);

impl<'de> DeserializeSeed<'de> for DetailsSeed<'_> {
    type Value = Option<Vec<FailureDetail>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DetailsSeed<'_> {
    type Value = Option<Vec<FailureDetail>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of failure details")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let context = self.0;
        let mut details = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        let mut complete = true;
        let mut index = 0;
        // As in `visit_members`, one path segment serves every element in turn.
        context.path.push(Segment::Index(0));
        loop {
            context.set_last(Segment::Index(index));
            let element = seq.next_element_seed(DetailSeed(context, &mut details))?;
            match element {
                None => break,
                Some(read) => complete &= read,
            }
            index += 1;
        }
        context.path.pop();
        Ok(complete.then_some(details))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.record(|path| ReportIssue::Null { path });
        Ok(Some(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self
            .0
            .invalid_type("an array of failure details", "an object"))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(self
            .0
            .invalid_type("an array of failure details", "a string"))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Err(self
            .0
            .invalid_type("an array of failure details", "a number"))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Err(self
            .0
            .invalid_type("an array of failure details", "a number"))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Err(self
            .0
            .invalid_type("an array of failure details", "a number"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Err(self
            .0
            .invalid_type("an array of failure details", "a boolean"))
    }
}

const DETAIL_MEMBERS: &[&str] = &[
    "result-type",
    "sending-mta-ip",
    "receiving-mx-hostname",
    "receiving-mx-helo",
    "receiving-ip",
    "failed-session-count",
    "additional-information",
    "failure-reason-code",
];

/// Reads one failure detail onto the end of `details`, and returns whether it was complete;
/// an incomplete detail is not kept.
fn visit_detail<'de, A: MapAccess<'de>>(
    mut map: A,
    context: &mut Context,
    details: &mut Vec<FailureDetail>,
) -> Result<bool, A::Error> {
    // Filled in where it stays: a detail is large, and moving each of thousands costs more
    // than reading most of its members.
    let at = details.len();
    details.push(FailureDetail::new(ResultType::ValidationFailure, 0));
    let detail = &mut details[at];
    let seen = visit_members(&mut map, context, DETAIL_MEMBERS, |index, map, context| {
        match index {
            0 => {
                let result_type = required_string(map, context, |text, context| {
                    let parsed = ResultType::from_value(text);
                    if let ResultType::Other(other) = &parsed {
                        let value = other.to_string();
                        context.record(|path| ReportIssue::UnknownResultType { path, value });
                    }
                    Some(parsed)
                })?;
                if let Some(result_type) = result_type {
                    detail.result_type = result_type;
                }
            }
            1 => ip_address(map, context, &mut detail.sending_mta_ip)?,
            2 => optional_compact(map, context, &mut detail.receiving_mx_hostname)?,
            3 => optional_compact(map, context, &mut detail.receiving_mx_helo)?,
            4 => ip_address(map, context, &mut detail.receiving_ip)?,
            5 => detail.failed_session_count = count(map, context)?,
            6 => {
                detail.additional_information = optional_owned(map, context)?;
            }
            _ => optional_compact(map, context, &mut detail.failure_reason_code)?,
        }
        Ok(())
    })?;
    // A member that is present has set its field, because any error in it stops reading.
    if seen & 1 == 0 {
        context.record_member("result-type", |path| ReportIssue::MissingMember { path });
    }
    if seen & (1 << 5) == 0 {
        context.record_member("failed-session-count", |path| ReportIssue::MissingMember {
            path,
        });
    }
    if seen & 1 == 0 || seen & (1 << 5) == 0 {
        details.truncate(at);
        return Ok(false);
    }
    // RFC 8460 §4.3.1 and §4.3.3 say reporters should give a failure-reason-code for
    // certificate-not-trusted and validation-failure. Google's reports leave it out, and a
    // warning on every one of them would bury the ones that matter, so none is given.
    Ok(true)
}
