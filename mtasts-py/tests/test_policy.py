"""Tests of parse_policy and the Policy, Diagnostic and ParseError classes."""

from __future__ import annotations

from pathlib import Path

import pytest

import mtasts


def test_policy_crlf_base_values(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-crlf.txt").read_bytes())
    assert policy.mode == "enforce"
    assert policy.max_age == 604800
    assert policy.mx == ["mail.example.com", "*.example.net"]
    assert policy.extensions == []
    assert policy.warnings == []


def test_policy_str_and_bytes_agree(corpus: Path) -> None:
    data = (corpus / "policy-lf.txt").read_bytes()
    from_bytes = mtasts.parse_policy(data)
    from_str = mtasts.parse_policy(data.decode("utf-8"))
    assert from_str.to_text() == from_bytes.to_text()
    assert from_str.to_text() == (
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        "max_age: 604800\r\n"
    )


def test_policy_extension_field(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-extension-field.txt").read_text())
    assert policy.mx == ["mail.example.com"]
    assert policy.extensions == [("policy_note", "managed by ops team")]
    assert policy.to_text().endswith("max_age: 604800\r\npolicy_note: managed by ops team\r\n")


def test_policy_duplicate_fields_first_wins(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-duplicate-fields.txt").read_bytes())
    assert policy.mode == "testing"
    assert policy.max_age == 86400
    assert policy.mx == ["mail.example.com", "backup.example.com"]
    warnings = [(d.code, d.line, d.column, d.text) for d in policy.warnings]
    assert warnings == [
        ("testing-mode", 2, 7, "testing"),
        ("duplicate-field", 5, 7, "enforce"),
        ("duplicate-field", 6, 10, "31557600"),
    ]


def test_policy_warning_has_every_field(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-mx-trailing-dot.txt").read_bytes())
    assert policy.mx == ["mail.example.com"]
    assert len(policy.warnings) == 1
    warning = policy.warnings[0]
    assert warning.severity == "warning"
    assert warning.code == "mx-trailing-dot"
    assert warning.line == 3
    assert warning.column == 21
    assert warning.offset == 49
    assert warning.length == 1
    assert warning.text == "."
    assert warning.message == 'mx pattern "mail.example.com." ends with a dot'
    assert warning.hint == 'remove the dot: "mx: mail.example.com"'
    assert str(warning) == (
        '3:21: warning[mx-trailing-dot]: mx pattern "mail.example.com." ends with a dot'
    )
    assert repr(warning) == (
        "Diagnostic(severity='warning', code='mx-trailing-dot', line=3, column=21)"
    )


def test_policy_max_age_clamped_with_warning(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-max-age-over-max.txt").read_bytes())
    assert policy.max_age == 31557600
    assert [(d.code, d.line, d.column, d.text) for d in policy.warnings] == [
        ("max-age-clamped", 4, 10, "31557601")
    ]


def test_policy_mode_none_without_mx(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-mode-none-no-mx.txt").read_bytes())
    assert policy.mode == "none"
    assert policy.max_age == 86400
    assert policy.mx == []


def test_invalid_policy_raises_parse_error(corpus: Path) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy((corpus / "policy-max-age-hex.txt").read_bytes())
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == "invalid-max-age"
    assert error.line == 4
    assert error.column == 10
    message = (
        '4:10: error[invalid-max-age]: expected max_age as 1 to 10 ASCII digits, found "0x15180"'
    )
    assert str(error) == message
    assert error.args == (message,)
    assert len(error.diagnostics) == 1
    diagnostic = error.diagnostics[0]
    assert diagnostic.severity == "error"
    assert diagnostic.offset == 59
    assert diagnostic.length == 7
    assert diagnostic.text == "0x15180"
    assert diagnostic.hint == "write the number in decimal"


def test_parse_error_lists_warnings_and_errors(corpus: Path) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy((corpus / "policy-nmx-typo.txt").read_bytes())
    error = caught.value
    assert (error.code, error.line, error.column) == ("missing-mx", 3, 1)
    assert [(d.severity, d.code, d.text) for d in error.diagnostics] == [
        ("warning", "misspelled-field", "nmx"),
        ("error", "missing-mx", "nmx"),
    ]


def test_parse_error_first_error_skips_warnings(corpus: Path) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy((corpus / "policy-uppercase-keys.txt").read_bytes())
    error = caught.value
    assert (error.code, error.line, error.column) == ("missing-version", 1, 1)
    assert error.diagnostics[0].severity == "warning"
    assert error.diagnostics[0].code == "field-name-case"
    assert len(error.diagnostics) == 7


@pytest.mark.parametrize(
    ("name", "code", "line", "column"),
    [
        ("policy-max-age-11-digits.txt", "max-age-too-long", 4, 10),
        ("policy-max-age-empty.txt", "invalid-max-age", 4, 9),
        ("policy-max-age-fraction.txt", "invalid-max-age", 4, 10),
        ("policy-max-age-missing.txt", "missing-max-age", 1, 1),
        ("policy-max-age-negative.txt", "invalid-max-age", 4, 10),
        ("policy-max-age-plus.txt", "invalid-max-age", 4, 10),
        ("policy-mode-missing.txt", "missing-mode", 1, 1),
        ("policy-mx-mixed-valid-invalid.txt", "mx-misplaced-wildcard", 4, 13),
        ("policy-mx-partial-label-wildcard.txt", "mx-misplaced-wildcard", 3, 13),
        ("policy-mx-star-dot-only.txt", "mx-wildcard-without-domain", 3, 5),
        ("policy-mx-star-only.txt", "mx-bare-wildcard", 3, 5),
        ("policy-mx-ulabel.txt", "mx-u-label", 3, 5),
        ("policy-uppercase-mode.txt", "invalid-mode", 2, 7),
    ],
)
def test_invalid_corpus_policy(corpus: Path, name: str, code: str, line: int, column: int) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy((corpus / name).read_bytes())
    assert caught.value.code == code
    assert caught.value.line == line
    assert caught.value.column == column


def test_strict_rejects_what_lenient_warns(corpus: Path) -> None:
    data = (corpus / "policy-trailing-blank-lines.txt").read_bytes()
    lenient = mtasts.parse_policy(data)
    assert [(d.severity, d.code, d.line) for d in lenient.warnings] == [
        ("warning", "blank-line", 6),
        ("warning", "blank-line", 7),
    ]
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy(data, strict=True)
    assert (caught.value.code, caught.value.line, caught.value.column) == ("blank-line", 6, 1)
    assert [d.severity for d in caught.value.diagnostics] == ["error", "error"]


def test_strict_accepts_a_clean_policy(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-crlf.txt").read_bytes(), strict=True)
    assert policy.mode == "enforce"
    assert policy.warnings == []


def test_invalid_utf8_bytes_positioned() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy(b"version: STSv1\nmode: \xff\n")
    error = caught.value
    assert (error.code, error.line, error.column) == ("invalid-utf8", 2, 7)
    assert error.diagnostics[0].offset == 21
    assert error.diagnostics[0].text == "\ufffd"


def test_column_counts_characters_offset_bytes() -> None:
    text = "version: STSv1\nmode: enforce\nmx: \u00e4*.example.com\nmax_age: 86400\n"
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy(text)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "mx-misplaced-wildcard"
    assert diagnostic.column == 6
    assert diagnostic.offset == 35
    assert diagnostic.text == "*"


def test_oversized_policy_rejected() -> None:
    text = "version: STSv1\nmode: none\nmax_age: 86400\n" + "x_pad: " + "a" * 65600 + "\n"
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_policy(text)
    assert caught.value.code == "policy-too-large"
    assert caught.value.diagnostics[0].offset == 65536
    assert caught.value.diagnostics[0].length == len(text) - 65536


def test_policy_rejects_other_argument_types() -> None:
    with pytest.raises(TypeError, match="expected str or bytes, found int"):
        mtasts.parse_policy(5)  # type: ignore[arg-type]


def test_policy_repr(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-crlf.txt").read_bytes())
    assert repr(policy) == (
        "Policy(mode='enforce', max_age=604800, mx=['mail.example.com', '*.example.net'])"
    )
