//! DNS TXT records: the data of one record, the tag-value grammar that `_mta-sts` and
//! `_smtp._tls` records share, and the selection of one record from a TXT RRset.
//!
//! Both RFC 8461 §3.1 and RFC 8460 §3 define a record as a version tag followed by fields:
//!
//! ```text
//! record      = version 1*(field-delim field) [field-delim]
//! field-delim = *WSP ";" *WSP
//! ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
//! ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
//! ```
//!
//! A sender selects the record the same way for both kinds: the character-strings of one
//! resource record are joined without spaces (RFC 7208 §3.3), records that do not begin with the
//! version tag are discarded, and unless exactly one remains the domain has no record.
//!
//! # Deviations and leniency
//!
//! - RFC 8461 §3.1 says to discard records that do not begin with `v=STSv1;`, but the ABNF
//!   allows spaces before the `;` (erratum 6285). A record counts as the kind when its version
//!   tag is followed by `*WSP ";"`, and `v=STSv1 ;` gets a `space-before-semicolon` warning.
//! - Whitespace around `=` and trailing whitespace without a final `;` are outside the ABNF.
//!   Both are accepted with a warning.
//! - [`decode_presentation`] turns a record pasted in zone-file form (`"v=STSv1\; id=1"`) into
//!   its wire data, for validators that take pasted text.

use std::borrow::Cow;

use hickory_proto::rr::rdata::TXT;

use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::tlsrpt::RuaIssue;

/// The two record kinds that share the tag-value grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// `_mta-sts.<domain>`, RFC 8461 §3.1.
    MtaSts,
    /// `_smtp._tls.<domain>`, RFC 8460 §3.
    TlsRpt,
}

impl RecordKind {
    /// Returns the version tag that must begin the record, such as `v=STSv1`.
    pub fn version_tag(self) -> &'static str {
        match self {
            RecordKind::MtaSts => "v=STSv1",
            RecordKind::TlsRpt => "v=TLSRPTv1",
        }
    }

    /// Returns the name people use for the record, such as `MTA-STS`.
    pub fn name(self) -> &'static str {
        match self {
            RecordKind::MtaSts => "MTA-STS",
            RecordKind::TlsRpt => "TLS-RPT",
        }
    }

    /// Returns the name with its indefinite article, such as `an MTA-STS`.
    pub(crate) fn name_with_article(self) -> &'static str {
        match self {
            RecordKind::MtaSts => "an MTA-STS",
            RecordKind::TlsRpt => "a TLS-RPT",
        }
    }

    /// Returns the owner name prefix, such as `_mta-sts`.
    pub fn owner_prefix(self) -> &'static str {
        match self {
            RecordKind::MtaSts => "_mta-sts",
            RecordKind::TlsRpt => "_smtp._tls",
        }
    }
}

/// The data of one TXT resource record: one or more character-strings.
///
/// Implemented for `hickory-proto`'s [`TXT`] rdata, so that lookups made with hickory's
/// resolver can be passed in as they are, and for strings and lists of strings.
pub trait TxtData {
    /// Iterator over the character-strings.
    type Strings<'a>: Iterator<Item = &'a [u8]>
    where
        Self: 'a;

    /// Returns the character-strings in order.
    fn strings(&self) -> Self::Strings<'_>;
}

impl TxtData for TXT {
    type Strings<'a> = std::iter::Map<std::slice::Iter<'a, Box<[u8]>>, fn(&Box<[u8]>) -> &[u8]>;

    fn strings(&self) -> Self::Strings<'_> {
        self.txt_data.iter().map(|s| &**s)
    }
}

impl TxtData for str {
    type Strings<'a> = std::iter::Once<&'a [u8]>;

    fn strings(&self) -> Self::Strings<'_> {
        std::iter::once(self.as_bytes())
    }
}

impl TxtData for String {
    type Strings<'a> = std::iter::Once<&'a [u8]>;

    fn strings(&self) -> Self::Strings<'_> {
        std::iter::once(self.as_bytes())
    }
}

impl<S: AsRef<[u8]>> TxtData for [S] {
    type Strings<'a>
        = std::iter::Map<std::slice::Iter<'a, S>, fn(&S) -> &[u8]>
    where
        S: 'a;

    fn strings(&self) -> Self::Strings<'_> {
        self.iter().map(AsRef::as_ref)
    }
}

impl<S: AsRef<[u8]>> TxtData for Vec<S> {
    type Strings<'a>
        = std::iter::Map<std::slice::Iter<'a, S>, fn(&S) -> &[u8]>
    where
        S: 'a;

    fn strings(&self) -> Self::Strings<'_> {
        self.iter().map(AsRef::as_ref)
    }
}

impl<S: AsRef<[u8]>, const N: usize> TxtData for [S; N] {
    type Strings<'a>
        = std::iter::Map<std::slice::Iter<'a, S>, fn(&S) -> &[u8]>
    where
        S: 'a;

    fn strings(&self) -> Self::Strings<'_> {
        self.iter().map(AsRef::as_ref)
    }
}

impl<T: TxtData + ?Sized> TxtData for &T {
    type Strings<'a>
        = T::Strings<'a>
    where
        Self: 'a;

    fn strings(&self) -> Self::Strings<'_> {
        (**self).strings()
    }
}

/// Joins the character-strings of one record without adding anything between them
/// (RFC 8461 §3.1, RFC 7208 §3.3). A record of one string is borrowed, not copied.
pub fn join<T: TxtData + ?Sized>(record: &T) -> Cow<'_, [u8]> {
    let mut strings = record.strings();
    let Some(first) = strings.next() else {
        return Cow::Borrowed(&[]);
    };
    let Some(second) = strings.next() else {
        return Cow::Borrowed(first);
    };
    let mut joined = Vec::with_capacity(first.len() + second.len());
    joined.extend_from_slice(first);
    joined.extend_from_slice(second);
    for s in strings {
        joined.extend_from_slice(s);
    }
    Cow::Owned(joined)
}

/// A record type that can be parsed from the joined data of one TXT record.
pub trait TxtRecord: Sized {
    /// Which kind of record this is.
    const KIND: RecordKind;

    /// Parses the joined data of one record.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the record is not of this kind or is invalid.
    fn parse_with(data: &[u8], options: ParseOptions) -> Result<Parsed<Self>, ParseError>;
}

/// What a sender concludes from a TXT RRset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery<T> {
    /// Exactly one record of the kind, and it is valid.
    Found(Parsed<T>),
    /// No record begins with the version tag: the domain publishes no record of this kind.
    NotFound,
    /// More than one record begins with the version tag, so the domain has no usable record.
    Multiple {
        /// How many records begin with the version tag.
        count: usize,
    },
    /// Exactly one record begins with the version tag, but it is invalid, so the domain has no
    /// usable record.
    Invalid(ParseError),
}

impl<T> Discovery<T> {
    /// Returns the record when exactly one valid record was found.
    pub fn record(&self) -> Option<&T> {
        match self {
            Discovery::Found(parsed) => Some(&parsed.value),
            _ => None,
        }
    }
}

/// The result of [`select`]: the sender's conclusion, and the records it discarded that look
/// like a mistaken attempt at this kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection<T> {
    /// What the sender concludes.
    pub discovery: Discovery<T>,
    /// Records discarded although they begin with the version tag in another letter case, or
    /// without the `;` that must follow it (for example `v=STSv1` alone or `v=STSv10; ...`).
    pub near_misses: Vec<String>,
}

/// Selects the record of kind `T` from a whole TXT RRset, as RFC 8461 §3.1 and RFC 8460 §3
/// require of senders.
///
/// # Examples
///
/// ```
/// use mtasts_core::sts::StsRecord;
/// use mtasts_core::txt::{select, Discovery};
///
/// let rrset = [vec!["v=spf1 -all"], vec!["v=STSv1; id=2024", "0101"]];
/// let selection = select::<StsRecord, _>(&rrset, Default::default());
/// assert_eq!(selection.discovery.record().unwrap().id(), "20240101");
/// ```
pub fn select<T: TxtRecord, R: TxtData>(
    rrset: impl IntoIterator<Item = R>,
    options: ParseOptions,
) -> Selection<T> {
    let tag = T::KIND.version_tag().as_bytes();
    let mut first: Option<Result<Parsed<T>, ParseError>> = None;
    let mut count = 0;
    let mut near_misses = Vec::new();
    for record in rrset {
        let data = join(&record);
        if begins_with_tag(&data, tag) {
            count += 1;
            if first.is_none() {
                first = Some(T::parse_with(&data, options));
            }
        } else if is_near_miss(&data, tag) {
            near_misses.push(String::from_utf8_lossy(&data).into_owned());
        }
    }
    let discovery = match first {
        None => Discovery::NotFound,
        Some(_) if count > 1 => Discovery::Multiple { count },
        Some(Ok(parsed)) => Discovery::Found(parsed),
        Some(Err(error)) => Discovery::Invalid(error),
    };
    Selection {
        discovery,
        near_misses,
    }
}

/// Returns `true` when `data` begins with `tag` followed by `*WSP ";"`.
fn begins_with_tag(data: &[u8], tag: &[u8]) -> bool {
    match data.strip_prefix(tag) {
        Some(rest) => skip_wsp(rest).first() == Some(&b';'),
        None => false,
    }
}

fn is_near_miss(data: &[u8], tag: &[u8]) -> bool {
    data.len() >= tag.len() && data[..tag.len()].eq_ignore_ascii_case(tag)
}

fn skip_wsp(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| is_wsp(b)).count();
    &bytes[n..]
}

pub(crate) fn is_wsp(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// Characters of `ext-name`: `(ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")`.
pub(crate) fn is_ext_name_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

/// Longest `ext-name`, in characters.
pub(crate) const MAX_EXT_NAME_LENGTH: usize = 32;

/// Problems in a TXT record of either kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RecordIssue {
    /// A byte outside US-ASCII (RFC 8461 §3.1: "Records MUST be US-ASCII").
    #[error("record must be US-ASCII, found byte 0x{byte:02x}")]
    NonAscii {
        /// The first byte above 0x7F.
        byte: u8,
    },
    /// The record does not begin with the version tag, so it is not a record of this kind.
    #[error("not {} record: expected it to begin with \"{}\", found {found:?}", .kind.name_with_article(), .kind.version_tag())]
    NotThisKind {
        /// The kind that was expected.
        kind: RecordKind,
        /// The start of the record.
        found: String,
    },
    /// The version tag is there but in another letter case, which the case-sensitive ABNF
    /// (`%s"v=STSv1"`) does not accept.
    #[error("the version tag is case-sensitive: expected \"{}\", found {found:?}", .kind.version_tag())]
    VersionCase {
        /// The kind that was expected.
        kind: RecordKind,
        /// The tag as written.
        found: String,
    },
    /// The text is in DNS zone-file presentation form (quoted strings, `\;`) rather than the
    /// record's data.
    #[error("record is in zone-file presentation form (quotes or backslash escapes)")]
    PresentationForm {
        /// The record data after removing quotes and escapes, when that succeeds.
        decoded: Option<String>,
    },
    /// Something other than `;` where a field delimiter must be.
    #[error("expected \";\" between fields, found {found:?}")]
    ExpectedSemicolon {
        /// The character found.
        found: char,
    },
    /// Two delimiters with no field between them (`;;`).
    #[error("empty field between two \";\"")]
    EmptyField,
    /// A field name that breaks `ext-name`.
    #[error(
        "invalid field name {name:?}: expected a letter or digit, then up to 31 letters, digits, \"_\", \"-\" or \".\""
    )]
    InvalidFieldName {
        /// The name as written.
        name: String,
    },
    /// A field without `=`.
    #[error("field {name:?} has no \"=\"")]
    MissingEquals {
        /// The field name.
        name: String,
    },
    /// Whitespace around the `=` of a field, which the ABNF does not allow.
    #[error("whitespace around \"=\" in field {name:?}")]
    SpaceAroundEquals {
        /// The field name.
        name: String,
    },
    /// Whitespace between the version tag and the first `;` (erratum 6285).
    #[error("whitespace between the version tag and \";\"")]
    SpaceBeforeSemicolon,
    /// Whitespace at the end of the record without a final `;`.
    #[error("trailing whitespace after the last field")]
    TrailingWhitespace,
    /// An extension value that breaks `ext-value`.
    #[error(
        "invalid value {value:?} for field {name:?}: expected printable ASCII without spaces, \"=\" or \";\""
    )]
    InvalidExtensionValue {
        /// The field name.
        name: String,
        /// The value as written.
        value: String,
    },
    /// A field that may appear once appears again. The first occurrence is used (RFC 8461 §3.2).
    #[error("duplicate field {name:?}: the first occurrence is used and this one is ignored")]
    DuplicateField {
        /// The field name.
        name: String,
    },
    /// A field name that differs from a defined field only in letter case, such as `ID`.
    #[error("field names are case-sensitive: {found:?} is an unknown field, not {expected:?}")]
    FieldNameCase {
        /// The name as written.
        found: String,
        /// The defined field it resembles.
        expected: &'static str,
    },
    /// An `id` value that is not 1 to 32 letters and digits (RFC 8461 §3.1).
    #[error("invalid id {value:?}: expected 1 to 32 ASCII letters and digits")]
    InvalidId {
        /// The value as written.
        value: String,
    },
    /// The required `id` field is missing.
    #[error("missing required field \"id\"")]
    MissingId,
    /// A problem in a URI of the `rua` field of a TLS-RPT record.
    #[error(transparent)]
    Rua(#[from] RuaIssue),
    /// The required `rua` field of a TLS-RPT record is missing (RFC 8460 §3).
    #[error("missing required field \"rua\"")]
    MissingRua,
}

crate::codes::issue_codes! {
    RecordIssue {
        RecordIssue::NonAscii { .. } => "non-ascii",
        RecordIssue::NotThisKind {
            kind: RecordKind::MtaSts,
            ..
        } => "not-sts-record",
        RecordIssue::NotThisKind {
            kind: RecordKind::TlsRpt,
            ..
        } => "not-tlsrpt-record",
        RecordIssue::VersionCase { .. } => "version-case",
        RecordIssue::PresentationForm { .. } => "presentation-form",
        RecordIssue::ExpectedSemicolon { .. } => "expected-semicolon",
        RecordIssue::EmptyField => "empty-field",
        RecordIssue::InvalidFieldName { .. } => "invalid-field-name",
        RecordIssue::MissingEquals { .. } => "missing-equals",
        RecordIssue::SpaceAroundEquals { .. } => "space-around-equals",
        RecordIssue::SpaceBeforeSemicolon => "space-before-semicolon",
        RecordIssue::TrailingWhitespace => "trailing-whitespace",
        RecordIssue::InvalidExtensionValue { .. } => "invalid-extension-value",
        RecordIssue::DuplicateField { .. } => "duplicate-field",
        RecordIssue::FieldNameCase { .. } => "field-name-case",
        RecordIssue::InvalidId { .. } => "invalid-id",
        RecordIssue::MissingId => "missing-id",
        RecordIssue::MissingRua => "missing-rua",
    }
    delegated {
        RecordIssue::Rua(issue) => issue.code(),
    }
}

impl RecordIssue {
    pub(crate) fn is_warning(&self) -> bool {
        matches!(
            self,
            RecordIssue::SpaceAroundEquals { .. }
                | RecordIssue::SpaceBeforeSemicolon
                | RecordIssue::TrailingWhitespace
                | RecordIssue::DuplicateField { .. }
                | RecordIssue::FieldNameCase { .. }
                | RecordIssue::PresentationForm { decoded: Some(_) }
        ) || matches!(self, RecordIssue::Rua(issue) if issue.is_warning())
    }

    pub(crate) fn hint(&self) -> Cow<'static, str> {
        match self {
            RecordIssue::NonAscii { .. } => "remove the non-ASCII character".into(),
            RecordIssue::NotThisKind { kind, .. } => format!(
                "{} record at {}.<domain> begins with \"{};\"",
                kind.name_with_article(),
                kind.owner_prefix(),
                kind.version_tag()
            )
            .into(),
            RecordIssue::VersionCase { kind, .. } => {
                format!("write the tag exactly as \"{}\"", kind.version_tag()).into()
            }
            RecordIssue::PresentationForm {
                decoded: Some(decoded),
            } => format!("the record data is {decoded:?}").into(),
            RecordIssue::PresentationForm { decoded: None } => {
                "remove the quotes and backslash escapes added by the zone file or dig".into()
            }
            RecordIssue::ExpectedSemicolon { .. } => "separate fields with \";\"".into(),
            RecordIssue::EmptyField => "remove the extra \";\"".into(),
            RecordIssue::InvalidFieldName { .. } => {
                "write fields as name=value, separated by \";\"".into()
            }
            RecordIssue::MissingEquals { name } => {
                format!("write the field as {name}=value").into()
            }
            RecordIssue::SpaceAroundEquals { name } => {
                format!("remove the whitespace: {name}=value").into()
            }
            RecordIssue::SpaceBeforeSemicolon => {
                "some senders discard the record unless \";\" follows the version tag directly"
                    .into()
            }
            RecordIssue::TrailingWhitespace => "remove the whitespace or end with \";\"".into(),
            RecordIssue::InvalidExtensionValue { .. } => {
                "remove spaces, \"=\" and control characters from the value".into()
            }
            RecordIssue::DuplicateField { name } => format!("keep one \"{name}=\" field").into(),
            RecordIssue::FieldNameCase { expected, .. } => {
                format!("write the field name as \"{expected}\"").into()
            }
            RecordIssue::InvalidId { .. } => {
                "use letters and digits only, such as a timestamp like 20240101T000000".into()
            }
            RecordIssue::MissingId => "add a field such as \"id=20240101T000000\"".into(),
            RecordIssue::Rua(issue) => issue.hint(),
            RecordIssue::MissingRua => {
                "add a field such as \"rua=mailto:tlsrpt@example.com\"".into()
            }
        }
    }
}

/// One `name=value` field of a record, with byte offsets into the record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawField<'a> {
    pub(crate) name: &'a [u8],
    pub(crate) name_start: usize,
    pub(crate) value: &'a [u8],
    pub(crate) value_start: usize,
}

impl RawField<'_> {
    pub(crate) fn name_span(&self) -> Span {
        Span::new(self.name_start, self.name_start + self.name.len())
    }

    pub(crate) fn value_span(&self) -> Span {
        Span::new(self.value_start, self.value_start + self.value.len())
    }

    pub(crate) fn name_str(&self) -> String {
        String::from_utf8_lossy(self.name).into_owned()
    }

    pub(crate) fn value_str(&self) -> String {
        String::from_utf8_lossy(self.value).into_owned()
    }
}

/// Outcome of [`scan_fields`] when the record cannot be read further.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScanStop {
    /// The record is not of the expected kind.
    NotThisKind,
    /// A syntax error ended the scan. The diagnostic is recorded.
    SyntaxError,
}

/// Scans a record of `kind` and calls `on_field` for each field after the version tag, in
/// order. A field's value runs to the next `;` with surrounding whitespace removed, and the
/// caller checks it against the field's own grammar.
pub(crate) fn scan_fields<'a>(
    data: &'a [u8],
    kind: RecordKind,
    diagnostics: &mut Diagnostics<'_>,
    mut on_field: impl FnMut(RawField<'a>, &mut Diagnostics<'_>),
) -> Result<(), ScanStop> {
    if let Some(offset) = data.iter().position(|b| !b.is_ascii()) {
        diagnostics.push(
            RecordIssue::NonAscii { byte: data[offset] },
            Span::new(offset, offset + 1),
        );
        return Err(ScanStop::SyntaxError);
    }
    let tag = kind.version_tag().as_bytes();
    let mut pos = check_version_tag(data, kind, diagnostics)?;
    debug_assert_eq!(pos, tag.len());
    let mut first_delimiter = true;
    loop {
        let space_start = pos;
        pos += data[pos..].iter().take_while(|&&b| is_wsp(b)).count();
        if pos == data.len() {
            if pos > space_start {
                diagnostics.push(RecordIssue::TrailingWhitespace, Span::new(space_start, pos));
            }
            return Ok(());
        }
        if data[pos] != b';' {
            diagnostics.push(
                RecordIssue::ExpectedSemicolon {
                    found: char::from(data[pos]),
                },
                Span::new(pos, pos + 1),
            );
            return Err(ScanStop::SyntaxError);
        }
        if first_delimiter && pos > space_start {
            diagnostics.push(
                RecordIssue::SpaceBeforeSemicolon,
                Span::new(space_start, pos),
            );
        }
        first_delimiter = false;
        pos += 1;
        pos += data[pos..].iter().take_while(|&&b| is_wsp(b)).count();
        if pos == data.len() {
            return Ok(());
        }
        if data[pos] == b';' {
            diagnostics.push(RecordIssue::EmptyField, Span::new(pos, pos + 1));
            return Err(ScanStop::SyntaxError);
        }
        pos = scan_field(data, pos, diagnostics, &mut on_field)?;
    }
}

/// Checks the version tag at the start of `data` and returns the offset after it.
fn check_version_tag(
    data: &[u8],
    kind: RecordKind,
    diagnostics: &mut Diagnostics<'_>,
) -> Result<usize, ScanStop> {
    let tag = kind.version_tag().as_bytes();
    // The token that stands where the version tag should be: up to the first delimiter.
    let token_end = data
        .iter()
        .position(|&b| b == b';' || is_wsp(b))
        .unwrap_or(data.len());
    let token = &data[..token_end];
    if token == tag {
        return Ok(tag.len());
    }
    let found = String::from_utf8_lossy(token).into_owned();
    let span = Span::new(0, token_end);
    if token.eq_ignore_ascii_case(tag) {
        diagnostics.push(RecordIssue::VersionCase { kind, found }, span);
    } else if data.first() == Some(&b'"') || data.windows(2).any(|w| w == b"\\;") {
        let decoded = std::str::from_utf8(data)
            .ok()
            .and_then(decode_presentation)
            .map(|strings| String::from_utf8_lossy(&strings.concat()).into_owned());
        diagnostics.push_with_severity(
            RecordIssue::PresentationForm { decoded }.into(),
            Span::new(0, data.len()),
            crate::diagnostic::Severity::Error,
        );
    } else {
        diagnostics.push(RecordIssue::NotThisKind { kind, found }, span);
    }
    Err(ScanStop::NotThisKind)
}

/// Scans one `name=value` field starting at `start` and returns the offset after its value.
fn scan_field<'a>(
    data: &'a [u8],
    start: usize,
    diagnostics: &mut Diagnostics<'_>,
    on_field: &mut impl FnMut(RawField<'a>, &mut Diagnostics<'_>),
) -> Result<usize, ScanStop> {
    let field_end = data[start..]
        .iter()
        .position(|&b| b == b';')
        .map_or(data.len(), |i| start + i);
    let field = &data[start..field_end];
    let name_len = field.iter().take_while(|&&b| is_ext_name_char(b)).count();
    let name = &field[..name_len];
    let next = field.get(name_len).copied();
    let valid_name =
        !name.is_empty() && name[0].is_ascii_alphanumeric() && name.len() <= MAX_EXT_NAME_LENGTH;
    if !valid_name || next.is_some_and(|b| b != b'=' && !is_wsp(b)) {
        // Show the whole would-be name, up to the "=" or whitespace that ends it.
        let shown = field
            .iter()
            .position(|&b| b == b'=' || is_wsp(b))
            .unwrap_or(field.len());
        let shown_end = start + shown.max(1).min(field.len());
        diagnostics.push(
            RecordIssue::InvalidFieldName {
                name: String::from_utf8_lossy(&data[start..shown_end]).into_owned(),
            },
            Span::new(start, shown_end),
        );
        return Err(ScanStop::SyntaxError);
    }
    let name_span = Span::new(start, start + name_len);
    let name_str = || String::from_utf8_lossy(name).into_owned();
    let space_before = field[name_len..].iter().take_while(|&&b| is_wsp(b)).count();
    let mut pos = name_len + space_before;
    if field.get(pos) != Some(&b'=') {
        diagnostics.push(RecordIssue::MissingEquals { name: name_str() }, name_span);
        return Err(ScanStop::SyntaxError);
    }
    pos += 1;
    let space_after = field[pos..].iter().take_while(|&&b| is_wsp(b)).count();
    if space_before > 0 || space_after > 0 {
        let span = Span::new(start + name_len, start + pos + space_after);
        diagnostics.push(RecordIssue::SpaceAroundEquals { name: name_str() }, span);
    }
    pos += space_after;
    let value_len = field[pos..]
        .iter()
        .rposition(|&b| !is_wsp(b))
        .map_or(0, |i| i + 1);
    let value_start = start + pos;
    on_field(
        RawField {
            name,
            name_start: start,
            value: &field[pos..pos + value_len],
            value_start,
        },
        diagnostics,
    );
    Ok(value_start + value_len)
}

/// Checks `ext-name`: a letter or digit, then up to 31 letters, digits, `_`, `-` or `.`.
pub(crate) fn is_ext_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= MAX_EXT_NAME_LENGTH
        && name[0].is_ascii_alphanumeric()
        && name.iter().all(|&b| is_ext_name_char(b))
}

/// Checks `ext-value`: one or more of `%x21-3A / %x3C / %x3E-7E`, that is printable ASCII
/// without spaces, `=` or `;`.
pub(crate) fn is_ext_value(value: &[u8]) -> bool {
    !value.is_empty()
        && value
            .iter()
            .all(|&b| matches!(b, 0x21..=0x3A | 0x3C | 0x3E..=0x7E))
}

/// Adds an extension field to `extensions` when its value follows `ext-value` and its name is
/// new. A repeated name gets a `duplicate-field` warning and only the first value is kept,
/// as RFC 8461 §3.2 asks for fields that may appear once; nothing says extensions may repeat.
pub(crate) fn push_extension_field(
    extensions: &mut Vec<crate::sts::Extension>,
    field: &RawField<'_>,
    diagnostics: &mut Diagnostics<'_>,
) {
    if !check_extension_value(field, diagnostics) {
        return;
    }
    if extensions.iter().any(|e| e.name.as_bytes() == field.name) {
        let span = Span::new(field.name_start, field.value_span().end);
        let issue = RecordIssue::DuplicateField {
            name: field.name_str(),
        };
        diagnostics.push(issue, span);
        return;
    }
    extensions.push(crate::sts::Extension {
        name: field.name_str(),
        value: field.value_str(),
    });
}

/// Checks an extension value against `ext-value` and records an error if it breaks it.
pub(crate) fn check_extension_value(
    field: &RawField<'_>,
    diagnostics: &mut Diagnostics<'_>,
) -> bool {
    let valid = is_ext_value(field.value);
    if !valid {
        diagnostics.push(
            RecordIssue::InvalidExtensionValue {
                name: field.name_str(),
                value: field.value_str(),
            },
            field.value_span(),
        );
    }
    valid
}

/// Decodes text in DNS zone-file presentation form into the character-strings of one record.
///
/// Accepts what people paste from `dig` or a zone file: one or more quoted strings separated by
/// whitespace (`"v=STSv1; id=2024" "0101"`), optionally after the owner, TTL, class and type
/// (`_mta-sts.example.com. 300 IN TXT "v=STSv1; id=1"`), or unquoted text with escaped
/// semicolons (`v=STSv1\; id=1`). Escapes are `\X` and `\DDD` (RFC 1035 §5.1). Returns `None`
/// when the text is not in presentation form or is malformed.
///
/// # Examples
///
/// ```
/// use mtasts_core::txt::decode_presentation;
///
/// let strings = decode_presentation(r#""v=STSv1\; id=2024" "0101""#).unwrap();
/// assert_eq!(strings, [b"v=STSv1; id=2024".to_vec(), b"0101".to_vec()]);
/// ```
pub fn decode_presentation(text: &str) -> Option<Vec<Vec<u8>>> {
    let text = text.trim();
    let quoted = match text.find(" TXT ").or_else(|| text.find("\tTXT\t")) {
        Some(i) if !text.starts_with('"') => text[i + 5..].trim_start(),
        _ => text,
    };
    if !quoted.starts_with('"') {
        if !text.contains("\\;") {
            return None;
        }
        return unescape(text.as_bytes()).map(|s| vec![s]);
    }
    let mut strings = Vec::new();
    let mut rest = quoted.as_bytes();
    while !rest.is_empty() {
        let inner = rest.strip_prefix(b"\"")?;
        let end = closing_quote(inner)?;
        strings.push(unescape(&inner[..end])?);
        rest = skip_space(&inner[end + 1..]);
    }
    Some(strings)
}

fn skip_space(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

/// Returns the offset of the first unescaped `"`.
fn closing_quote(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn unescape(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let digits = bytes
            .get(i + 1..i + 4)
            .filter(|d| d.iter().all(u8::is_ascii_digit));
        match digits {
            Some(d) => {
                let value = u32::from(d[0] - b'0') * 100
                    + u32::from(d[1] - b'0') * 10
                    + u32::from(d[2] - b'0');
                out.push(u8::try_from(value).ok()?);
                i += 4;
            }
            None => {
                out.push(*bytes.get(i + 1)?);
                i += 2;
            }
        }
    }
    Some(out)
}

/// Parses a record as a person pasted it: when the text is in zone-file presentation form, it
/// is decoded first and a `presentation-form` warning is added.
///
/// Positions in the diagnostics refer to [`Pasted::data`], which is the decoded text when a
/// decoding took place.
pub fn parse_pasted<T: TxtRecord>(text: &str, options: ParseOptions) -> Pasted<T> {
    let after_type = text.contains(" TXT \"") || text.contains("\tTXT\t\"");
    let decoded = if text.starts_with('"') || text.contains("\\;") || after_type {
        decode_presentation(text).map(|strings| strings.concat())
    } else {
        None
    };
    let Some(data) = decoded else {
        return Pasted {
            data: text.as_bytes().to_vec(),
            result: T::parse_with(text.as_bytes(), options),
        };
    };
    let issue = RecordIssue::PresentationForm {
        decoded: Some(String::from_utf8_lossy(&data).into_owned()),
    };
    let mut diagnostics = Diagnostics::new(&data, options);
    diagnostics.push(issue, Span::new(0, data.len()));
    let extra = diagnostics.into_error().diagnostics;
    let result = match T::parse_with(&data, options) {
        Ok(mut parsed) if extra.iter().all(|d| !d.is_error()) => {
            parsed.warnings.splice(0..0, extra);
            Ok(parsed)
        }
        Ok(parsed) => {
            let mut all = extra;
            all.extend(parsed.warnings);
            Err(ParseError { diagnostics: all })
        }
        Err(mut error) => {
            error.diagnostics.splice(0..0, extra);
            Err(error)
        }
    };
    Pasted { data, result }
}

/// A record parsed from pasted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pasted<T> {
    /// The record data that was parsed, after any presentation-form decoding.
    pub data: Vec<u8>,
    /// The outcome of parsing `data`.
    pub result: Result<Parsed<T>, ParseError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_concatenates_without_separator() {
        assert_eq!(
            &*join(&["v=STSv1; id=2024", "0101T000000Z"]),
            b"v=STSv1; id=20240101T000000Z"
        );
        assert_eq!(&*join(&["v=STSv1;", " id=abc123"]), b"v=STSv1; id=abc123");
        assert_eq!(&*join("single"), b"single");
        assert!(matches!(join("single"), Cow::Borrowed(_)));
        assert_eq!(&*join(&Vec::<String>::new()), b"");
    }

    #[test]
    fn join_reads_hickory_txt() {
        let txt = TXT::new(vec!["v=STSv1; id=ab".into(), "c123".into()]);
        assert_eq!(&*join(&txt), b"v=STSv1; id=abc123");
    }

    #[test]
    fn begins_with_tag_allows_whitespace_before_semicolon() {
        assert!(begins_with_tag(b"v=STSv1;id=1", b"v=STSv1"));
        assert!(begins_with_tag(b"v=STSv1 \t; id=1", b"v=STSv1"));
        assert!(!begins_with_tag(b"v=STSv1", b"v=STSv1"));
        assert!(!begins_with_tag(b"v=STSv10; id=1", b"v=STSv1"));
        assert!(!begins_with_tag(b"v=STSv1 id=1", b"v=STSv1"));
    }

    #[test]
    fn decode_presentation_handles_dig_output() {
        let cases: [(&str, &[&[u8]]); 5] = [
            (
                r#""v=STSv1; id=19840507T234501;""#,
                &[b"v=STSv1; id=19840507T234501;"],
            ),
            (
                r#""v=STSv1; id=2024" "0101T000000Z""#,
                &[b"v=STSv1; id=2024", b"0101T000000Z"],
            ),
            (
                r#""v=TLSRPTv1\; rua=mailto:a@example.com.""#,
                &[b"v=TLSRPTv1; rua=mailto:a@example.com."],
            ),
            (r"v=STSv1\; id=1", &[b"v=STSv1; id=1"]),
            (
                r#"_mta-sts.example.com. 300 IN TXT "v=STSv1; id=\0491""#,
                &[b"v=STSv1; id=11"],
            ),
        ];
        for (text, expected) in cases {
            let decoded = decode_presentation(text).unwrap();
            let decoded: Vec<&[u8]> = decoded.iter().map(Vec::as_slice).collect();
            assert_eq!(decoded, expected, "{text}");
        }
    }

    #[test]
    fn decode_presentation_rejects_plain_or_broken_text() {
        assert_eq!(decode_presentation("v=STSv1; id=1"), None);
        assert_eq!(decode_presentation(r#""unterminated"#), None);
        assert_eq!(decode_presentation(r#""a" b"#), None);
        assert_eq!(decode_presentation(r#""\999""#), None);
    }
}
