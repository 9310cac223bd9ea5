//! The `_mta-sts.<domain>` TXT record
//! ([RFC 8461 §3.1](https://www.rfc-editor.org/rfc/rfc8461#section-3.1)).
//!
//! ```text
//! sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
//! sts-field       = sts-id / sts-extension
//! sts-version     = %s"v=STSv1"
//! sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
//! ```
//!
//! The delimiters, extension fields and RRset selection are shared with the TLS-RPT record and
//! described in [`crate::txt`].
//!
//! # Deviations and leniency
//!
//! - A second `id` field is ignored with a `duplicate-field` warning and the first one is used.
//!   RFC 8461 §3.1 is silent, and §3.2 says that for fields which may appear once "all entries
//!   after the first SHALL be ignored", in a paragraph that covers both records and policies.
//! - `ID=` is an extension field by the case-sensitive ABNF, so a record whose only id is `ID=`
//!   has no `id` and is rejected. A `field-name-case` warning points at it.

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::domain;
use crate::txt::{self, RawField, RecordIssue, RecordKind, Selection, TxtData, TxtRecord};

/// A parsed `_mta-sts` TXT record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StsRecord {
    id: PolicyId,
    extensions: Vec<Extension>,
}

/// An extension field of a record or a policy: a name and a value the RFCs do not define.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Extension {
    /// The field name, as written.
    pub name: String,
    /// The field value, as written.
    pub value: String,
}

/// Why [`StsRecord::push_extension`] rejected a field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExtensionError {
    /// A name that breaks the `ext-name` grammar or is a defined field.
    #[error("invalid extension field name {name:?}")]
    InvalidName {
        /// The name given.
        name: String,
    },
    /// A value that breaks the `ext-value` grammar.
    #[error("invalid value {value:?} for extension field {name:?}")]
    InvalidValue {
        /// The field name.
        name: String,
        /// The value given.
        value: String,
    },
    /// A name the record already has. A reader would keep only the first value.
    #[error("duplicate extension field {name:?}")]
    Duplicate {
        /// The name given.
        name: String,
    },
}

/// The `id` of an `_mta-sts` record: 1 to 32 ASCII letters and digits that identify one version
/// of the policy. Ids are opaque: senders compare them for equality only (RFC 8461 §3.1).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyId {
    bytes: [u8; PolicyId::MAX_LENGTH],
    len: u8,
}

impl PolicyId {
    /// Maximum length of an id.
    pub const MAX_LENGTH: usize = 32;

    /// Creates an id from `text`, which must be 1 to 32 ASCII letters and digits.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::PolicyId;
    ///
    /// assert_eq!(PolicyId::new("20240101T000000").unwrap().as_str(), "20240101T000000");
    /// assert!(PolicyId::new("2024-01-01").is_none());
    /// ```
    pub fn new(text: &str) -> Option<PolicyId> {
        PolicyId::from_bytes(text.as_bytes())
    }

    fn from_bytes(text: &[u8]) -> Option<PolicyId> {
        if !text.iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        PolicyId::from_alphanumeric(text)
    }

    /// Creates an id from its first `len` bytes in `bytes`, already known to be ASCII letters
    /// and digits, with zero bytes after them. Checks only the length.
    fn from_zero_padded(bytes: [u8; PolicyId::MAX_LENGTH], len: usize) -> Option<PolicyId> {
        debug_assert!(
            bytes[len.min(PolicyId::MAX_LENGTH)..]
                .iter()
                .all(|&b| b == 0)
        );
        (1..=PolicyId::MAX_LENGTH)
            .contains(&len)
            .then_some(PolicyId {
                bytes,
                len: len as u8,
            })
    }

    /// Creates an id from text already known to be ASCII letters and digits, checking only
    /// its length.
    fn from_alphanumeric(text: &[u8]) -> Option<PolicyId> {
        if text.is_empty() || text.len() > PolicyId::MAX_LENGTH {
            return None;
        }
        let mut bytes = [0; PolicyId::MAX_LENGTH];
        bytes[..text.len()].copy_from_slice(text);
        Some(PolicyId {
            bytes,
            len: text.len() as u8,
        })
    }

    /// Returns the id as text.
    pub fn as_str(&self) -> &str {
        // The constructor admits ASCII letters and digits only.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Debug for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PolicyId({:?})", self.as_str())
    }
}

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for PolicyId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for PolicyId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl StsRecord {
    /// Creates a record with the given id and no extension fields.
    pub fn new(id: PolicyId) -> StsRecord {
        StsRecord {
            id,
            extensions: Vec::new(),
        }
    }

    /// Parses the data of one `_mta-sts` record, with the strings of the resource record already
    /// joined (see [`txt::join`]).
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the record is not an MTA-STS record (code
    /// `not-sts-record`) or breaks the grammar.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::StsRecord;
    ///
    /// let parsed = StsRecord::parse("v=STSv1; id=20160831085700Z;").unwrap();
    /// assert_eq!(parsed.value.id(), "20160831085700Z");
    /// assert!(parsed.warnings.is_empty());
    ///
    /// let error = StsRecord::parse("v=STSv1; id=2016-08-31").unwrap_err();
    /// assert_eq!(error.first_error().unwrap().code(), "invalid-id");
    /// ```
    pub fn parse(data: impl AsRef<[u8]>) -> Result<Parsed<StsRecord>, ParseError> {
        StsRecord::parse_with(data.as_ref(), ParseOptions::default())
    }

    /// Parses the data of one `_mta-sts` record with the given options. With `options.strict`,
    /// every warning is an error.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the record is not an MTA-STS record or breaks the grammar.
    pub fn parse_with(data: &[u8], options: ParseOptions) -> Result<Parsed<StsRecord>, ParseError> {
        <StsRecord as TxtRecord>::parse_with(data, options)
    }

    /// Selects and parses the `_mta-sts` record from a whole TXT RRset, as a sender must.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::StsRecord;
    /// use mtasts_core::txt::Discovery;
    ///
    /// let selection = StsRecord::select([["v=STSv1; id=a1"], ["v=STSv1; id=b2"]]);
    /// assert!(matches!(selection.discovery, Discovery::Multiple { count: 2 }));
    /// ```
    pub fn select<R: TxtData>(rrset: impl IntoIterator<Item = R>) -> Selection<StsRecord> {
        txt::select(rrset, ParseOptions::default())
    }

    /// Returns the policy id.
    pub fn id(&self) -> &PolicyId {
        &self.id
    }

    /// Returns the extension fields in record order.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Adds an extension field.
    ///
    /// # Errors
    ///
    /// Rejects a name that breaks `sts-ext-name` or is `v` or `id` (in any letter case), and
    /// a value that breaks `sts-ext-value` (printable ASCII without spaces, `=` or `;`), since
    /// either would render as a record that parses differently.
    pub fn push_extension(&mut self, name: &str, value: &str) -> Result<(), ExtensionError> {
        let reserved = name.eq_ignore_ascii_case("v") || name.eq_ignore_ascii_case("id");
        if reserved || !txt::is_ext_name(name.as_bytes()) {
            return Err(ExtensionError::InvalidName {
                name: name.to_owned(),
            });
        }
        if !txt::is_ext_value(value.as_bytes()) {
            return Err(ExtensionError::InvalidValue {
                name: name.to_owned(),
                value: value.to_owned(),
            });
        }
        if self.extensions.iter().any(|e| e.name == name) {
            return Err(ExtensionError::Duplicate {
                name: name.to_owned(),
            });
        }
        self.extensions.push(Extension {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        Ok(())
    }
}

impl TxtRecord for StsRecord {
    const KIND: RecordKind = RecordKind::MtaSts;

    fn parse_with(data: &[u8], options: ParseOptions) -> Result<Parsed<StsRecord>, ParseError> {
        if let Some(record) = parse_clean(data) {
            return Ok(Parsed {
                value: record,
                warnings: Vec::new(),
            });
        }
        let mut diagnostics = Diagnostics::new(data, options);
        let mut fields = Fields {
            id: None,
            id_seen: false,
            extensions: Vec::new(),
        };
        let scanned = txt::scan_fields(data, RecordKind::MtaSts, &mut diagnostics, |field, d| {
            fields.add(field, d);
        });
        if scanned.is_err() {
            return Err(diagnostics.into_error());
        }
        let Some(id) = fields.id else {
            if !fields.id_seen {
                diagnostics.push(RecordIssue::MissingId, Span::at(data.len()));
            }
            return Err(diagnostics.into_error());
        };
        diagnostics.finish(StsRecord {
            id,
            extensions: fields.extensions,
        })
    }
}

/// Reads the form nearly every domain publishes, `v=STSv1; id=...` with an optional final
/// `;`, in one pass. Returns `None` for anything else, including every record the full scan
/// would warn about, so that the full scan reads it and reports what it finds.
fn parse_clean(data: &[u8]) -> Option<StsRecord> {
    let rest = data.strip_prefix(b"v=STSv1;")?;
    let spaces = rest.iter().take_while(|&&b| txt::is_wsp(b)).count();
    let rest = rest[spaces..].strip_prefix(b"id=")?;
    let (id, rest) = read_id(rest)?;
    match rest {
        [] => {}
        [b';', tail @ ..] if tail.iter().all(|&b| txt::is_wsp(b)) => {}
        _ => return None,
    }
    Some(StsRecord::new(id))
}

/// Reads the id at the start of `rest`: its run of ASCII letters and digits, 1 to 32 bytes.
/// Returns the id and the input after it, or `None` when the run is empty or longer.
///
/// The bytes are tested eight at a time and copied into the id as whole words. A byte loop
/// and a copy of the id's length made the usual record 279 instructions, against 214 now
/// (callgrind, `benches/examples/callgrind_case record-mtasts`).
fn read_id(rest: &[u8]) -> Option<(PolicyId, &[u8])> {
    let mut bytes = [0; PolicyId::MAX_LENGTH];
    for (index, chunk) in bytes.chunks_exact_mut(8).enumerate() {
        let start = index * 8;
        let word = word_at(rest, start);
        let run = (not_alphanumeric(word).trailing_zeros() / 8) as usize;
        if run == 8 {
            chunk.copy_from_slice(&word.to_le_bytes());
            continue;
        }
        // Only the bytes of the run are copied, so that the id's unused bytes stay zero.
        let run_bytes = word & ((1 << (8 * run)) - 1);
        chunk.copy_from_slice(&run_bytes.to_le_bytes());
        let len = start + run;
        let id = PolicyId::from_zero_padded(bytes, len)?;
        return Some((id, rest.get(len..)?));
    }
    match rest.get(PolicyId::MAX_LENGTH) {
        Some(b) if b.is_ascii_alphanumeric() => None,
        _ => Some((
            PolicyId::from_zero_padded(bytes, PolicyId::MAX_LENGTH)?,
            rest.get(PolicyId::MAX_LENGTH..)?,
        )),
    }
}

/// Returns the eight bytes of `bytes` from `start` as a little-endian word, with zero bytes
/// in place of those past the end.
fn word_at(bytes: &[u8], start: usize) -> u64 {
    if let Some(word) = bytes.get(start..).and_then(|rest| rest.first_chunk::<8>()) {
        return u64::from_le_bytes(*word);
    }
    let remaining = bytes.len().saturating_sub(start);
    match bytes.last_chunk::<8>() {
        // The last eight bytes end with the remaining ones. Shifting moves those to the start
        // of the word and fills in zero bytes.
        Some(last) if remaining > 0 => u64::from_le_bytes(*last) >> (8 * (8 - remaining)),
        Some(_) => 0,
        None => bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .rev()
            .fold(0, |word, &b| (word << 8) | u64::from(b)),
    }
}

/// Sets the high bit of each byte of `word` that is not an ASCII letter or digit, and clears
/// every other bit. Setting bit 5 maps upper-case letters onto lower-case ones and no other
/// byte onto a letter.
fn not_alphanumeric(word: u64) -> u64 {
    const CASE_BIT: u64 = u64::from_le_bytes([0x20; 8]);
    let letters = domain::bytes_in_range(word | CASE_BIT, b'a', b'z');
    let digits = domain::bytes_in_range(word, b'0', b'9');
    !(letters | digits) & domain::HIGH_BITS
}

struct Fields {
    id: Option<PolicyId>,
    /// Whether an `id` field was seen, valid or not, so that a bad one is not also reported
    /// as missing.
    id_seen: bool,
    extensions: Vec<Extension>,
}

impl Fields {
    fn add(&mut self, field: RawField<'_>, diagnostics: &mut Diagnostics<'_>) {
        if field.name == b"id" {
            if self.id_seen {
                let span = Span::new(field.name_start, field.value_span().end);
                diagnostics.push(RecordIssue::DuplicateField { name: "id".into() }, span);
                return;
            }
            self.id_seen = true;
            self.id = PolicyId::from_bytes(field.value);
            if self.id.is_none() {
                diagnostics.push(
                    RecordIssue::InvalidId {
                        value: field.value_str(),
                    },
                    field.value_span(),
                );
            }
            return;
        }
        if field.name.eq_ignore_ascii_case(b"id") {
            let issue = RecordIssue::FieldNameCase {
                found: field.name_str(),
                expected: "id",
            };
            diagnostics.push(issue, field.name_span());
        }
        txt::push_extension_field(&mut self.extensions, &field, diagnostics);
    }
}

impl fmt::Display for StsRecord {
    /// Formats the record as its canonical TXT data, `v=STSv1; id=...;` plus extensions.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v=STSv1; id={};", self.id)?;
        for extension in &self.extensions {
            write!(f, " {}={};", extension.name, extension.value)?;
        }
        Ok(())
    }
}

impl Serialize for StsRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("StsRecord", 3)?;
        s.serialize_field("version", "STSv1")?;
        s.serialize_field("id", self.id.as_str())?;
        s.serialize_field("extensions", &ExtensionMap(&self.extensions))?;
        s.end()
    }
}

/// Serializes extension fields as one JSON object in field order.
pub(crate) struct ExtensionMap<'a>(pub(crate) &'a [Extension]);

impl Serialize for ExtensionMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for extension in self.0 {
            map.serialize_entry(&extension.name, &extension.value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::txt::Discovery;

    fn id_of(data: &str) -> String {
        StsRecord::parse(data).unwrap().value.id().to_string()
    }

    /// Returns (code, severity, offset, length) of each diagnostic of a rejected record.
    fn rejected(data: &str) -> Vec<(&'static str, Severity, usize, usize)> {
        let error = StsRecord::parse(data).unwrap_err();
        error
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.severity, d.span.start, d.span.len()))
            .collect()
    }

    fn warnings(data: &str) -> Vec<(&'static str, usize, usize)> {
        let parsed = StsRecord::parse(data).unwrap();
        parsed
            .warnings
            .iter()
            .map(|d| (d.code(), d.span.start, d.span.len()))
            .collect()
    }

    #[test]
    fn parse_accepts_every_delimiter_form() {
        assert_eq!(id_of("v=STSv1;id=20240101T000000Z"), "20240101T000000Z");
        assert_eq!(id_of("v=STSv1; id=20240101T000000Z;"), "20240101T000000Z");
        assert_eq!(
            id_of("v=STSv1; \t id=20240101T000000Z  \t;"),
            "20240101T000000Z"
        );
        assert_eq!(id_of("v=STSv1;\tid=a;\t"), "a");
    }

    #[test]
    fn parse_warns_on_space_before_first_semicolon() {
        assert_eq!(id_of("v=STSv1 ; id=20240101T000000Z"), "20240101T000000Z");
        assert_eq!(
            warnings("v=STSv1 ; id=20240101T000000Z"),
            [("space-before-semicolon", 7, 1)]
        );
    }

    #[test]
    fn parse_accepts_32_character_id_and_rejects_33() {
        let id32 = "a".repeat(32);
        assert_eq!(id_of(&format!("v=STSv1; id={id32}")), id32);
        let id33 = "a".repeat(33);
        assert_eq!(
            rejected(&format!("v=STSv1; id={id33}")),
            [("invalid-id", Severity::Error, 12, 33)]
        );
    }

    #[test]
    fn parse_rejects_bad_ids() {
        assert_eq!(
            rejected("v=STSv1; id=2016-08-31"),
            [("invalid-id", Severity::Error, 12, 10)]
        );
        assert_eq!(
            rejected("v=STSv1; id="),
            [("invalid-id", Severity::Error, 12, 0)]
        );
        assert_eq!(
            rejected("v=STSv1; id=abc def"),
            [("invalid-id", Severity::Error, 12, 7)]
        );
    }

    #[test]
    fn parse_keeps_extensions_in_order() {
        let parsed = StsRecord::parse("v=STSv1; id=abc123; more=a; x.y_z-1=2").unwrap();
        let names: Vec<(&str, &str)> = parsed
            .value
            .extensions()
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(names, [("more", "a"), ("x.y_z-1", "2")]);
        assert_eq!(id_of("v=STSv1; ext=foo; id=abc123"), "abc123");
    }

    #[test]
    fn parse_rejects_bad_extensions() {
        assert_eq!(
            rejected("v=STSv1; id=abc123; more="),
            [("invalid-extension-value", Severity::Error, 25, 0)]
        );
        assert_eq!(
            rejected("v=STSv1; id=abc123; test=="),
            [("invalid-extension-value", Severity::Error, 25, 1)]
        );
        let long_name = "n".repeat(33);
        assert_eq!(
            rejected(&format!("v=STSv1; id=a; {long_name}=1")),
            [("invalid-field-name", Severity::Error, 15, 33)]
        );
        assert_eq!(
            rejected("v=STSv1; id=a; _x=1"),
            [("invalid-field-name", Severity::Error, 15, 2)]
        );
        assert_eq!(
            rejected("v=STSv1; id=a; x!=1"),
            [("invalid-field-name", Severity::Error, 15, 2)]
        );
    }

    #[test]
    fn parse_reports_structure_errors_at_their_position() {
        assert_eq!(
            rejected("v=STSv1; id=abc;;"),
            [("empty-field", Severity::Error, 16, 1)]
        );
        assert_eq!(rejected("v=STSv1"), [("missing-id", Severity::Error, 7, 0)]);
        assert_eq!(
            rejected("v=STSv1;"),
            [("missing-id", Severity::Error, 8, 0)]
        );
        assert_eq!(
            rejected("v=STSv1 id=abc"),
            [("expected-semicolon", Severity::Error, 8, 1)]
        );
        assert_eq!(
            rejected("v=STSv1; id"),
            [("missing-equals", Severity::Error, 9, 2)]
        );
        assert_eq!(
            rejected("v=STSv1; id abc"),
            [("missing-equals", Severity::Error, 9, 2)]
        );
    }

    #[test]
    fn parse_tells_not_a_record_from_a_broken_one() {
        assert_eq!(
            rejected("id=abc123; v=STSv1"),
            [("not-sts-record", Severity::Error, 0, 9)]
        );
        assert_eq!(
            rejected("v=spf1 -all"),
            [("not-sts-record", Severity::Error, 0, 6)]
        );
        assert_eq!(
            rejected("v=STSv10; id=a"),
            [("not-sts-record", Severity::Error, 0, 8)]
        );
        assert_eq!(
            rejected("V=STSv1; id=a"),
            [("version-case", Severity::Error, 0, 7)]
        );
        assert_eq!(
            rejected("\"v=STSv1; id=a\""),
            [("presentation-form", Severity::Error, 0, 15)]
        );
        assert_eq!(rejected(""), [("not-sts-record", Severity::Error, 0, 0)]);
    }

    #[test]
    fn parse_rejects_non_ascii_at_its_byte() {
        assert_eq!(
            rejected("v=STSv1; id=a; x=é"),
            [("non-ascii", Severity::Error, 17, 1)]
        );
    }

    #[test]
    fn duplicate_id_keeps_the_first() {
        assert_eq!(id_of("v=STSv1; id=abc123; id=def456"), "abc123");
        assert_eq!(
            warnings("v=STSv1; id=abc123; id=def456"),
            [("duplicate-field", 20, 9)]
        );
    }

    #[test]
    fn uppercase_id_is_an_extension_and_id_is_missing() {
        assert_eq!(
            rejected("v=STSv1; ID=abc"),
            [
                ("field-name-case", Severity::Warning, 9, 2),
                ("missing-id", Severity::Error, 15, 0)
            ]
        );
    }

    #[test]
    fn space_around_equals_and_trailing_space_are_warnings() {
        assert_eq!(id_of("v=STSv1; id = abc "), "abc");
        assert_eq!(
            warnings("v=STSv1; id = abc "),
            [
                ("space-around-equals", 11, 3),
                ("trailing-whitespace", 17, 1)
            ]
        );
    }

    #[test]
    fn strict_rejects_what_lenient_warns_about() {
        let error = StsRecord::parse_with(b"v=STSv1 ; id=abc", ParseOptions::STRICT).unwrap_err();
        assert_eq!(
            error.first_error().unwrap().code(),
            "space-before-semicolon"
        );
    }

    #[test]
    fn repeated_extension_keeps_the_first_value() {
        let parsed = StsRecord::parse("v=STSv1; id=1; x=a; x=b").unwrap();
        assert_eq!(parsed.value.extensions().len(), 1);
        assert_eq!(parsed.value.extensions()[0].value, "a");
        assert_eq!(
            warnings("v=STSv1; id=1; x=a; x=b"),
            [("duplicate-field", 20, 3)]
        );
    }

    #[test]
    fn push_extension_rejects_what_would_not_round_trip() {
        let mut record = StsRecord::new(PolicyId::new("a1").unwrap());
        assert_eq!(
            record.push_extension("ID", "2"),
            Err(ExtensionError::InvalidName { name: "ID".into() })
        );
        assert_eq!(
            record.push_extension("_x", "2"),
            Err(ExtensionError::InvalidName { name: "_x".into() })
        );
        assert_eq!(
            record.push_extension("x", "a b"),
            Err(ExtensionError::InvalidValue {
                name: "x".into(),
                value: "a b".into()
            })
        );
        assert!(record.push_extension("x", "a=b").is_err());
        assert_eq!(record.push_extension("x", "ok"), Ok(()));
        assert_eq!(record.to_string(), "v=STSv1; id=a1; x=ok;");
    }

    /// Returns what the full scan makes of `data` when it finds nothing to report: the record
    /// that the fast path must return, or `None`.
    fn full_scan_if_clean(data: &[u8]) -> Option<StsRecord> {
        let mut diagnostics = Diagnostics::new(data, ParseOptions::default());
        let mut fields = Fields {
            id: None,
            id_seen: false,
            extensions: Vec::new(),
        };
        let scanned = txt::scan_fields(data, RecordKind::MtaSts, &mut diagnostics, |f, d| {
            fields.add(f, d)
        });
        let full_clean = scanned.is_ok() && diagnostics.is_empty() && fields.extensions.is_empty();
        fields.id.filter(|_| full_clean).map(StsRecord::new)
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// Ids of every length around the word edges and the 32-byte limit, ended by any byte.
        /// The fast path may leave a clean record to the full scan, but never the usual
        /// endings, and what it returns is what the full scan returns.
        #[test]
        fn clean_form_agrees_on_generated_ids(
            id in "[A-Za-z0-9]{0,40}",
            end in proptest::prop_oneof![
                proptest::strategy::Just(String::new()),
                proptest::strategy::Just(";".to_owned()),
                "[; \\t=a-]{1,3}",
                proptest::num::u8::ANY.prop_map(|b| char::from(b).to_string()),
            ],
        ) {
            let data = format!("v=STSv1; id={id}{end}");
            let fast = parse_clean(data.as_bytes());
            let full = full_scan_if_clean(data.as_bytes());
            if fast.is_some() || end.is_empty() || end == ";" {
                proptest::prop_assert_eq!(fast, full, "{:?}", data);
            }
        }
    }

    #[test]
    fn word_at_pads_with_zero_bytes() {
        let bytes = b"abcdefghijk";
        assert_eq!(word_at(bytes, 0), u64::from_le_bytes(*b"abcdefgh"));
        assert_eq!(word_at(bytes, 3), u64::from_le_bytes(*b"defghijk"));
        assert_eq!(word_at(bytes, 8), u64::from_le_bytes(*b"ijk\0\0\0\0\0"));
        assert_eq!(word_at(bytes, 11), 0);
        assert_eq!(word_at(bytes, 40), 0);
        assert_eq!(word_at(b"abc", 0), u64::from_le_bytes(*b"abc\0\0\0\0\0"));
        assert_eq!(word_at(b"abc", 2), u64::from_le_bytes(*b"c\0\0\0\0\0\0\0"));
        assert_eq!(word_at(b"", 0), 0);
    }

    #[test]
    fn read_id_stops_at_the_first_other_byte() {
        fn id(text: &str) -> Option<(String, &[u8])> {
            read_id(text.as_bytes()).map(|(id, rest)| (id.to_string(), rest))
        }
        assert_eq!(
            id("20160831085700Z;"),
            Some(("20160831085700Z".into(), &b";"[..]))
        );
        assert_eq!(id("abcdefgh"), Some(("abcdefgh".into(), &b""[..])));
        assert_eq!(id("abcdefgh-"), Some(("abcdefgh".into(), &b"-"[..])));
        let longest = "a1B2".repeat(8);
        assert_eq!(id(&longest), Some((longest.clone(), &b""[..])));
        assert_eq!(
            id(&format!("{longest};")),
            Some((longest.clone(), &b";"[..]))
        );
        assert_eq!(id(&format!("{longest}x")), None);
        assert_eq!(id(";"), None);
        assert_eq!(id(""), None);
        assert_eq!(id("ab\u{e9}"), Some(("ab".into(), "\u{e9}".as_bytes())));
    }

    #[test]
    fn clean_form_agrees_with_the_full_scan() {
        let cases = [
            "v=STSv1; id=20160831085700Z;",
            "v=STSv1;id=a",
            "v=STSv1;\t id=abc;  \t",
            "v=STSv1; id=abc ",
            "v=STSv1 ; id=abc",
            "v=STSv1; id=abc; ext=1",
            "v=STSv1; id=",
            "v=STSv1; id=a-b",
            "v=STSv1; ID=abc",
            "v=STSv1; id=abc;;",
        ];
        for case in cases {
            let expected = full_scan_if_clean(case.as_bytes());
            assert_eq!(parse_clean(case.as_bytes()), expected, "{case:?}");
        }
    }

    #[test]
    fn display_renders_canonical_record() {
        let mut parsed = StsRecord::parse("v=STSv1;id=abc;  ext=1").unwrap().value;
        assert_eq!(parsed.to_string(), "v=STSv1; id=abc; ext=1;");
        parsed.push_extension("b", "2").unwrap();
        assert_eq!(StsRecord::parse(parsed.to_string()).unwrap().value, parsed);
    }

    #[test]
    fn select_follows_the_sender_rules() {
        let found = StsRecord::select([vec!["v=spf1 -all"], vec!["v=STSv1; id=aaa111"]]);
        assert_eq!(found.discovery.record().unwrap().id(), "aaa111");
        let two = StsRecord::select([["v=STSv1; id=aaa111"], ["v=STSv1; id=bbb222"]]);
        assert_eq!(two.discovery, Discovery::Multiple { count: 2 });
        let none = StsRecord::select(Vec::<Vec<&str>>::new());
        assert_eq!(none.discovery, Discovery::NotFound);
        let near = StsRecord::select([["v=STSv10; id=aaa111"], ["v=STSv1; id=bbb222"]]);
        assert_eq!(near.discovery.record().unwrap().id(), "bbb222");
        assert_eq!(near.near_misses, ["v=STSv10; id=aaa111"]);
        let split = StsRecord::select([["v=STSv1; id=abc"], ["123"]]);
        assert_eq!(split.discovery.record().unwrap().id(), "abc");
    }

    #[test]
    fn select_reports_one_invalid_record_as_invalid() {
        let selection = StsRecord::select([["v=STSv1; id=a-b"]]);
        let Discovery::Invalid(error) = selection.discovery else {
            panic!("expected Invalid, found {:?}", selection.discovery);
        };
        assert_eq!(error.first_error().unwrap().code(), "invalid-id");
    }
}
