//! RFC 8461 §3.2: the policy file, its grammar and its fields. Each test is named after the
//! rule it checks.
//!
//! ```text
//! sts-policy-record        = sts-policy-field *WSP
//!                            *(sts-policy-term sts-policy-field *WSP) [sts-policy-term]
//! sts-policy-field-delim   = ":" *WSP
//! sts-policy-mx-value      = ["*."] Domain
//! sts-policy-max-age-value = 1*10(DIGIT)
//! sts-policy-ext-name      = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
//! sts-policy-ext-value     = sts-policy-vchar [*(%x20 / sts-policy-vchar) sts-policy-vchar]
//! sts-policy-term          = LF / CRLF
//! ```

mod common;

use common::rejected_with;
use common::{E, Found, W, accepted, body, extension_list, mx_list, raised, rejected};
use mtasts_core::ParseOptions;
use mtasts_core::sts::{
    ContentTypeError, ContentTypeWarning, MAX_MAX_AGE, Mode, Policy, check_content_type,
};

/// Lines 1 to 3 of an `enforce` policy: 45 bytes, so line 4 starts at byte 45.
const ENFORCE_HEAD: [&str; 3] = ["version: STSv1", "mode: enforce", "max_age: 604800"];

/// Lines 1 to 3 of a `none` policy: 41 bytes, so line 4 starts at byte 41.
const NONE_HEAD: [&str; 3] = ["version: STSv1", "mode: none", "max_age: 86400"];

/// Builds an `enforce` policy whose only `mx` line is `mx: {value}`, on line 4 with the value
/// at byte 49.
fn with_mx(value: &str) -> String {
    let mx = format!("mx: {value}");
    body(&[ENFORCE_HEAD[0], ENFORCE_HEAD[1], ENFORCE_HEAD[2], &mx])
}

/// Builds a `none` policy with `line` as line 4.
fn none_with(line: &str) -> String {
    body(&[NONE_HEAD[0], NONE_HEAD[1], NONE_HEAD[2], line])
}

#[test]
fn policy_line_is_key_colon_value() {
    // RFC 8461 §3.2: each line is `key ":" *WSP value`; the space after ":" is optional.
    let text = "version:STSv1\nmode:\t \tenforce\nmx:mail.example.com\nmax_age:604800\n";
    let (policy, warnings) = accepted("no space", text.as_bytes());
    assert_eq!(policy.mode(), Mode::Enforce);
    assert_eq!(mx_list(&policy), ["mail.example.com"]);
    assert_eq!(warnings, []);

    let text = body(&["version STSv1", "mode: none", "max_age: 86400"]);
    assert_eq!(
        rejected("no colon", text.as_bytes()),
        [
            (E, "missing-colon", 1, 1, 0, 13),
            (E, "missing-version", 1, 1, 0, 0)
        ]
    );
}

#[test]
fn policy_accepts_lf_and_crlf() {
    // RFC 8461 §3.2: `sts-policy-term = LF / CRLF`, mixed freely, and the last one optional.
    let text = "version: STSv1\r\nmode: none\nmax_age: 86400";
    let (policy, warnings) = accepted("mixed", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    assert_eq!(policy.max_age(), 86400);
    assert_eq!(warnings, []);
}

#[test]
fn policy_rejects_bare_cr() {
    // RFC 8461 §3.2: a CR not followed by LF is no line terminator, so the policy is rejected.
    // The text on each side is still read as lines, so its fields are not reported missing.
    let text = "version: STSv1\rmode: none\nmax_age: 86400\n";
    assert_eq!(
        rejected("inner CR", text.as_bytes()),
        [(E, "bare-carriage-return", 1, 15, 14, 15)]
    );
    let text = "version: STSv1\nmode: none\nmax_age: 86400\r";
    assert_eq!(
        rejected("final CR", text.as_bytes()),
        [(E, "bare-carriage-return", 3, 15, 40, 41)]
    );
}

#[test]
fn policy_leading_whitespace_warns() {
    // RFC 8461 §3.2: the grammar has no whitespace before a field name, because an indented
    // line reads as a folded header line in RFC 5322 parsers. Accepted with a warning.
    let text = " version: STSv1\n\tmode: none\nmax_age: 86400\n";
    let (policy, warnings) = accepted("indented", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    let expected = [
        (W, "leading-whitespace", 1, 1, 0, 1),
        (W, "leading-whitespace", 2, 1, 16, 17),
    ];
    assert_eq!(warnings, expected);
    let strict = rejected_with("indented", text.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict, raised(&expected));
}

#[test]
fn policy_space_before_colon_warns() {
    // RFC 8461 §3.2: no whitespace between the key and ":". Accepted with a warning.
    let text = "version : STSv1\nmode:\tnone\nmax_age \t: 86400\n";
    let (policy, warnings) = accepted("space before colon", text.as_bytes());
    assert_eq!(policy.max_age(), 86400);
    let expected = [
        (W, "space-before-colon", 1, 8, 7, 8),
        (W, "space-before-colon", 3, 8, 34, 36),
    ];
    assert_eq!(warnings, expected);
    let strict = rejected_with("space before colon", text.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict, raised(&expected));
}

#[test]
fn policy_blank_lines_warn() {
    // RFC 8461 §3.2: empty lines, whitespace-only lines and a second final terminator are not
    // in the grammar. Each is skipped with a warning.
    let text = "\nversion: STSv1\n \t\nmode: none\nmax_age: 86400\n\n";
    let (policy, warnings) = accepted("blank lines", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    let expected = [
        (W, "blank-line", 1, 1, 0, 0),
        (W, "blank-line", 3, 1, 16, 18),
        (W, "blank-line", 6, 1, 45, 45),
    ];
    assert_eq!(warnings, expected);
    let strict = rejected_with("blank lines", text.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict, raised(&expected));
}

#[test]
fn policy_trailing_wsp_allowed() {
    // RFC 8461 §3.2: `*WSP` may follow each field. It is not part of the value.
    let text = "version: STSv1 \t\nmode: none\t\nmax_age: 86400 \nnote: a b \t\n";
    let (policy, warnings) = accepted("trailing WSP", text.as_bytes());
    assert_eq!(policy.max_age(), 86400);
    assert_eq!(extension_list(&policy), [("note", "a b")]);
    assert_eq!(warnings, []);
}

#[test]
fn policy_comment_lines_skipped() {
    // Policies have no comment syntax. A `#` line is skipped with a warning, and it does not
    // change the field that follows it.
    let text = "# generated\nversion: STSv1\n  # indented\nmode: enforce\nmx: a.example\n\
                max_age: 86400\n";
    let (policy, warnings) = accepted("comments", text.as_bytes());
    assert_eq!(policy.mode(), Mode::Enforce);
    assert_eq!(
        warnings,
        [
            (W, "comment-line", 1, 1, 0, 11),
            (W, "leading-whitespace", 3, 1, 27, 29),
            (W, "comment-line", 3, 3, 29, 39)
        ]
    );
}

#[test]
fn policy_one_leading_bom_skipped() {
    // A UTF-8 byte order mark before the first field is skipped with a warning. A second one
    // is part of the field name, which makes the name invalid. Columns count the mark as one
    // character.
    let text = "\u{feff}version: STSv1\nmode: none\nmax_age: 86400\n";
    let (policy, warnings) = accepted("one BOM", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    assert_eq!(warnings, [(W, "byte-order-mark", 1, 1, 0, 3)]);

    let text = "\u{feff}\u{feff}version: STSv1\nmode: none\nmax_age: 86400\n";
    assert_eq!(
        rejected("two BOMs", text.as_bytes()),
        [
            (W, "byte-order-mark", 1, 1, 0, 3),
            (E, "missing-version", 1, 1, 0, 0),
            (E, "invalid-field-name", 1, 2, 3, 13)
        ]
    );
}

#[test]
fn policy_field_names_case_sensitive() {
    // RFC 8461 §3.2: `%s"mode"` is case-sensitive, so `Mode` is an unknown field that is kept
    // as an extension and does not set the mode.
    let text = body(&[
        "version: STSv1",
        "Mode: enforce",
        "mode: none",
        "max_age: 86400",
    ]);
    let (policy, warnings) = accepted("Mode", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    assert_eq!(extension_list(&policy), [("Mode", "enforce")]);
    assert_eq!(warnings, [(W, "field-name-case", 2, 1, 15, 19)]);
}

#[test]
fn policy_values_case_sensitive() {
    // RFC 8461 §3.2: `STSv1`, `enforce`, `testing` and `none` are case-sensitive literals.
    let text = body(&["version: stsv1", "mode: none", "max_age: 86400"]);
    assert_eq!(
        rejected("stsv1", text.as_bytes()),
        [(E, "invalid-version", 1, 10, 9, 14)]
    );
    let text = body(&[
        "version: STSv1",
        "mode: Testing",
        "mx: a.example",
        "max_age: 86400",
    ]);
    let error = Policy::parse(&text).unwrap_err();
    assert_eq!(
        common::found(&error.diagnostics),
        [(E, "invalid-mode", 2, 7, 21, 28)]
    );
    assert_eq!(
        error.diagnostics[0].hint(),
        "mode values are case-sensitive: write \"mode: testing\""
    );
}

#[test]
fn policy_version_required_stsv1() {
    // RFC 8461 §3.2: `version` is required, and its only value is `STSv1`.
    let text = body(&["mode: none", "max_age: 86400"]);
    assert_eq!(
        rejected("missing", text.as_bytes()),
        [(E, "missing-version", 1, 1, 0, 0)]
    );
    let text = body(&["version: STSv2", "mode: none", "max_age: 86400"]);
    assert_eq!(
        rejected("STSv2", text.as_bytes()),
        [(E, "invalid-version", 1, 10, 9, 14)]
    );
    let text = body(&["version:", "mode: none", "max_age: 86400"]);
    assert_eq!(
        rejected("empty", text.as_bytes()),
        [(E, "invalid-version", 1, 9, 8, 8)]
    );
}

#[test]
fn policy_mode_values() {
    // RFC 8461 §3.2: `mode` is required, and is `enforce`, `testing` or `none`. `testing`
    // gets an advisory warning, because mail is delivered even when validation fails.
    let cases: [(&str, Mode, &[Found]); 3] = [
        ("enforce", Mode::Enforce, &[]),
        (
            "testing",
            Mode::Testing,
            &[(W, "testing-mode", 2, 7, 21, 28)],
        ),
        ("none", Mode::None, &[]),
    ];
    for (value, mode, expected) in cases {
        let line = format!("mode: {value}");
        let text = body(&["version: STSv1", &line, "mx: a.example", "max_age: 86400"]);
        let (policy, warnings) = accepted(value, text.as_bytes());
        assert_eq!(policy.mode(), mode, "{value}");
        assert_eq!(mx_list(&policy), ["a.example"], "{value}");
        assert_eq!(warnings, expected, "{value}");
    }
    let text = body(&[
        "version: STSv1",
        "mode: on",
        "mx: a.example",
        "max_age: 86400",
    ]);
    assert_eq!(
        rejected("on", text.as_bytes()),
        [(E, "invalid-mode", 2, 7, 21, 23)]
    );
}

#[test]
fn policy_max_age_range() {
    // RFC 8461 §3.2: `max_age` is 1 to 10 ASCII digits of seconds with a maximum of 31557600.
    // Values above it are clamped with a warning; under one day get an advisory warning.
    // Ten digits exceed 32 bits, which must not overflow.
    type Outcome = Result<(u32, &'static [Found]), Found>;
    let cases: [(&str, Outcome); 14] = [
        ("0", Ok((0, &[(W, "max-age-short", 3, 10, 35, 36)]))),
        ("86399", Ok((86399, &[(W, "max-age-short", 3, 10, 35, 40)]))),
        ("86400", Ok((86400, &[]))),
        (
            "0000000001",
            Ok((1, &[(W, "max-age-short", 3, 10, 35, 45)])),
        ),
        ("31557600", Ok((31557600, &[]))),
        (
            "31557601",
            Ok((31557600, &[(W, "max-age-clamped", 3, 10, 35, 43)])),
        ),
        (
            "4294967296",
            Ok((31557600, &[(W, "max-age-clamped", 3, 10, 35, 45)])),
        ),
        (
            "9999999999",
            Ok((31557600, &[(W, "max-age-clamped", 3, 10, 35, 45)])),
        ),
        ("10000000000", Err((E, "max-age-too-long", 3, 10, 35, 46))),
        ("", Err((E, "invalid-max-age", 3, 10, 35, 35))),
        ("1e5", Err((E, "invalid-max-age", 3, 10, 35, 38))),
        ("1 2", Err((E, "invalid-max-age", 3, 10, 35, 38))),
        ("\u{663}", Err((E, "invalid-max-age", 3, 10, 35, 37))),
        ("86400s", Err((E, "invalid-max-age", 3, 10, 35, 41))),
    ];
    for (value, outcome) in cases {
        let line = format!("max_age: {value}");
        let text = body(&["version: STSv1", "mode: none", &line]);
        match outcome {
            Ok((seconds, expected)) => {
                let (policy, warnings) = accepted(value, text.as_bytes());
                assert_eq!(policy.max_age(), seconds, "{value:?}");
                assert!(policy.max_age() <= MAX_MAX_AGE, "{value:?}");
                assert_eq!(warnings, expected, "{value:?}");
            }
            Err(error) => {
                assert_eq!(rejected(value, text.as_bytes()), [error], "{value:?}");
            }
        }
    }
}

#[test]
fn policy_max_age_clamp_names_value() {
    let text = body(&["version: STSv1", "mode: none", "max_age: 9999999999"]);
    let parsed = Policy::parse(&text).unwrap();
    assert_eq!(
        parsed.warnings[0].message(),
        "max_age 9999999999 exceeds the maximum of 31557600 seconds (one year) and is clamped"
    );
}

#[test]
fn policy_mx_required_unless_none() {
    // RFC 8461 §3.2: at least one `mx` is required, except when the mode is `none`.
    let text = body(&["version: STSv1", "mode: testing", "max_age: 86400"]);
    assert_eq!(
        rejected("testing", text.as_bytes()),
        [
            (E, "missing-mx", 1, 1, 0, 0),
            (W, "testing-mode", 2, 7, 21, 28)
        ]
    );
    let text = body(&["version: STSv1", "mode: enforce", "max_age: 86400"]);
    assert_eq!(
        rejected("enforce", text.as_bytes()),
        [(E, "missing-mx", 1, 1, 0, 0)]
    );
    let text = none_with("mx: mail.example.com");
    let (policy, warnings) = accepted("none with mx", text.as_bytes());
    assert_eq!(mx_list(&policy), ["mail.example.com"]);
    assert_eq!(warnings, []);
}

#[test]
fn policy_mx_lines_accumulate() {
    // RFC 8461 §3.2: each MX host has its own `mx:` line, and every line counts.
    let text = body(&[
        "version: STSv1",
        "mode: enforce",
        "mx: a.example.com",
        "max_age: 86400",
        "mx: b.example.net",
    ]);
    let (policy, _) = accepted("two lines", text.as_bytes());
    assert_eq!(mx_list(&policy), ["a.example.com", "b.example.net"]);
}

#[test]
fn policy_mx_one_host_per_line() {
    // RFC 8461 §3.2: each pair MUST be on its own line, so a list in one value is invalid.
    let cases: [(&str, Found); 2] = [
        ("a.example, b.example", (E, "invalid-mx", 4, 14, 58, 59)),
        ("a.example b.example", (E, "invalid-mx", 4, 14, 58, 59)),
    ];
    for (value, error) in cases {
        assert_eq!(
            rejected(value, with_mx(value).as_bytes()),
            [error],
            "{value}"
        );
    }
}

#[test]
fn policy_mx_wildcard_forms() {
    // RFC 8461 §3.2: a pattern is a name or `*.` followed by a name. No other wildcard form
    // is allowed.
    let (policy, _) = accepted("*.example.net", with_mx("*.example.net").as_bytes());
    assert_eq!(mx_list(&policy), ["*.example.net"]);
    let cases: [(&str, Found); 7] = [
        ("*", (E, "mx-bare-wildcard", 4, 5, 49, 50)),
        ("*.", (E, "mx-wildcard-without-domain", 4, 5, 49, 51)),
        (
            "mail*.example.com",
            (E, "mx-misplaced-wildcard", 4, 9, 53, 54),
        ),
        (
            "a.*.example.com",
            (E, "mx-misplaced-wildcard", 4, 7, 51, 52),
        ),
        (
            "*.*.example.com",
            (E, "mx-misplaced-wildcard", 4, 7, 51, 52),
        ),
        ("**.example.com", (E, "mx-misplaced-wildcard", 4, 5, 49, 50)),
        ("*example.com", (E, "mx-misplaced-wildcard", 4, 5, 49, 50)),
    ];
    for (value, error) in cases {
        assert_eq!(
            rejected(value, with_mx(value).as_bytes()),
            [error],
            "{value}"
        );
    }
}

#[test]
fn policy_mx_domain_grammar() {
    // RFC 5321 §4.1.2 `Domain`: LDH labels of 1 to 63 characters, no leading or trailing
    // hyphen, no empty label, at most 253 characters in all.
    let label63 = "a".repeat(63);
    let name253 = format!("{label63}.{label63}.{label63}.{}", "b".repeat(61));
    for value in [
        "localhost",
        "123.example",
        "xn--mx-lka.example",
        &label63,
        &name253,
    ] {
        let (policy, _) = accepted(value, with_mx(value).as_bytes());
        assert_eq!(mx_list(&policy), [value]);
    }
    let label64 = format!("{}.example", "a".repeat(64));
    let name254 = format!("{name253}c");
    let cases: [(&str, Found); 7] = [
        ("mail_1.example.com", (E, "invalid-mx", 4, 9, 53, 54)),
        ("-mail.example.com", (E, "invalid-mx", 4, 5, 49, 54)),
        ("mail-.example.com", (E, "invalid-mx", 4, 5, 49, 54)),
        ("mail..example.com", (E, "invalid-mx", 4, 10, 54, 54)),
        (".example.com", (E, "invalid-mx", 4, 5, 49, 49)),
        (&label64, (E, "invalid-mx", 4, 5, 49, 113)),
        (&name254, (E, "invalid-mx", 4, 5, 49, 303)),
    ];
    for (value, error) in cases {
        assert_eq!(
            rejected(value, with_mx(value).as_bytes()),
            [error],
            "{value}"
        );
    }
}

#[test]
fn policy_mx_trailing_dot_removed() {
    // The `Domain` grammar has no trailing dot. One trailing dot has a clear reading, so it is
    // removed with a warning; strict mode rejects it, and two dots are invalid.
    let cases: [(&str, &str, Found); 2] = [
        (
            "mail.example.com.",
            "mail.example.com",
            (W, "mx-trailing-dot", 4, 21, 65, 66),
        ),
        (
            "*.example.net.",
            "*.example.net",
            (W, "mx-trailing-dot", 4, 18, 62, 63),
        ),
    ];
    for (value, stored, warning) in cases {
        let text = with_mx(value);
        let (policy, warnings) = accepted(value, text.as_bytes());
        assert_eq!(mx_list(&policy), [stored], "{value}");
        assert_eq!(warnings, [warning], "{value}");
        let strict = rejected_with(value, text.as_bytes(), ParseOptions::STRICT);
        assert_eq!(strict, raised(&[warning]), "{value}");
    }
    let text = with_mx("mail.example.com..");
    assert_eq!(
        rejected("two dots", text.as_bytes()),
        [(E, "invalid-mx", 4, 22, 66, 66)]
    );
}

#[test]
fn policy_mx_u_label_invalid() {
    // RFC 8461 §3.2: internationalized names MUST be given as A-labels. The hint names the
    // A-label to write.
    let text = with_mx("*.m\u{f8}x.example");
    let error = Policy::parse(&text).unwrap_err();
    assert_eq!(
        common::found(&error.diagnostics),
        [(E, "mx-u-label", 4, 5, 49, 63)]
    );
    assert_eq!(
        error.diagnostics[0].hint(),
        "write the A-label: \"mx: *.xn--mx-lka.example\""
    );
    let (policy, _) = accepted("A-label", with_mx("*.xn--mx-lka.example").as_bytes());
    assert_eq!(mx_list(&policy), ["*.xn--mx-lka.example"]);
}

#[test]
fn policy_extension_name_grammar() {
    // RFC 8461 §3.2: an extension name is a letter or digit, then up to 31 letters, digits,
    // `_`, `-` or `.`. The ABNF spells the first rule `sta-policy-alphanum`, a typo for
    // `sts-policy-alphanum`.
    let name32 = format!("1{}", "a_-.".repeat(7)) + "xyz";
    assert_eq!(name32.len(), 32);
    let line = format!("{name32}: x");
    let (policy, _) = accepted("32 characters", none_with(&line).as_bytes());
    assert_eq!(extension_list(&policy), [(name32.as_str(), "x")]);

    let line33 = format!("{name32}q: x");
    let cases: [(&str, Found); 5] = [
        (&line33, (E, "invalid-field-name", 4, 1, 41, 74)),
        ("_note: x", (E, "invalid-field-name", 4, 1, 41, 46)),
        ("-note: x", (E, "invalid-field-name", 4, 1, 41, 46)),
        ("no te: x", (E, "invalid-field-name", 4, 1, 41, 46)),
        ("note!: x", (E, "invalid-field-name", 4, 1, 41, 46)),
    ];
    for (line, error) in cases {
        assert_eq!(
            rejected(line, none_with(line).as_bytes()),
            [error],
            "{line}"
        );
    }
}

#[test]
fn policy_extension_value_grammar() {
    // RFC 8461 §3.2: an extension value is printable ASCII or UTF-8, with inner spaces but no
    // leading or trailing space and no control characters.
    let line = "note: managed by ops, \u{fc}n\u{ef}code \u{2713}";
    let (policy, _) = accepted("UTF-8", none_with(line).as_bytes());
    assert_eq!(
        extension_list(&policy),
        [("note", "managed by ops, \u{fc}n\u{ef}code \u{2713}")]
    );
    let cases: [(&str, Found); 4] = [
        ("note: a\tb", (E, "invalid-extension-value", 4, 7, 47, 50)),
        ("note:", (E, "invalid-extension-value", 4, 6, 46, 46)),
        (
            "note: a\u{7f}b",
            (E, "invalid-extension-value", 4, 7, 47, 50),
        ),
        (
            "note: \u{85}x",
            (E, "invalid-extension-value", 4, 7, 47, 50),
        ),
    ];
    for (line, error) in cases {
        assert_eq!(
            rejected(line, none_with(line).as_bytes()),
            [error],
            "{line:?}"
        );
    }
}

#[test]
fn policy_extension_value_hints() {
    let hint = |line: &str| Policy::parse(none_with(line)).unwrap_err().diagnostics[0].hint();
    assert_eq!(
        hint("note:"),
        "write a value after \":\" or remove the line"
    );
    assert_eq!(
        hint("note: a\tb"),
        "remove control characters such as tabs from the value"
    );
}

#[test]
fn policy_unknown_fields_ignored() {
    // RFC 8461 §3.2: parsers MUST accept policies with unknown fields and ignore them. They
    // are kept as extensions and change no defined value.
    let text = body(&[
        "version: STSv1",
        "future_field: 1",
        "mode: enforce",
        "mx: mail.example.com",
        "max_age: 604800",
        "x.y-z: any value",
    ]);
    let (policy, warnings) = accepted("extensions", text.as_bytes());
    assert_eq!(policy.mode(), Mode::Enforce);
    assert_eq!(policy.max_age(), 604800);
    assert_eq!(mx_list(&policy), ["mail.example.com"]);
    assert_eq!(
        extension_list(&policy),
        [("future_field", "1"), ("x.y-z", "any value")]
    );
    assert_eq!(warnings, []);
}

#[test]
fn policy_duplicate_fields_first_wins() {
    // RFC 8461 §3.2: for fields other than `mx`, entries after the first are ignored, and are
    // not checked further: the ignored `max_age: 1` gets no short-cache warning.
    let text = body(&[
        "version: STSv1",
        "mode: enforce",
        "mx: a.example",
        "max_age: 86400",
        "mode: none",
        "mx: b.example",
        "max_age: 1",
    ]);
    let (policy, warnings) = accepted("duplicates", text.as_bytes());
    assert_eq!(policy.mode(), Mode::Enforce);
    assert_eq!(policy.max_age(), 86400);
    assert_eq!(mx_list(&policy), ["a.example", "b.example"]);
    assert_eq!(
        warnings,
        [
            (W, "duplicate-field", 5, 7, 64, 68),
            (W, "duplicate-field", 7, 10, 92, 93)
        ]
    );
}

#[test]
fn policy_duplicate_version_first_wins() {
    let text = body(&[
        "version: STSv1",
        "mode: none",
        "max_age: 86400",
        "version: STSv2",
    ]);
    let (policy, warnings) = accepted("two versions", text.as_bytes());
    assert_eq!(policy.mode(), Mode::None);
    assert_eq!(warnings, [(W, "duplicate-field", 4, 10, 50, 55)]);
}

#[test]
fn policy_fields_in_any_order() {
    // RFC 8461 §3.2: the grammar is a list of fields in any order, `version` included.
    let text = "max_age: 86400\nmx: mail.example.com\nmode: enforce\nversion: STSv1";
    let (policy, warnings) = accepted("reversed", text.as_bytes());
    assert_eq!(policy.mode(), Mode::Enforce);
    assert_eq!(policy.max_age(), 86400);
    assert_eq!(mx_list(&policy), ["mail.example.com"]);
    assert_eq!(warnings, []);
}

#[test]
fn policy_media_type_text_plain() {
    // RFC 8461 §3.2: senders SHOULD check that the media type is `text/plain`, compared
    // without regard to case. Parameters other than charset utf-8 or us-ascii are ignored.
    let not_text_plain = |found: &str| {
        Err(ContentTypeError::NotTextPlain {
            found: found.to_owned(),
        })
    };
    let cases = [
        (Some("text/plain"), Ok(vec![])),
        (Some("Text/Plain; format=flowed"), Ok(vec![])),
        (Some("text/plain; charset=UTF-8"), Ok(vec![])),
        (Some("text/plain; charset=\"us-ascii\""), Ok(vec![])),
        (
            Some("text/plain; charset=iso-8859-1"),
            Ok(vec![ContentTypeWarning::IgnoredCharset {
                charset: "iso-8859-1".to_owned(),
            }]),
        ),
        (None, Ok(vec![ContentTypeWarning::Missing])),
        (Some("text/html"), not_text_plain("text/html")),
        (Some("application/json"), not_text_plain("application/json")),
        (Some("text/plain-x"), not_text_plain("text/plain-x")),
    ];
    for (header, expected) in cases {
        assert_eq!(check_content_type(header), expected, "{header:?}");
    }
}

#[test]
fn policy_body_must_be_utf8() {
    // RFC 8461 §3.2: the policy is US-ASCII, with UTF-8 allowed in extension values. Other
    // bytes are rejected at the first invalid sequence.
    let text = b"version: STSv1\nmode: none\nmax_age: 86400\nnote: caf\xe9\n";
    assert_eq!(
        rejected("Latin-1", text),
        [(E, "invalid-utf8", 4, 10, 50, 51)]
    );
    let text = b"version: STSv1\nmode: none\nmax_age: 86400\nnote: \xff\xfe\n";
    assert_eq!(rejected("0xff", text), [(E, "invalid-utf8", 4, 7, 47, 48)]);
}

/// A policy saved as UTF-16 or UTF-32 is named as such, with the byte order mark as the span,
/// in either byte order. UTF-16 without a mark is recognised by its zero bytes.
#[test]
fn policy_in_utf16_or_utf32_is_named() {
    let utf16le =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let utf16be =
        |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_be_bytes).collect() };

    let marked = "\u{feff}version: STSv1\n";
    let utf16le_marked = utf16le(marked);
    assert_eq!(&utf16le_marked[..2], b"\xFF\xFE");
    assert_eq!(
        rejected("UTF-16LE", &utf16le_marked),
        [(E, "invalid-utf8", 1, 1, 0, 2)]
    );
    assert_eq!(
        rejected("UTF-16BE", &utf16be(marked)),
        [(E, "invalid-utf8", 1, 1, 0, 2)]
    );

    let error = Policy::parse(&utf16le_marked).unwrap_err();
    assert_eq!(
        error.first_error().unwrap().message(),
        "policy is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8"
    );

    let utf32le: Vec<u8> = marked
        .chars()
        .flat_map(|c| u32::from(c).to_le_bytes())
        .collect();
    assert_eq!(
        rejected("UTF-32LE", &utf32le),
        [(E, "invalid-utf8", 1, 1, 0, 4)]
    );
    let error = Policy::parse(&utf32le).unwrap_err();
    assert_eq!(
        error.first_error().unwrap().message(),
        "policy is UTF-32 (it starts with a UTF-32 byte order mark), not UTF-8"
    );

    let text = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";
    for (name, bytes) in [("UTF-16LE", utf16le(text)), ("UTF-16BE", utf16be(text))] {
        assert_eq!(rejected(name, &bytes), [(E, "invalid-utf8", 1, 1, 0, 2)]);
        let error = Policy::parse(&bytes).unwrap_err();
        assert_eq!(
            error.first_error().unwrap().message(),
            "policy is UTF-16 (every other byte is zero), not UTF-8"
        );
    }

    // A short body with zero bytes is left to the line checks.
    assert_eq!(
        rejected("short", b"v\0e\0"),
        [
            (E, "missing-colon", 1, 1, 0, 4),
            (E, "missing-version", 1, 1, 0, 0),
            (E, "missing-mode", 1, 1, 0, 0),
            (E, "missing-max-age", 1, 1, 0, 0)
        ]
    );
    let latin1 = Policy::parse(b"version: STSv1\nnote: caf\xe9\n").unwrap_err();
    assert_eq!(
        latin1.first_error().unwrap().message(),
        "policy is not valid UTF-8"
    );
}

#[test]
fn policy_truncated_utf8_spans_sequence() {
    // A body cut inside a multi-byte sequence: the error covers every byte of the incomplete
    // sequence.
    let text = b"version: STSv1\nmode: none\nmax_age: 86400\nnote: \xe2\x82";
    assert_eq!(
        rejected("truncated", text),
        [(E, "invalid-utf8", 4, 7, 47, 49)]
    );
}

#[test]
fn policy_html_body_rejected() {
    // An error page served with status 200 is reported once, not line by line.
    let text = "\n  <html><body>Not found</body></html>\n";
    assert_eq!(
        rejected("html", text.as_bytes()),
        [(E, "html-document", 2, 3, 3, 38)]
    );
}

/// Returns a policy with every lenient deviation and advisory warning once, and its warnings in
/// order.
fn every_warning() -> (String, Vec<Found>) {
    let text = [
        "\u{feff}version: STSv1",
        "",
        "# comment",
        " mode: testing",
        "mx : *.com",
        "mx: mail.example.net.",
        "mx: *.example.net",
        "mx: MAIL.example.net",
        "max_age: 40000000",
        "max_age: 5",
        "Mode: enforce",
        "max-age: 5",
        "mx: 192.0.2.1",
    ];
    let warnings = vec![
        (W, "byte-order-mark", 1, 1, 0, 3),
        (W, "blank-line", 2, 1, 18, 18),
        (W, "comment-line", 3, 1, 19, 28),
        (W, "leading-whitespace", 4, 1, 29, 30),
        (W, "testing-mode", 4, 8, 36, 43),
        (W, "space-before-colon", 5, 3, 46, 47),
        (W, "mx-public-suffix", 5, 6, 49, 54),
        (W, "mx-trailing-dot", 6, 21, 75, 76),
        (W, "overlapping-mx", 7, 5, 81, 94),
        (W, "duplicate-mx", 8, 5, 99, 115),
        (W, "max-age-clamped", 9, 10, 125, 133),
        (W, "duplicate-field", 10, 10, 143, 144),
        (W, "field-name-case", 11, 1, 145, 149),
        (W, "misspelled-field", 12, 1, 159, 166),
        (W, "mx-ip-address", 13, 5, 174, 183),
    ];
    (body(&text), warnings)
}

#[test]
fn policy_lenient_accepts_every_warning() {
    let (text, expected) = every_warning();
    let (policy, warnings) = accepted("every warning", text.as_bytes());
    assert_eq!(warnings, expected);
    assert_eq!(policy.mode(), Mode::Testing);
    assert_eq!(policy.max_age(), MAX_MAX_AGE);
    assert_eq!(
        mx_list(&policy),
        [
            "*.com",
            "mail.example.net",
            "*.example.net",
            "mail.example.net",
            "192.0.2.1"
        ]
    );
    assert_eq!(
        extension_list(&policy),
        [("Mode", "enforce"), ("max-age", "5")]
    );
}

#[test]
fn policy_strict_raises_every_warning() {
    let (text, expected) = every_warning();
    let strict = rejected_with("every warning", text.as_bytes(), ParseOptions::STRICT);
    assert_eq!(strict, raised(&expected));
}

/// Wildcards over public suffixes that the list writes in Unicode (found with A-labels, the
/// only form an `mx` value takes) or names only in a `*.X` rule: each gets the warning, and a
/// registrable name below them does not.
#[test]
fn policy_warns_on_idn_and_wildcard_only_suffixes() {
    let text = body(&[
        "version: STSv1",
        "mode: enforce",
        "max_age: 604800",
        "mx: *.xn--p1ai",
        "mx: *.xn--55qx5d.cn",
        "mx: *.ck",
        "mx: *.example.xn--p1ai",
    ]);
    let (_, warnings) = accepted("idn suffixes", text.as_bytes());
    assert_eq!(
        warnings,
        [
            (W, "mx-public-suffix", 4, 5, 49, 59),
            (W, "mx-public-suffix", 5, 5, 64, 79),
            (W, "mx-public-suffix", 6, 5, 84, 88),
        ]
    );
}
