//! Parsing policy text into a [`Policy`], with positioned diagnostics.
//!
//! The grammar of RFC 8461 §3.2, in short:
//!
//! ```text
//! sts-policy-record      = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP)
//!                          [sts-policy-term]
//! sts-policy-field-delim = ":" *WSP
//! sts-policy-term        = LF / CRLF
//! sts-policy-max-age-value = 1*10(DIGIT)
//! ```
//!
//! # Deviations and leniency
//!
//! Each of these is accepted with a warning, and strict parsing rejects it:
//!
//! - one UTF-8 byte order mark at the start (`byte-order-mark`);
//! - empty or blank lines, including extra line breaks at the end (`blank-line`);
//! - lines starting with `#` (`comment-line`), skipped so that the next field keeps its name;
//! - whitespace at the start of a line (`leading-whitespace`) or before `:`
//!   (`space-before-colon`);
//! - one trailing dot on an `mx` value, which is removed (`mx-trailing-dot`);
//! - a repeated `version`, `mode` or `max_age`: the first occurrence is used, as RFC 8461 §3.2
//!   requires (`duplicate-field`);
//! - `max_age` above 31557600, which is clamped to 31557600 (`max-age-clamped`). The ABNF
//!   allows 10 digits but the prose caps the value (erratum 7282), and clamping keeps the
//!   domain protected where rejecting would drop the policy.
//!
//! An invalid `mx` value makes the whole policy invalid rather than being dropped, because a
//! sender that drops it could reject mail for a host the domain meant to allow.

use std::borrow::Cow;

use nom::IResult;
use nom::bytes::complete::{take_till, take_while};
use nom::character::complete::char;
use smallvec::SmallVec;

use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::domain::{self, DomainError};
use crate::public_suffix;
use crate::sts::mx_overlap::{MxSeen, Overlap};
use crate::sts::pattern::{MxPattern, PatternError};
use crate::sts::policy::{self, KNOWN_FIELDS, MAX_MAX_AGE, MAX_POLICY_SIZE, Mode, Policy};
use crate::sts::policy_fast;
use crate::sts::record::Extension;
use crate::txt::is_wsp;

type NomResult<'a, T> = IResult<&'a [u8], T, ()>;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";
pub(crate) const SECONDS_PER_DAY: u32 = 86_400;

/// A field a policy must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequiredField {
    /// `version: STSv1`.
    Version,
    /// `mode`.
    Mode,
    /// `max_age`.
    MaxAge,
    /// At least one `mx`, unless the mode is `none`.
    Mx,
}

impl RequiredField {
    /// Returns the field name as written in a policy.
    pub fn name(self) -> &'static str {
        match self {
            RequiredField::Version => "version",
            RequiredField::Mode => "mode",
            RequiredField::MaxAge => "max_age",
            RequiredField::Mx => "mx",
        }
    }
}

/// Problems in policy text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyIssue {
    /// The body exceeds [`MAX_POLICY_SIZE`] and was not parsed.
    #[error("policy of {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// Size of the body in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Bytes that are not UTF-8.
    #[error("{}", match .encoding {
        Some(encoding) => format!("policy is {encoding}, not UTF-8"),
        None => "policy is not valid UTF-8".to_owned(),
    })]
    InvalidUtf8 {
        /// The encoding the body is recognisably in and how it shows, such as
        /// `UTF-16 (it starts with a UTF-16 byte order mark)`: a file saved as "Unicode" by
        /// some Windows editors is UTF-16.
        encoding: Option<&'static str>,
    },
    /// The body is an HTML document, typically an error page served with status 200.
    #[error("expected a policy, found an HTML document")]
    HtmlDocument,
    /// A UTF-8 byte order mark before the first field.
    #[error("byte order mark before the first field")]
    ByteOrderMark,
    /// An empty line, or one of whitespace only.
    #[error("blank line")]
    BlankLine,
    /// A line starting with `#`.
    #[error("comment line: policies have no comment syntax")]
    CommentLine,
    /// Whitespace before the field name.
    #[error("whitespace at the start of the line")]
    LeadingWhitespace,
    /// A carriage return that is not followed by a line feed.
    #[error("carriage return without a line feed")]
    BareCarriageReturn,
    /// A line with no `:`.
    #[error("expected \"key: value\", found {line:?}")]
    MissingColon {
        /// The line.
        line: String,
    },
    /// Whitespace between the field name and `:`.
    #[error("whitespace before \":\" after field {name:?}")]
    SpaceBeforeColon {
        /// The field name.
        name: String,
    },
    /// A field name that breaks `sts-policy-ext-name`.
    #[error("invalid field name {name:?}")]
    InvalidFieldName {
        /// The name as written.
        name: String,
    },
    /// A `version` other than `STSv1`.
    #[error("expected version \"STSv1\", found {value:?}")]
    InvalidVersion {
        /// The value as written.
        value: String,
    },
    /// A `mode` other than `enforce`, `testing` or `none`.
    #[error("expected mode \"enforce\", \"testing\" or \"none\", found {value:?}")]
    InvalidMode {
        /// The value as written.
        value: String,
    },
    /// A `max_age` that is not ASCII digits.
    #[error("expected max_age as 1 to 10 ASCII digits, found {value:?}")]
    InvalidMaxAge {
        /// The value as written.
        value: String,
    },
    /// A `max_age` of more than 10 digits.
    #[error("max_age {value:?} has {digits} digits, more than the 10 the grammar allows")]
    MaxAgeTooLong {
        /// The value as written.
        value: String,
        /// Its number of digits.
        digits: usize,
    },
    /// A `max_age` above one year, clamped to [`MAX_MAX_AGE`].
    #[error("max_age {value} exceeds the maximum of 31557600 seconds (one year) and is clamped")]
    MaxAgeClamped {
        /// The value as written.
        value: u64,
    },
    /// A `max_age` under one day.
    #[error("max_age {value} is under one day{}", if *.value == 0 { ": the policy expires as soon as it is fetched" } else { "" })]
    MaxAgeShort {
        /// The value in seconds.
        value: u32,
    },
    /// An `mx` value that is not a valid pattern.
    #[error("invalid mx pattern {value:?}: {error}")]
    InvalidMx {
        /// The value as written.
        value: String,
        /// What is wrong with it.
        error: PatternError,
    },
    /// An `mx` value ending with a dot, which was removed.
    #[error("mx pattern {value:?} ends with a dot")]
    MxTrailingDot {
        /// The value as written.
        value: String,
    },
    /// An `mx` value that looks like an IPv4 address.
    #[error("mx pattern {value:?} looks like an IP address but is matched as a host name")]
    MxIpAddress {
        /// The value as written.
        value: String,
    },
    /// A wildcard whose domain is a public suffix, such as `*.com`.
    #[error("mx pattern {value:?} covers the public suffix {suffix:?}")]
    MxPublicSuffix {
        /// The pattern.
        value: String,
        /// The public suffix it covers.
        suffix: String,
    },
    /// The same `mx` pattern twice.
    #[error("mx pattern {value:?} appears more than once")]
    DuplicateMx {
        /// The pattern.
        value: String,
    },
    /// A literal `mx` pattern that a wildcard pattern of the policy already matches.
    #[error("mx pattern {pattern:?} is already matched by {covered_by:?}")]
    OverlappingMx {
        /// The redundant literal pattern.
        pattern: String,
        /// The wildcard that matches it.
        covered_by: String,
    },
    /// A repeated `version`, `mode` or `max_age`. The first occurrence is used.
    #[error("duplicate field {name:?}: the first occurrence is used and this one is ignored")]
    DuplicateField {
        /// The field name.
        name: String,
    },
    /// A field name that differs from a defined field only in letter case.
    #[error("field names are case-sensitive: {found:?} is an unknown field, not {expected:?}")]
    FieldNameCase {
        /// The name as written.
        found: String,
        /// The defined field it resembles.
        expected: &'static str,
    },
    /// An unknown field whose name is one edit away from a defined field, such as `nmx`.
    #[error("unknown field {found:?} looks like a misspelling of {expected:?} and is ignored")]
    MisspelledField {
        /// The name as written.
        found: String,
        /// The defined field it resembles.
        expected: &'static str,
    },
    /// An extension value with control characters or nothing at all.
    #[error("invalid value {value:?} for field {name:?}: expected printable text")]
    InvalidExtensionValue {
        /// The field name.
        name: String,
        /// The value as written.
        value: String,
    },
    /// A required field is missing.
    #[error("missing required field {:?}", .field.name())]
    MissingField {
        /// The field.
        field: RequiredField,
        /// A field of the policy that was probably meant to be this one.
        similar: Option<String>,
    },
    /// The policy is in `testing` mode.
    #[error("mode is \"testing\": failures are reported but mail is still delivered")]
    TestingMode,
}

crate::codes::issue_codes! {
    PolicyIssue {
        PolicyIssue::TooLarge { .. } => "policy-too-large",
        PolicyIssue::InvalidUtf8 { .. } => "invalid-utf8",
        PolicyIssue::HtmlDocument => "html-document",
        PolicyIssue::ByteOrderMark => "byte-order-mark",
        PolicyIssue::BlankLine => "blank-line",
        PolicyIssue::CommentLine => "comment-line",
        PolicyIssue::LeadingWhitespace => "leading-whitespace",
        PolicyIssue::BareCarriageReturn => "bare-carriage-return",
        PolicyIssue::MissingColon { .. } => "missing-colon",
        PolicyIssue::SpaceBeforeColon { .. } => "space-before-colon",
        PolicyIssue::InvalidFieldName { .. } => "invalid-field-name",
        PolicyIssue::InvalidVersion { .. } => "invalid-version",
        PolicyIssue::InvalidMode { .. } => "invalid-mode",
        PolicyIssue::InvalidMaxAge { .. } => "invalid-max-age",
        PolicyIssue::MaxAgeTooLong { .. } => "max-age-too-long",
        PolicyIssue::MaxAgeClamped { .. } => "max-age-clamped",
        PolicyIssue::MaxAgeShort { .. } => "max-age-short",
        PolicyIssue::InvalidMx {
            error: PatternError::BareWildcard,
            ..
        } => "mx-bare-wildcard",
        PolicyIssue::InvalidMx {
            error: PatternError::WildcardWithoutDomain,
            ..
        } => "mx-wildcard-without-domain",
        PolicyIssue::InvalidMx {
            error: PatternError::MisplacedWildcard { .. },
            ..
        } => "mx-misplaced-wildcard",
        PolicyIssue::InvalidMx {
            error:
                PatternError::Domain {
                    error: DomainError::NonAscii {
                        a_label: Some(_), ..
                    },
                    ..
                },
            ..
        } => "mx-u-label",
        PolicyIssue::InvalidMx { .. } => "invalid-mx",
        PolicyIssue::MxTrailingDot { .. } => "mx-trailing-dot",
        PolicyIssue::MxIpAddress { .. } => "mx-ip-address",
        PolicyIssue::MxPublicSuffix { .. } => "mx-public-suffix",
        PolicyIssue::DuplicateMx { .. } => "duplicate-mx",
        PolicyIssue::OverlappingMx { .. } => "overlapping-mx",
        PolicyIssue::DuplicateField { .. } => "duplicate-field",
        PolicyIssue::FieldNameCase { .. } => "field-name-case",
        PolicyIssue::MisspelledField { .. } => "misspelled-field",
        PolicyIssue::InvalidExtensionValue { .. } => "invalid-extension-value",
        PolicyIssue::MissingField {
            field: RequiredField::Version,
            ..
        } => "missing-version",
        PolicyIssue::MissingField {
            field: RequiredField::Mode,
            ..
        } => "missing-mode",
        PolicyIssue::MissingField {
            field: RequiredField::MaxAge,
            ..
        } => "missing-max-age",
        PolicyIssue::MissingField {
            field: RequiredField::Mx,
            ..
        } => "missing-mx",
        PolicyIssue::TestingMode => "testing-mode",
    }
}

impl PolicyIssue {
    pub(crate) fn is_warning(&self) -> bool {
        matches!(
            self,
            PolicyIssue::ByteOrderMark
                | PolicyIssue::BlankLine
                | PolicyIssue::CommentLine
                | PolicyIssue::LeadingWhitespace
                | PolicyIssue::SpaceBeforeColon { .. }
                | PolicyIssue::MaxAgeClamped { .. }
                | PolicyIssue::MaxAgeShort { .. }
                | PolicyIssue::MxTrailingDot { .. }
                | PolicyIssue::MxIpAddress { .. }
                | PolicyIssue::MxPublicSuffix { .. }
                | PolicyIssue::DuplicateMx { .. }
                | PolicyIssue::OverlappingMx { .. }
                | PolicyIssue::DuplicateField { .. }
                | PolicyIssue::FieldNameCase { .. }
                | PolicyIssue::MisspelledField { .. }
                | PolicyIssue::TestingMode
        )
    }

    pub(crate) fn hint(&self) -> Cow<'static, str> {
        match self {
            PolicyIssue::TooLarge { .. } => {
                "serve a policy under 64 KiB; senders stop reading at that size".into()
            }
            PolicyIssue::InvalidUtf8 { .. } => {
                "save the policy as UTF-8 (plain ASCII is enough)".into()
            }
            PolicyIssue::HtmlDocument => {
                "the server returned a web page: serve the policy file itself, as text/plain".into()
            }
            PolicyIssue::ByteOrderMark => "save the file without a byte order mark".into(),
            PolicyIssue::BlankLine => "remove the empty line".into(),
            PolicyIssue::CommentLine => "remove the comment line".into(),
            PolicyIssue::LeadingWhitespace => {
                "remove the whitespace; some parsers read an indented line as a continuation".into()
            }
            PolicyIssue::BareCarriageReturn => "end each line with LF or CRLF".into(),
            PolicyIssue::MissingColon { .. } => "write each line as \"key: value\"".into(),
            PolicyIssue::SpaceBeforeColon { .. } => "remove the whitespace before \":\"".into(),
            PolicyIssue::InvalidFieldName { .. } => {
                "field names start with a letter or digit, then letters, digits, \"_\", \"-\" or \
                 \".\" (at most 32)"
                    .into()
            }
            PolicyIssue::InvalidVersion { .. } => "write \"version: STSv1\"".into(),
            PolicyIssue::InvalidMode { value } => match Mode::from_value(&value.to_lowercase()) {
                Some(mode) => {
                    format!("mode values are case-sensitive: write \"mode: {mode}\"").into()
                }
                None => "write \"mode: enforce\", \"mode: testing\" or \"mode: none\"".into(),
            },
            PolicyIssue::InvalidMaxAge { value } => max_age_hint(value).into(),
            PolicyIssue::MaxAgeTooLong { .. } => {
                "use at most 10 digits; the maximum is 31557600 (one year)".into()
            }
            PolicyIssue::MaxAgeClamped { .. } => "use 31557600 (one year) or less".into(),
            PolicyIssue::MaxAgeShort { .. } => {
                "a short cache lets an attacker who blocks refreshes disable the policy quickly; \
                 use 604800 (one week) or more"
                    .into()
            }
            PolicyIssue::InvalidMx { value, error } => mx_hint(value, error),
            PolicyIssue::MxTrailingDot { value } => {
                format!("remove the dot: \"mx: {}\"", value.trim_end_matches('.')).into()
            }
            PolicyIssue::MxIpAddress { .. } => {
                "list the MX host name (the target of the MX record), not its address".into()
            }
            PolicyIssue::MxPublicSuffix { suffix, .. } => format!(
                "this matches hosts of every domain under {suffix:?}; list your own MX hosts"
            )
            .into(),
            PolicyIssue::DuplicateMx { .. } => "remove the repeated line".into(),
            PolicyIssue::OverlappingMx { covered_by, .. } => {
                format!("the line is redundant next to {covered_by:?}; remove one of them").into()
            }
            PolicyIssue::DuplicateField { name } => {
                format!("keep one \"{name}:\" line; senders use the first").into()
            }
            PolicyIssue::FieldNameCase { expected, .. } => {
                format!("write the field name as \"{expected}\"").into()
            }
            PolicyIssue::MisspelledField { expected, .. } => {
                format!("write \"{expected}:\" if that field was meant").into()
            }
            PolicyIssue::InvalidExtensionValue { value, .. } if value.is_empty() => {
                "write a value after \":\" or remove the line".into()
            }
            PolicyIssue::InvalidExtensionValue { .. } => {
                "remove control characters such as tabs from the value".into()
            }
            PolicyIssue::MissingField {
                field,
                similar: Some(similar),
            } => format!("rename {similar:?} to \"{}\"", field.name()).into(),
            PolicyIssue::MissingField {
                field,
                similar: None,
            } => match field {
                RequiredField::Version => "add the line \"version: STSv1\"".into(),
                RequiredField::Mode => {
                    "add \"mode: testing\", \"mode: enforce\" or \"mode: none\"".into()
                }
                RequiredField::MaxAge => "add a line such as \"max_age: 604800\" (one week)".into(),
                RequiredField::Mx => {
                    "add one \"mx:\" line per MX host, such as \"mx: mail.example.com\"".into()
                }
            },
            PolicyIssue::TestingMode => {
                "switch to \"mode: enforce\" once TLS-RPT reports show no failures".into()
            }
        }
    }
}

fn max_age_hint(value: &str) -> &'static str {
    if value.is_empty() {
        "write the number of seconds, such as \"max_age: 604800\" (one week)"
    } else if value.starts_with('-') {
        "max_age cannot be negative; write the number of seconds"
    } else if value.starts_with('+') {
        "remove the sign"
    } else if value.starts_with("0x") || value.starts_with("0X") {
        "write the number in decimal"
    } else if value.contains('.') || value.contains(',') {
        "max_age is a whole number of seconds"
    } else {
        "write the number of seconds in ASCII digits only"
    }
}

fn mx_hint(value: &str, error: &PatternError) -> Cow<'static, str> {
    match error {
        PatternError::BareWildcard | PatternError::WildcardWithoutDomain => {
            "name the MX host, such as \"mx: mail.example.com\", or a domain after the wildcard, \
             such as \"mx: *.example.com\""
                .into()
        }
        PatternError::MisplacedWildcard { offset } => {
            // Suggest the whole-label wildcard over the labels after the one holding the `*`.
            let parent = value[*offset..].split_once('.').map(|(_, rest)| rest);
            match parent.filter(|rest| !rest.is_empty() && !rest.contains('*')) {
                Some(parent) => format!(
                    "a wildcard must be the whole left-most label: list each host or write \"mx: \
                     *.{parent}\""
                )
                .into(),
                None => {
                    "a wildcard must be the whole left-most label, as in \"*.example.com\"".into()
                }
            }
        }
        PatternError::Domain {
            error:
                DomainError::NonAscii {
                    a_label: Some(a_label),
                    ..
                },
            ..
        } => {
            let prefix = if value.starts_with("*.") { "*." } else { "" };
            format!("write the A-label: \"mx: {prefix}{a_label}\"").into()
        }
        PatternError::Domain {
            error: DomainError::NonAscii { a_label: None, .. },
            ..
        } => "write the name in A-labels (punycode)".into(),
        PatternError::Domain { .. } => {
            "write a host name of letters, digits and hyphens, such as \"mx: mail.example.com\""
                .into()
        }
    }
}

impl Policy {
    /// Parses policy text leniently: deviations with a clear reading are accepted with a
    /// warning. See [`Policy::parse_with`].
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the policy is invalid.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::{Mode, Policy};
    ///
    /// let text = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
    /// let parsed = Policy::parse(text).unwrap();
    /// assert_eq!(parsed.value.mode(), Mode::Enforce);
    /// assert_eq!(parsed.value.max_age(), 604800);
    /// assert!(parsed.warnings.is_empty());
    /// ```
    pub fn parse(body: impl AsRef<[u8]>) -> Result<Parsed<Policy>, ParseError> {
        Policy::parse_with(body.as_ref(), ParseOptions::default())
    }

    /// Parses a policy body, as served over HTTPS, with the given options.
    ///
    /// A body over [`MAX_POLICY_SIZE`] bytes is rejected before parsing. Lines may end with LF
    /// or CRLF, fields may come in any order, unknown fields are kept as extensions, and for
    /// every field but `mx` the first occurrence wins. `max_age` accepts ASCII digits only.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic, errors and warnings, when any error is found. With
    /// `options.strict`, every warning is an error.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::ParseOptions;
    /// use mtasts_core::sts::Policy;
    ///
    /// let text = "version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 604800\n";
    /// let parsed = Policy::parse(text).unwrap();
    /// assert_eq!(parsed.value.mx()[0].as_str(), "mail.example.com");
    /// assert_eq!(parsed.warnings[0].code(), "mx-trailing-dot");
    ///
    /// let error = Policy::parse_with(text.as_bytes(), ParseOptions::STRICT).unwrap_err();
    /// let first = error.first_error().unwrap();
    /// assert_eq!((first.code(), first.line, first.column), ("mx-trailing-dot", 3, 21));
    /// ```
    #[inline]
    pub fn parse_with(body: &[u8], options: ParseOptions) -> Result<Parsed<Policy>, ParseError> {
        match policy_fast::parse_clean_result(body) {
            Some(result) => result,
            None => parse_full(body, options),
        }
    }
}

/// Recognises a body in UTF-32 or UTF-16 by its byte order mark, or in UTF-16 without one
/// when its first bytes alternate between zero and non-zero, as ASCII text in UTF-16 does.
/// Returns the encoding and how it shows, and the number of bytes the diagnostic covers.
fn wide_encoding(body: &[u8]) -> Option<(&'static str, usize)> {
    const UTF16_MARK: &str = "UTF-16 (it starts with a UTF-16 byte order mark)";
    const UTF32_MARK: &str = "UTF-32 (it starts with a UTF-32 byte order mark)";
    if body.starts_with(b"\xFF\xFE\0\0") || body.starts_with(b"\0\0\xFE\xFF") {
        return Some((UTF32_MARK, 4));
    }
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        return Some((UTF16_MARK, 2));
    }
    // Eight characters are enough to tell, and a policy line is longer.
    let head = body.get(..16)?;
    let zero_at = |parity: usize| {
        head.iter()
            .enumerate()
            .all(|(i, &b)| (b == 0) == (i % 2 == parity))
    };
    (zero_at(0) || zero_at(1)).then_some(("UTF-16 (every other byte is zero)", 2))
}

/// Parses a policy line by line, reporting every diagnostic. [`Policy::parse_with`] calls it
/// when the fast path declines the input.
pub(crate) fn parse_full(body: &[u8], options: ParseOptions) -> Result<Parsed<Policy>, ParseError> {
    {
        let mut parser = PolicyParser::new(body, options);
        if body.len() > MAX_POLICY_SIZE {
            let issue = PolicyIssue::TooLarge {
                size: body.len(),
                limit: MAX_POLICY_SIZE,
            };
            parser
                .diagnostics
                .push(issue, Span::new(MAX_POLICY_SIZE, body.len()));
            return Err(parser.diagnostics.into_error());
        }
        let mut start = 0;
        if body.starts_with(BYTE_ORDER_MARK) {
            parser
                .diagnostics
                .push(PolicyIssue::ByteOrderMark, Span::new(0, 3));
            start = 3;
        }
        if let Some((encoding, length)) = wide_encoding(body) {
            let issue = PolicyIssue::InvalidUtf8 {
                encoding: Some(encoding),
            };
            parser.diagnostics.push(issue, Span::new(0, length));
            return Err(parser.diagnostics.into_error());
        }
        match std::str::from_utf8(&body[start..]) {
            Ok(text) => parser.text = (text, start),
            Err(error) => {
                let offset = start + error.valid_up_to();
                // `error_len` is None when the body ends inside a sequence, which then runs to
                // the end.
                let end = offset + error.error_len().unwrap_or(body.len() - offset);
                parser.diagnostics.push(
                    PolicyIssue::InvalidUtf8 { encoding: None },
                    Span::new(offset, end),
                );
                return Err(parser.diagnostics.into_error());
            }
        }
        let mut rest = &body[start..];
        // An HTML error page would produce one diagnostic per line; one error says it all.
        if let Some(i) = rest.iter().position(|b| !b.is_ascii_whitespace())
            && rest[i] == b'<'
        {
            let end = rest[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |n| i + n);
            let span = Span::new(start + i, start + end);
            parser.diagnostics.push(PolicyIssue::HtmlDocument, span);
            return Err(parser.diagnostics.into_error());
        }
        while !rest.is_empty() {
            let (after, line) = split_line(rest);
            let line_start = body.len() - rest.len();
            // A CR counts as part of the terminator only when a LF follows it.
            let content = match after.split_first() {
                Some((b'\n', tail)) => {
                    rest = tail;
                    line.strip_suffix(b"\r").unwrap_or(line)
                }
                _ => {
                    rest = after;
                    line
                }
            };
            parser.line(content, line_start);
        }
        parser.finish()
    }
}

/// Splits off one line up to, not including, its line feed. Returns the rest and the line.
fn split_line(input: &[u8]) -> (&[u8], &[u8]) {
    let end = input
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(input.len());
    (&input[end..], &input[..end])
}

fn wsp0(input: &[u8]) -> NomResult<'_, &[u8]> {
    take_while(is_wsp)(input)
}

/// Splits `name ":" *WSP value *WSP` into the name and the value without surrounding
/// whitespace. The name is everything before the first `:` and is checked by the caller.
fn field(input: &[u8]) -> NomResult<'_, (&[u8], &[u8])> {
    let (input, name) = take_till(|b| b == b':')(input)?;
    let (input, _) = char(':')(input)?;
    let (value, _) = wsp0(input)?;
    let end = value.len() - value.iter().rev().take_while(|&&b| is_wsp(b)).count();
    Ok((&value[end..], (name, &value[..end])))
}

fn take_digits(input: &[u8]) -> NomResult<'_, &[u8]> {
    take_while(|b: u8| b.is_ascii_digit())(input)
}

struct PolicyParser<'a> {
    body: &'a [u8],
    /// The body after any byte order mark, once it is known to be UTF-8, and its offset.
    text: (&'a str, usize),
    diagnostics: Diagnostics<'a>,
    version_seen: bool,
    mode: Option<(Mode, Span)>,
    mode_seen: bool,
    max_age: Option<(u32, Span)>,
    max_age_seen: bool,
    mx: SmallVec<[MxPattern; 2]>,
    mx_seen: bool,
    /// Finds repeated and overlapping `mx` patterns.
    mx_seen_index: MxSeen,
    extensions: Vec<Extension>,
    /// Unknown fields that resemble a defined one: (defined name, name as written, span).
    similar: Vec<(&'static str, String, Span)>,
}

impl<'a> PolicyParser<'a> {
    fn new(body: &'a [u8], options: ParseOptions) -> PolicyParser<'a> {
        PolicyParser {
            body,
            text: ("", 0),
            diagnostics: Diagnostics::new(body, options),
            version_seen: false,
            mode: None,
            mode_seen: false,
            max_age: None,
            max_age_seen: false,
            mx: SmallVec::new(),
            mx_seen: false,
            mx_seen_index: MxSeen::default(),
            extensions: Vec::new(),
            similar: Vec::new(),
        }
    }

    /// Returns `part` of the body as text. Parts start and end at ASCII delimiters, so they
    /// fall on character boundaries of the text, which is already known to be UTF-8.
    fn str_of(&self, part: &[u8]) -> &'a str {
        let span = self.span_of(part);
        let (text, offset) = self.text;
        let start = span.start.saturating_sub(offset);
        text.get(start..start + span.len()).unwrap_or_default()
    }

    fn span_of(&self, part: &[u8]) -> Span {
        let start = part.as_ptr() as usize - self.body.as_ptr() as usize;
        Span::new(start, start + part.len())
    }

    /// Parses one line without its terminator. `start` is its offset in the body.
    fn line(&mut self, line: &'a [u8], start: usize) {
        if let Some(i) = line.iter().position(|&b| b == b'\r') {
            let span = Span::new(start + i, start + i + 1);
            self.diagnostics.push(PolicyIssue::BareCarriageReturn, span);
            // The error rejects the policy. Reading the text on each side of the carriage
            // return as lines of their own still finds the fields there, so that they are not
            // also reported as missing.
            for (part, part_start) in [(&line[..i], start), (&line[i + 1..], start + i + 1)] {
                if !part.is_empty() {
                    self.line(part, part_start);
                }
            }
            return;
        }
        let (content, indent) = wsp0(line).unwrap_or((line, &[]));
        if content.is_empty() {
            self.diagnostics
                .push(PolicyIssue::BlankLine, Span::new(start, start + line.len()));
            return;
        }
        if !indent.is_empty() {
            self.diagnostics
                .push(PolicyIssue::LeadingWhitespace, self.span_of(indent));
        }
        if content[0] == b'#' {
            self.diagnostics
                .push(PolicyIssue::CommentLine, self.span_of(content));
            return;
        }
        let Ok((_, (raw_name, value))) = field(content) else {
            let issue = PolicyIssue::MissingColon {
                line: lossy(content),
            };
            self.diagnostics.push(issue, self.span_of(content));
            return;
        };
        let name_len = raw_name.len() - raw_name.iter().rev().take_while(|&&b| is_wsp(b)).count();
        let name = &raw_name[..name_len];
        if name_len < raw_name.len() {
            let issue = PolicyIssue::SpaceBeforeColon { name: lossy(name) };
            self.diagnostics
                .push(issue, self.span_of(&raw_name[name_len..]));
        }
        let name_str = self.str_of(name);
        let value_str = self.str_of(value);
        if !policy::is_extension_name(name_str) {
            let issue = PolicyIssue::InvalidFieldName {
                name: name_str.to_owned(),
            };
            self.diagnostics.push(issue, self.span_of(name));
            return;
        }
        let value_span = self.span_of(value);
        match name_str {
            "version" => self.version(value_str, value_span),
            "mode" => self.mode(value_str, value_span),
            "max_age" => self.max_age(value, value_span),
            "mx" => self.mx(value_str, value_span),
            _ => self.extension(name_str, value_str, self.span_of(name), value_span),
        }
    }

    /// Records a repeated field and returns `true` when `seen` was already set.
    fn is_duplicate(&mut self, seen: bool, name: &str, span: Span) -> bool {
        if seen {
            let issue = PolicyIssue::DuplicateField {
                name: name.to_owned(),
            };
            self.diagnostics.push(issue, span);
        }
        seen
    }

    fn version(&mut self, value: &str, span: Span) {
        if self.is_duplicate(self.version_seen, "version", span) {
            return;
        }
        self.version_seen = true;
        if value != "STSv1" {
            self.diagnostics.push(
                PolicyIssue::InvalidVersion {
                    value: value.to_owned(),
                },
                span,
            );
        }
    }

    fn mode(&mut self, value: &str, span: Span) {
        if self.is_duplicate(self.mode_seen, "mode", span) {
            return;
        }
        self.mode_seen = true;
        match Mode::from_value(value) {
            Some(mode) => self.mode = Some((mode, span)),
            None => self.diagnostics.push(
                PolicyIssue::InvalidMode {
                    value: value.to_owned(),
                },
                span,
            ),
        }
    }

    fn max_age(&mut self, value: &[u8], span: Span) {
        if self.is_duplicate(self.max_age_seen, "max_age", span) {
            return;
        }
        self.max_age_seen = true;
        let digits = match take_digits(value) {
            Ok((rest, digits)) if rest.is_empty() && !digits.is_empty() => digits,
            _ => {
                self.diagnostics.push(
                    PolicyIssue::InvalidMaxAge {
                        value: lossy(value),
                    },
                    span,
                );
                return;
            }
        };
        if digits.len() > 10 {
            let issue = PolicyIssue::MaxAgeTooLong {
                value: lossy(value),
                digits: digits.len(),
            };
            self.diagnostics.push(issue, span);
            return;
        }
        // At most 10 digits, so the value fits in a u64 without overflow.
        let seconds = digits
            .iter()
            .fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        let seconds = if seconds > u64::from(MAX_MAX_AGE) {
            self.diagnostics
                .push(PolicyIssue::MaxAgeClamped { value: seconds }, span);
            MAX_MAX_AGE
        } else {
            seconds as u32
        };
        self.max_age = Some((seconds, span));
    }

    fn mx(&mut self, value: &str, span: Span) {
        self.mx_seen = true;
        // One trailing dot is forgiven when the rest is a valid pattern. Otherwise the error is
        // reported on the value as written, so that `*..` is not "fixed" into `*.`.
        let stripped = value
            .strip_suffix('.')
            .and_then(|rest| MxPattern::new(rest).ok());
        let parsed = match stripped {
            Some(pattern) => {
                let issue = PolicyIssue::MxTrailingDot {
                    value: value.to_owned(),
                };
                self.diagnostics
                    .push(issue, Span::new(span.end - 1, span.end));
                Ok(pattern)
            }
            None => MxPattern::new(value),
        };
        let pattern = match parsed {
            Ok(pattern) => pattern,
            Err(error) => {
                let error_span = pattern_error_span(value, &error, span.start);
                let issue = PolicyIssue::InvalidMx {
                    value: value.to_owned(),
                    error,
                };
                self.diagnostics.push(issue, error_span);
                return;
            }
        };
        self.lint_mx(&pattern, value, span);
        self.mx.push(pattern);
    }

    /// Warns about risky patterns: IP addresses, public-suffix wildcards, repeats and overlaps
    /// with the patterns seen before.
    fn lint_mx(&mut self, pattern: &MxPattern, value: &str, span: Span) {
        if looks_like_ip(pattern.as_str()) {
            self.diagnostics.push(
                PolicyIssue::MxIpAddress {
                    value: value.to_owned(),
                },
                span,
            );
        }
        if covers_public_suffix(pattern.as_str()) {
            let issue = PolicyIssue::MxPublicSuffix {
                value: value.to_owned(),
                suffix: pattern.domain().to_owned(),
            };
            self.diagnostics.push(issue, span);
        }
        let issue = match self.mx_seen_index.check(&self.mx, pattern) {
            None => return,
            Some(Overlap::Duplicate) => PolicyIssue::DuplicateMx {
                value: value.to_owned(),
            },
            Some(Overlap::CoveredBy(wildcard)) => PolicyIssue::OverlappingMx {
                pattern: pattern.to_string(),
                covered_by: wildcard.to_string(),
            },
            Some(Overlap::Covers(literal)) => PolicyIssue::OverlappingMx {
                pattern: literal.to_string(),
                covered_by: pattern.to_string(),
            },
        };
        self.diagnostics.push(issue, span);
    }

    fn extension(&mut self, name: &str, value: &str, name_span: Span, value_span: Span) {
        if let Some((expected, exact_but_case)) = similar_known_field(name) {
            let issue = if exact_but_case {
                PolicyIssue::FieldNameCase {
                    found: name.to_owned(),
                    expected,
                }
            } else {
                PolicyIssue::MisspelledField {
                    found: name.to_owned(),
                    expected,
                }
            };
            self.diagnostics.push(issue, name_span);
            self.similar.push((expected, name.to_owned(), name_span));
        }
        if !policy::is_extension_value(value) {
            let issue = PolicyIssue::InvalidExtensionValue {
                name: name.to_owned(),
                value: value.to_owned(),
            };
            self.diagnostics.push(issue, value_span);
            return;
        }
        if self.extensions.iter().any(|e| e.name == name) {
            let issue = PolicyIssue::DuplicateField {
                name: name.to_owned(),
            };
            self.diagnostics
                .push(issue, Span::new(name_span.start, value_span.end));
            return;
        }
        self.extensions.push(Extension {
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }

    fn missing(&mut self, field: RequiredField) {
        let similar = self
            .similar
            .iter()
            .find(|(expected, ..)| *expected == field.name());
        let (similar, span) = match similar {
            Some((_, found, span)) => (Some(found.clone()), *span),
            None => (None, Span::at(0)),
        };
        self.diagnostics
            .push(PolicyIssue::MissingField { field, similar }, span);
    }

    fn finish(mut self) -> Result<Parsed<Policy>, ParseError> {
        if !self.version_seen {
            self.missing(RequiredField::Version);
        }
        if !self.mode_seen {
            self.missing(RequiredField::Mode);
        }
        if !self.max_age_seen {
            self.missing(RequiredField::MaxAge);
        }
        if let Some((mode, span)) = self.mode {
            if mode != Mode::None && !self.mx_seen {
                self.missing(RequiredField::Mx);
            }
            if mode == Mode::Testing {
                self.diagnostics.push(PolicyIssue::TestingMode, span);
            }
        }
        if let Some((max_age, span)) = self.max_age
            && max_age < SECONDS_PER_DAY
        {
            self.diagnostics
                .push(PolicyIssue::MaxAgeShort { value: max_age }, span);
        }
        match (self.mode, self.max_age) {
            (Some((mode, _)), Some((max_age, _))) if !self.diagnostics.has_errors() => {
                let policy = Policy {
                    mode,
                    max_age,
                    mx: self.mx,
                    extensions: self.extensions,
                };
                self.diagnostics.finish(policy)
            }
            _ => Err(self.diagnostics.into_error()),
        }
    }
}

/// Returns `true` when the text of a valid, lower-case pattern gets a warning of its own: an IP
/// address, or a wildcard over a public suffix.
pub(crate) fn lint_mx_value(text: &str) -> bool {
    looks_like_ip(text) || covers_public_suffix(text)
}

/// Returns `true` for a literal pattern (given as text) that parses as an IPv4 address.
fn looks_like_ip(pattern: &str) -> bool {
    domain::is_ipv4_text(pattern)
}

/// Returns `true` for a wildcard pattern (given as text) whose domain is a public suffix, such
/// as `*.com`.
fn covers_public_suffix(pattern: &str) -> bool {
    pattern
        .strip_prefix("*.")
        .is_some_and(|domain| public_suffix::is_public_suffix(domain.as_bytes()))
}

/// Positions a pattern error: the offending character or label where the error names one,
/// otherwise the whole value.
fn pattern_error_span(pattern: &str, error: &PatternError, value_start: usize) -> Span {
    let whole = Span::new(value_start, value_start + pattern.len());
    let offset = error.offset();
    let len = match error {
        PatternError::MisplacedWildcard { .. } => 1,
        PatternError::Domain { error, .. } => match error {
            DomainError::InvalidCharacter { character, .. } => character.len_utf8(),
            DomainError::EmptyLabel { .. } => 0,
            DomainError::HyphenAtLabelEdge { label, .. } => label.len(),
            DomainError::LabelTooLong { length, .. } => *length,
            _ => return whole,
        },
        _ => return whole,
    };
    Span::new(value_start + offset, value_start + offset + len)
}

/// Finds the defined field that an unknown name most likely means: the same name in another
/// letter case (`true`), or a name one edit away after folding case and `-` or `.` to `_`
/// (`false`).
fn similar_known_field(name: &str) -> Option<(&'static str, bool)> {
    if let Some(known) = KNOWN_FIELDS.iter().find(|k| k.eq_ignore_ascii_case(name)) {
        return Some((known, true));
    }
    if name.len() < 2 {
        return None;
    }
    let folded: Vec<u8> = name
        .bytes()
        .map(|b| match b.to_ascii_lowercase() {
            b'-' | b'.' => b'_',
            b => b,
        })
        .collect();
    KNOWN_FIELDS
        .iter()
        .find(|known| edit_distance_at_most_one(&folded, known.as_bytes()))
        .map(|known| (*known, false))
}

/// Returns `true` when `a` becomes `b` with at most one insertion, deletion, substitution or
/// transposition of adjacent bytes.
fn edit_distance_at_most_one(a: &[u8], b: &[u8]) -> bool {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    match (a.len(), b.len()) {
        (0, 0) => true,
        (x, y) if x == y => {
            a[1..] == b[1..] || (x >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..] == b[2..])
        }
        (x, y) if x + 1 == y => a == &b[1..],
        (x, y) if x == y + 1 => &a[1..] == b,
        _ => false,
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_finds_single_edits() {
        for (a, b) in [
            ("nmx", "mx"),
            ("mxx", "mx"),
            ("mode", "mdoe"),
            ("max_age", "max_ag"),
            ("m", "mx"),
        ] {
            assert!(
                edit_distance_at_most_one(a.as_bytes(), b.as_bytes()),
                "{a} {b}"
            );
        }
        for (a, b) in [("version", "mode"), ("mx", "max_age"), ("xy", "mx_")] {
            assert!(
                !edit_distance_at_most_one(a.as_bytes(), b.as_bytes()),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn similar_known_field_folds_case_and_separators() {
        assert_eq!(similar_known_field("Mode"), Some(("mode", true)));
        assert_eq!(similar_known_field("MX"), Some(("mx", true)));
        assert_eq!(similar_known_field("max-age"), Some(("max_age", false)));
        assert_eq!(similar_known_field("Max-Age"), Some(("max_age", false)));
        assert_eq!(similar_known_field("nmx"), Some(("mx", false)));
        assert_eq!(similar_known_field("policy_note"), None);
        assert_eq!(similar_known_field("x"), None);
    }

    #[test]
    fn repeated_extension_keeps_the_first_value() {
        let text = "version: STSv1\nmode: none\nmax_age: 86400\nnote: a\nnote: b\n";
        let parsed = Policy::parse(text).unwrap();
        let extensions: Vec<(&str, &str)> = parsed
            .value
            .extensions()
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(extensions, [("note", "a")]);
        let warnings: Vec<(&str, u32, u32)> = parsed
            .warnings
            .iter()
            .map(|d| (d.code(), d.line, d.column))
            .collect();
        assert_eq!(warnings, [("duplicate-field", 5, 1)]);
    }
}
