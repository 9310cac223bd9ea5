"""Tests of match_mx, dns_id_matches and check_content_type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mtasts

# What match_mx returns for each boolean case of mx-matching-cases.json: the matching pattern,
# None for no match, or ParseError when the pattern list is not a valid policy.
EXPECTED_MATCH: dict[str, object] = {
    "M01a": "*.example.com",
    "M01b": None,
    "M01c": None,
    "M01e": "*.mail.protection.outlook.com",
    "M02a": None,
    "M02b": None,
    "M02d": mtasts.ParseError,
    "M02e": mtasts.ParseError,
    "M02g": None,
    "M03a": "mail.example.com",
    "M03b": "mail.example.com",
    "M03d": "mail.example.com",
    "M03e": "*.example.com",
    "M03g": "xn--mx-lka.example",
    "M03h": mtasts.ParseError,
}


def policy_text(patterns: list[str]) -> str:
    mx_lines = "".join(f"mx: {pattern}\n" for pattern in patterns)
    return f"version: STSv1\nmode: enforce\n{mx_lines}max_age: 86400\n"


def test_mx_cases_cover_the_corpus(corpus: Path) -> None:
    cases = json.loads((corpus / "mx-matching-cases.json").read_text())["cases"]
    boolean_ids = {case["id"] for case in cases if isinstance(case.get("match"), bool)}
    assert boolean_ids == set(EXPECTED_MATCH)


@pytest.mark.parametrize("case_id", sorted(EXPECTED_MATCH))
def test_match_mx_corpus_case(corpus: Path, case_id: str) -> None:
    cases = json.loads((corpus / "mx-matching-cases.json").read_text())["cases"]
    case = next(case for case in cases if case["id"] == case_id)
    expected = EXPECTED_MATCH[case_id]
    if expected is mtasts.ParseError:
        with pytest.raises(mtasts.ParseError):
            mtasts.parse_policy(policy_text(case["patterns"]))
        assert case["match"] is False
        return
    policy = mtasts.parse_policy(policy_text(case["patterns"]))
    assert mtasts.match_mx(policy, case["host"]) == expected
    assert (expected is not None) == case["match"]


def test_match_mx_first_matching_pattern(corpus: Path) -> None:
    policy = mtasts.parse_policy((corpus / "policy-mx-ip-literal.txt").read_bytes())
    assert mtasts.match_mx(policy, "mail.example.com") == "mail.example.com"
    assert mtasts.match_mx(policy, "mx9.example.com.") == "*.example.com"
    assert mtasts.match_mx(policy, "192.0.2.56") == "192.0.2.56"
    assert mtasts.match_mx(policy, "mail.example.org") is None


def test_match_mx_u_label_host() -> None:
    policy = mtasts.parse_policy(policy_text(["xn--mx-lka.example"]))
    assert mtasts.match_mx(policy, "m\u00f8x.example") == "xn--mx-lka.example"


@pytest.mark.parametrize(
    ("dns_id", "host", "expected"),
    [
        ("*.example.net", "MX1.example.net.", True),
        ("*.example.net", "a.b.example.net", False),
        ("*.example.net", "example.net", False),
        ("mx*.example.net", "mx1.example.net", False),
        ("mail.example.com", "mail.example.com", True),
        ("*.com", "example.com", False),
    ],
)
def test_dns_id_matches(dns_id: str, host: str, expected: bool) -> None:
    assert mtasts.dns_id_matches(dns_id, host) is expected


@pytest.mark.parametrize(
    ("value", "warnings"),
    [
        ("text/plain", []),
        ("text/plain; charset=utf-8", []),
        ("text/plain;charset=UTF-8", []),
        ("TEXT/PLAIN", []),
        ("text/plain; charset=us-ascii", []),
        (
            "text/plain; charset=iso-8859-1",
            [("ignored-charset", 'charset "iso-8859-1" is ignored: the policy is read as UTF-8')],
        ),
        (None, [("missing-content-type", "missing Content-Type: expected text/plain")]),
    ],
)
def test_content_type_accepted(value: str | None, warnings: list[tuple[str, str]]) -> None:
    found = mtasts.check_content_type(value)
    assert [(w.code, w.message) for w in found] == warnings
    assert [str(w) for w in found] == [message for _, message in warnings]


def test_content_type_warning_repr_and_eq() -> None:
    warning = mtasts.check_content_type(None)[0]
    assert repr(warning) == "ContentTypeWarning(code='missing-content-type')"
    assert warning == mtasts.check_content_type(None)[0]
    assert warning != mtasts.check_content_type("text/plain; charset=latin1")[0]


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        (
            "text/html; charset=utf-8",
            "not-text-plain",
            'expected media type text/plain, found "text/html"',
        ),
        (
            "application/octet-stream",
            "not-text-plain",
            'expected media type text/plain, found "application/octet-stream"',
        ),
        ("garbage", "malformed-content-type", 'invalid Content-Type "garbage": expected type/subtype'),
    ],
)
def test_content_type_rejected(value: str, code: str, message: str) -> None:
    with pytest.raises(mtasts.ContentTypeError) as caught:
        mtasts.check_content_type(value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    assert str(caught.value) == message
