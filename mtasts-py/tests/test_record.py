"""Tests of parse_sts_record and select_sts_record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mtasts


def test_record_fields() -> None:
    record = mtasts.parse_sts_record("v=STSv1; id=20160831085700Z;")
    assert record.id == "20160831085700Z"
    assert record.extensions == []
    assert record.warnings == []
    assert repr(record) == "StsRecord(id='20160831085700Z')"


def test_record_extensions_in_order() -> None:
    record = mtasts.parse_sts_record(b"v=STSv1; id=abc123; more=a; x.y_z-1=2")
    assert record.id == "abc123"
    assert record.extensions == [("more", "a"), ("x.y_z-1", "2")]


def test_record_str_is_canonical() -> None:
    record = mtasts.parse_sts_record("v=STSv1;id=abc;  ext=1")
    assert str(record) == "v=STSv1; id=abc; ext=1;"


def test_record_lenient_warning_strict_error() -> None:
    record = mtasts.parse_sts_record("v=STSv1 ; id=abc")
    assert record.id == "abc"
    warnings = [
        (d.severity, d.code, d.line, d.column, d.offset, d.length) for d in record.warnings
    ]
    assert warnings == [("warning", "space-before-semicolon", 1, 8, 7, 1)]
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record("v=STSv1 ; id=abc", strict=True)
    assert (caught.value.code, caught.value.line, caught.value.column) == (
        "space-before-semicolon",
        1,
        8,
    )


@pytest.mark.parametrize(
    ("text", "code", "column", "message"),
    [
        (
            "v=STSv1; id=2016-08-31",
            "invalid-id",
            13,
            'invalid id "2016-08-31": expected 1 to 32 ASCII letters and digits',
        ),
        (
            "v=spf1 -all",
            "not-sts-record",
            1,
            'not an MTA-STS record: expected it to begin with "v=STSv1", found "v=spf1"',
        ),
        ("v=STSv1", "missing-id", 8, 'missing required field "id"'),
        ("v=STSv1; id=a; x=\u00e9", "non-ascii", 18, "record must be US-ASCII, found byte 0xc3"),
    ],
)
def test_invalid_record(text: str, code: str, column: int, message: str) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record(text)
    error = caught.value
    assert error.code == code
    assert error.line == 1
    assert error.column == column
    assert error.diagnostics[0].message == message


def test_record_bytes_non_ascii() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record(b"v=STSv1; id=a; x=\xe9")
    assert caught.value.code == "non-ascii"
    assert caught.value.diagnostics[0].offset == 17
    assert caught.value.diagnostics[0].message == "record must be US-ASCII, found byte 0xe9"


PRESENTATION_FORM_MESSAGE = "record is in zone-file presentation form (quotes or backslash escapes)"


def test_record_pasted_text_decoded() -> None:
    record = mtasts.parse_sts_record('"v=STSv1; id=2024" "0101"')
    assert record.id == "20240101"
    assert len(record.warnings) == 1
    warning = record.warnings[0]
    assert warning.severity == "warning"
    assert warning.code == "presentation-form"
    assert (warning.line, warning.column, warning.offset, warning.length) == (1, 1, 0, 20)
    assert warning.text == "v=STSv1; id=20240101"
    assert warning.message == PRESENTATION_FORM_MESSAGE
    assert warning.hint == 'the record data is "v=STSv1; id=20240101"'


def test_record_pasted_zone_file_line() -> None:
    line = r'_mta-sts.example.com. 300 IN TXT "v=STSv1\; id=2024" "0101"'
    record = mtasts.parse_sts_record(line)
    assert record.id == "20240101"
    assert [(d.code, d.text) for d in record.warnings] == [
        ("presentation-form", "v=STSv1; id=20240101")
    ]


def test_record_pasted_strict_raises() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record('"v=STSv1; id=2024" "0101"', strict=True)
    error = caught.value
    assert str(error) == f"1:1: error[presentation-form]: {PRESENTATION_FORM_MESSAGE}"
    assert (error.code, error.line, error.column) == ("presentation-form", 1, 1)
    assert [(d.severity, d.code) for d in error.diagnostics] == [("error", "presentation-form")]


def test_record_pasted_positions_in_decoded_data() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record('"v=STSv1; id=20-24"')
    error = caught.value
    assert (error.code, error.line, error.column) == ("invalid-id", 1, 13)
    assert [(d.severity, d.code, d.offset, d.text) for d in error.diagnostics] == [
        ("warning", "presentation-form", 0, "v=STSv1; id=20-24"),
        ("error", "invalid-id", 12, "20-24"),
    ]


def test_record_bytes_not_decoded() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record(b'"v=STSv1; id=2024" "0101"')
    error = caught.value
    assert str(error) == f"1:1: error[presentation-form]: {PRESENTATION_FORM_MESSAGE}"
    assert [(d.severity, d.code) for d in error.diagnostics] == [("error", "presentation-form")]


def test_select_does_not_decode_pasted_text() -> None:
    selection = mtasts.select_sts_record([['"v=STSv1; id=a"']])
    assert selection.status == "not-found"
    assert selection.count == 0


def load_rrsets(corpus: Path) -> dict[str, list[list[str]]]:
    cases = json.loads((corpus / "txt-sts-rrsets.json").read_text())["cases"]
    return {case["id"]: case["rrset"] for case in cases}


def test_select_two_records_is_multiple(corpus: Path) -> None:
    selection = mtasts.select_sts_record(load_rrsets(corpus)["S02a"])
    assert selection.status == "multiple"
    assert selection.count == 2
    assert selection.record is None
    assert selection.diagnostics == []
    assert repr(selection) == "Selection(status='multiple', count=2)"


def test_select_discards_other_records(corpus: Path) -> None:
    selection = mtasts.select_sts_record(load_rrsets(corpus)["S02b"])
    assert selection.status == "found"
    assert selection.count == 1
    assert selection.record is not None
    assert selection.record.id == "aaa111"
    assert selection.near_misses == []


def test_select_keeps_space_before_semicolon(corpus: Path) -> None:
    selection = mtasts.select_sts_record(load_rrsets(corpus)["S02c"])
    assert selection.status == "found"
    assert selection.record is not None
    assert selection.record.id == "aaa111"
    assert [(d.code, d.column) for d in selection.diagnostics] == [("space-before-semicolon", 8)]


def test_select_reports_near_misses(corpus: Path) -> None:
    selection = mtasts.select_sts_record(load_rrsets(corpus)["S02d"])
    assert selection.status == "found"
    assert selection.record is not None
    assert selection.record.id == "bbb222"
    assert selection.near_misses == ["v=STSv10; id=aaa111"]


def test_select_empty_rrset_not_found(corpus: Path) -> None:
    selection = mtasts.select_sts_record(load_rrsets(corpus)["S02e"])
    assert selection.status == "not-found"
    assert selection.count == 0
    assert selection.record is None


def test_select_invalid_record() -> None:
    selection = mtasts.select_sts_record([["v=STSv1; id=a-b"]])
    assert selection.status == "invalid"
    assert selection.count == 1
    assert selection.record is None
    assert [(d.severity, d.code, d.column) for d in selection.diagnostics] == [
        ("error", "invalid-id", 13)
    ]


def test_select_joins_strings_of_one_record() -> None:
    selection = mtasts.select_sts_record([["v=STSv1; id=2024", b"0101"], [b"v=spf1 -all"]])
    assert selection.status == "found"
    assert selection.record is not None
    assert selection.record.id == "20240101"


def test_select_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        mtasts.select_sts_record("v=STSv1; id=1")  # type: ignore[arg-type]
