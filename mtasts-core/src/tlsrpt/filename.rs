//! The report file name of [RFC 8460 §5.1](https://www.rfc-editor.org/rfc/rfc8460#section-5.1),
//! which reporters give the attachment or upload that carries a report:
//!
//! ```text
//! filename        = sender "!" policy-domain "!" begin-timestamp
//!                   "!" end-timestamp [ "!" unique-id ] "." extension
//! unique-id       = 1*(ALPHA / DIGIT)
//! sender          = domain        ; RFC 5321, the domain of contact-info, A-labels only
//! policy-domain   = domain        ; A-labels only
//! begin-timestamp = 1*DIGIT       ; seconds since 1970-01-01T00:00:00Z
//! end-timestamp   = 1*DIGIT
//! extension       = "json" / "json.gz"
//! ```
//!
//! For example `mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz`.
//!
//! The name is metadata: when it disagrees with the report body, the body is authoritative
//! (RFC 8460 §5.6). ABNF string literals are case-insensitive, so `JSON.GZ` is accepted and
//! written back as `json.gz`. Leading zeros in a timestamp are accepted and dropped when the name
//! is written.

use std::fmt;
use std::str::FromStr;

use crate::domain::{DomainError, check_domain};

/// The file name extension, which shows whether the report is gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extension {
    /// `json`: plain report JSON.
    Json,
    /// `json.gz`: report JSON compressed with gzip.
    JsonGz,
}

impl Extension {
    /// Returns the extension as written in a file name, without the leading dot.
    pub fn as_str(self) -> &'static str {
        match self {
            Extension::Json => "json",
            Extension::JsonGz => "json.gz",
        }
    }
}

/// A report file name with every field checked against the RFC 8460 §5.1 grammar.
///
/// [`ReportFileName::parse`] reads one and [`Display`](fmt::Display) writes one. Writing a parsed
/// name gives the same text unless the input had leading zeros in a timestamp or upper-case
/// letters in the extension.
///
/// ```
/// use mtasts_core::tlsrpt::{Extension, ReportFileName};
///
/// let text = "mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz";
/// let name = ReportFileName::parse(text).unwrap();
/// assert_eq!(name.sender(), "mail.sndr.example.com");
/// assert_eq!(name.policy_domain(), "example.net");
/// assert_eq!(name.begin_timestamp(), 1470013207);
/// assert_eq!(name.end_timestamp(), 1470186007);
/// assert_eq!(name.unique_id(), Some("001"));
/// assert_eq!(name.extension(), Extension::JsonGz);
/// assert_eq!(name.to_string(), text);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReportFileName {
    sender: String,
    policy_domain: String,
    begin_timestamp: u64,
    end_timestamp: u64,
    unique_id: Option<String>,
    extension: Extension,
}

/// A field of the file name, as named by the RFC 8460 §5.1 grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileNameField {
    /// `sender`.
    Sender,
    /// `policy-domain`.
    PolicyDomain,
    /// `begin-timestamp`.
    BeginTimestamp,
    /// `end-timestamp`.
    EndTimestamp,
    /// `unique-id`.
    UniqueId,
    /// `extension`.
    Extension,
}

impl FileNameField {
    /// Returns the rule name the RFC 8460 §5.1 grammar uses, such as `begin-timestamp`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileNameField::Sender => "sender",
            FileNameField::PolicyDomain => "policy-domain",
            FileNameField::BeginTimestamp => "begin-timestamp",
            FileNameField::EndTimestamp => "end-timestamp",
            FileNameField::UniqueId => "unique-id",
            FileNameField::Extension => "extension",
        }
    }
}

impl fmt::Display for FileNameField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error in a report file name, by the RFC 8460 §5.1 grammar. Offsets count bytes from the
/// start of the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FileNameError {
    /// The name ends before a required field.
    #[error(
        "missing {field} at byte {offset}: expected sender!policy-domain!begin!end[!unique-id].json[.gz]"
    )]
    MissingField {
        /// The first missing field.
        field: FileNameField,
        /// Offset where the field should start.
        offset: usize,
    },
    /// More `!`-separated fields than the grammar has.
    #[error("unexpected \"!\" at byte {offset}: a file name has at most five fields")]
    TooManyFields {
        /// Offset of the extra `!`.
        offset: usize,
    },
    /// `sender` or `policy-domain` is not an RFC 5321 domain of A-labels.
    #[error("invalid {field} at byte {offset}: {error}")]
    InvalidDomain {
        /// The field.
        field: FileNameField,
        /// Offset of the problem.
        offset: usize,
        /// The domain's error.
        error: DomainError,
    },
    /// A timestamp that is not a run of ASCII digits.
    #[error(
        "invalid {field} {value:?} at byte {offset}: expected seconds since 1970 as ASCII digits"
    )]
    InvalidTimestamp {
        /// The field.
        field: FileNameField,
        /// Offset of the field.
        offset: usize,
        /// The field as written.
        value: String,
    },
    /// A timestamp of more than 64 bits.
    #[error("{field} {value} at byte {offset} does not fit in 64 bits")]
    TimestampOutOfRange {
        /// The field.
        field: FileNameField,
        /// Offset of the field.
        offset: usize,
        /// The field as written.
        value: String,
    },
    /// A `unique-id` that is empty or contains a character other than a letter or digit.
    #[error("invalid unique-id {value:?} at byte {offset}: expected ASCII letters and digits")]
    InvalidUniqueId {
        /// Offset of the field.
        offset: usize,
        /// The field as written.
        value: String,
    },
    /// An extension other than `json` or `json.gz`.
    #[error("invalid extension {value:?} at byte {offset}: expected \"json\" or \"json.gz\"")]
    InvalidExtension {
        /// Offset of the extension, after the dot.
        offset: usize,
        /// The extension as written.
        value: String,
    },
}

impl FileNameError {
    /// Returns the byte offset of the problem within the name.
    pub fn offset(&self) -> usize {
        match self {
            FileNameError::MissingField { offset, .. }
            | FileNameError::TooManyFields { offset }
            | FileNameError::InvalidDomain { offset, .. }
            | FileNameError::InvalidTimestamp { offset, .. }
            | FileNameError::TimestampOutOfRange { offset, .. }
            | FileNameError::InvalidUniqueId { offset, .. }
            | FileNameError::InvalidExtension { offset, .. } => *offset,
        }
    }
}

impl ReportFileName {
    /// Creates a file name from its fields, checking each against the grammar.
    ///
    /// # Errors
    ///
    /// Returns the first invalid field, with the offset it would have in the written name.
    pub fn new(
        sender: &str,
        policy_domain: &str,
        begin_timestamp: u64,
        end_timestamp: u64,
        unique_id: Option<&str>,
        extension: Extension,
    ) -> Result<ReportFileName, FileNameError> {
        check_domain_field(sender, FileNameField::Sender, 0)?;
        let offset = sender.len() + 1;
        check_domain_field(policy_domain, FileNameField::PolicyDomain, offset)?;
        if let Some(id) = unique_id {
            let offset = offset
                + policy_domain.len()
                + begin_timestamp.to_string().len()
                + end_timestamp.to_string().len()
                + 3;
            check_unique_id(id, offset)?;
        }
        Ok(ReportFileName {
            sender: sender.to_owned(),
            policy_domain: policy_domain.to_owned(),
            begin_timestamp,
            end_timestamp,
            unique_id: unique_id.map(str::to_owned),
            extension,
        })
    }

    /// Parses a file name such as
    /// `mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz`.
    ///
    /// # Errors
    ///
    /// Returns the first problem found, scanning from the left, with its byte offset.
    pub fn parse(name: &str) -> Result<ReportFileName, FileNameError> {
        // The extension starts at the first dot after the last "!", because timestamps and the
        // unique id contain no dots.
        let mut fields = Vec::with_capacity(5);
        let mut start = 0;
        for (i, byte) in name.bytes().enumerate() {
            if byte == b'!' {
                if fields.len() == 4 {
                    return Err(FileNameError::TooManyFields { offset: i });
                }
                fields.push((start, &name[start..i]));
                start = i + 1;
            }
        }
        let (last_start, last) = (start, &name[start..]);
        const ORDER: [FileNameField; 4] = [
            FileNameField::Sender,
            FileNameField::PolicyDomain,
            FileNameField::BeginTimestamp,
            FileNameField::EndTimestamp,
        ];
        let Some(dot) = last.find('.') else {
            // Either fields are missing, or the last one has no extension.
            let present = fields.len() + usize::from(!last.is_empty());
            return Err(FileNameError::MissingField {
                field: ORDER
                    .get(present)
                    .copied()
                    .unwrap_or(FileNameField::Extension),
                offset: name.len(),
            });
        };
        fields.push((last_start, &last[..dot]));
        let extension_offset = last_start + dot + 1;
        if fields.len() < 4 {
            let field = ORDER[fields.len()];
            // The last field contains a dot, so the name ends before all four fields. The error
            // points at the end of the name, where the next "!" was expected.
            return Err(FileNameError::MissingField {
                field,
                offset: name.len(),
            });
        }
        let extension = parse_extension(&name[extension_offset..], extension_offset)?;

        let (offset, sender) = fields[0];
        check_domain_field(sender, FileNameField::Sender, offset)?;
        let (offset, policy_domain) = fields[1];
        check_domain_field(policy_domain, FileNameField::PolicyDomain, offset)?;
        let (offset, begin) = fields[2];
        let begin_timestamp = parse_timestamp(begin, FileNameField::BeginTimestamp, offset)?;
        let (offset, end) = fields[3];
        let end_timestamp = parse_timestamp(end, FileNameField::EndTimestamp, offset)?;
        let unique_id = match fields.get(4) {
            Some(&(offset, id)) => {
                check_unique_id(id, offset)?;
                Some(id.to_owned())
            }
            None => None,
        };
        Ok(ReportFileName {
            sender: sender.to_owned(),
            policy_domain: policy_domain.to_owned(),
            begin_timestamp,
            end_timestamp,
            unique_id,
            extension,
        })
    }

    /// Returns `sender`: the domain of the report's `contact-info`.
    pub fn sender(&self) -> &str {
        &self.sender
    }

    /// Returns `policy-domain`.
    pub fn policy_domain(&self) -> &str {
        &self.policy_domain
    }

    /// Returns `begin-timestamp` in seconds since 1970-01-01T00:00:00Z.
    pub fn begin_timestamp(&self) -> u64 {
        self.begin_timestamp
    }

    /// Returns `end-timestamp` in seconds since 1970-01-01T00:00:00Z.
    pub fn end_timestamp(&self) -> u64 {
        self.end_timestamp
    }

    /// Returns `unique-id`, if the name has one.
    pub fn unique_id(&self) -> Option<&str> {
        self.unique_id.as_deref()
    }

    /// Returns the extension.
    pub fn extension(&self) -> Extension {
        self.extension
    }
}

impl fmt::Display for ReportFileName {
    /// Writes the name in the RFC 8460 §5.1 form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}!{}!{}!{}",
            self.sender, self.policy_domain, self.begin_timestamp, self.end_timestamp
        )?;
        if let Some(id) = &self.unique_id {
            write!(f, "!{id}")?;
        }
        write!(f, ".{}", self.extension.as_str())
    }
}

impl FromStr for ReportFileName {
    type Err = FileNameError;

    fn from_str(name: &str) -> Result<ReportFileName, FileNameError> {
        ReportFileName::parse(name)
    }
}

fn check_domain_field(
    domain: &str,
    field: FileNameField,
    offset: usize,
) -> Result<(), FileNameError> {
    check_domain(domain).map_err(|error| {
        let within = match &error {
            DomainError::TrailingDot => domain.len() - 1,
            DomainError::NonAscii { .. } => domain.find(|c: char| !c.is_ascii()).unwrap_or(0),
            other => other.offset(),
        };
        FileNameError::InvalidDomain {
            field,
            offset: offset + within,
            error,
        }
    })
}

fn parse_timestamp(text: &str, field: FileNameField, offset: usize) -> Result<u64, FileNameError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FileNameError::InvalidTimestamp {
            field,
            offset,
            value: text.to_owned(),
        });
    }
    text.parse()
        .map_err(|_| FileNameError::TimestampOutOfRange {
            field,
            offset,
            value: text.to_owned(),
        })
}

fn check_unique_id(id: &str, offset: usize) -> Result<(), FileNameError> {
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(FileNameError::InvalidUniqueId {
            offset,
            value: id.to_owned(),
        });
    }
    Ok(())
}

fn parse_extension(text: &str, offset: usize) -> Result<Extension, FileNameError> {
    if text.eq_ignore_ascii_case("json") {
        Ok(Extension::Json)
    } else if text.eq_ignore_ascii_case("json.gz") {
        Ok(Extension::JsonGz)
    } else {
        Err(FileNameError::InvalidExtension {
            offset,
            value: text.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_EXAMPLE: &str = "mail.sndr.example.com!example.net!1470013207!1470186007!001.json.gz";

    #[test]
    fn parse_reads_the_rfc_example() {
        let name = ReportFileName::parse(RFC_EXAMPLE).unwrap();
        assert_eq!(name.sender(), "mail.sndr.example.com");
        assert_eq!(name.policy_domain(), "example.net");
        assert_eq!(name.begin_timestamp(), 1_470_013_207);
        assert_eq!(name.end_timestamp(), 1_470_186_007);
        assert_eq!(name.unique_id(), Some("001"));
        assert_eq!(name.extension(), Extension::JsonGz);
    }

    #[test]
    fn rfc_example_round_trips() {
        let name = ReportFileName::parse(RFC_EXAMPLE).unwrap();
        assert_eq!(name.to_string(), RFC_EXAMPLE);
        assert_eq!(ReportFileName::parse(&name.to_string()).unwrap(), name);
    }

    #[test]
    fn parse_then_write_keeps_canonical_names() {
        for text in [
            "google.com!example.com!1725321600!1725407999!001.json.gz",
            "a.example!b.example!0!86400.json",
            "xn--mx-lka.example!xn--bcher-kva.example!1!2!AbC123.json",
            "sender.example!policy.example!1700000000!1700086399.json.gz",
        ] {
            let name = ReportFileName::parse(text).unwrap();
            assert_eq!(name.to_string(), text);
        }
    }

    #[test]
    fn built_names_round_trip() {
        let cases = [
            ("a.example", "b.example", 0, u64::MAX, None, Extension::Json),
            (
                "s.example",
                "p.example",
                1,
                2,
                Some("x9"),
                Extension::JsonGz,
            ),
        ];
        for (sender, domain, begin, end, id, extension) in cases {
            let name = ReportFileName::new(sender, domain, begin, end, id, extension).unwrap();
            let parsed = ReportFileName::parse(&name.to_string()).unwrap();
            assert_eq!(parsed, name);
        }
    }

    #[test]
    fn extension_is_case_insensitive_and_written_lower_case() {
        let name = ReportFileName::parse("a.example!b.example!1!2.JSON.Gz").unwrap();
        assert_eq!(name.extension(), Extension::JsonGz);
        assert_eq!(name.to_string(), "a.example!b.example!1!2.json.gz");
    }

    #[test]
    fn leading_zeros_are_dropped_when_written() {
        let name = ReportFileName::parse("a.example!b.example!007!0100.json").unwrap();
        assert_eq!(name.begin_timestamp(), 7);
        assert_eq!(name.end_timestamp(), 100);
        assert_eq!(name.to_string(), "a.example!b.example!7!100.json");
    }

    fn error(text: &str) -> FileNameError {
        ReportFileName::parse(text).unwrap_err()
    }

    #[test]
    fn missing_fields_name_the_field_and_offset() {
        assert_eq!(
            error("a.example!b.example!1.json"),
            FileNameError::MissingField {
                field: FileNameField::EndTimestamp,
                offset: 26
            }
        );
        assert_eq!(
            error("a.example!b.example!1!2"),
            FileNameError::MissingField {
                field: FileNameField::Extension,
                offset: 23
            }
        );
        assert_eq!(
            error("a.example!b.example!1!"),
            FileNameError::MissingField {
                field: FileNameField::EndTimestamp,
                offset: 22
            }
        );
        assert_eq!(
            error("report.json"),
            FileNameError::MissingField {
                field: FileNameField::PolicyDomain,
                offset: 11
            }
        );
        assert_eq!(
            error(""),
            FileNameError::MissingField {
                field: FileNameField::Sender,
                offset: 0
            }
        );
    }

    #[test]
    fn sixth_field_is_rejected_at_its_separator() {
        assert_eq!(
            error("a.example!b.example!1!2!x!y.json"),
            FileNameError::TooManyFields { offset: 25 }
        );
    }

    #[test]
    fn u_label_domains_are_rejected() {
        let err = error("møx.example!b.example!1!2.json");
        let FileNameError::InvalidDomain {
            field,
            offset,
            error: domain_error,
        } = err
        else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(field, FileNameField::Sender);
        assert_eq!(offset, 1);
        assert!(
            matches!(domain_error, DomainError::NonAscii { .. }),
            "{domain_error:?}"
        );

        let err = error("a.example!bücher.example!1!2.json");
        let FileNameError::InvalidDomain { field, offset, .. } = err else {
            panic!("unexpected {err:?}");
        };
        assert_eq!(field, FileNameField::PolicyDomain);
        assert_eq!(offset, 11);
    }

    #[test]
    fn invalid_domain_offset_points_into_the_field() {
        assert_eq!(
            error("a.example!b..example!1!2.json"),
            FileNameError::InvalidDomain {
                field: FileNameField::PolicyDomain,
                offset: 12,
                error: DomainError::EmptyLabel { offset: 2 },
            }
        );
        assert_eq!(
            error("a_b.example!b.example!1!2.json"),
            FileNameError::InvalidDomain {
                field: FileNameField::Sender,
                offset: 1,
                error: DomainError::InvalidCharacter {
                    offset: 1,
                    character: '_'
                },
            }
        );
    }

    #[test]
    fn timestamps_must_be_digits_within_64_bits() {
        assert_eq!(
            error("a.example!b.example!-1!2.json"),
            FileNameError::InvalidTimestamp {
                field: FileNameField::BeginTimestamp,
                offset: 20,
                value: "-1".into()
            }
        );
        assert_eq!(
            error("a.example!b.example!1!!x.json"),
            FileNameError::InvalidTimestamp {
                field: FileNameField::EndTimestamp,
                offset: 22,
                value: String::new()
            }
        );
        assert_eq!(
            error("a.example!b.example!1!18446744073709551616.json"),
            FileNameError::TimestampOutOfRange {
                field: FileNameField::EndTimestamp,
                offset: 22,
                value: "18446744073709551616".into()
            }
        );
    }

    #[test]
    fn unique_id_is_letters_and_digits() {
        assert_eq!(
            error("a.example!b.example!1!2!a-b.json"),
            FileNameError::InvalidUniqueId {
                offset: 24,
                value: "a-b".into()
            }
        );
        assert_eq!(
            error("a.example!b.example!1!2!.json"),
            FileNameError::InvalidUniqueId {
                offset: 24,
                value: String::new()
            }
        );
    }

    #[test]
    fn only_json_and_json_gz_extensions_are_accepted() {
        for (text, value) in [
            ("a.example!b.example!1!2.gz", "gz"),
            ("a.example!b.example!1!2.json.zip", "json.zip"),
            ("a.example!b.example!1!2!id.xml", "xml"),
            ("a.example!b.example!1!2.", ""),
        ] {
            let err = error(text);
            assert_eq!(
                err,
                FileNameError::InvalidExtension {
                    offset: text.rfind(value).unwrap_or(text.len()),
                    value: value.into()
                },
                "{text}"
            );
        }
    }

    #[test]
    fn new_checks_the_fields() {
        let err = ReportFileName::new("a.example", "b.example.", 1, 2, None, Extension::Json)
            .unwrap_err();
        assert_eq!(
            err,
            FileNameError::InvalidDomain {
                field: FileNameField::PolicyDomain,
                offset: 19,
                error: DomainError::TrailingDot,
            }
        );
        let err = ReportFileName::new(
            "a.example",
            "b.example",
            10,
            20,
            Some("x y"),
            Extension::Json,
        )
        .unwrap_err();
        assert_eq!(
            err,
            FileNameError::InvalidUniqueId {
                offset: 26,
                value: "x y".into()
            }
        );
    }
}
