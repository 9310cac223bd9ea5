//! The `_mta-sts` TXT cases of `testdata/corpus`, driven from the JSON files: each record on its
//! own, the sender's RRset selection, and records pasted in zone-file presentation form.

mod common;

use std::collections::BTreeMap;

use common::{E, Found, W, corpus_bytes, found, raised};
use mtasts_core::ParseOptions;
use mtasts_core::sts::StsRecord;
use mtasts_core::txt::{self, Discovery, Selection};
use serde::Deserialize;

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

/// The `expect` block of a case. `policy_available` is `true`, `false` or `"ambiguous"`.
#[derive(Deserialize)]
struct Expect {
    valid: Option<bool>,
    id: Option<String>,
    extensions: Option<BTreeMap<String, String>>,
    policy_available: Option<serde_json::Value>,
}

/// What a sender concludes from an RRset, reduced to comparable values.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// One valid record: its id and warnings.
    Found(String, Vec<Found>),
    NotFound,
    Multiple(usize),
    /// One record of the kind, rejected with these diagnostics.
    Invalid(Vec<Found>),
}

fn outcome(selection: &Selection<StsRecord>) -> Outcome {
    match &selection.discovery {
        Discovery::Found(parsed) => {
            Outcome::Found(parsed.value.id().to_string(), found(&parsed.warnings))
        }
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
    /// Extension fields of the first record, when it is valid.
    extensions: &'static [(&'static str, &'static str)],
    outcome: Outcome,
    near_misses: &'static [&'static str],
}

fn found_id(id: &str, warnings: &[Found]) -> Outcome {
    Outcome::Found(id.to_owned(), warnings.to_vec())
}

fn rows() -> Vec<Row> {
    const SPACE_BEFORE_SEMICOLON: &[Found] = &[(W, "space-before-semicolon", 1, 8, 7, 8)];
    const EMPTY_FIELD: &[Found] = &[(E, "empty-field", 1, 17, 16, 17)];
    const MISSING_ID_AFTER_TAG: &[Found] = &[(E, "missing-id", 1, 8, 7, 7)];
    const MISSING_ID_AFTER_DELIMITER: &[Found] = &[(E, "missing-id", 1, 9, 8, 8)];
    const EMPTY_VALUE: &[Found] = &[(E, "invalid-extension-value", 1, 26, 25, 25)];
    const EQUALS_IN_VALUE: &[Found] = &[(E, "invalid-extension-value", 1, 26, 25, 26)];
    const DUPLICATE_ID: &[Found] = &[(W, "duplicate-field", 1, 21, 20, 29)];
    const NOT_STS: &[Found] = &[(E, "not-sts-record", 1, 1, 0, 9)];
    vec![
        Row {
            id: "S01a",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("20240101T000000Z", &[]),
            near_misses: &[],
        },
        Row {
            id: "S01b",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("20240101T000000Z", &[]),
            near_misses: &[],
        },
        Row {
            id: "S01c",
            diagnostics: SPACE_BEFORE_SEMICOLON,
            extensions: &[],
            outcome: found_id("20240101T000000Z", SPACE_BEFORE_SEMICOLON),
            near_misses: &[],
        },
        Row {
            id: "S01d",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("20240101T000000Z", &[]),
            near_misses: &[],
        },
        Row {
            id: "S01e",
            diagnostics: EMPTY_FIELD,
            extensions: &[],
            outcome: Outcome::Invalid(EMPTY_FIELD.to_vec()),
            near_misses: &[],
        },
        Row {
            // A lone `v=STSv1` does not begin with `v=STSv1;`, so a sender discards it.
            id: "S01f",
            diagnostics: MISSING_ID_AFTER_TAG,
            extensions: &[],
            outcome: Outcome::NotFound,
            near_misses: &["v=STSv1"],
        },
        Row {
            id: "S01g",
            diagnostics: MISSING_ID_AFTER_DELIMITER,
            extensions: &[],
            outcome: Outcome::Invalid(MISSING_ID_AFTER_DELIMITER.to_vec()),
            near_misses: &[],
        },
        Row {
            id: "S02a",
            diagnostics: &[],
            extensions: &[],
            outcome: Outcome::Multiple(2),
            near_misses: &[],
        },
        Row {
            id: "S02b",
            diagnostics: &[(E, "not-sts-record", 1, 1, 0, 6)],
            extensions: &[],
            outcome: found_id("aaa111", &[]),
            near_misses: &[],
        },
        Row {
            // RFC 8461 §3.1 allows `*WSP ";" *WSP` after the version, so `v=STSv1 ;` counts as
            // an STS record, with a warning.
            id: "S02c",
            diagnostics: SPACE_BEFORE_SEMICOLON,
            extensions: &[],
            outcome: found_id("aaa111", SPACE_BEFORE_SEMICOLON),
            near_misses: &[],
        },
        Row {
            id: "S02d",
            diagnostics: &[(E, "not-sts-record", 1, 1, 0, 8)],
            extensions: &[],
            outcome: found_id("bbb222", &[]),
            near_misses: &["v=STSv10; id=aaa111"],
        },
        Row {
            id: "S02e",
            diagnostics: &[],
            extensions: &[],
            outcome: Outcome::NotFound,
            near_misses: &[],
        },
        Row {
            id: "S04a",
            diagnostics: &[],
            extensions: &[("ext", "foo")],
            outcome: found_id("abc123", &[]),
            near_misses: &[],
        },
        Row {
            id: "S04b",
            diagnostics: &[],
            extensions: &[("more", "a"), ("x.y_z-1", "2")],
            outcome: found_id("abc123", &[]),
            near_misses: &[],
        },
        Row {
            id: "S04c",
            diagnostics: EMPTY_VALUE,
            extensions: &[],
            outcome: Outcome::Invalid(EMPTY_VALUE.to_vec()),
            near_misses: &[],
        },
        Row {
            id: "S04d",
            diagnostics: EQUALS_IN_VALUE,
            extensions: &[],
            outcome: Outcome::Invalid(EQUALS_IN_VALUE.to_vec()),
            near_misses: &[],
        },
        Row {
            // RFC 8461 §3.2: for non-repeated fields, entries after the first are ignored.
            id: "S04e",
            diagnostics: DUPLICATE_ID,
            extensions: &[],
            outcome: found_id("abc123", DUPLICATE_ID),
            near_misses: &[],
        },
        Row {
            id: "S04f",
            diagnostics: &[],
            extensions: &[("ext", "foo")],
            outcome: found_id("abc123", &[]),
            near_misses: &[],
        },
        Row {
            id: "S04g",
            diagnostics: NOT_STS,
            extensions: &[],
            outcome: Outcome::NotFound,
            near_misses: &[],
        },
        Row {
            id: "S05a",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("20240101T000000Z", &[]),
            near_misses: &[],
        },
        Row {
            id: "S05b",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("abc123", &[]),
            near_misses: &[],
        },
        Row {
            // Separate resource records are separate records: `123` is not joined to the id.
            id: "S05c",
            diagnostics: &[],
            extensions: &[],
            outcome: found_id("abc", &[]),
            near_misses: &[],
        },
    ]
}

const STS_FILES: &[&str] = &[
    "txt-sts-delimiters.json",
    "txt-sts-rrsets.json",
    "txt-sts-fields.json",
    "txt-sts-multistring.json",
];

fn load(file: &str) -> Vec<Case> {
    let parsed: CaseFile = serde_json::from_slice(&corpus_bytes(file))
        .unwrap_or_else(|e| panic!("{file}: unexpected shape: {e}"));
    parsed.cases
}

#[test]
fn txt_every_case_has_a_row() {
    let mut ids: Vec<String> = STS_FILES
        .iter()
        .flat_map(|file| load(file))
        .map(|case| case.id)
        .collect();
    ids.sort();
    let mut row_ids: Vec<&str> = rows().iter().map(|row| row.id).collect();
    row_ids.sort();
    assert_eq!(ids, row_ids);
}

/// Checks the first record of the case on its own, leniently and strictly, against the row and
/// the case's own `expect` block.
fn check_record(case: &Case, row: &Row) {
    let name = &case.id;
    let Some(first) = case.rrset.first() else {
        return;
    };
    let data = txt::join(first);
    match StsRecord::parse(&*data) {
        Ok(parsed) => {
            assert_eq!(found(&parsed.warnings), row.diagnostics, "{name}: warnings");
            if let Some(valid) = case.expect.valid {
                assert!(valid, "{name}: accepted, but the corpus expects it invalid");
            }
            if let (Some(id), Some(_)) = (&case.expect.id, case.expect.valid) {
                assert_eq!(parsed.value.id(), id.as_str(), "{name}: id");
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
        }
        Err(error) => {
            assert_eq!(found(&error.diagnostics), row.diagnostics, "{name}: errors");
            assert_ne!(case.expect.valid, Some(true), "{name}: rejected");
        }
    }

    let strict = StsRecord::parse_with(&data, ParseOptions::STRICT);
    match strict {
        Ok(parsed) => {
            assert!(row.diagnostics.is_empty(), "{name}: strict accepted");
            assert!(parsed.warnings.is_empty(), "{name}: strict warnings");
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
    let selection = StsRecord::select(&case.rrset);
    assert_eq!(outcome(&selection), row.outcome, "{name}: selection");
    assert_eq!(
        selection.near_misses, row.near_misses,
        "{name}: near misses"
    );

    let available = match case.expect.policy_available.as_ref() {
        Some(serde_json::Value::Bool(available)) => *available,
        // The corpus leaves S02c open. The project counts `v=STSv1 ;` as an STS record.
        Some(other) => {
            assert_eq!(other, "ambiguous", "{name}: policy_available");
            assert_eq!(name, "S02c", "{name}: only S02c is left open");
            true
        }
        None => case.expect.valid == Some(true),
    };
    match &row.outcome {
        Outcome::Found(id, _) => {
            assert!(available, "{name}: found a record, the corpus expects none");
            if let Some(expected) = &case.expect.id {
                assert_eq!(id, expected, "{name}: selected id");
            }
        }
        _ => assert!(
            !available,
            "{name}: found no record, the corpus expects one"
        ),
    }
}

#[test]
fn txt_sts_cases() {
    let rows = rows();
    for file in STS_FILES {
        for case in load(file) {
            let row = rows.iter().find(|row| row.id == case.id).unwrap();
            check_record(&case, row);
            check_selection(&case, row);
        }
    }
}

#[test]
fn txt_space_before_semicolon_strict_select() {
    // Strict selection still counts `v=STSv1 ;` as an STS record, then rejects it.
    let rrset = [["v=STSv1 ; id=aaa111"], ["some-verification=xyz"]];
    let selection = txt::select::<StsRecord, _>(rrset, ParseOptions::STRICT);
    assert_eq!(
        outcome(&selection),
        Outcome::Invalid(vec![(E, "space-before-semicolon", 1, 8, 7, 8)])
    );
}

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
    id: Option<String>,
}

/// Returns the STS cases of the presentation-form file, which are those whose decoded record
/// has an `id`.
fn pasted_sts_cases() -> Vec<PastedCase> {
    let file: PastedFile =
        serde_json::from_slice(&corpus_bytes("txt-presentation-artifacts.json")).unwrap();
    file.cases
        .into_iter()
        .filter(|case| case.expect.after_presentation_decoding.id.is_some())
        .collect()
}

#[test]
fn pasted_sts_cases_are_t05b_and_t05c() {
    let ids: Vec<String> = pasted_sts_cases().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["T05b", "T05c"]);
}

#[test]
fn pasted_raw_text_is_presentation_form() {
    for case in pasted_sts_cases() {
        let name = &case.id;
        let error = StsRecord::parse(&case.pasted).unwrap_err();
        let expected = [(E, "presentation-form", 1, 1, 0, case.pasted.len())];
        assert_eq!(found(&error.diagnostics), expected, "{name}");
        assert_eq!(
            error.diagnostics[0].hint(),
            format!("the record data is {:?}", case.wire_after_unescape),
            "{name}: hint"
        );
    }
}

#[test]
fn pasted_decoding_gives_wire_data() {
    for case in pasted_sts_cases() {
        let name = &case.id;
        let strings = txt::decode_presentation(&case.pasted).unwrap();
        assert_eq!(
            strings.concat(),
            case.wire_after_unescape.as_bytes(),
            "{name}"
        );
    }
}

#[test]
fn pasted_cases_parse_after_decoding() {
    for case in pasted_sts_cases() {
        let name = &case.id;
        let decoded = &case.expect.after_presentation_decoding;
        assert!(decoded.valid, "{name}: corpus verdict");
        let pasted = txt::parse_pasted::<StsRecord>(&case.pasted, ParseOptions::default());
        assert_eq!(pasted.data, case.wire_after_unescape.as_bytes(), "{name}");
        let parsed = pasted
            .result
            .unwrap_or_else(|e| panic!("{name}: rejected: {e}"));
        assert_eq!(
            Some(parsed.value.id().as_str()),
            decoded.id.as_deref(),
            "{name}: id"
        );
        let warning = (W, "presentation-form", 1, 1, 0, pasted.data.len());
        assert_eq!(found(&parsed.warnings), [warning], "{name}: warnings");
    }
}

#[test]
fn pasted_cases_strict_reject_presentation_form() {
    for case in pasted_sts_cases() {
        let name = &case.id;
        let pasted = txt::parse_pasted::<StsRecord>(&case.pasted, ParseOptions::STRICT);
        let error = pasted.result.unwrap_err();
        let expected = [(E, "presentation-form", 1, 1, 0, pasted.data.len())];
        assert_eq!(found(&error.diagnostics), expected, "{name}");
    }
}

#[test]
fn pasted_dig_output_with_tabs() {
    // `dig` separates owner, TTL, class, type and data with tabs.
    let text = "_mta-sts.example.com.\t300\tIN\tTXT\t\"v=STSv1; id=20240101T000000\"";
    let pasted = txt::parse_pasted::<StsRecord>(text, ParseOptions::default());
    assert_eq!(pasted.data, b"v=STSv1; id=20240101T000000");
    let parsed = pasted.result.unwrap();
    assert_eq!(parsed.value.id(), "20240101T000000");
    assert_eq!(
        found(&parsed.warnings),
        [(W, "presentation-form", 1, 1, 0, 27)]
    );
}

#[test]
fn pasted_dig_output_with_spaces() {
    let text = "_mta-sts.example.com. 300 IN TXT \"v=STSv1; id=2024\" \"0101\"";
    let pasted = txt::parse_pasted::<StsRecord>(text, ParseOptions::default());
    assert_eq!(pasted.data, b"v=STSv1; id=20240101");
    assert_eq!(pasted.result.unwrap().value.id(), "20240101");
}
