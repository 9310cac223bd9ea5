//! RFC 8460 §3: the `_smtp._tls` TXT record, its grammar, and how a sender selects one record
//! from a TXT RRset. The corpus cases are driven from `testdata/corpus/txt-tlsrpt-cases.json`
//! and `txt-presentation-artifacts.json`.
//!
//! ```text
//! tlsrpt-record  = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
//! field-delim    = *WSP ";" *WSP
//! tlsrpt-version = %s"v=TLSRPTv1"
//! tlsrpt-rua     = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//! tlsrpt-uri     = URI   ; RFC 3986, with ",", "!" and ";" percent-encoded
//! ```
//!
//! The owner name `_smtp._tls.<domain>` and the way a reporter delivers to the destinations are
//! outside what a record parser can check.

mod common;

use std::collections::BTreeMap;

use common::{E, Found, W, corpus_bytes, found, raised};
use hickory_proto::rr::rdata::TXT;
use mtasts_core::ParseOptions;
use mtasts_core::tlsrpt::{Rua, TlsRptRecord};
use mtasts_core::txt::{self, Discovery, RecordKind, Selection, TxtRecord};
use proptest::prelude::*;
use serde::Deserialize;

/// Parses a record and returns its destinations as URIs, its extensions and its warnings, or
/// panics.
fn accepted(data: &str) -> (Vec<String>, Vec<(String, String)>, Vec<Found>) {
    let parsed = TlsRptRecord::parse(data).unwrap_or_else(|e| panic!("{data:?}: rejected: {e:?}"));
    let extensions = parsed
        .value
        .extensions()
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    (uris(&parsed.value), extensions, found(&parsed.warnings))
}

/// Parses a record that must be rejected and returns every diagnostic.
fn rejected(data: &str) -> Vec<Found> {
    match TlsRptRecord::parse(data) {
        Ok(parsed) => panic!("{data:?}: accepted as {:?}", parsed.value),
        Err(error) => found(&error.diagnostics),
    }
}

/// Parses a record strictly and returns every diagnostic, or panics when it is accepted.
fn rejected_strictly(data: &str) -> Vec<Found> {
    match TlsRptRecord::parse_with(data.as_bytes(), ParseOptions::STRICT) {
        Ok(parsed) => panic!("{data:?}: strictly accepted as {:?}", parsed.value),
        Err(error) => found(&error.diagnostics),
    }
}

fn uris(record: &TlsRptRecord) -> Vec<String> {
    record.rua().iter().map(Rua::to_string).collect()
}

fn mailto(address: &str) -> Rua {
    Rua::Mailto {
        address: address.into(),
    }
}

fn https(uri: &str) -> Rua {
    Rua::Https { uri: uri.into() }
}

// ---------------------------------------------------------------------------------------------
// Corpus: txt-tlsrpt-cases.json
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    rrset: Vec<Vec<String>>,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    valid: Option<bool>,
    rua: Option<Vec<String>>,
    extensions: Option<BTreeMap<String, String>>,
    reporting_available: Option<bool>,
    /// A lenient reading that the corpus allows for an invalid case.
    lenient: Option<String>,
}

/// What a sender concludes from an RRset, reduced to comparable values.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// One valid record: its destinations as URIs, and its warnings.
    Found(Vec<String>, Vec<Found>),
    NotFound,
    Multiple(usize),
    /// One record of the kind, rejected with these diagnostics.
    Invalid(Vec<Found>),
}

fn outcome(selection: &Selection<TlsRptRecord>) -> Outcome {
    match &selection.discovery {
        Discovery::Found(parsed) => Outcome::Found(uris(&parsed.value), found(&parsed.warnings)),
        Discovery::NotFound => Outcome::NotFound,
        Discovery::Multiple { count } => Outcome::Multiple(*count),
        Discovery::Invalid(error) => Outcome::Invalid(found(&error.diagnostics)),
    }
}

/// The project's expected result for one case.
struct Row {
    id: &'static str,
    /// Diagnostics of the first record parsed on its own: warnings when it is valid, every
    /// diagnostic when it is not.
    diagnostics: &'static [Found],
    /// Destinations of the first record, when it is valid.
    rua: &'static [&'static str],
    extensions: &'static [(&'static str, &'static str)],
    outcome: Outcome,
}

/// Codes that the project reports as warnings for both record kinds although the text breaks
/// the ABNF. A record that the corpus calls invalid may be accepted leniently only with these,
/// and strict parsing must still reject it.
const SHARED_LENIENT_CODES: &[&str] = &["space-around-equals"];

fn found_rua(rua: &[&str], warnings: &[Found]) -> Outcome {
    Outcome::Found(
        rua.iter().map(|&uri| uri.to_owned()).collect(),
        warnings.to_vec(),
    )
}

fn invalid_row(id: &'static str, diagnostics: &'static [Found]) -> Row {
    Row {
        id,
        diagnostics,
        rua: &[],
        extensions: &[],
        outcome: Outcome::Invalid(diagnostics.to_vec()),
    }
}

fn valid_row(id: &'static str, rua: &'static [&'static str], warnings: &'static [Found]) -> Row {
    Row {
        id,
        diagnostics: warnings,
        rua,
        extensions: &[],
        outcome: found_rua(rua, warnings),
    }
}

fn rows() -> Vec<Row> {
    const TWO_MAILTO: &[&str] = &["mailto:a@example.com", "mailto:b@example.com"];
    vec![
        valid_row("T01a", &["mailto:tlsrpt@example.com"], &[]),
        valid_row("T01b", &["https://tlsrpt.example.net/report"], &[]),
        valid_row(
            "T01c",
            &["mailto:a@example.com", "https://r.example.net:8443/v1"],
            &[],
        ),
        valid_row("T01d", TWO_MAILTO, &[]),
        valid_row("T01e", TWO_MAILTO, &[]),
        invalid_row("T02a", &[(E, "rua-size-suffix", 1, 42, 41, 45)]),
        invalid_row("T02b", &[(E, "rua-empty-uri", 1, 58, 57, 58)]),
        invalid_row("T02c", &[(E, "rua-empty-uri", 1, 38, 37, 38)]),
        invalid_row("T03a", &[(E, "rua-missing-scheme", 1, 17, 16, 38)]),
        invalid_row("T03b", &[(E, "rua-unsupported-scheme", 1, 17, 16, 20)]),
        invalid_row("T04a", &[(E, "missing-rua", 1, 12, 11, 11)]),
        // `*WSP ";"` after the version counts as a TLS-RPT record, with the warning that the
        // MTA-STS record gets for the same text.
        valid_row(
            "T04b",
            &["mailto:tlsrpt@example.com"],
            &[(W, "space-before-semicolon", 1, 11, 10, 11)],
        ),
        Row {
            id: "T04c",
            diagnostics: &[],
            rua: &["mailto:tlsrpt@example.com"],
            extensions: &[("ext", "1")],
            outcome: found_rua(&["mailto:tlsrpt@example.com"], &[]),
        },
        valid_row(
            "T04d",
            &["mailto:a@example.com", "https://r.example.net/v1"],
            &[],
        ),
        // Whitespace around "=" is a warning in both record kinds, so lenient parsing accepts
        // this record and strict parsing rejects it.
        valid_row(
            "T04e",
            &["mailto:a@example.com"],
            &[(W, "space-around-equals", 1, 16, 15, 18)],
        ),
        Row {
            id: "T04f",
            diagnostics: &[],
            rua: &["mailto:a@example.com"],
            extensions: &[],
            outcome: Outcome::Multiple(2),
        },
        valid_row("T04g", &["mailto:tlsrpt@example.com"], &[]),
    ]
}

fn load_cases() -> Vec<Case> {
    let file = "txt-tlsrpt-cases.json";
    let parsed: CaseFile = serde_json::from_slice(&corpus_bytes(file))
        .unwrap_or_else(|e| panic!("{file}: unexpected shape: {e}"));
    parsed.cases
}

#[test]
fn corpus_every_case_has_a_row() {
    let mut ids: Vec<String> = load_cases().into_iter().map(|case| case.id).collect();
    ids.sort();
    let mut row_ids: Vec<&str> = rows().iter().map(|row| row.id).collect();
    row_ids.sort();
    assert_eq!(ids, row_ids);
}

/// Checks the first record of the case on its own, leniently and strictly, against the row and
/// the case's own `expect` block.
fn check_record(case: &Case, row: &Row) {
    let name = &case.id;
    let data = txt::join(&case.rrset[0]);
    match TlsRptRecord::parse(&*data) {
        Ok(parsed) => {
            assert_eq!(found(&parsed.warnings), row.diagnostics, "{name}: warnings");
            assert_eq!(uris(&parsed.value), row.rua, "{name}: rua");
            if let Some(expected) = &case.expect.rua {
                assert_eq!(&uris(&parsed.value), expected, "{name}: corpus rua");
            }
            let extensions: Vec<(&str, &str)> = parsed
                .value
                .extensions()
                .iter()
                .map(|e| (e.name.as_str(), e.value.as_str()))
                .collect();
            assert_eq!(extensions, row.extensions, "{name}: extensions");
            if let Some(expected) = &case.expect.extensions {
                let extensions: BTreeMap<String, String> = extensions
                    .iter()
                    .map(|&(n, v)| (n.to_owned(), v.to_owned()))
                    .collect();
                assert_eq!(&extensions, expected, "{name}: corpus extensions");
            }
            if case.expect.valid == Some(false) {
                assert!(
                    case.expect.lenient.is_some(),
                    "{name}: accepted, but the corpus gives no lenient reading"
                );
                for (_, code, ..) in found(&parsed.warnings) {
                    assert!(
                        SHARED_LENIENT_CODES.contains(&code),
                        "{name}: accepted with {code}, which is not a shared lenient warning"
                    );
                }
            }
        }
        Err(error) => {
            assert_eq!(found(&error.diagnostics), row.diagnostics, "{name}: errors");
            assert_ne!(case.expect.valid, Some(true), "{name}: rejected");
        }
    }

    match TlsRptRecord::parse_with(&data, ParseOptions::STRICT) {
        Ok(parsed) => {
            assert!(row.diagnostics.is_empty(), "{name}: strictly accepted");
            assert!(parsed.warnings.is_empty(), "{name}: strict warnings");
            assert_ne!(case.expect.valid, Some(false), "{name}: strictly accepted");
        }
        Err(error) => {
            let expected = raised(row.diagnostics);
            assert_eq!(found(&error.diagnostics), expected, "{name}: strict");
        }
    }
}

/// Checks the sender's conclusion for the whole RRset.
fn check_selection(case: &Case, row: &Row) {
    let name = &case.id;
    let selection = TlsRptRecord::select(&case.rrset);
    assert_eq!(outcome(&selection), row.outcome, "{name}: selection");
    assert!(selection.near_misses.is_empty(), "{name}: near misses");

    let available = case
        .expect
        .reporting_available
        .or(case.expect.valid)
        .unwrap_or_else(|| panic!("{name}: the corpus gives no verdict"));
    let lenient_only = case.expect.valid == Some(false) && case.expect.lenient.is_some();
    match &row.outcome {
        Outcome::Found(..) if lenient_only => {
            let strict = txt::select::<TlsRptRecord, _>(&case.rrset, ParseOptions::STRICT);
            assert!(
                matches!(strict.discovery, Discovery::Invalid(_)),
                "{name}: strict selection must find no usable record"
            );
        }
        Outcome::Found(..) => assert!(available, "{name}: found a record, the corpus expects none"),
        _ => assert!(
            !available,
            "{name}: found no record, the corpus expects one"
        ),
    }
}

#[test]
fn corpus_tlsrpt_cases() {
    let rows = rows();
    for case in load_cases() {
        let row = rows.iter().find(|row| row.id == case.id).unwrap();
        check_record(&case, row);
        check_selection(&case, row);
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus: txt-presentation-artifacts.json
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct PastedFile {
    cases: Vec<PastedCase>,
}

#[derive(Deserialize)]
struct PastedCase {
    id: String,
    pasted: String,
    wire_after_unescape: String,
    expect: PastedExpect,
}

#[derive(Deserialize)]
struct PastedExpect {
    after_presentation_decoding: Decoded,
}

#[derive(Deserialize)]
struct Decoded {
    valid: bool,
    rua: Option<Vec<String>>,
    warning: Option<String>,
}

/// Returns the TLS-RPT cases of the presentation-form file, which are the cases whose decoded
/// record has a `rua`.
fn pasted_tlsrpt_cases() -> Vec<PastedCase> {
    let file: PastedFile =
        serde_json::from_slice(&corpus_bytes("txt-presentation-artifacts.json")).unwrap();
    file.cases
        .into_iter()
        .filter(|case| case.expect.after_presentation_decoding.rua.is_some())
        .collect()
}

#[test]
fn pasted_tlsrpt_case_is_t05a() {
    let ids: Vec<String> = pasted_tlsrpt_cases().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["T05a"]);
}

#[test]
fn pasted_raw_text_is_presentation_form() {
    for case in pasted_tlsrpt_cases() {
        let length = case.pasted.len();
        assert_eq!(
            rejected(&case.pasted),
            [(E, "presentation-form", 1, 1, 0, length)],
            "{}",
            case.id
        );
    }
}

#[test]
fn pasted_text_is_decoded_with_warnings() {
    for case in pasted_tlsrpt_cases() {
        let name = &case.id;
        let expected = &case.expect.after_presentation_decoding;
        let pasted = txt::parse_pasted::<TlsRptRecord>(&case.pasted, ParseOptions::default());
        assert_eq!(
            pasted.data,
            case.wire_after_unescape.as_bytes(),
            "{name}: data"
        );
        let parsed = pasted
            .result
            .unwrap_or_else(|e| panic!("{name}: rejected: {e:?}"));
        assert!(expected.valid, "{name}: the corpus expects it invalid");
        assert_eq!(
            Some(uris(&parsed.value)),
            expected.rua,
            "{name}: corpus rua"
        );
        let length = case.wire_after_unescape.len();
        let warnings = [
            (W, "presentation-form", 1, 1, 0, length),
            (W, "mailto-trailing-dot", 1, 46, 45, 46),
        ];
        assert_eq!(found(&parsed.warnings), warnings, "{name}: warnings");
        let described = expected.warning.as_deref().unwrap_or_default();
        assert!(described.contains("trailing dot"), "{name}: {described}");

        let strict = txt::parse_pasted::<TlsRptRecord>(&case.pasted, ParseOptions::STRICT);
        let errors = found(&strict.result.unwrap_err().diagnostics);
        assert_eq!(errors, raised(&warnings), "{name}: strict");
    }
}

// ---------------------------------------------------------------------------------------------
// The version tag: exactly `v=TLSRPTv1`, first, case-sensitive, without spaces.
// ---------------------------------------------------------------------------------------------

#[test]
fn version_tag_must_be_exact_and_first() {
    let cases: [(&str, Found); 6] = [
        (
            "V=TLSRPTv1; rua=mailto:a@example.com",
            (E, "version-case", 1, 1, 0, 10),
        ),
        (
            "v=tlsrptv1; rua=mailto:a@example.com",
            (E, "version-case", 1, 1, 0, 10),
        ),
        (
            "v=TLSRPTv2; rua=mailto:a@example.com",
            (E, "not-tlsrpt-record", 1, 1, 0, 10),
        ),
        (
            "rua=mailto:a@example.com; v=TLSRPTv1",
            (E, "not-tlsrpt-record", 1, 1, 0, 24),
        ),
        (
            "v = TLSRPTv1; rua=mailto:a@example.com",
            (E, "not-tlsrpt-record", 1, 1, 0, 1),
        ),
        ("v=STSv1; id=20240101", (E, "not-tlsrpt-record", 1, 1, 0, 7)),
    ];
    for (data, expected) in cases {
        assert_eq!(rejected(data), [expected], "{data}");
    }
}

#[test]
fn version_tag_alone_has_no_rua() {
    assert_eq!(rejected("v=TLSRPTv1"), [(E, "missing-rua", 1, 11, 10, 10)]);
}

#[test]
fn records_must_be_ascii() {
    assert_eq!(
        rejected("v=TLSRPTv1; rua=mailto:\u{e9}@example.com"),
        [(E, "non-ascii", 1, 24, 23, 24)]
    );
}

// ---------------------------------------------------------------------------------------------
// The rua field
// ---------------------------------------------------------------------------------------------

#[test]
fn rua_is_required() {
    assert_eq!(
        rejected("v=TLSRPTv1; ext=1"),
        [(E, "missing-rua", 1, 18, 17, 17)]
    );
    assert_eq!(
        rejected("v=TLSRPTv1; ext=1;"),
        [(E, "missing-rua", 1, 19, 18, 18)]
    );
}

#[test]
fn rua_is_case_sensitive() {
    assert_eq!(
        rejected("v=TLSRPTv1; RUA=mailto:a@example.com"),
        [
            (W, "field-name-case", 1, 13, 12, 15),
            (E, "missing-rua", 1, 37, 36, 36)
        ]
    );
    let (rua, extensions, warnings) =
        accepted("v=TLSRPTv1; rua=mailto:a@example.com; Rua=mailto:b@example.com");
    assert_eq!(rua, ["mailto:a@example.com"]);
    assert_eq!(
        extensions,
        [("Rua".to_owned(), "mailto:b@example.com".to_owned())]
    );
    assert_eq!(warnings, [(W, "field-name-case", 1, 39, 38, 41)]);
}

#[test]
fn rua_list_allows_whitespace_around_commas() {
    let (rua, _, warnings) =
        accepted("v=TLSRPTv1; rua=mailto:a@example.com \t,\t https://r.example.net/v1 ;");
    assert_eq!(rua, ["mailto:a@example.com", "https://r.example.net/v1"]);
    assert!(warnings.is_empty());
}

#[test]
fn rua_fields_are_merged_in_order() {
    let (rua, extensions, warnings) = accepted(
        "v=TLSRPTv1; rua=mailto:a@example.com,mailto:b@example.com; ext=1; \
         rua=https://r.example.net/v1",
    );
    assert_eq!(
        rua,
        [
            "mailto:a@example.com",
            "mailto:b@example.com",
            "https://r.example.net/v1"
        ]
    );
    assert_eq!(extensions, [("ext".to_owned(), "1".to_owned())]);
    assert!(warnings.is_empty());
}

#[test]
fn rua_errors_in_one_field_reject_the_record() {
    assert_eq!(
        rejected("v=TLSRPTv1; rua=mailto:a@example.com; rua=http://r.example.net/"),
        [(E, "rua-unsupported-scheme", 1, 43, 42, 46)]
    );
}

#[test]
fn rua_supported_schemes() {
    let parsed = TlsRptRecord::parse("v=TLSRPTv1; rua=MAILTO:a@example.com,HTTPS://R.example/")
        .unwrap()
        .value;
    assert_eq!(
        parsed.rua(),
        [mailto("a@example.com"), https("HTTPS://R.example/")]
    );
    let unsupported = [
        (
            "ftp://r.example.net/",
            (E, "rua-unsupported-scheme", 1, 17, 16, 19),
        ),
        (
            "smtp:a@example.com",
            (E, "rua-unsupported-scheme", 1, 17, 16, 20),
        ),
        (
            "http://r.example.net/",
            (E, "rua-unsupported-scheme", 1, 17, 16, 20),
        ),
    ];
    for (uri, expected) in unsupported {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

#[test]
fn rua_without_a_scheme_is_rejected() {
    assert_eq!(
        rejected("v=TLSRPTv1; rua=r.example.net/report"),
        [(E, "rua-missing-scheme", 1, 17, 16, 36)]
    );
    assert_eq!(
        rejected("v=TLSRPTv1; rua=//r.example.net/report"),
        [(E, "rua-missing-scheme", 1, 17, 16, 38)]
    );
}

#[test]
fn rua_missing_scheme_hint_suggests_mailto() {
    let error = TlsRptRecord::parse("v=TLSRPTv1; rua=postmaster@example.com").unwrap_err();
    let diagnostic = error.first_error().unwrap();
    assert_eq!(
        diagnostic.message(),
        "expected a URI with a scheme such as \"mailto:\", found \"postmaster@example.com\""
    );
    assert_eq!(diagnostic.hint(), "write \"mailto:postmaster@example.com\"");
}

#[test]
fn rua_empty_elements_are_rejected() {
    let cases: [(&str, Found); 4] = [
        ("v=TLSRPTv1; rua=", (E, "rua-empty-uri", 1, 17, 16, 16)),
        (
            "v=TLSRPTv1; rua=,mailto:a@example.com",
            (E, "rua-empty-uri", 1, 17, 16, 17),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@example.com, ,mailto:b@example.com",
            (E, "rua-empty-uri", 1, 39, 38, 39),
        ),
        ("v=TLSRPTv1; rua=,", (E, "rua-empty-uri", 1, 17, 16, 17)),
    ];
    for (data, expected) in cases {
        assert_eq!(rejected(data), [expected], "{data}");
    }
}

#[test]
fn rua_empty_element_message_and_hint() {
    let error = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.net")
        .unwrap_err();
    let diagnostic = error.first_error().unwrap();
    assert_eq!(
        diagnostic.message(),
        "expected a URI on each side of \",\" in rua, found an empty element"
    );
    assert_eq!(diagnostic.hint(), "remove the extra \",\"");
}

#[test]
fn rua_percent_encoded_delimiters_are_accepted() {
    let (rua, _, warnings) = accepted("v=TLSRPTv1; rua=https://r.example.net/a%2Cb%21c%3Bd");
    assert_eq!(rua, ["https://r.example.net/a%2Cb%21c%3Bd"]);
    assert!(warnings.is_empty());
}

#[test]
fn rua_unencoded_exclamation_mark_is_rejected() {
    assert_eq!(
        rejected("v=TLSRPTv1; rua=https://r.example.net/a!b"),
        [(E, "invalid-rua-uri", 1, 40, 39, 40)]
    );
    assert_eq!(
        rejected("v=TLSRPTv1; rua=mailto:a!b@example.com"),
        [(E, "invalid-rua-uri", 1, 25, 24, 25)]
    );
}

#[test]
fn rua_size_suffix_message_and_hint() {
    let error = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com!10m").unwrap_err();
    let diagnostic = error.first_error().unwrap();
    assert_eq!(diagnostic.text, "!10m");
    assert_eq!(
        diagnostic.message(),
        "expected a URI without a size limit, found the DMARC-style suffix \"!10m\""
    );
    assert_eq!(
        diagnostic.hint(),
        "remove \"!10m\", because TLS-RPT defines no size limit"
    );
}

#[test]
fn rua_size_suffix_on_each_uri() {
    assert_eq!(
        rejected("v=TLSRPTv1; rua=mailto:a@example.com!1g, https://r.example.net/!500"),
        [
            (E, "rua-size-suffix", 1, 37, 36, 39),
            (E, "rua-size-suffix", 1, 64, 63, 67)
        ]
    );
}

#[test]
fn rua_characters_outside_uris_are_rejected() {
    let cases: [(&str, Found); 5] = [
        // Two URIs separated by a space instead of ",".
        (
            "mailto:a@example.com mailto:b@example.com",
            (E, "invalid-rua-uri", 1, 37, 36, 37),
        ),
        (
            "https://r.example.net/a%zz",
            (E, "invalid-rua-uri", 1, 40, 39, 42),
        ),
        (
            "https://r.example.net/a%",
            (E, "invalid-rua-uri", 1, 40, 39, 40),
        ),
        (
            "https://r.example.net/a\"b",
            (E, "invalid-rua-uri", 1, 40, 39, 40),
        ),
        (
            "https://r.example.net/[x]",
            (E, "invalid-rua-uri", 1, 39, 38, 39),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

#[test]
fn rua_space_between_uris_hint() {
    let error = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com mailto:b@example.com")
        .unwrap_err();
    assert_eq!(
        error.first_error().unwrap().hint(),
        "separate URIs with \",\", and percent-encode a space inside a URI as %20"
    );
}

// ---------------------------------------------------------------------------------------------
// mailto destinations (RFC 6068)
// ---------------------------------------------------------------------------------------------

#[test]
fn mailto_address_is_percent_decoded() {
    let parsed = TlsRptRecord::parse(
        "v=TLSRPTv1; rua=mailto:tls%2Brpt@example.com,mailto:%22john%20doe%22@example.com",
    )
    .unwrap()
    .value;
    assert_eq!(
        parsed.rua(),
        [
            mailto("tls+rpt@example.com"),
            mailto("\"john doe\"@example.com")
        ]
    );
}

#[test]
fn mailto_address_literal_and_idn_are_accepted() {
    let parsed = TlsRptRecord::parse(
        "v=TLSRPTv1; rua=mailto:a@%5B192.0.2.1%5D,mailto:a@b%C3%BCcher.example",
    )
    .unwrap()
    .value;
    assert_eq!(
        parsed.rua(),
        [mailto("a@[192.0.2.1]"), mailto("a@b\u{fc}cher.example")]
    );
}

#[test]
fn mailto_invalid_addresses_are_rejected() {
    let cases: [(&str, Found); 7] = [
        ("mailto:", (E, "invalid-mailto-address", 1, 24, 23, 23)),
        (
            "mailto:example.com",
            (E, "invalid-mailto-address", 1, 24, 23, 34),
        ),
        (
            "mailto:@example.com",
            (E, "invalid-mailto-address", 1, 24, 23, 35),
        ),
        ("mailto:a@", (E, "invalid-mailto-address", 1, 24, 23, 25)),
        (
            "mailto:a..b@example.com",
            (E, "invalid-mailto-address", 1, 24, 23, 39),
        ),
        (
            "mailto:a@ex_ample.com",
            (E, "invalid-mailto-address", 1, 24, 23, 37),
        ),
        (
            "mailto:a%2Cb@example.com",
            (E, "invalid-mailto-address", 1, 24, 23, 40),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

#[test]
fn mailto_invalid_address_message() {
    let error = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:example.com").unwrap_err();
    assert_eq!(
        error.first_error().unwrap().message(),
        "invalid mailto address \"example.com\": expected local-part@domain, found no \"@\""
    );
}

#[test]
fn mailto_characters_that_must_be_encoded() {
    let cases: [(&str, Found); 3] = [
        (
            "mailto:a&b@example.com",
            (E, "invalid-rua-uri", 1, 25, 24, 25),
        ),
        (
            "mailto:a/b@example.com",
            (E, "invalid-rua-uri", 1, 25, 24, 25),
        ),
        (
            "mailto:a@example.com#x",
            (E, "invalid-rua-uri", 1, 37, 36, 37),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

#[test]
fn mailto_trailing_dot_is_a_warning() {
    let (rua, _, warnings) = accepted("v=TLSRPTv1; rua=mailto:tlsrpt@example.com.");
    assert_eq!(rua, ["mailto:tlsrpt@example.com."]);
    assert_eq!(warnings, [(W, "mailto-trailing-dot", 1, 42, 41, 42)]);
    assert_eq!(
        rejected_strictly("v=TLSRPTv1; rua=mailto:tlsrpt@example.com."),
        [(E, "mailto-trailing-dot", 1, 42, 41, 42)]
    );
    let (_, _, encoded) = accepted("v=TLSRPTv1; rua=mailto:tlsrpt@example.com%2E");
    assert_eq!(encoded, [(W, "mailto-trailing-dot", 1, 42, 41, 44)]);
}

/// RFC 5321 §4.1.3 writes an IP address as a literal in brackets, and RFC 3696 §2 rules out an
/// all-numeric top-level domain, so an IPv4 address written as a domain gets a warning.
#[test]
fn mailto_ip_domain_is_a_warning() {
    let (rua, _, warnings) = accepted("v=TLSRPTv1; rua=mailto:u@192.0.2.1");
    assert_eq!(rua, ["mailto:u@192.0.2.1"]);
    assert_eq!(warnings, [(W, "mailto-ip-domain", 1, 24, 23, 34)]);
    assert_eq!(
        rejected_strictly("v=TLSRPTv1; rua=mailto:u@192.0.2.1"),
        [(E, "mailto-ip-domain", 1, 24, 23, 34)]
    );
    let parsed = TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:u@192.0.2.1").unwrap();
    assert_eq!(
        parsed.warnings[0].message(),
        "mailto address \"u@192.0.2.1\" has an IP address in place of a domain"
    );
    assert_eq!(
        parsed.warnings[0].hint(),
        "use a domain name, or the address literal [192.0.2.1] written as %5B192.0.2.1%5D"
    );
    let (_, _, literal) = accepted("v=TLSRPTv1; rua=mailto:u@%5B192.0.2.1%5D");
    assert_eq!(literal, []);
    let (_, _, numeric_label) = accepted("v=TLSRPTv1; rua=mailto:u@mx1.example.com");
    assert_eq!(numeric_label, []);
}

/// RFC 5321 §4.5.3.1.1 sets 64 octets as the longest local part a server must accept, so a
/// longer one gets a warning. The length counts octets after percent-decoding.
#[test]
fn mailto_long_local_part_is_a_warning() {
    let at_limit = format!("v=TLSRPTv1; rua=mailto:{}@example.com", "a".repeat(64));
    let (_, _, none) = accepted(&at_limit);
    assert_eq!(none, []);

    let over = format!("v=TLSRPTv1; rua=mailto:{}@example.com", "a".repeat(65));
    let (rua, _, warnings) = accepted(&over);
    assert_eq!(rua, [format!("mailto:{}@example.com", "a".repeat(65))]);
    assert_eq!(warnings, [(W, "mailto-long-local-part", 1, 24, 23, 100)]);
    assert_eq!(
        rejected_strictly(&over),
        [(E, "mailto-long-local-part", 1, 24, 23, 100)]
    );
    let parsed = TlsRptRecord::parse(&over).unwrap();
    assert_eq!(
        parsed.warnings[0].message(),
        format!(
            "mailto address \"{}@example.com\" has a local part of 65 octets, over the limit of 64",
            "a".repeat(65)
        )
    );

    // 62 letters and "%C3%A9" (é, two octets) make 64 octets after decoding.
    let encoded = format!(
        "v=TLSRPTv1; rua=mailto:{}%C3%A9@example.com",
        "a".repeat(62)
    );
    let (_, _, none) = accepted(&encoded);
    assert_eq!(none, []);
    let encoded = format!(
        "v=TLSRPTv1; rua=mailto:{}%C3%A9@example.com",
        "a".repeat(63)
    );
    let (_, _, warnings) = accepted(&encoded);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].1, "mailto-long-local-part");
}

/// A record built with such an address renders and parses back to itself, with the warning.
#[test]
fn mailto_ip_domain_survives_rendering() {
    let record = TlsRptRecord::new(mailto("A@0.0.0.0"));
    let text = record.to_string();
    assert_eq!(text, "v=TLSRPTv1; rua=mailto:A@0.0.0.0;");
    let parsed = TlsRptRecord::parse(&text).unwrap();
    assert_eq!(parsed.value, record);
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(parsed.warnings[0].code(), "mailto-ip-domain");
}

#[test]
fn mailto_header_fields_are_dropped_with_a_warning() {
    let parsed =
        TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com?subject=TLS%20report").unwrap();
    assert_eq!(parsed.value.rua(), [mailto("a@example.com")]);
    assert_eq!(
        found(&parsed.warnings),
        [(W, "mailto-header-fields", 1, 37, 36, 57)]
    );
}

// ---------------------------------------------------------------------------------------------
// https destinations (RFC 3986)
// ---------------------------------------------------------------------------------------------

#[test]
fn https_uri_text_is_kept() {
    let (rua, _, warnings) = accepted(
        "v=TLSRPTv1; rua=https://user@r.example.net:8443/v1/report?x=1#top,\
         https://[2001:db8::1]/tlsrpt,https://192.0.2.1:443",
    );
    assert_eq!(
        rua,
        [
            "https://user@r.example.net:8443/v1/report?x=1#top",
            "https://[2001:db8::1]/tlsrpt",
            "https://192.0.2.1:443"
        ]
    );
    assert!(warnings.is_empty());
}

#[test]
fn https_uri_without_host_is_rejected() {
    let cases: [(&str, Found); 4] = [
        ("https:///report", (E, "rua-missing-host", 1, 17, 16, 31)),
        ("https:report", (E, "rua-missing-host", 1, 17, 16, 28)),
        ("https://", (E, "rua-missing-host", 1, 17, 16, 24)),
        (
            "https://:443/report",
            (E, "rua-missing-host", 1, 17, 16, 35),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

#[test]
fn https_invalid_host_and_port_are_rejected() {
    let cases: [(&str, Found); 5] = [
        (
            "https://r_x.example/",
            (E, "invalid-rua-host", 1, 25, 24, 35),
        ),
        (
            "https://r..example/",
            (E, "invalid-rua-host", 1, 25, 24, 34),
        ),
        (
            "https://[2001:db8::zz]/",
            (E, "invalid-rua-host", 1, 25, 24, 38),
        ),
        (
            "https://r.example:0/",
            (E, "invalid-rua-port", 1, 35, 34, 35),
        ),
        (
            "https://r.example:8x/",
            (E, "invalid-rua-port", 1, 35, 34, 36),
        ),
    ];
    for (uri, expected) in cases {
        assert_eq!(
            rejected(&format!("v=TLSRPTv1; rua={uri}")),
            [expected],
            "{uri}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Extension fields: accepted and ignored, with the MTA-STS character classes.
// ---------------------------------------------------------------------------------------------

#[test]
fn extensions_are_kept_in_order() {
    let (rua, extensions, warnings) =
        accepted("v=TLSRPTv1; future=yes; rua=mailto:a@example.com; x.y_z-1=2; id=20240101");
    assert_eq!(rua, ["mailto:a@example.com"]);
    let names: Vec<(&str, &str)> = extensions
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        names,
        [("future", "yes"), ("x.y_z-1", "2"), ("id", "20240101")]
    );
    assert!(warnings.is_empty());
}

#[test]
fn extensions_follow_the_shared_grammar() {
    let long_name = "n".repeat(33);
    let cases: [(String, Found); 4] = [
        (
            "v=TLSRPTv1; rua=mailto:a@example.com; ext=".to_owned(),
            (E, "invalid-extension-value", 1, 43, 42, 42),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@example.com; ext==".to_owned(),
            (E, "invalid-extension-value", 1, 43, 42, 43),
        ),
        (
            format!("v=TLSRPTv1; rua=mailto:a@example.com; {long_name}=1"),
            (E, "invalid-field-name", 1, 39, 38, 71),
        ),
        (
            "v=TLSRPTv1; rua=mailto:a@example.com;; ext=1".to_owned(),
            (E, "empty-field", 1, 38, 37, 38),
        ),
    ];
    for (data, expected) in cases {
        assert_eq!(rejected(&data), [expected], "{data}");
    }
    let name32 = "n".repeat(32);
    let (_, extensions, _) = accepted(&format!("v=TLSRPTv1; rua=mailto:a@example.com; {name32}=1"));
    assert_eq!(extensions, [(name32, "1".to_owned())]);
}

// ---------------------------------------------------------------------------------------------
// Whitespace outside the ABNF, with the warnings the MTA-STS record gets.
// ---------------------------------------------------------------------------------------------

#[test]
fn space_around_equals_is_a_warning() {
    let data = "v=TLSRPTv1; rua = mailto:a@example.com";
    let (rua, _, warnings) = accepted(data);
    assert_eq!(rua, ["mailto:a@example.com"]);
    assert_eq!(warnings, [(W, "space-around-equals", 1, 16, 15, 18)]);
    assert_eq!(
        rejected_strictly(data),
        [(E, "space-around-equals", 1, 16, 15, 18)]
    );
}

#[test]
fn trailing_whitespace_is_a_warning() {
    let (_, _, warnings) = accepted("v=TLSRPTv1; rua=mailto:a@example.com  ");
    assert_eq!(warnings, [(W, "trailing-whitespace", 1, 37, 36, 38)]);
}

// ---------------------------------------------------------------------------------------------
// RRset selection and multi-string records
// ---------------------------------------------------------------------------------------------

#[test]
fn select_two_records_means_no_reporting() {
    let selection = TlsRptRecord::select([
        ["v=TLSRPTv1; rua=mailto:a@example.com"],
        ["v=TLSRPTv1; rua=mailto:b@example.com"],
    ]);
    assert_eq!(selection.discovery, Discovery::Multiple { count: 2 });
}

#[test]
fn select_finds_the_record_among_others() {
    let selection = TlsRptRecord::select([
        vec!["v=spf1 -all"],
        vec!["v=TLSRPTv1; rua=mailto:a@example.com"],
        vec!["v=STSv1; id=20240101"],
    ]);
    assert_eq!(
        outcome(&selection),
        Outcome::Found(vec!["mailto:a@example.com".to_owned()], vec![])
    );
    assert!(selection.near_misses.is_empty());
}

#[test]
fn select_with_no_record_finds_none() {
    let selection = TlsRptRecord::select([["v=spf1 -all"]]);
    assert_eq!(selection.discovery, Discovery::NotFound);
    let empty = TlsRptRecord::select(Vec::<Vec<&str>>::new());
    assert_eq!(empty.discovery, Discovery::NotFound);
}

#[test]
fn select_reports_near_misses() {
    let selection = TlsRptRecord::select([
        ["v=TLSRPTv10; rua=mailto:a@example.com"],
        ["v=tlsrptv1; rua=mailto:b@example.com"],
        ["v=TLSRPTv1"],
        ["v=TLSRPTv1; rua=mailto:c@example.com"],
    ]);
    assert_eq!(
        outcome(&selection),
        Outcome::Found(vec!["mailto:c@example.com".to_owned()], vec![])
    );
    assert_eq!(
        selection.near_misses,
        [
            "v=TLSRPTv10; rua=mailto:a@example.com",
            "v=tlsrptv1; rua=mailto:b@example.com",
            "v=TLSRPTv1"
        ]
    );
}

#[test]
fn select_one_invalid_record_means_no_reporting() {
    let selection = TlsRptRecord::select([["v=TLSRPTv1; rua=postmaster@example.com"]]);
    assert_eq!(
        outcome(&selection),
        Outcome::Invalid(vec![(E, "rua-missing-scheme", 1, 17, 16, 38)])
    );
    assert_eq!(selection.discovery.record(), None);
}

#[test]
fn select_counts_space_before_semicolon_as_a_record() {
    let warning = (W, "space-before-semicolon", 1, 11, 10, 11);
    let with_spf =
        TlsRptRecord::select([["v=TLSRPTv1 ; rua=mailto:a@example.com"], ["v=spf1 -all"]]);
    assert_eq!(
        outcome(&with_spf),
        Outcome::Found(vec!["mailto:a@example.com".to_owned()], vec![warning])
    );
    let two = TlsRptRecord::select([
        ["v=TLSRPTv1 ; rua=mailto:a@example.com"],
        ["v=TLSRPTv1; rua=mailto:b@example.com"],
    ]);
    assert_eq!(two.discovery, Discovery::Multiple { count: 2 });
    let strict = txt::select::<TlsRptRecord, _>(
        [["v=TLSRPTv1 ; rua=mailto:a@example.com"]],
        ParseOptions::STRICT,
    );
    assert_eq!(
        outcome(&strict),
        Outcome::Invalid(vec![(E, "space-before-semicolon", 1, 11, 10, 11)])
    );
}

#[test]
fn strings_are_joined_without_spaces() {
    let selection = TlsRptRecord::select([
        vec!["v=TLSRPTv1;", " rua=mailto:a@exam", "ple.com"],
        vec!["v=spf1 -all"],
    ]);
    assert_eq!(
        outcome(&selection),
        Outcome::Found(vec!["mailto:a@example.com".to_owned()], vec![])
    );
}

#[test]
fn select_reads_hickory_txt() {
    let record = TXT::new(vec![
        "v=TLSRPTv1; rua=https://r.exa".to_owned(),
        "mple.net/v1".to_owned(),
    ]);
    let selection = TlsRptRecord::select([record]);
    assert_eq!(
        selection.discovery.record().map(TlsRptRecord::rua),
        Some(&[https("https://r.example.net/v1")][..])
    );
}

#[test]
fn record_kind_is_tlsrpt() {
    assert_eq!(TlsRptRecord::KIND, RecordKind::TlsRpt);
    assert_eq!(TlsRptRecord::KIND.version_tag(), "v=TLSRPTv1");
}

// ---------------------------------------------------------------------------------------------
// Rendering and JSON
// ---------------------------------------------------------------------------------------------

#[test]
fn display_renders_canonical_text() {
    let parsed = TlsRptRecord::parse(
        "v=TLSRPTv1 ;rua=mailto:tls%2Brpt@example.com , https://r.example.net/v1;ext=1;rua=mailto:%22a%20b%22@example.com",
    )
    .unwrap()
    .value;
    let text = parsed.to_string();
    assert_eq!(
        text,
        "v=TLSRPTv1; rua=mailto:tls+rpt@example.com,https://r.example.net/v1,\
         mailto:%22a%20b%22@example.com; ext=1;"
    );
    let reparsed = TlsRptRecord::parse(&text).unwrap();
    assert_eq!(reparsed.value, parsed);
    assert!(reparsed.warnings.is_empty());
}

#[test]
fn serialize_has_version_rua_and_extensions() {
    let parsed =
        TlsRptRecord::parse("v=TLSRPTv1; rua=mailto:a@example.com; x=1; rua=https://r.example/")
            .unwrap()
            .value;
    assert_eq!(
        serde_json::to_value(&parsed).unwrap(),
        serde_json::json!({
            "version": "TLSRPTv1",
            "rua": ["mailto:a@example.com", "https://r.example/"],
            "extensions": {"x": "1"},
        })
    );
}

/// Generates an LDH label of 1 to 12 characters in mixed case.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?"
}

/// Generates a host name of 1 to 4 labels.
fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..=4).prop_map(|labels| labels.join("."))
}

/// Generates a mailto destination whose local part uses every `atext` character, so that
/// rendering must percent-encode some of them. Its domain is never an IPv4 address such as
/// `0.0.0.0`, which parses with the `mailto-ip-domain` warning.
fn mailto_destination() -> impl Strategy<Value = Rua> {
    let atom = "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,8}";
    let domain = domain().prop_filter("an IPv4 address gets a warning", |domain| {
        domain.parse::<std::net::Ipv4Addr>().is_err()
    });
    (prop::collection::vec(atom, 1..=3), domain).prop_map(|(atoms, domain)| Rua::Mailto {
        address: format!("{}@{domain}", atoms.join(".")).into(),
    })
}

/// Generates an https destination with an optional port, path and query.
fn https_destination() -> impl Strategy<Value = Rua> {
    let port = prop::option::of(1..=65535u16);
    let path = prop::collection::vec("[a-zA-Z0-9._~-]{0,8}(%2[19Cc])?", 0..3);
    let query = prop::option::of("[a-z0-9=&]{0,10}");
    (domain(), port, path, query).prop_map(|(host, port, path, query)| {
        let mut uri = format!("https://{host}");
        if let Some(port) = port {
            uri.push_str(&format!(":{port}"));
        }
        for segment in path {
            uri.push('/');
            uri.push_str(&segment);
        }
        if let Some(query) = query {
            uri.push('?');
            uri.push_str(&query);
        }
        Rua::Https { uri: uri.into() }
    })
}

fn destination() -> impl Strategy<Value = Rua> {
    prop_oneof![mailto_destination(), https_destination()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn display_then_parse_roundtrip(
        rua in prop::collection::vec(destination(), 1..4),
        extensions in prop::collection::vec(
            ("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}", "[!-:<>-~]{1,20}"),
            0..4,
        ),
    ) {
        let mut record = TlsRptRecord::new(rua[0].clone());
        for destination in &rua[1..] {
            record.push_rua(destination.clone());
        }
        for (name, value) in &extensions {
            // `push_extension` rejects `v` and `rua` in any letter case, and a name the record
            // already has.
            prop_assume!(!name.eq_ignore_ascii_case("rua") && !name.eq_ignore_ascii_case("v"));
            if record.extensions().iter().any(|e| e.name == *name) {
                continue;
            }
            record.push_extension(name, value).unwrap();
        }
        let text = record.to_string();
        let parsed = TlsRptRecord::parse(&text);
        prop_assert!(parsed.is_ok(), "rejected: {text}\n{parsed:?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed.value, &record);
        prop_assert!(parsed.warnings.is_empty(), "{text}: {:?}", parsed.warnings);
        prop_assert_eq!(parsed.value.to_string(), text);
    }
}
