"""Type stubs for the mtasts extension module (built from mtasts-py/src by maturin)."""

from typing import Literal, final

__all__ = [
    "ContentTypeError",
    "Diagnostic",
    "ParseError",
    "Policy",
    "Selection",
    "StsRecord",
    "check_content_type",
    "dns_id_matches",
    "match_mx",
    "parse_policy",
    "parse_sts_record",
    "select_sts_record",
]

_Mode = Literal["enforce", "testing", "none"]
_Severity = Literal["error", "warning"]
_SelectionStatus = Literal["found", "not-found", "multiple", "invalid"]

# Codes of diagnostics about MTA-STS policy files.
_PolicyCode = Literal[
    "policy-too-large",
    "invalid-utf8",
    "html-document",
    "byte-order-mark",
    "blank-line",
    "comment-line",
    "leading-whitespace",
    "bare-carriage-return",
    "missing-colon",
    "space-before-colon",
    "invalid-field-name",
    "invalid-version",
    "invalid-mode",
    "invalid-max-age",
    "max-age-too-long",
    "max-age-clamped",
    "max-age-short",
    "mx-bare-wildcard",
    "mx-wildcard-without-domain",
    "mx-misplaced-wildcard",
    "mx-u-label",
    "invalid-mx",
    "mx-trailing-dot",
    "mx-ip-address",
    "mx-public-suffix",
    "duplicate-mx",
    "overlapping-mx",
    "duplicate-field",
    "field-name-case",
    "misspelled-field",
    "invalid-extension-value",
    "missing-version",
    "missing-mode",
    "missing-max-age",
    "missing-mx",
    "testing-mode",
]

# Codes of diagnostics about `_mta-sts` and `_smtp._tls` TXT records (the two share one grammar).
_RecordCode = Literal[
    "non-ascii",
    "not-sts-record",
    "not-tlsrpt-record",
    "version-case",
    "presentation-form",
    "expected-semicolon",
    "empty-field",
    "invalid-field-name",
    "missing-equals",
    "space-around-equals",
    "space-before-semicolon",
    "trailing-whitespace",
    "invalid-extension-value",
    "duplicate-field",
    "field-name-case",
    "invalid-id",
    "missing-id",
    "missing-rua",
]

_Code = _PolicyCode | _RecordCode

@final
class Diagnostic:
    """One finding of a parser, positioned in its input."""

    @property
    def severity(self) -> _Severity: ...
    @property
    def code(self) -> _Code: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Policy:
    """A valid MTA-STS policy, as returned by parse_policy."""

    @property
    def mode(self) -> _Mode: ...
    @property
    def max_age(self) -> int: ...
    @property
    def mx(self) -> list[str]: ...
    @property
    def extensions(self) -> list[tuple[str, str]]: ...
    @property
    def warnings(self) -> list[Diagnostic]: ...
    def to_text(self) -> str: ...

@final
class StsRecord:
    """A valid `_mta-sts` TXT record, as returned by parse_sts_record."""

    @property
    def id(self) -> str: ...
    @property
    def extensions(self) -> list[tuple[str, str]]: ...
    @property
    def warnings(self) -> list[Diagnostic]: ...

@final
class Selection:
    """The conclusion a sender draws from a TXT RRset, as returned by select_sts_record."""

    @property
    def status(self) -> _SelectionStatus: ...
    @property
    def record(self) -> StsRecord | None: ...
    @property
    def count(self) -> int: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...
    @property
    def near_misses(self) -> list[str]: ...

@final
class ParseError(ValueError):
    """Raised when a parser rejects its input."""

    @property
    def code(self) -> _Code: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...

class ContentTypeError(ValueError):
    """Raised by check_content_type when a policy response is not served as text/plain."""

def parse_policy(text: str | bytes, strict: bool = False) -> Policy: ...
def parse_sts_record(text: str | bytes, strict: bool = False) -> StsRecord: ...
def select_sts_record(rrset: list[list[str | bytes]]) -> Selection: ...
def match_mx(policy: Policy, host: str) -> str | None: ...
def dns_id_matches(dns_id: str, host: str) -> bool: ...
def check_content_type(value: str | None) -> list[str]: ...
