//! The media type cases H01a–H01h of `testdata/corpus/http-fetch-cases.json` against
//! `check_content_type`. The other cases of that file are about fetching, which the core does
//! not do, except H02d: a body over 64 KiB.

mod common;

use common::{E, W, corpus_bytes, corpus_json, found};
use mtasts_core::sts::{ContentTypeError, ContentTypeWarning, Policy, check_content_type};

type Verdict = Result<Vec<ContentTypeWarning>, ContentTypeError>;

fn not_text_plain(found: &str) -> Verdict {
    Err(ContentTypeError::NotTextPlain {
        found: found.to_owned(),
    })
}

fn expected(id: &str) -> Verdict {
    match id {
        "H01a" | "H01b" | "H01c" | "H01d" | "H01h" => Ok(vec![]),
        "H01e" => not_text_plain("text/html"),
        "H01f" => Ok(vec![ContentTypeWarning::Missing]),
        "H01g" => not_text_plain("application/octet-stream"),
        _ => panic!("{id}: no expected verdict"),
    }
}

/// Returns the H01 cases as (id, Content-Type header or `None` when missing).
fn media_type_cases() -> Vec<(String, Option<String>)> {
    let json = corpus_json("http-fetch-cases.json");
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["id"].as_str().unwrap().starts_with("H01"))
        .map(|case| {
            let id = case["id"].as_str().unwrap().to_owned();
            let header = case["content_type"].as_str().map(str::to_owned);
            (id, header)
        })
        .collect()
}

#[test]
fn content_type_cases_are_h01a_to_h01h() {
    let ids: Vec<String> = media_type_cases().into_iter().map(|c| c.0).collect();
    let expected = [
        "H01a", "H01b", "H01c", "H01d", "H01e", "H01f", "H01g", "H01h",
    ];
    assert_eq!(ids, expected);
}

#[test]
fn content_type_cases() {
    for (id, header) in media_type_cases() {
        assert_eq!(check_content_type(header.as_deref()), expected(&id), "{id}");
    }
}

#[test]
fn content_type_h01h_bom_body_parses() {
    // H01h: `text/plain; charset=us-ascii` with a UTF-8 byte order mark. The header is fine,
    // and the body is read as UTF-8 with the mark skipped and reported.
    let json = corpus_json("http-fetch-cases.json");
    let case = &json["cases"][7];
    assert_eq!(case["id"], "H01h");
    assert_eq!(case["body_has_utf8_bom"], true);
    let body = corpus_bytes("policy-bom.txt");
    let parsed = Policy::parse(&body).unwrap();
    assert_eq!(
        found(&parsed.warnings),
        [(W, "byte-order-mark", 1, 1, 0, 3)]
    );
}

#[test]
fn content_type_h02d_body_over_64_kib() {
    let json = corpus_json("http-fetch-cases.json");
    let case = &json["cases"][11];
    assert_eq!(case["id"], "H02d");
    let size = usize::try_from(case["body_bytes"].as_u64().unwrap()).unwrap();
    assert_eq!(size, 65537);
    let mut body = b"version: STSv1\nmode: none\nmax_age: 86400\nnote: ".to_vec();
    body.resize(size, b'a');
    let error = Policy::parse(&body).unwrap_err();
    assert_eq!(
        found(&error.diagnostics),
        [(E, "policy-too-large", 4, 65496, 65536, 65537)]
    );
}
