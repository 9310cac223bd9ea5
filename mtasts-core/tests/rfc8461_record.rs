//! RFC 8461 §3 and §3.1: the `_mta-sts` TXT record, its grammar, and how a sender selects one
//! record from a TXT RRset. Each test is named after the rule it checks.
//!
//! ```text
//! sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
//! sts-field-delim = *WSP ";" *WSP
//! sts-version     = %s"v=STSv1"
//! sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
//! sts-ext-name    = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
//! sts-ext-value   = 1*(%x21-3A / %x3C / %x3E-7E)
//! ```

mod common;

use common::{E, Found, W, found};
use hickory_proto::rr::rdata::TXT;
use mtasts_core::ParseOptions;
use mtasts_core::sts::{PolicyId, StsRecord};
use mtasts_core::txt::{self, Discovery, RecordKind, TxtRecord};

/// Parses a record and returns its id, extensions and warnings, or panics.
fn accepted(data: &str) -> (String, Vec<(String, String)>, Vec<Found>) {
    let parsed = StsRecord::parse(data).unwrap_or_else(|e| panic!("{data:?}: rejected: {e}"));
    let extensions = parsed
        .value
        .extensions()
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    (
        parsed.value.id().to_string(),
        extensions,
        found(&parsed.warnings),
    )
}

/// Parses a record that must be rejected and returns every diagnostic.
fn rejected(data: &str) -> Vec<Found> {
    match StsRecord::parse(data) {
        Ok(parsed) => panic!("{data:?}: accepted as {:?}", parsed.value),
        Err(error) => found(&error.diagnostics),
    }
}

fn strict_rejected(data: &str) -> Vec<Found> {
    match StsRecord::parse_with(data.as_bytes(), ParseOptions::STRICT) {
        Ok(parsed) => panic!("{data:?}: strict accepted {:?}", parsed.value),
        Err(error) => found(&error.diagnostics),
    }
}

/// Returns the id that a sender selects from `rrset`, or `None` when it finds no usable
/// record.
fn selected_id(rrset: &[Vec<&str>]) -> Option<String> {
    let selection = StsRecord::select(rrset);
    selection.discovery.record().map(|r| r.id().to_string())
}

#[test]
fn record_owner_name_is_mta_sts() {
    // RFC 8461 §3.1: the record is the TXT record at `_mta-sts.<Policy Domain>`.
    assert_eq!(StsRecord::KIND, RecordKind::MtaSts);
    assert_eq!(RecordKind::MtaSts.owner_prefix(), "_mta-sts");
    assert_eq!(RecordKind::MtaSts.version_tag(), "v=STSv1");
}

#[test]
fn record_must_be_us_ascii() {
    // RFC 8461 §3.1: records MUST be US-ASCII. The error points at the first non-ASCII byte.
    assert_eq!(
        rejected("v=STSv1; id=abc; note=caf\u{e9}"),
        [(E, "non-ascii", 1, 26, 25, 26)]
    );
    assert_eq!(
        rejected("v=STSv1; id=\u{e9}t\u{e9}"),
        [(E, "non-ascii", 1, 13, 12, 13)]
    );
}

#[test]
fn record_pairs_separated_by_semicolons() {
    // RFC 8461 §3.1: key/value pairs separated by semicolons; a comma or space is no delimiter.
    assert_eq!(
        rejected("v=STSv1 id=abc"),
        [(E, "expected-semicolon", 1, 9, 8, 9)]
    );
    assert_eq!(
        rejected("v=STSv1; id=abc, ext=1"),
        [(E, "invalid-id", 1, 13, 12, 22)]
    );
}

#[test]
fn record_version_only_stsv1() {
    // RFC 8461 §3.1: `v` is required and its only value is `STSv1`.
    assert_eq!(accepted("v=STSv1; id=abc").0, "abc");
    assert_eq!(
        rejected("v=STSv2; id=abc"),
        [(E, "not-sts-record", 1, 1, 0, 7)]
    );
    assert_eq!(
        rejected("v=STSv10; id=abc"),
        [(E, "not-sts-record", 1, 1, 0, 8)]
    );
    assert_eq!(rejected("id=abc"), [(E, "not-sts-record", 1, 1, 0, 6)]);
}

#[test]
fn record_id_is_1_to_32_alphanumerics() {
    // RFC 8461 §3.1: `sts-id = %s"id=" 1*32(ALPHA / DIGIT)`.
    let id32 = "Z9".repeat(16);
    assert_eq!(accepted(&format!("v=STSv1; id={id32}")).0, id32);
    assert_eq!(accepted("v=STSv1; id=0").0, "0");
    let cases: [(&str, Found); 5] = [
        ("v=STSv1; id=", (E, "invalid-id", 1, 13, 12, 12)),
        (
            &format!("v=STSv1; id={id32}a"),
            (E, "invalid-id", 1, 13, 12, 45),
        ),
        ("v=STSv1; id=2024-01-01", (E, "invalid-id", 1, 13, 12, 22)),
        ("v=STSv1; id=a_b", (E, "invalid-id", 1, 13, 12, 15)),
        ("v=STSv1; id=a.b", (E, "invalid-id", 1, 13, 12, 15)),
    ];
    for (data, error) in cases {
        assert_eq!(rejected(data), [error], "{data:?}");
    }
}

#[test]
fn record_id_compares_for_equality_only() {
    // RFC 8461 §3.1: ids identify a policy instance and have no order, so they compare as
    // exact strings: no case folding and no numeric reading.
    let id = |text: &str| PolicyId::new(text).unwrap();
    assert_eq!(id("20240101T000000"), id("20240101T000000"));
    assert_ne!(id("abc"), id("ABC"));
    assert_ne!(id("0101"), id("101"));
    assert_ne!(id("2"), id("02"));
    assert_eq!(id("abc"), "abc");
}

#[test]
fn record_id_detects_policy_update() {
    // RFC 8461 §3: the record signals that a policy exists. A sender with a cached policy
    // fetches the policy again only when the id differs from the cached one.
    let cached = StsRecord::parse("v=STSv1; id=20240101T000000")
        .unwrap()
        .value;
    let same = StsRecord::parse("v=STSv1;id=20240101T000000;")
        .unwrap()
        .value;
    let updated = StsRecord::parse("v=STSv1; id=20240102T000000")
        .unwrap()
        .value;
    assert_eq!(same.id(), cached.id());
    assert_ne!(updated.id(), cached.id());
}

#[test]
fn record_must_begin_with_version() {
    // RFC 8461 §3.1: the record MUST begin with `v=STSv1`, in exactly that case; the other
    // fields may come in any order.
    let cases: [(&str, Found); 4] = [
        ("id=abc123; v=STSv1", (E, "not-sts-record", 1, 1, 0, 9)),
        (" v=STSv1; id=abc", (E, "not-sts-record", 1, 1, 0, 0)),
        ("v = STSv1; id=abc", (E, "not-sts-record", 1, 1, 0, 1)),
        ("V=STSv1; id=abc", (E, "version-case", 1, 1, 0, 7)),
    ];
    for (data, error) in cases {
        assert_eq!(rejected(data), [error], "{data:?}");
    }
    assert_eq!(accepted("v=STSv1; ext=foo; id=abc123").0, "abc123");
}

#[test]
fn record_needs_id_after_version() {
    // RFC 8461 §3.1: at least one field follows the version, and `id` is required.
    let cases: [(&str, Found); 4] = [
        ("v=STSv1", (E, "missing-id", 1, 8, 7, 7)),
        ("v=STSv1;", (E, "missing-id", 1, 9, 8, 8)),
        ("v=STSv1; ", (E, "missing-id", 1, 10, 9, 9)),
        ("v=STSv1; ext=1;", (E, "missing-id", 1, 16, 15, 15)),
    ];
    for (data, error) in cases {
        assert_eq!(rejected(data), [error], "{data:?}");
    }
}

#[test]
fn record_allows_final_delimiter() {
    // RFC 8461 §3.1: `[sts-field-delim]` after the last field, with WSP on either side.
    for data in [
        "v=STSv1; id=abc;",
        "v=STSv1; id=abc ; ",
        "v=STSv1;id=abc\t;\t",
    ] {
        let (id, extensions, warnings) = accepted(data);
        assert_eq!(id, "abc", "{data:?}");
        assert_eq!(extensions, [], "{data:?}");
        assert_eq!(warnings, [], "{data:?}");
    }
}

#[test]
fn record_delimiter_allows_wsp_around_semicolon() {
    // RFC 8461 §3.1: `sts-field-delim = *WSP ";" *WSP`, spaces and tabs alike.
    let (id, extensions, warnings) = accepted("v=STSv1;\t id=abc \t; ext=1");
    assert_eq!(id, "abc");
    assert_eq!(extensions, [("ext".to_owned(), "1".to_owned())]);
    assert_eq!(warnings, []);
}

#[test]
fn record_space_around_equals_warns() {
    // RFC 8461 §3.1: no whitespace is allowed around `=`. It has one clear reading, so the
    // record is accepted with a warning, and strict mode rejects it.
    let (id, _, warnings) = accepted("v=STSv1; id = abc");
    assert_eq!(id, "abc");
    let warning = (W, "space-around-equals", 1, 12, 11, 14);
    assert_eq!(warnings, [warning]);
    assert_eq!(
        strict_rejected("v=STSv1; id = abc"),
        [(E, "space-around-equals", 1, 12, 11, 14)]
    );
}

#[test]
fn record_trailing_whitespace_warns() {
    // Whitespace after the last field is only allowed as part of a final delimiter.
    let (id, _, warnings) = accepted("v=STSv1; id=abc \t");
    assert_eq!(id, "abc");
    assert_eq!(warnings, [(W, "trailing-whitespace", 1, 16, 15, 17)]);
    assert_eq!(
        strict_rejected("v=STSv1; id=abc \t"),
        [(E, "trailing-whitespace", 1, 16, 15, 17)]
    );
}

#[test]
fn record_extension_name_grammar() {
    // RFC 8461 §3.1: a letter or digit, then up to 31 letters, digits, `_`, `-` or `.`.
    let name32 = format!("a{}", "b_-.".repeat(7)) + "cde";
    assert_eq!(name32.len(), 32);
    let (_, extensions, _) = accepted(&format!("v=STSv1; id=abc; {name32}=1; 9x=2"));
    assert_eq!(
        extensions,
        [
            (name32.clone(), "1".to_owned()),
            ("9x".to_owned(), "2".to_owned())
        ]
    );
    let cases: [(String, Found); 3] = [
        (
            format!("v=STSv1; id=abc; {name32}f=1"),
            (E, "invalid-field-name", 1, 18, 17, 50),
        ),
        (
            "v=STSv1; id=abc; _x=1".to_owned(),
            (E, "invalid-field-name", 1, 18, 17, 19),
        ),
        (
            "v=STSv1; id=abc; x!=1".to_owned(),
            (E, "invalid-field-name", 1, 18, 17, 19),
        ),
    ];
    for (data, error) in cases {
        assert_eq!(rejected(&data), [error], "{data:?}");
    }
}

#[test]
fn record_extension_value_grammar() {
    // RFC 8461 §3.1: `sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)`, which excludes `=`, `;`,
    // space and control characters.
    let (_, extensions, _) = accepted("v=STSv1; id=abc; x=!:<>~");
    assert_eq!(extensions, [("x".to_owned(), "!:<>~".to_owned())]);
    let cases: [(&str, Found); 4] = [
        (
            "v=STSv1; id=abc; x=",
            (E, "invalid-extension-value", 1, 20, 19, 19),
        ),
        (
            "v=STSv1; id=abc; x=a=b",
            (E, "invalid-extension-value", 1, 20, 19, 22),
        ),
        (
            "v=STSv1; id=abc; x=a b",
            (E, "invalid-extension-value", 1, 20, 19, 22),
        ),
        (
            "v=STSv1; id=abc; x=\x7f",
            (E, "invalid-extension-value", 1, 20, 19, 20),
        ),
    ];
    for (data, error) in cases {
        assert_eq!(rejected(data), [error], "{data:?}");
    }
}

#[test]
fn record_unknown_fields_ignored() {
    // RFC 8461 §3.1 and §3.2: parsers MUST accept records with unknown fields and ignore them.
    // They are kept as extensions and do not affect the id.
    let (id, extensions, warnings) = accepted("v=STSv1; future=1; id=abc; mode=enforce");
    assert_eq!(id, "abc");
    assert_eq!(
        extensions,
        [
            ("future".to_owned(), "1".to_owned()),
            ("mode".to_owned(), "enforce".to_owned())
        ]
    );
    assert_eq!(warnings, []);
}

#[test]
fn record_registered_fields_are_v_and_id() {
    // RFC 8461 §9.2: the registry contains `v` and `id`. Any other field is an extension, and
    // so is a second `v`.
    let (id, extensions, _) = accepted("v=STSv1; id=abc; v=STSv2");
    assert_eq!(id, "abc");
    assert_eq!(extensions, [("v".to_owned(), "STSv2".to_owned())]);
}

#[test]
fn record_duplicate_id_first_wins() {
    // RFC 8461 §3.2: for non-repeated fields, entries after the first are ignored. The same
    // paragraph covers the TXT record, so the first `id` is used and the second gets a warning.
    let (id, _, warnings) = accepted("v=STSv1; id=abc123; id=def456");
    assert_eq!(id, "abc123");
    assert_eq!(warnings, [(W, "duplicate-field", 1, 21, 20, 29)]);
    // An invalid second id is ignored too.
    let (id, _, _) = accepted("v=STSv1; id=abc123; id=d-e");
    assert_eq!(id, "abc123");
    assert_eq!(
        strict_rejected("v=STSv1; id=abc123; id=def456"),
        [(E, "duplicate-field", 1, 21, 20, 29)]
    );
}

#[test]
fn record_uppercase_id_is_extension() {
    // `%s"id="` is case-sensitive, so `ID=` is an extension and the record has no id.
    assert_eq!(
        rejected("v=STSv1; ID=abc"),
        [
            (W, "field-name-case", 1, 10, 9, 11),
            (E, "missing-id", 1, 16, 15, 15)
        ]
    );
    let (id, extensions, warnings) = accepted("v=STSv1; Id=abc; id=def");
    assert_eq!(id, "def");
    assert_eq!(extensions, [("Id".to_owned(), "abc".to_owned())]);
    assert_eq!(warnings, [(W, "field-name-case", 1, 10, 9, 11)]);
}

#[test]
fn rrset_discards_non_sts_records() {
    // RFC 8461 §3.1: records that do not begin with `v=STSv1;` are discarded, not errors.
    let rrset = [
        vec!["v=spf1 -all"],
        vec!["google-site-verification=xyz"],
        vec!["v=STSv1; id=aaa111"],
    ];
    assert_eq!(selected_id(&rrset).as_deref(), Some("aaa111"));
}

#[test]
fn rrset_discards_version_without_semicolon() {
    // A lone `v=STSv1` and `v=STSv10;` do not begin with `v=STSv1;`. They are reported as near
    // misses but do not count.
    let rrset = [
        vec!["v=STSv1"],
        vec!["v=STSv10; id=aaa111"],
        vec!["v=STSv1; id=bbb222"],
    ];
    let selection = StsRecord::select(&rrset);
    assert_eq!(
        selection.discovery.record().map(|r| r.id().as_str()),
        Some("bbb222")
    );
    assert_eq!(selection.near_misses, ["v=STSv1", "v=STSv10; id=aaa111"]);
}

#[test]
fn rrset_counts_space_before_semicolon() {
    // RFC 8461 §3.1: the ABNF allows `v=STSv1 ;`. Such a record counts as an STS record when
    // the RRset is filtered, and is accepted with a warning.
    let selection = StsRecord::select([["v=STSv1 ; id=aaa111"], ["v=STSv1; id=bbb222"]]);
    assert_eq!(selection.discovery, Discovery::Multiple { count: 2 });
    let selection = StsRecord::select([["v=STSv1\t; id=aaa111"]]);
    let Discovery::Found(parsed) = selection.discovery else {
        panic!("expected a record, got {:?}", selection.discovery);
    };
    assert_eq!(parsed.value.id(), "aaa111");
    assert_eq!(
        found(&parsed.warnings),
        [(W, "space-before-semicolon", 1, 8, 7, 8)]
    );
}

#[test]
fn rrset_needs_exactly_one_record() {
    // RFC 8461 §3.1: if the number of remaining records is not one, the domain has no
    // available policy.
    let none: [Vec<&str>; 0] = [];
    assert_eq!(StsRecord::select(none).discovery, Discovery::NotFound);
    let only_other = [vec!["v=spf1 -all"]];
    assert_eq!(StsRecord::select(only_other).discovery, Discovery::NotFound);
    let two = [vec!["v=STSv1; id=aaa111"], vec!["v=STSv1; id=aaa111"]];
    assert_eq!(
        StsRecord::select(two).discovery,
        Discovery::Multiple { count: 2 }
    );
    let three = [
        vec!["v=STSv1; id=a"],
        vec!["v=STSv1; id=b"],
        vec!["v=STSv1; id=c"],
    ];
    assert_eq!(
        StsRecord::select(three).discovery,
        Discovery::Multiple { count: 3 }
    );
}

#[test]
fn rrset_invalid_record_means_no_policy() {
    // RFC 8461 §3.1: a remaining record that is syntactically invalid means no policy.
    let selection = StsRecord::select([["v=STSv1; id=a-b"]]);
    let Discovery::Invalid(error) = &selection.discovery else {
        panic!("expected an invalid record, got {:?}", selection.discovery);
    };
    assert_eq!(
        found(&error.diagnostics),
        [(E, "invalid-id", 1, 13, 12, 15)]
    );
    assert_eq!(selection.discovery.record(), None);
}

#[test]
fn rrset_malformed_sts_record_still_counts() {
    // Two records that begin with `v=STSv1;`, one malformed: both count, so there are two and
    // the domain has no policy, in either order.
    let first_bad = [vec!["v=STSv1; id=a-b"], vec!["v=STSv1; id=abc"]];
    let second_bad = [vec!["v=STSv1; id=abc"], vec!["v=STSv1;;"]];
    for rrset in [first_bad, second_bad] {
        assert_eq!(
            StsRecord::select(&rrset).discovery,
            Discovery::Multiple { count: 2 },
            "{rrset:?}"
        );
    }
}

#[test]
fn rrset_strings_join_without_spaces() {
    // RFC 8461 §3.1: the strings of one TXT record are concatenated without adding spaces.
    let strings = ["v=STSv1; id=2024", "0101T000000Z"];
    assert_eq!(&*txt::join(&strings), b"v=STSv1; id=20240101T000000Z");
    let rrset = [vec!["v=STSv1;", "id=abc", "123"]];
    assert_eq!(selected_id(&rrset).as_deref(), Some("abc123"));
    let wire = TXT::new(vec!["v=STSv1; id=ab".to_owned(), "c123".to_owned()]);
    let selection = StsRecord::select([wire]);
    assert_eq!(
        selection.discovery.record().map(|r| r.id().as_str()),
        Some("abc123")
    );
}

#[test]
fn rrset_separate_records_not_joined() {
    // Only the strings of one record are joined. Separate records stay separate.
    let rrset = [vec!["v=STSv1; id=abc"], vec!["123"]];
    assert_eq!(selected_id(&rrset).as_deref(), Some("abc"));
    let rrset = [vec!["v=STSv1;"], vec!["id=abc"]];
    let selection = StsRecord::select(rrset);
    let Discovery::Invalid(error) = selection.discovery else {
        panic!("expected an invalid record");
    };
    assert_eq!(found(&error.diagnostics), [(E, "missing-id", 1, 9, 8, 8)]);
}

#[test]
fn rrset_strict_select_raises_warnings() {
    let selection = txt::select::<StsRecord, _>([["v=STSv1; id = abc"]], ParseOptions::STRICT);
    let Discovery::Invalid(error) = selection.discovery else {
        panic!("expected strict selection to reject the record");
    };
    assert_eq!(
        found(&error.diagnostics),
        [(E, "space-around-equals", 1, 12, 11, 14)]
    );
}

#[test]
fn record_parse_with_matches_trait() {
    let data = b"v=STSv1; id=abc; ext=1";
    assert_eq!(
        StsRecord::parse_with(data, ParseOptions::default()),
        <StsRecord as TxtRecord>::parse_with(data, ParseOptions::default())
    );
}
