//! Every policy file of `testdata/corpus`: the verdict, the parsed values and each diagnostic
//! with its position, in lenient and in strict mode.

mod common;

use common::{E, Found, W, accepted, body, corpus_bytes, corpus_path, raised, rejected};
use common::{extension_list, mx_list, rejected_with};
use mtasts_core::ParseOptions;
use mtasts_core::sts::{MAX_POLICY_SIZE, Mode, Policy};

/// The values most corpus policies share.
const BASE_MX: &[&str] = &["mail.example.com", "*.example.net"];

/// Parsed values of a valid policy.
struct Values<'a> {
    mode: Mode,
    max_age: u32,
    mx: &'a [&'a str],
    extensions: &'a [(&'a str, &'a str)],
}

const BASE: Values<'static> = Values {
    mode: Mode::Enforce,
    max_age: 604800,
    mx: BASE_MX,
    extensions: &[],
};

const ONE_MX: Values<'static> = Values {
    mode: Mode::Enforce,
    max_age: 604800,
    mx: &["mail.example.com"],
    extensions: &[],
};

/// Checks that `file` parses to `values` with exactly `warnings`, and that strict mode accepts
/// the same policy only when there is no warning, and otherwise reports each warning as an
/// error.
fn assert_valid(file: &str, values: Values<'_>, warnings: &[Found]) {
    let text = corpus_bytes(file);
    let (policy, found) = accepted(file, &text);
    assert_eq!(policy.mode(), values.mode, "{file}: mode");
    assert_eq!(policy.max_age(), values.max_age, "{file}: max_age");
    assert_eq!(mx_list(&policy), values.mx, "{file}: mx");
    assert_eq!(
        extension_list(&policy),
        values.extensions,
        "{file}: extensions"
    );
    assert_eq!(found, warnings, "{file}: warnings");

    let strict = Policy::parse_with(&text, ParseOptions::STRICT);
    if warnings.is_empty() {
        let parsed = strict.unwrap_or_else(|e| panic!("{file}: strict rejected it: {e}"));
        assert_eq!(parsed.value, policy, "{file}: strict value");
        assert!(parsed.warnings.is_empty(), "{file}: strict warnings");
    } else {
        let strict = rejected_with(file, &text, ParseOptions::STRICT);
        assert_eq!(strict, raised(warnings), "{file}: strict diagnostics");
    }
}

/// Checks that `file` is rejected with exactly `diagnostics`, and that strict mode reports the
/// same diagnostics with every warning raised to an error.
fn assert_invalid(file: &str, diagnostics: &[Found]) {
    let text = corpus_bytes(file);
    assert_eq!(rejected(file, &text), diagnostics, "{file}: diagnostics");
    let strict = rejected_with(file, &text, ParseOptions::STRICT);
    assert_eq!(strict, raised(diagnostics), "{file}: strict diagnostics");
}

/// The policy files that the tests below cover.
const COVERED: &[&str] = &[
    "policy-bom.txt",
    "policy-comment-lines.txt",
    "policy-crlf.txt",
    "policy-duplicate-fields.txt",
    "policy-extension-field.txt",
    "policy-html-200.html",
    "policy-lf.txt",
    "policy-max-age-11-digits.txt",
    "policy-max-age-empty.txt",
    "policy-max-age-exact-max.txt",
    "policy-max-age-fraction.txt",
    "policy-max-age-hex.txt",
    "policy-max-age-leading-zeros.txt",
    "policy-max-age-missing.txt",
    "policy-max-age-negative.txt",
    "policy-max-age-over-max.txt",
    "policy-max-age-plus.txt",
    "policy-max-age-zero.txt",
    "policy-mixed-eol.txt",
    "policy-mode-missing.txt",
    "policy-mode-none-no-mx.txt",
    "policy-mx-alabel.txt",
    "policy-mx-ip-literal.txt",
    "policy-mx-mixed-valid-invalid.txt",
    "policy-mx-partial-label-wildcard.txt",
    "policy-mx-star-dot-only.txt",
    "policy-mx-star-only.txt",
    "policy-mx-trailing-dot.txt",
    "policy-mx-ulabel.txt",
    "policy-nmx-typo.txt",
    "policy-no-final-newline.txt",
    "policy-no-space-after-colon.txt",
    "policy-trailing-blank-lines.txt",
    "policy-trailing-ws.txt",
    "policy-uppercase-keys.txt",
    "policy-uppercase-mode.txt",
    "policy-uppercase-mx.txt",
];

#[test]
fn corpus_every_policy_file_is_covered() {
    let dir = corpus_path("");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("policy-"))
        .collect();
    files.sort();
    assert_eq!(files, COVERED);
}

#[test]
fn policy_lf() {
    assert_valid("policy-lf.txt", BASE, &[]);
}

#[test]
fn policy_crlf() {
    assert_valid("policy-crlf.txt", BASE, &[]);
}

#[test]
fn policy_mixed_eol() {
    assert_valid("policy-mixed-eol.txt", BASE, &[]);
}

#[test]
fn policy_no_final_newline() {
    assert_valid("policy-no-final-newline.txt", BASE, &[]);
}

#[test]
fn policy_trailing_blank_lines() {
    assert_valid(
        "policy-trailing-blank-lines.txt",
        BASE,
        &[
            (W, "blank-line", 6, 1, 84, 84),
            (W, "blank-line", 7, 1, 85, 85),
        ],
    );
}

#[test]
fn policy_comment_lines_keep_mode() {
    // A parser that splits on the first ":" of the remaining text instead of per line merges
    // each comment into the next key and loses `version` and `mode`.
    assert_valid(
        "policy-comment-lines.txt",
        ONE_MX,
        &[
            (W, "comment-line", 1, 1, 0, 32),
            (W, "comment-line", 3, 1, 48, 69),
        ],
    );
}

#[test]
fn policy_bom() {
    assert_valid(
        "policy-bom.txt",
        BASE,
        &[(W, "byte-order-mark", 1, 1, 0, 3)],
    );
}

#[test]
fn policy_trailing_ws_is_trimmed() {
    // RFC 8461 §3.2: `*WSP` may follow a value, tabs included.
    assert_valid("policy-trailing-ws.txt", ONE_MX, &[]);
}

#[test]
fn policy_no_space_after_colon() {
    assert_valid("policy-no-space-after-colon.txt", ONE_MX, &[]);
}

#[test]
fn policy_uppercase_keys() {
    // RFC 8461 §3.2: field names are case-sensitive, so these are four unknown fields and the
    // required fields are missing. `MX` gets no missing-mx error because the mode is unknown.
    assert_invalid(
        "policy-uppercase-keys.txt",
        &[
            (W, "field-name-case", 1, 1, 0, 7),
            (E, "missing-version", 1, 1, 0, 7),
            (W, "field-name-case", 2, 1, 15, 19),
            (E, "missing-mode", 2, 1, 15, 19),
            (W, "field-name-case", 3, 1, 29, 31),
            (W, "field-name-case", 4, 1, 50, 57),
            (E, "missing-max-age", 4, 1, 50, 57),
        ],
    );
}

#[test]
fn policy_uppercase_keys_hint_names_field() {
    let error = Policy::parse(corpus_bytes("policy-uppercase-keys.txt")).unwrap_err();
    let missing_mode = &error.diagnostics[3];
    assert_eq!(missing_mode.code(), "missing-mode");
    assert_eq!(missing_mode.hint(), "rename \"Mode\" to \"mode\"");
    assert_eq!(
        error.diagnostics[2].hint(),
        "write the field name as \"mode\""
    );
}

#[test]
fn policy_uppercase_mode() {
    assert_invalid(
        "policy-uppercase-mode.txt",
        &[(E, "invalid-mode", 2, 7, 21, 28)],
    );
    let error = Policy::parse(corpus_bytes("policy-uppercase-mode.txt")).unwrap_err();
    assert_eq!(
        error.diagnostics[0].hint(),
        "mode values are case-sensitive: write \"mode: enforce\""
    );
}

#[test]
fn policy_uppercase_mx_is_lowercased() {
    assert_valid("policy-uppercase-mx.txt", ONE_MX, &[]);
}

#[test]
fn policy_duplicate_fields_first_wins() {
    // RFC 8461 §3.2: for fields that may appear once, entries after the first are ignored,
    // while every `mx` counts.
    assert_valid(
        "policy-duplicate-fields.txt",
        Values {
            mode: Mode::Testing,
            max_age: 86400,
            mx: &["mail.example.com", "backup.example.com"],
            extensions: &[],
        },
        &[
            (W, "testing-mode", 2, 7, 21, 28),
            (W, "duplicate-field", 5, 7, 71, 78),
            (W, "duplicate-field", 6, 10, 88, 96),
        ],
    );
}

#[test]
fn policy_extension_field_kept() {
    assert_valid(
        "policy-extension-field.txt",
        Values {
            extensions: &[("policy_note", "managed by ops team")],
            ..ONE_MX
        },
        &[],
    );
}

#[test]
fn policy_nmx_typo() {
    assert_invalid(
        "policy-nmx-typo.txt",
        &[
            (W, "misspelled-field", 3, 1, 29, 32),
            (E, "missing-mx", 3, 1, 29, 32),
        ],
    );
    let error = Policy::parse(corpus_bytes("policy-nmx-typo.txt")).unwrap_err();
    assert_eq!(error.diagnostics[1].hint(), "rename \"nmx\" to \"mx\"");
}

#[test]
fn policy_mx_ip_literal() {
    // An IPv4-like value is a valid RFC 5321 `Domain` and is matched as a name. The literal
    // `mail.example.com` is redundant next to `*.example.com`.
    assert_valid(
        "policy-mx-ip-literal.txt",
        Values {
            mode: Mode::Enforce,
            max_age: 15552000,
            mx: &[
                "mail.example.com",
                "*.example.com",
                "mout.example.net",
                "192.0.2.56",
            ],
            extensions: &[],
        },
        &[
            (W, "overlapping-mx", 5, 5, 72, 85),
            (W, "mx-ip-address", 7, 5, 111, 121),
        ],
    );
}

#[test]
fn policy_max_age_leading_zeros() {
    assert_valid("policy-max-age-leading-zeros.txt", ONE_MX, &[]);
}

#[test]
fn policy_max_age_exact_max() {
    let values = Values {
        max_age: 31557600,
        ..ONE_MX
    };
    assert_valid("policy-max-age-exact-max.txt", values, &[]);
}

#[test]
fn policy_max_age_over_max_is_clamped() {
    let values = Values {
        max_age: 31557600,
        ..ONE_MX
    };
    assert_valid(
        "policy-max-age-over-max.txt",
        values,
        &[(W, "max-age-clamped", 4, 10, 59, 67)],
    );
}

#[test]
fn policy_max_age_11_digits() {
    assert_invalid(
        "policy-max-age-11-digits.txt",
        &[(E, "max-age-too-long", 4, 10, 59, 70)],
    );
}

#[test]
fn policy_max_age_zero() {
    let values = Values {
        max_age: 0,
        ..ONE_MX
    };
    assert_valid(
        "policy-max-age-zero.txt",
        values,
        &[(W, "max-age-short", 4, 10, 59, 60)],
    );
}

#[test]
fn policy_max_age_plus() {
    assert_invalid(
        "policy-max-age-plus.txt",
        &[(E, "invalid-max-age", 4, 10, 59, 65)],
    );
}

#[test]
fn policy_max_age_hex() {
    assert_invalid(
        "policy-max-age-hex.txt",
        &[(E, "invalid-max-age", 4, 10, 59, 66)],
    );
}

#[test]
fn policy_max_age_fraction() {
    assert_invalid(
        "policy-max-age-fraction.txt",
        &[(E, "invalid-max-age", 4, 10, 59, 66)],
    );
}

#[test]
fn policy_max_age_negative() {
    assert_invalid(
        "policy-max-age-negative.txt",
        &[(E, "invalid-max-age", 4, 10, 59, 61)],
    );
}

#[test]
fn policy_max_age_empty() {
    assert_invalid(
        "policy-max-age-empty.txt",
        &[(E, "invalid-max-age", 4, 9, 58, 58)],
    );
}

#[test]
fn policy_max_age_missing() {
    assert_invalid(
        "policy-max-age-missing.txt",
        &[(E, "missing-max-age", 1, 1, 0, 0)],
    );
}

#[test]
fn policy_mode_none_no_mx() {
    let values = Values {
        mode: Mode::None,
        max_age: 86400,
        mx: &[],
        extensions: &[],
    };
    assert_valid("policy-mode-none-no-mx.txt", values, &[]);
}

#[test]
fn policy_mode_missing() {
    assert_invalid(
        "policy-mode-missing.txt",
        &[(E, "missing-mode", 1, 1, 0, 0)],
    );
}

#[test]
fn policy_mx_partial_label_wildcard() {
    assert_invalid(
        "policy-mx-partial-label-wildcard.txt",
        &[(E, "mx-misplaced-wildcard", 3, 13, 41, 42)],
    );
}

#[test]
fn policy_mx_star_only() {
    assert_invalid(
        "policy-mx-star-only.txt",
        &[(E, "mx-bare-wildcard", 3, 5, 33, 34)],
    );
}

#[test]
fn policy_mx_star_dot_only() {
    assert_invalid(
        "policy-mx-star-dot-only.txt",
        &[(E, "mx-wildcard-without-domain", 3, 5, 33, 35)],
    );
}

#[test]
fn policy_mx_mixed_valid_invalid() {
    // One invalid `mx` makes the whole policy invalid. The valid one is not kept on its own.
    assert_invalid(
        "policy-mx-mixed-valid-invalid.txt",
        &[(E, "mx-misplaced-wildcard", 4, 13, 62, 63)],
    );
}

#[test]
fn policy_mx_trailing_dot_is_removed() {
    let values = Values {
        max_age: 86400,
        ..ONE_MX
    };
    assert_valid(
        "policy-mx-trailing-dot.txt",
        values,
        &[(W, "mx-trailing-dot", 3, 21, 49, 50)],
    );
}

#[test]
fn policy_mx_ulabel() {
    assert_invalid("policy-mx-ulabel.txt", &[(E, "mx-u-label", 3, 5, 33, 45)]);
    let error = Policy::parse(corpus_bytes("policy-mx-ulabel.txt")).unwrap_err();
    assert_eq!(
        error.diagnostics[0].hint(),
        "write the A-label: \"mx: xn--mx-lka.example\""
    );
}

#[test]
fn policy_mx_alabel() {
    let values = Values {
        mode: Mode::Enforce,
        max_age: 86400,
        mx: &["xn--mx-lka.example"],
        extensions: &[],
    };
    assert_valid("policy-mx-alabel.txt", values, &[]);
}

#[test]
fn policy_html_error_page() {
    assert_invalid("policy-html-200.html", &[(E, "html-document", 1, 1, 0, 15)]);
}

/// Builds a `mode: none` policy padded by one extension line to exactly `size` bytes.
fn padded_policy(size: usize) -> String {
    let head = "version: STSv1\nmode: none\nmax_age: 86400\nx_pad: ";
    let padding = size - head.len() - 1;
    format!("{head}{}\n", "a".repeat(padding))
}

#[test]
fn policy_at_size_limit_accepted() {
    let text = padded_policy(MAX_POLICY_SIZE);
    assert_eq!(text.len(), 65536);
    let (policy, warnings) = accepted("65536 bytes", text.as_bytes());
    assert_eq!(policy.extensions()[0].value.len(), 65536 - 49);
    assert_eq!(warnings, []);
}

#[test]
fn policy_over_size_limit_rejected() {
    // The error covers the bytes past the limit. They start on line 4, the padding line, which
    // begins at byte 41.
    let text = body(&[
        "version: STSv1",
        "mode: none",
        "max_age: 86400",
        &format!("x_pad: {}", "a".repeat(65600)),
    ]);
    assert_eq!(text.len(), 65649);
    let expected = [(E, "policy-too-large", 4, 65496, 65536, 65649)];
    assert_eq!(rejected("65649 bytes", text.as_bytes()), expected);
    let strict = rejected_with("65649 bytes", text.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict, expected);
}

#[test]
fn policy_one_byte_over_limit_rejected() {
    let text = padded_policy(MAX_POLICY_SIZE + 1);
    let expected = [(E, "policy-too-large", 4, 65496, 65536, 65537)];
    assert_eq!(rejected("65537 bytes", text.as_bytes()), expected);
}
