"""Tests of the TLS-RPT functions: the _smtp._tls record, read_report and summarize."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

import mtasts

# Limits.DEFAULT of the core: 16 MiB of input and 64 MiB of decompressed JSON.
MAX_INPUT_SIZE = 16 * 1024 * 1024
MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024


def load_cases(corpus: Path) -> dict[str, dict]:
    cases = json.loads((corpus / "txt-tlsrpt-cases.json").read_text())["cases"]
    return {case["id"]: case for case in cases}


def report_files(corpus: Path) -> list[Path]:
    return sorted(corpus.glob("report-*.json"))


def test_record_rua_dicts() -> None:
    record = mtasts.parse_tlsrpt_record(
        "v=TLSRPTv1; rua=mailto:tls%2Brpt@example.com,https://r.example.net/v1; x=1"
    )
    assert record.rua == [
        {"scheme": "mailto", "address": "tls+rpt@example.com"},
        {"scheme": "https", "uri": "https://r.example.net/v1"},
    ]
    assert record.extensions == [("x", "1")]
    assert record.warnings == []
    assert str(record) == "v=TLSRPTv1; rua=mailto:tls+rpt@example.com,https://r.example.net/v1; x=1;"
    assert repr(record) == (
        "TlsRptRecord(rua=['mailto:tls+rpt@example.com', 'https://r.example.net/v1'])"
    )


def test_record_bytes_and_str_agree() -> None:
    text = "v=TLSRPTv1; rua=mailto:a@example.com"
    assert str(mtasts.parse_tlsrpt_record(text.encode())) == str(mtasts.parse_tlsrpt_record(text))


PRESENTATION_FORM_MESSAGE = "record is in zone-file presentation form (quotes or backslash escapes)"


def test_record_pasted_text_decoded() -> None:
    record = mtasts.parse_tlsrpt_record('"v=TLSRPTv1; rua=mailto:" "tlsrpt@example.com"')
    assert record.rua == [{"scheme": "mailto", "address": "tlsrpt@example.com"}]
    assert len(record.warnings) == 1
    warning = record.warnings[0]
    assert warning.severity == "warning"
    assert warning.code == "presentation-form"
    assert (warning.line, warning.column, warning.offset, warning.length) == (1, 1, 0, 41)
    assert warning.text == "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"
    assert warning.message == PRESENTATION_FORM_MESSAGE
    assert warning.hint == 'the record data is "v=TLSRPTv1; rua=mailto:tlsrpt@example.com"'


def test_record_pasted_strict_lists_every_error() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_tlsrpt_record('"v=TLSRPTv1; rua=mailto:a@example.com."', strict=True)
    error = caught.value
    assert str(error) == f"1:1: error[presentation-form]: {PRESENTATION_FORM_MESSAGE}"
    assert [(d.severity, d.code, d.offset) for d in error.diagnostics] == [
        ("error", "presentation-form", 0),
        ("error", "mailto-trailing-dot", 36),
    ]


def test_record_bytes_not_decoded() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_tlsrpt_record(b'"v=TLSRPTv1; rua=mailto:" "tlsrpt@example.com"')
    error = caught.value
    assert str(error) == f"1:1: error[presentation-form]: {PRESENTATION_FORM_MESSAGE}"
    assert [(d.severity, d.code) for d in error.diagnostics] == [("error", "presentation-form")]


def test_record_lenient_warning_strict_error() -> None:
    record = mtasts.parse_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.com.")
    assert record.rua == [{"scheme": "mailto", "address": "a@example.com."}]
    assert [(d.severity, d.code, d.column) for d in record.warnings] == [
        ("warning", "mailto-trailing-dot", 37)
    ]
    assert record.warnings[0].path is None
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.com.", strict=True)
    assert (caught.value.code, caught.value.line, caught.value.column) == (
        "mailto-trailing-dot",
        1,
        37,
    )


@pytest.mark.parametrize(
    ("text", "code", "column"),
    [
        ("v=TLSRPTv1; rua=postmaster@example.com", "rua-missing-scheme", 17),
        ("v=TLSRPTv1; rua=http://r.example.net/", "rua-unsupported-scheme", 17),
        ("v=TLSRPTv1; rua=mailto:a@example.com!10m", "rua-size-suffix", 37),
        ("v=TLSRPTv1; rua=https://r.example.net:0/", "invalid-rua-port", 39),
        ("v=TLSRPTv1; rua=https://a_b.example/", "invalid-rua-host", 25),
        ("v=TLSRPTv1;", "missing-rua", 12),
        ("v=STSv1; id=1", "not-tlsrpt-record", 1),
    ],
)
def test_invalid_record(text: str, code: str, column: int) -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_tlsrpt_record(text)
    assert caught.value.code == code
    assert caught.value.line == 1
    assert caught.value.column == column


# What select_tlsrpt_record concludes for each case of txt-tlsrpt-cases.json: the status, and
# the rua URIs when found or the first code when invalid.
EXPECTED_SELECTION: dict[str, tuple[str, object]] = {
    "T01a": ("found", ["mailto:tlsrpt@example.com"]),
    "T01b": ("found", ["https://tlsrpt.example.net/report"]),
    "T01c": ("found", ["mailto:a@example.com", "https://r.example.net:8443/v1"]),
    "T01d": ("found", ["mailto:a@example.com", "mailto:b@example.com"]),
    "T01e": ("found", ["mailto:a@example.com", "mailto:b@example.com"]),
    "T02a": ("invalid", "rua-size-suffix"),
    "T02b": ("invalid", "rua-empty-uri"),
    "T02c": ("invalid", "rua-empty-uri"),
    "T03a": ("invalid", "rua-missing-scheme"),
    "T03b": ("invalid", "rua-unsupported-scheme"),
    "T04a": ("invalid", "missing-rua"),
    "T04b": ("found", ["mailto:tlsrpt@example.com"]),
    "T04c": ("found", ["mailto:tlsrpt@example.com"]),
    "T04d": ("found", ["mailto:a@example.com", "https://r.example.net/v1"]),
    "T04e": ("found", ["mailto:a@example.com"]),
    "T04f": ("multiple", None),
    "T04g": ("found", ["mailto:tlsrpt@example.com"]),
}


def rua_uri(rua: dict[str, str]) -> str:
    return f"mailto:{rua['address']}" if rua["scheme"] == "mailto" else rua["uri"]


def test_selection_cases_cover_the_corpus(corpus: Path) -> None:
    assert set(load_cases(corpus)) == set(EXPECTED_SELECTION)


@pytest.mark.parametrize("case_id", sorted(EXPECTED_SELECTION))
def test_select_corpus_case(corpus: Path, case_id: str) -> None:
    case = load_cases(corpus)[case_id]
    status, expected = EXPECTED_SELECTION[case_id]
    selection = mtasts.select_tlsrpt_record(case["rrset"])
    assert selection.status == status
    if status == "found":
        assert selection.record is not None
        assert [rua_uri(rua) for rua in selection.record.rua] == expected
        # The core accepts what the corpus calls strictly invalid when it names a lenient
        # reading, with a warning.
        assert case["expect"]["valid"] is True or "lenient" in case["expect"]
    elif status == "invalid":
        assert selection.record is None
        assert selection.diagnostics[0].code == expected
        assert case["expect"]["valid"] is False
    else:
        assert selection.count == 2
        assert case["expect"]["reporting_available"] is False


def test_select_extension_and_near_miss() -> None:
    selection = mtasts.select_tlsrpt_record(
        [["V=TLSRPTv1; rua=mailto:a@example.com"], [b"v=TLSRPTv1; ext=1; rua=mailto:b@example.com"]]
    )
    assert selection.status == "found"
    assert selection.count == 1
    assert selection.record is not None
    assert selection.record.extensions == [("ext", "1")]
    assert selection.near_misses == ["V=TLSRPTv1; rua=mailto:a@example.com"]
    assert repr(selection) == "TlsRptSelection(status='found', count=1)"


def test_select_not_found() -> None:
    selection = mtasts.select_tlsrpt_record([["v=spf1 -all"]])
    assert selection.status == "not-found"
    assert selection.count == 0
    assert selection.record is None
    assert selection.diagnostics == []


def test_read_json_report(corpus: Path) -> None:
    data = (corpus / "report-rfc8460-example.json").read_bytes()
    received = mtasts.read_report(data)
    assert received.format == "json"
    assert received.compressed is False
    assert received.media_type is None
    assert received.file_name is None
    assert received.report_domain is None
    assert received.json == data
    assert received.message_warnings == []
    warnings = [(d.code, d.path, d.line, d.column) for d in received.warnings]
    assert warnings == [("string-for-array", "policies[0].policy.mx-host", 15, 21)]

    report = received.report
    assert report["organization-name"] == "Company-X"
    assert report["date-range"] == {
        "start-datetime": "2016-04-01T00:00:00Z",
        "end-datetime": "2016-04-01T23:59:59Z",
    }
    policy = report["policies"][0]
    assert policy["policy"]["mx-host"] == ["*.mail.company-y.example"]
    assert policy["summary"] == {
        "total-successful-session-count": 5326,
        "total-failure-session-count": 303,
    }
    assert [d["failed-session-count"] for d in policy["failure-details"]] == [100, 200, 3]
    assert "receiving-ip" not in policy["failure-details"][0]

    assert json.loads(received.to_json()) == report
    assert repr(received) == (
        "ReceivedReport(format='json', organization_name='Company-X', "
        "report_id='5065427c-23d3-47ca-b6e0-946ea0e8c4be')"
    )


def test_read_gzip_report(corpus: Path) -> None:
    data = (corpus / "report-google-validation-failure.json").read_bytes()
    received = mtasts.read_report(gzip.compress(data))
    assert received.format == "gzip"
    assert received.compressed is True
    assert received.json == data
    assert received.warnings == []
    assert received.report == json.loads(mtasts.read_report(data).to_json())


def test_read_email_report(corpus: Path) -> None:
    received = mtasts.read_report((corpus / "report-email-google-style.eml").read_bytes())
    assert received.format == "email"
    assert received.compressed is True
    assert received.media_type == "application/tlsrpt+gzip"
    assert received.file_name == "google.com!example.com!1725321600!1725407999!001.json.gz"
    assert received.report_domain == "example.com"
    assert received.submitter == "google.com"
    assert received.subject is not None
    assert received.subject.startswith("Report Domain: example.com Submitter: google.com")
    assert [(d.code, d.line, d.column, d.path) for d in received.message_warnings] == [
        ("submitter-mismatch", 6, 23, None),
        ("file-name-mismatch", 19, 12, None),
    ]
    assert [(d.code, d.path) for d in received.warnings] == [
        ("missing-optional-member", "policies[0].failure-details")
    ]
    assert received.report["organization-name"] == "Google Inc."


def test_read_email_strict_lists_message_first(corpus: Path) -> None:
    data = (corpus / "report-email-google-style.eml").read_bytes()
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.read_report(data, strict=True)
    error = caught.value
    assert (error.code, error.line, error.column) == ("submitter-mismatch", 6, 23)
    assert [(d.severity, d.code) for d in error.diagnostics] == [
        ("error", "submitter-mismatch"),
        ("error", "file-name-mismatch"),
        ("error", "missing-optional-member"),
    ]


def test_read_invalid_json_names_path() -> None:
    data = b'{"organization-name": 5}'
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.read_report(data)
    first = caught.value.diagnostics[0]
    assert (first.code, first.path, first.line, first.column) == (
        "invalid-type",
        "organization-name",
        1,
        23,
    )
    assert len(caught.value.diagnostics) == 1


def test_read_not_json_raises_parse_error() -> None:
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.read_report(b"{")
    assert caught.value.code == "invalid-json"
    assert caught.value.diagnostics[0].path is None


@pytest.mark.parametrize(
    ("data", "code", "is_limit"),
    [
        (b"\x1f\x8bnot gzip", "invalid-gzip", False),
        (b"From: a@example.com\r\n\r\nhello\r\n", "no-report-part", False),
        (b" " * (MAX_INPUT_SIZE + 1), "input-too-large", True),
        (
            gzip.compress(b" " * (MAX_DECOMPRESSED_SIZE + 1), compresslevel=1),
            "decompressed-too-large",
            True,
        ),
    ],
    ids=["invalid-gzip", "no-report-part", "input-too-large", "decompressed-too-large"],
)
def test_read_input_errors(data: bytes, code: str, is_limit: bool) -> None:
    with pytest.raises(mtasts.ReportInputError) as caught:
        mtasts.read_report(data)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.is_limit is is_limit
    assert error.args == (str(error),)


def test_read_input_error_message() -> None:
    with pytest.raises(mtasts.ReportInputError) as caught:
        mtasts.read_report(b" " * (MAX_INPUT_SIZE + 1))
    assert str(caught.value) == (
        f"input of {MAX_INPUT_SIZE + 1} bytes exceeds the limit of {MAX_INPUT_SIZE} bytes "
        "(max_input_size)"
    )


def test_read_report_rejects_str() -> None:
    with pytest.raises(TypeError):
        mtasts.read_report("{}")  # type: ignore[arg-type]


def test_summarize_corpus_groups(corpus: Path) -> None:
    summary = mtasts.summarize(path.read_bytes() for path in report_files(corpus))
    assert summary["reports"] == 10
    assert summary["duplicate_reports"] == 0
    assert summary["errors"] == []
    groups = [
        (
            domain["policy_domain"],
            domain["policy_type"],
            domain["total"]["successful_sessions"],
            domain["total"]["failed_sessions"],
        )
        for domain in summary["domains"]
    ]
    assert groups == [
        ("company-y.example", "sts", 5326, 303),
        ("example.com", "tlsa", 7, 0),
        ("example.com", "sts", 13, 13),
        ("example.com", "no-policy-found", 49, 0),
        ("example.org", "sts", 1, 0),
        ("mail.example.com", "tlsa", 1, 0),
        (None, "no-policy-found", 1, 0),
    ]
    assert summary["domains"][2]["total"]["uncovered_mx_hosts"] == [
        {"mx_host": "example-com.h-v1.mx.microsoft", "failed_sessions": 10}
    ]


def test_summarize_keys_in_cli_order(corpus: Path) -> None:
    summary = mtasts.summarize([(corpus / "report-rfc8460-example.json").read_bytes()])
    assert list(summary) == ["reports", "duplicate_reports", "domains", "errors"]
    domain = summary["domains"][0]
    assert list(domain) == ["policy_domain", "policy_type", "total", "days"]
    day = domain["days"][0]
    assert list(day) == [
        "date",
        "successful_sessions",
        "failed_sessions",
        "failure_rate",
        "result_types",
        "mx_hosts",
        "sending_organizations",
        "sending_ips",
        "uncovered_mx_hosts",
        "unchecked_mx_hosts",
        "invalid_mx_patterns",
    ]
    assert day["date"] == "2016-04-01"
    assert day["failure_rate"] == pytest.approx(303 / 5629)
    assert day["result_types"][0] == {"result_type": "starttls-not-supported", "failed_sessions": 200}


def test_summarize_counts_email_duplicate_once(corpus: Path) -> None:
    reports = [
        (corpus / "report-email-google-style.eml").read_bytes(),
        (corpus / "report-google-no-policy-found.json").read_bytes(),
    ]
    summary = mtasts.summarize(reports)
    assert summary["reports"] == 1
    assert summary["duplicate_reports"] == 1
    day = summary["domains"][0]["days"][0]
    assert (day["date"], day["successful_sessions"], day["failed_sessions"]) == (
        "2024-09-03",
        48,
        0,
    )


def test_summarize_lists_errors_by_index(corpus: Path) -> None:
    good = (corpus / "report-google-validation-failure.json").read_bytes()
    summary = mtasts.summarize([b"{", good, b"\x1f\x8bxx", good])
    assert summary["reports"] == 1
    assert summary["duplicate_reports"] == 1
    assert [(e["index"], e["code"]) for e in summary["errors"]] == [
        (0, "invalid-json"),
        (2, "invalid-gzip"),
    ]
    assert summary["errors"][0]["message"] == (
        "1:1: error[invalid-json]: invalid JSON: EOF while parsing an object"
    )


def test_summarize_strict_rejects_email_warning(corpus: Path) -> None:
    email = (corpus / "report-email-google-style.eml").read_bytes()
    summary = mtasts.summarize([email], strict=True)
    assert summary["reports"] == 0
    assert summary["domains"] == []
    assert [(e["index"], e["code"]) for e in summary["errors"]] == [(0, "submitter-mismatch")]
    assert summary["errors"][0]["message"].startswith("email message 6:23: error[")


def test_summarize_empty() -> None:
    assert mtasts.summarize([]) == {
        "reports": 0,
        "duplicate_reports": 0,
        "domains": [],
        "errors": [],
    }


def test_summarize_rejects_str_item() -> None:
    with pytest.raises(TypeError, match=r"reports\[1\]: expected bytes, found str"):
        mtasts.summarize([b"{}", "{}"])  # type: ignore[list-item]
