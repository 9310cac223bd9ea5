//! The `_smtp._tls.<domain>` TXT record
//! ([RFC 8460 §3](https://www.rfc-editor.org/rfc/rfc8460#section-3)).
//!
//! ```text
//! tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//! tlsrpt-field   = tlsrpt-rua / tlsrpt-extension
//! tlsrpt-version = %s"v=TLSRPTv1"
//! tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//! ```
//!
//! The delimiters, extension fields and RRset selection are shared with the MTA-STS record and
//! described in [`crate::txt`]. The URIs of the `rua` field are described in [`Rua`].
//!
//! # Deviations and leniency
//!
//! - The grammar allows more than one `rua` field, because `tlsrpt-field` repeats. Their URI
//!   lists are merged in record order, since rejecting the second field would throw away a
//!   valid destination.
//! - `RUA=` is an extension field by the case-sensitive ABNF, so a record whose only
//!   destinations are in `RUA=` has no `rua` and is rejected. A `field-name-case` warning points
//!   at it.

use std::fmt;

use ascii::AsciiStr;
use compact_str::CompactString;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use smallvec::SmallVec;

use super::rua::{self, Rua};
use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::domain;
use crate::sts::{Extension, ExtensionError};
use crate::txt::{self, RawField, RecordIssue, RecordKind, Selection, TxtData, TxtRecord};

/// A parsed `_smtp._tls` TXT record, which lists where to send TLS reports for a domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TlsRptRecord {
    /// Never empty. Nearly every record has one destination, kept without allocating.
    rua: SmallVec<[Rua; 1]>,
    extensions: Vec<Extension>,
}

impl TlsRptRecord {
    /// Creates a record with one report destination and no extension fields.
    pub fn new(rua: Rua) -> TlsRptRecord {
        TlsRptRecord {
            rua: SmallVec::from_buf([rua]),
            extensions: Vec::new(),
        }
    }

    /// Parses the data of one `_smtp._tls` record, with the strings of the resource record
    /// already joined (see [`txt::join`]).
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the record is not a TLS-RPT record (code
    /// `not-tlsrpt-record`) or breaks the grammar.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::{Rua, TlsRptRecord};
    ///
    /// let parsed =
    ///     TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://r.example.net/v1")
    ///         .unwrap();
    /// let rua = parsed.value.rua();
    /// assert_eq!(rua[0], Rua::Mailto { address: "tlsrpt@example.com".into() });
    /// assert_eq!(rua[1].to_string(), "https://r.example.net/v1");
    ///
    /// let error = TlsRptRecord::parse("v=TLSRPTv1; rua=postmaster@example.com").unwrap_err();
    /// assert_eq!(error.first_error().unwrap().code(), "rua-missing-scheme");
    /// ```
    pub fn parse(data: impl AsRef<[u8]>) -> Result<Parsed<TlsRptRecord>, ParseError> {
        TlsRptRecord::parse_with(data.as_ref(), ParseOptions::default())
    }

    /// Parses the data of one `_smtp._tls` record with the given options. With
    /// `options.strict`, every warning is an error.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the record is not a TLS-RPT record or breaks the grammar.
    pub fn parse_with(
        data: &[u8],
        options: ParseOptions,
    ) -> Result<Parsed<TlsRptRecord>, ParseError> {
        <TlsRptRecord as TxtRecord>::parse_with(data, options)
    }

    /// Selects and parses the `_smtp._tls` record from a whole TXT RRset, as a sender must
    /// (RFC 8460 §3).
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::TlsRptRecord;
    /// use mtasts_core::txt::Discovery;
    ///
    /// let selection = TlsRptRecord::select([
    ///     ["v=TLSRPTv1; rua=mailto:a@example.com"],
    ///     ["v=TLSRPTv1; rua=mailto:b@example.com"],
    /// ]);
    /// assert!(matches!(selection.discovery, Discovery::Multiple { count: 2 }));
    /// ```
    pub fn select<R: TxtData>(rrset: impl IntoIterator<Item = R>) -> Selection<TlsRptRecord> {
        txt::select(rrset, ParseOptions::default())
    }

    /// Returns the report destinations in record order. There is at least one.
    pub fn rua(&self) -> &[Rua] {
        &self.rua
    }

    /// Adds a report destination after the others.
    pub fn push_rua(&mut self, rua: Rua) {
        self.rua.push(rua);
    }

    /// Returns the extension fields in record order.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Adds an extension field.
    ///
    /// # Errors
    ///
    /// Rejects a name that breaks `tlsrpt-ext-name` or is `v` or `rua` (in any letter case),
    /// and a value that breaks `tlsrpt-ext-value` (printable ASCII without spaces, `=` or `;`),
    /// since either would render as a record that parses differently.
    pub fn push_extension(&mut self, name: &str, value: &str) -> Result<(), ExtensionError> {
        let reserved = name.eq_ignore_ascii_case("v") || name.eq_ignore_ascii_case("rua");
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

impl TxtRecord for TlsRptRecord {
    const KIND: RecordKind = RecordKind::TlsRpt;

    fn parse_with(data: &[u8], options: ParseOptions) -> Result<Parsed<TlsRptRecord>, ParseError> {
        if let Some(address) = fast_mailto_record(data) {
            return Ok(Parsed {
                value: TlsRptRecord {
                    rua: SmallVec::from_buf([Rua::Mailto { address }]),
                    extensions: Vec::new(),
                },
                warnings: Vec::new(),
            });
        }
        parse_full(data, options)
    }
}

/// Scans a record field by field, reporting every diagnostic. [`TlsRptRecord::parse_with`]
/// calls it when the fast path declines the input.
fn parse_full(data: &[u8], options: ParseOptions) -> Result<Parsed<TlsRptRecord>, ParseError> {
    {
        let mut diagnostics = Diagnostics::new(data, options);
        let mut fields = Fields {
            rua: SmallVec::new(),
            rua_seen: false,
            extensions: Vec::new(),
        };
        let scanned = txt::scan_fields(data, RecordKind::TlsRpt, &mut diagnostics, |field, d| {
            fields.add(field, d);
        });
        if scanned.is_err() {
            return Err(diagnostics.into_error());
        }
        if fields.rua.is_empty() {
            // A `rua` field whose URIs are all invalid has its own errors already.
            if !fields.rua_seen {
                diagnostics.push(RecordIssue::MissingRua, Span::at(data.len()));
            }
            return Err(diagnostics.into_error());
        }
        diagnostics.finish(TlsRptRecord {
            rua: fields.rua,
            extensions: fields.extensions,
        })
    }
}

/// Reads the common record `v=TLSRPTv1; rua=mailto:<address>` with a plain lower-case
/// address, or returns `None` for anything else, which the full parser then reads. It accepts
/// only records the full parser accepts without a diagnostic, with the same result; a test
/// checks that.
fn fast_mailto_record(data: &[u8]) -> Option<CompactString> {
    // Nearly every record has one space after the version, which is tested first.
    let rest = match data.strip_prefix(b"v=TLSRPTv1; rua=mailto:") {
        Some(rest) => rest,
        None => {
            let rest = data.strip_prefix(b"v=TLSRPTv1;")?;
            let spaces = rest.iter().take_while(|&&b| txt::is_wsp(b)).count();
            rest[spaces..].strip_prefix(b"rua=mailto:")?
        }
    };
    let end = plain_address_length(rest)?;
    let (address, tail) = rest.split_at_checked(end)?;
    match tail {
        [] => {}
        [b';', tail @ ..] if tail.iter().all(|&b| txt::is_wsp(b)) => {}
        _ => return None,
    }
    // The address is ASCII, which is quicker to confirm than UTF-8, and makes it text.
    Some(CompactString::from(
        AsciiStr::from_ascii(address).ok()?.as_str(),
    ))
}

/// Returns the length of the plain address at the start of `text`, or `None` when the address
/// is not plain. A plain address is a dot-atom of lower-case letters, digits and `_+-`, an
/// `@`, and a lower-case host name whose last character is not a digit. (A host name that may
/// be an IPv4 address gets a warning from the full parser.) Only the first 63 bytes are read,
/// so a longer address gets a length of 63 at most, and the caller's check of what follows
/// the address rejects it.
///
/// Only the bytes that are not letters or digits need a look: their positions come from one
/// bit mask, built eight bytes at a time, and the loops below visit just those bytes.
fn plain_address_length(text: &[u8]) -> Option<usize> {
    // The mask also has a bit set for every position at or past the end of `text`, and for
    // every position from 63 on.
    let text = text.get(..text.len().min(63))?;
    let mut others = domain::not_lower_alnum_bits(text);
    let mut next_other = || {
        let position = others.trailing_zeros() as usize;
        others &= others.wrapping_sub(1);
        (position, text.get(position).copied())
    };

    // The local part: atoms that are not empty, each followed by `.` or by the `@`.
    let mut atom_start = 0;
    let at = loop {
        match next_other() {
            (_, Some(b'_' | b'+' | b'-')) => {}
            (position, Some(b'.')) if position > atom_start => atom_start = position + 1,
            (position, Some(b'@')) if position > atom_start => break position,
            _ => return None,
        }
    };

    // The host name: labels that are not empty and neither start nor end with `-`. It is
    // shorter than 64 bytes, so no label is too long.
    let mut label_start = at + 1;
    let end = loop {
        let (position, byte) = next_other();
        let label_ends_well = position > label_start && text.get(position - 1) != Some(&b'-');
        match byte {
            Some(b'-') if position > label_start => {}
            Some(b'.') if label_ends_well => label_start = position + 1,
            Some(b'-' | b'.' | b'@' | b'_' | b'+') => return None,
            _ if label_ends_well => break position,
            _ => return None,
        }
    };
    if text.get(end - 1)?.is_ascii_digit() {
        return None;
    }
    Some(end)
}

struct Fields {
    rua: SmallVec<[Rua; 1]>,
    /// Whether a `rua` field was seen, valid or not, so that a bad one is not also reported
    /// as missing.
    rua_seen: bool,
    extensions: Vec<Extension>,
}

impl Fields {
    fn add(&mut self, field: RawField<'_>, diagnostics: &mut Diagnostics<'_>) {
        if field.name == b"rua" {
            self.rua_seen = true;
            rua::parse_rua_list(&field, &mut self.rua, diagnostics);
            return;
        }
        if field.name.eq_ignore_ascii_case(b"rua") {
            let issue = RecordIssue::FieldNameCase {
                found: field.name_str(),
                expected: "rua",
            };
            diagnostics.push(issue, field.name_span());
        }
        txt::push_extension_field(&mut self.extensions, &field, diagnostics);
    }
}

impl fmt::Display for TlsRptRecord {
    /// Formats the record as its canonical TXT data, `v=TLSRPTv1; rua=...;` plus extensions,
    /// with the destinations separated by `,`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("v=TLSRPTv1; rua=")?;
        for (i, rua) in self.rua.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{rua}")?;
        }
        f.write_str(";")?;
        for extension in &self.extensions {
            write!(f, " {}={};", extension.name, extension.value)?;
        }
        Ok(())
    }
}

impl Serialize for TlsRptRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TlsRptRecord", 3)?;
        s.serialize_field("version", "TLSRPTv1")?;
        s.serialize_field("rua", self.rua.as_slice())?;
        s.serialize_field("extensions", &ExtensionMap(&self.extensions))?;
        s.end()
    }
}

/// Serializes extension fields as one JSON object in field order.
struct ExtensionMap<'a>(&'a [Extension]);

impl Serialize for ExtensionMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|e| (&e.name, &e.value)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_path_agrees_with_the_full_parser() {
        let cases = [
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com",
            "v=TLSRPTv1;rua=mailto:tls.rpt+x@mail.example.com;",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com;  ",
            "v=TLSRPTv1; rua=mailto:tlsrpt@com",
            "v=TLSRPTv1; rua=mailto:TLSRPT@example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com.",
            "v=TLSRPTv1; rua=mailto:a..b@example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@-example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com!10m",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com, mailto:b@example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com; ext=1",
            "v=TLSRPTv1 ; rua=mailto:tlsrpt@example.com",
            "v=TLSRPTv1; rua=mailto:%74lsrpt@example.com",
            "v=TLSRPTv1; rua=mailto:u@1.2.3.4",
            "v=TLSRPTv1; rua=mailto:u@mx1.example.com",
        ];
        for case in cases {
            let full = parse_full(case.as_bytes(), ParseOptions::default());
            let clean = full
                .ok()
                .filter(|parsed| parsed.warnings.is_empty())
                .map(|parsed| parsed.value)
                .filter(|record| record.rua.len() == 1 && record.extensions.is_empty());
            let fast = fast_mailto_record(case.as_bytes()).map(|address| TlsRptRecord {
                rua: SmallVec::from_buf([Rua::Mailto { address }]),
                extensions: Vec::new(),
            });
            if let Some(fast) = fast {
                assert_eq!(Some(fast), clean, "{case}");
            }
        }
        assert!(fast_mailto_record(cases[0].as_bytes()).is_some());
        assert!(fast_mailto_record(cases[5].as_bytes()).is_none());
        assert!(fast_mailto_record(cases[13].as_bytes()).is_none());
    }

    /// Returns the address that the full parser reads from `record` when it finds no
    /// diagnostic, no extension and one `mailto` destination: what the fast path may accept.
    fn clean_address(record: &str) -> Option<CompactString> {
        let parsed = parse_full(record.as_bytes(), ParseOptions::default()).ok()?;
        if !parsed.warnings.is_empty() || !parsed.value.extensions.is_empty() {
            return None;
        }
        match parsed.value.rua.as_slice() {
            [Rua::Mailto { address }] => Some(address.clone()),
            _ => None,
        }
    }

    #[test]
    fn fast_path_reads_plain_addresses() {
        let cases = [
            (
                "v=TLSRPTv1;\t rua=mailto:a_b-c@x-y.example;  ",
                "a_b-c@x-y.example",
            ),
            ("v=TLSRPTv1; rua=mailto:a@b.c", "a@b.c"),
            ("v=TLSRPTv1; rua=mailto:tlsrpt@com", "tlsrpt@com"),
        ];
        for (record, address) in cases {
            let fast = fast_mailto_record(record.as_bytes());
            assert_eq!(fast.as_deref(), Some(address), "{record:?}");
            assert_eq!(fast, clean_address(record), "{record:?}");
        }
    }

    #[test]
    fn fast_path_declines_other_addresses() {
        let cases = [
            "v=TLSRPTv1; rua=mailto:.a@example.com",
            "v=TLSRPTv1; rua=mailto:a.@example.com",
            "v=TLSRPTv1; rua=mailto:@example.com",
            "v=TLSRPTv1; rua=mailto:a@",
            "v=TLSRPTv1; rua=mailto:a@b@example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example-.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.-com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example.com-",
            "v=TLSRPTv1; rua=mailto:tlsrpt@.example.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@example..com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@exa_mple.com",
            "v=TLSRPTv1; rua=mailto:tlsrpt@exa+mple.com",
            "v=TLSRPTv1; rua=mailto:u@example.c0",
            "v=TLSRPTv1; rua=mailto:t\u{e9}st@example.com",
            "v=TLSRPTv1; rua=mailto:test@ex\u{e4}mple.com",
        ];
        for record in cases {
            assert_eq!(fast_mailto_record(record.as_bytes()), None, "{record:?}");
        }
        // Addresses of 64 bytes or more are left to the full parser, which also warns about a
        // local part over 64 octets.
        let longest = format!("v=TLSRPTv1; rua=mailto:{}@example.com;", "a".repeat(51));
        assert_eq!(
            fast_mailto_record(longest.as_bytes()).map(|a| a.len()),
            Some(63)
        );
        let too_long = format!("v=TLSRPTv1; rua=mailto:{}@example.com", "a".repeat(52));
        assert_eq!(fast_mailto_record(too_long.as_bytes()), None);
        assert!(clean_address(&too_long).is_some());
    }

    proptest::proptest! {
        #[test]
        fn fast_path_agrees_on_generated_addresses(
            local in "[a-z0-9._+@-]{0,12}|[a-z]{45,68}",
            domain in "[a-z0-9.@_-]{0,14}|[a-z]{1,63}\\.[a-z]{2,3}",
            tail in "|;|; |;x| |,",
        ) {
            let record = format!("v=TLSRPTv1; rua=mailto:{local}@{domain}{tail}");
            if let Some(fast) = fast_mailto_record(record.as_bytes()) {
                proptest::prop_assert_eq!(Some(fast), clean_address(&record));
            }
        }
    }

    use super::*;
    use crate::diagnostic::Severity;

    fn mailto(address: &str) -> Rua {
        Rua::Mailto {
            address: address.into(),
        }
    }

    fn rejected(data: &str) -> Vec<(&'static str, Severity, usize, usize)> {
        let error = TlsRptRecord::parse(data).unwrap_err();
        error
            .diagnostics
            .iter()
            .map(|d| (d.code(), d.severity, d.span.start, d.span.len()))
            .collect()
    }

    #[test]
    fn parse_merges_rua_fields() {
        let parsed =
            TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com")
                .unwrap();
        assert_eq!(
            parsed.value.rua(),
            [mailto("a@example.com"), mailto("b@example.com")]
        );
        assert!(parsed.warnings.is_empty());
    }

    #[test]
    fn uppercase_rua_is_an_extension() {
        assert_eq!(
            rejected("v=TLSRPTv1; RUA=mailto:a@example.com"),
            [
                ("field-name-case", Severity::Warning, 12, 3),
                ("missing-rua", Severity::Error, 36, 0)
            ]
        );
    }

    #[test]
    fn invalid_rua_is_not_also_missing() {
        assert_eq!(
            rejected("v=TLSRPTv1; rua=ftp://r.example.net/"),
            [("rua-unsupported-scheme", Severity::Error, 16, 3)]
        );
    }

    #[test]
    fn serialize_lists_uris_and_extensions() {
        let parsed =
            TlsRptRecord::parse("v=TLSRPTv1; x=1; rua=mailto:a@example.com,https://r.example/")
                .unwrap();
        let json = serde_json::to_value(&parsed.value).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "version": "TLSRPTv1",
                "rua": ["mailto:a@example.com", "https://r.example/"],
                "extensions": {"x": "1"},
            })
        );
    }

    #[test]
    fn push_extension_rejects_what_would_not_round_trip() {
        let mut record = TlsRptRecord::new(mailto("a@example.com"));
        for name in ["rua", "RUA", "v", "_x", ""] {
            assert_eq!(
                record.push_extension(name, "1"),
                Err(ExtensionError::InvalidName { name: name.into() }),
                "{name}"
            );
        }
        for value in ["a b", "a=b", "a;b", ""] {
            assert_eq!(
                record.push_extension("x", value),
                Err(ExtensionError::InvalidValue {
                    name: "x".into(),
                    value: value.into()
                }),
                "{value}"
            );
        }
        assert_eq!(record.push_extension("x", "ok"), Ok(()));
        assert_eq!(
            record.to_string(),
            "v=TLSRPTv1; rua=mailto:a@example.com; x=ok;"
        );
    }

    #[test]
    fn display_renders_canonical_record() {
        let mut record = TlsRptRecord::new(mailto("a@example.com"));
        assert_eq!(record.to_string(), "v=TLSRPTv1; rua=mailto:a@example.com;");
        record.push_rua(Rua::Https {
            uri: "https://r.example.net/v1".into(),
        });
        record.push_extension("ext", "1").unwrap();
        assert_eq!(
            record.to_string(),
            "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.net/v1; ext=1;"
        );
        assert_eq!(
            TlsRptRecord::parse(record.to_string()).unwrap().value,
            record
        );
    }
}
