"""Tests of the argument conversions that every function shares: invalid UTF-8 str, strict."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import mtasts

POLICY = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n"
SURROGATE_REASON = "the str contains a lone surrogate, which is not valid UTF-8"
SURROGATE_MESSAGE = (
    f"'utf-8' codec can't encode character '\\ud800' in position 1: {SURROGATE_REASON}"
)


def policy() -> mtasts.Policy:
    return mtasts.parse_policy(POLICY)


# Each entry is a test id, a call that passes "a\ud800" in one argument, and that argument's name.
SURROGATE_CALLS: list[tuple[str, Callable[[], object], str]] = [
    ("parse_policy", lambda: mtasts.parse_policy("a\ud800"), "text"),
    ("parse_sts_record", lambda: mtasts.parse_sts_record("a\ud800"), "text"),
    ("parse_tlsrpt_record", lambda: mtasts.parse_tlsrpt_record("a\ud800"), "text"),
    ("select_sts_record", lambda: mtasts.select_sts_record([["a\ud800"]]), "rrset"),
    ("select_tlsrpt_record", lambda: mtasts.select_tlsrpt_record([["a\ud800"]]), "rrset"),
    ("match_mx", lambda: mtasts.match_mx(policy(), "a\ud800"), "host"),
    ("dns_id_matches dns_id", lambda: mtasts.dns_id_matches("a\ud800", "mx.example"), "dns_id"),
    ("dns_id_matches host", lambda: mtasts.dns_id_matches("mx.example", "a\ud800"), "host"),
    ("check_content_type", lambda: mtasts.check_content_type("a\ud800"), "value"),
]


@pytest.mark.parametrize(
    ("call", "argument"),
    [(call, argument) for _, call, argument in SURROGATE_CALLS],
    ids=[name for name, _, _ in SURROGATE_CALLS],
)
def test_lone_surrogate_raises_unicode_error(call: Callable[[], object], argument: str) -> None:
    with pytest.raises(UnicodeEncodeError) as caught:
        call()
    error = caught.value
    assert isinstance(error, ValueError)
    assert str(error) == SURROGATE_MESSAGE
    assert error.encoding == "utf-8"
    assert error.object == "a\ud800"
    assert (error.start, error.end) == (1, 2)
    assert error.reason == SURROGATE_REASON
    # pyo3 names the argument in a note, which needs BaseException.add_note (Python 3.11).
    if sys.version_info >= (3, 11):
        assert error.__notes__ == [f"while processing '{argument}'"]


def test_lone_surrogate_run_positions() -> None:
    with pytest.raises(UnicodeEncodeError) as caught:
        mtasts.match_mx(policy(), "mx\udc80\udcff.example")
    error = caught.value
    assert str(error) == (
        f"'utf-8' codec can't encode characters in position 2-3: {SURROGATE_REASON}"
    )
    assert (error.start, error.end) == (2, 4)


def test_other_argument_types_raise_type_error() -> None:
    with pytest.raises(TypeError) as caught:
        mtasts.parse_sts_record(5)  # type: ignore[arg-type]
    assert str(caught.value) == "expected str or bytes, found int"
    with pytest.raises(TypeError):
        mtasts.match_mx(policy(), b"mail.example.com")  # type: ignore[arg-type]


def test_valid_str_arguments_still_accepted() -> None:
    assert mtasts.match_mx(policy(), "MAIL.example.com.") == "mail.example.com"
    assert mtasts.dns_id_matches("*.example.com", "mx.example.com") is True
    assert mtasts.check_content_type("text/plain") == []


def test_policy_strict_by_truth_value() -> None:
    text = POLICY + "\n"
    for lenient in (False, 0, None, ""):
        warnings = mtasts.parse_policy(text, strict=lenient).warnings  # type: ignore[arg-type]
        assert [(d.severity, d.code) for d in warnings] == [("warning", "blank-line")]
    for strict in (True, 1, 2, "yes"):
        with pytest.raises(mtasts.ParseError) as caught:
            mtasts.parse_policy(text, strict=strict)  # type: ignore[arg-type]
        assert caught.value.code == "blank-line"


def test_records_strict_by_truth_value() -> None:
    sts_text = "v=STSv1 ; id=abc"
    assert mtasts.parse_sts_record(sts_text, strict=0).id == "abc"  # type: ignore[arg-type]
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_sts_record(sts_text, strict=1)  # type: ignore[arg-type]
    assert caught.value.code == "space-before-semicolon"
    tlsrpt_text = "v=TLSRPTv1; rua=mailto:a@example.com."
    assert len(mtasts.parse_tlsrpt_record(tlsrpt_text, strict=0).rua) == 1  # type: ignore[arg-type]
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.parse_tlsrpt_record(tlsrpt_text, strict=1)  # type: ignore[arg-type]
    assert caught.value.code == "mailto-trailing-dot"


def test_reports_strict_by_truth_value(corpus: Path) -> None:
    email = (corpus / "report-email-google-style.eml").read_bytes()
    assert mtasts.read_report(email, strict=0).format == "email"  # type: ignore[arg-type]
    with pytest.raises(mtasts.ParseError) as caught:
        mtasts.read_report(email, strict=1)  # type: ignore[arg-type]
    assert caught.value.code == "submitter-mismatch"
    assert mtasts.summarize([email], strict=0)["reports"] == 1  # type: ignore[arg-type]
    summary = mtasts.summarize([email], strict=1)  # type: ignore[arg-type]
    assert summary["reports"] == 0
    assert [(e["index"], e["code"]) for e in summary["errors"]] == [(0, "submitter-mismatch")]


class BrokenTruth:
    def __bool__(self) -> bool:
        raise RuntimeError("no truth value")


def test_strict_truth_value_error_propagates() -> None:
    with pytest.raises(RuntimeError) as caught:
        mtasts.parse_policy(POLICY, strict=BrokenTruth())  # type: ignore[arg-type]
    assert str(caught.value) == "no truth value"
    if sys.version_info >= (3, 11):
        assert caught.value.__notes__ == ["while processing 'strict'"]
