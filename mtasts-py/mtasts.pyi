"""Type stubs for the mtasts extension module (built from mtasts-py/src by maturin)."""

from collections.abc import Iterable
from typing import Literal, TypedDict, final

from typing_extensions import NotRequired

__all__ = [
    "DIAGNOSTIC_CODES",
    "ContentTypeError",
    "ContentTypeWarning",
    "Diagnostic",
    "ParseError",
    "Policy",
    "ReceivedReport",
    "ReportInputError",
    "Selection",
    "StsRecord",
    "TlsRptRecord",
    "TlsRptSelection",
    "check_content_type",
    "dns_id_matches",
    "match_mx",
    "parse_policy",
    "parse_sts_record",
    "parse_tlsrpt_record",
    "read_report",
    "select_sts_record",
    "select_tlsrpt_record",
    "summarize",
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

# Codes of diagnostics about the `rua` field of `_smtp._tls` TXT records.
_RuaCode = Literal[
    "rua-empty-uri",
    "rua-size-suffix",
    "rua-missing-scheme",
    "rua-unsupported-scheme",
    "invalid-rua-uri",
    "invalid-rua-port",
    "invalid-mailto-address",
    "mailto-trailing-dot",
    "mailto-ip-domain",
    "mailto-long-local-part",
    "mailto-header-fields",
    "rua-missing-host",
    "invalid-rua-host",
]

# Codes of diagnostics about TLS-RPT report JSON.
_ReportCode = Literal[
    "invalid-json",
    "nesting-too-deep",
    "duplicate-member",
    "invalid-type",
    "missing-member",
    "invalid-datetime",
    "invalid-count",
    "count-too-large",
    "count-as-string",
    "string-for-array",
    "json-array-in-string",
    "object-for-array",
    "missing-time-zone",
    "datetime-format",
    "empty-string",
    "null-member",
    "missing-optional-member",
    "invalid-ip-address",
    "invalid-policy-domain",
    "unknown-result-type",
    "unknown-policy-type",
    "count-mismatch",
    "end-before-start",
    "unknown-member",
    "too-many-issues",
    "byte-order-mark",
    "noncharacter",
    "date-range-not-a-day",
]

# Codes of diagnostics about the email message or file name that carries a TLS-RPT report.
_EmailCode = Literal[
    "not-multipart-report",
    "unterminated-multipart",
    "missing-header",
    "submitter-mismatch",
    "nonstandard-media-type",
    "media-type-mismatch",
    "multiple-report-parts",
    "invalid-file-name",
    "file-name-mismatch",
]

# Every code a Diagnostic can carry: the same set as DIAGNOSTIC_CODES.
_Code = _PolicyCode | _RecordCode | _RuaCode | _ReportCode | _EmailCode

# Codes of ReportInputError.
_ReportInputCode = Literal[
    "input-too-large",
    "decompressed-too-large",
    "invalid-gzip",
    "invalid-email",
    "no-report-part",
]

# Codes of ContentTypeError and ContentTypeWarning.
_ContentTypeErrorCode = Literal["not-text-plain", "malformed-content-type"]
_ContentTypeWarningCode = Literal[
    "missing-content-type",
    "ignored-charset",
    "malformed-parameters",
]

_ReportFormat = Literal["json", "gzip", "email"]

class _MailtoRua(TypedDict):
    scheme: Literal["mailto"]
    address: str

class _HttpsRua(TypedDict):
    scheme: Literal["https"]
    uri: str

# The conformant report JSON of RFC 8460 section 4, as ReceivedReport.report returns it.
_DateRange = TypedDict("_DateRange", {"start-datetime": str, "end-datetime": str})
_ReportedPolicy = TypedDict(
    "_ReportedPolicy",
    {
        "policy-type": str,
        "policy-string": list[str],
        "policy-domain": str,
        "mx-host": list[str],
    },
)
_SessionSummary = TypedDict(
    "_SessionSummary",
    {"total-successful-session-count": int, "total-failure-session-count": int},
)
_FailureDetail = TypedDict(
    "_FailureDetail",
    {
        "result-type": str,
        "sending-mta-ip": NotRequired[str],
        "receiving-mx-hostname": NotRequired[str],
        "receiving-mx-helo": NotRequired[str],
        "receiving-ip": NotRequired[str],
        "failed-session-count": int,
        "additional-information": NotRequired[str],
        "failure-reason-code": NotRequired[str],
    },
)
_PolicyResult = TypedDict(
    "_PolicyResult",
    {
        "policy": _ReportedPolicy,
        "summary": _SessionSummary,
        "failure-details": list[_FailureDetail],
    },
)
_Report = TypedDict(
    "_Report",
    {
        "organization-name": str,
        "date-range": _DateRange,
        "contact-info": NotRequired[str],
        "report-id": str,
        "policies": list[_PolicyResult],
    },
)

# The summary of summarize(): the JSON of `mtasts report summarize --json`.
class _ResultTypeCount(TypedDict):
    result_type: str
    failed_sessions: int

class _MxHostCount(TypedDict):
    mx_host: str | None
    failed_sessions: int

class _OrganizationCount(TypedDict):
    organization: str
    successful_sessions: int
    failed_sessions: int

class _SendingIpCount(TypedDict):
    sending_ip: str | None
    failed_sessions: int

class _InvalidMxPattern(TypedDict):
    pattern: str
    error: str

class _Counts(TypedDict):
    successful_sessions: int
    failed_sessions: int
    failure_rate: float | None
    result_types: list[_ResultTypeCount]
    mx_hosts: list[_MxHostCount]
    sending_organizations: list[_OrganizationCount]
    sending_ips: list[_SendingIpCount]
    uncovered_mx_hosts: list[_MxHostCount]
    unchecked_mx_hosts: list[_MxHostCount]
    invalid_mx_patterns: list[_InvalidMxPattern]

class _DayCounts(_Counts):
    date: str

class _DomainAggregate(TypedDict):
    policy_domain: str | None
    policy_type: str
    total: _Counts
    days: list[_DayCounts]

class _SummaryError(TypedDict):
    index: int
    code: _Code | _ReportInputCode
    message: str

class _Summary(TypedDict):
    reports: int
    duplicate_reports: int
    domains: list[_DomainAggregate]
    errors: list[_SummaryError]

DIAGNOSTIC_CODES: tuple[_Code, ...]

@final
class Diagnostic:
    """One finding of a parser, positioned in its input."""

    @property
    def severity(self) -> _Severity:
        """"error" or "warning"."""

    @property
    def code(self) -> _Code:
        """The stable, kebab-case code, such as "invalid-max-age"."""

    @property
    def line(self) -> int:
        """The line of the offending input, counted from 1."""

    @property
    def column(self) -> int:
        """The column of the offending input, counted from 1 in characters."""

    @property
    def offset(self) -> int:
        """The byte offset of the offending input."""

    @property
    def length(self) -> int:
        """The length of the offending input in bytes."""

    @property
    def text(self) -> str:
        """The offending input, with invalid UTF-8 replaced by U+FFFD."""

    @property
    def message(self) -> str:
        """The one-line description of the problem."""

    @property
    def hint(self) -> str:
        """The one-line suggestion for fixing the input."""

    @property
    def path(self) -> str | None:
        """The JSON path of the value that a report diagnostic is about, or `None`."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class Policy:
    """A valid MTA-STS policy, as returned by `parse_policy`."""

    @property
    def mode(self) -> _Mode:
        """"enforce", "testing" or "none"."""

    @property
    def max_age(self) -> int:
        """The maximum time in seconds a sender may cache the policy."""

    @property
    def mx(self) -> list[str]:
        """The `mx` patterns in policy order, lower-cased."""

    @property
    def extensions(self) -> list[tuple[str, str]]:
        """The extension fields as (name, value) pairs in policy order."""

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warnings found while parsing, in input order."""

    def to_text(self) -> str:
        """Render the policy as canonical text with CRLF line endings."""

@final
class StsRecord:
    """A valid `_mta-sts` TXT record, as returned by `parse_sts_record`."""

    @property
    def id(self) -> str:
        """The policy id: 1 to 32 ASCII letters and digits."""

    @property
    def extensions(self) -> list[tuple[str, str]]:
        """The extension fields as (name, value) pairs in record order."""

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warnings found while parsing, in input order."""

@final
class Selection:
    """The conclusion a sender draws from a TXT RRset, as returned by `select_sts_record`."""

    @property
    def status(self) -> _SelectionStatus:
        """"found", "not-found", "multiple" or "invalid"."""

    @property
    def record(self) -> StsRecord | None:
        """The record when the status is "found", otherwise `None`."""

    @property
    def count(self) -> int:
        """The number of records that begin with "v=STSv1;"."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics of the selected record."""

    @property
    def near_misses(self) -> list[str]:
        """Discarded records that look like a mistaken attempt at an MTA-STS record."""

@final
class TlsRptRecord:
    """A valid `_smtp._tls` TXT record, as returned by `parse_tlsrpt_record`."""

    @property
    def rua(self) -> list[_MailtoRua | _HttpsRua]:
        """The report destinations in record order, at least one."""

    @property
    def extensions(self) -> list[tuple[str, str]]:
        """The extension fields as (name, value) pairs in record order."""

    @property
    def warnings(self) -> list[Diagnostic]:
        """The warnings found while parsing, in input order."""

@final
class TlsRptSelection:
    """The conclusion a sender draws from a TXT RRset, as returned by `select_tlsrpt_record`."""

    @property
    def status(self) -> _SelectionStatus:
        """"found", "not-found", "multiple" or "invalid"."""

    @property
    def record(self) -> TlsRptRecord | None:
        """The record when the status is "found", otherwise `None`."""

    @property
    def count(self) -> int:
        """The number of records that begin with "v=TLSRPTv1;"."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The diagnostics of the selected record."""

    @property
    def near_misses(self) -> list[str]:
        """Discarded records that look like a mistaken attempt at a TLS-RPT record."""

@final
class ReceivedReport:
    """A valid TLS-RPT report read from received bytes, as returned by `read_report`."""

    @property
    def format(self) -> _ReportFormat:
        """The form the report was received in: "json", "gzip" or "email"."""

    @property
    def compressed(self) -> bool:
        """Whether the report JSON was gzip-compressed, in the input or in the email's part."""

    @property
    def media_type(self) -> str | None:
        """The lower-cased media type of the email part that carried the report, or `None`."""

    @property
    def file_name(self) -> str | None:
        """The file name of the email part that carried the report, or `None`."""

    @property
    def report_domain(self) -> str | None:
        """The email's TLS-Report-Domain header field, or `None`."""

    @property
    def submitter(self) -> str | None:
        """The email's TLS-Report-Submitter header field, or `None`."""

    @property
    def subject(self) -> str | None:
        """The email's Subject header field, or `None`."""

    @property
    def json(self) -> bytes:
        """The report JSON as received, decompressed or taken out of the email."""

    @property
    def report(self) -> _Report:
        """The report as conformant JSON (RFC 8460 section 4), loaded into dicts and lists."""

    @property
    def warnings(self) -> list[Diagnostic]:
        """Warnings about the report JSON, in input order."""

    @property
    def message_warnings(self) -> list[Diagnostic]:
        """Warnings about the email message or the part's file name, positioned in the input."""

    def to_json(self) -> str:
        """Render the report as conformant JSON on one line."""

@final
class ContentTypeWarning:
    """A warning about an acceptable Content-Type, as returned by `check_content_type`."""

    @property
    def code(self) -> _ContentTypeWarningCode:
        """The stable code, such as "missing-content-type"."""

    @property
    def message(self) -> str:
        """The one-line description of the warning."""

    def __eq__(self, value: object, /) -> bool: ...

@final
class ParseError(ValueError):
    """Raised when a parser rejects its input."""

    @property
    def code(self) -> _Code:
        """The stable code of the first error, such as "invalid-max-age"."""

    @property
    def line(self) -> int:
        """The line of the first error, counted from 1."""

    @property
    def column(self) -> int:
        """The column of the first error, counted from 1 in characters."""

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every diagnostic, errors and warnings, in input order."""

@final
class ReportInputError(ValueError):
    """Raised by read_report when the input cannot be read as a report at all."""

    @property
    def code(self) -> _ReportInputCode:
        """The stable code of the error, such as "input-too-large" or "invalid-gzip"."""

    @property
    def is_limit(self) -> bool:
        """Whether the input broke a size limit, rather than being malformed."""

@final
class ContentTypeError(ValueError):
    """Raised by check_content_type when a policy response is not served as text/plain."""

    @property
    def code(self) -> _ContentTypeErrorCode:
        """The stable code of the error, such as "not-text-plain"."""

# Every `strict` argument is read by its truth value, as bool(strict), so 0 and 1 are accepted
# too. A str argument that contains a lone surrogate, which UTF-8 cannot encode, raises
# UnicodeEncodeError.

def parse_policy(text: str | bytes, strict: bool = False) -> Policy:
    """Parse an MTA-STS policy body, as served at /.well-known/mta-sts.txt."""

# The record parsers read a str as pasted text, as the CLI does. Zone-file presentation form,
# such as '"v=STSv1; id=2024" "0101"', is decoded first, with a "presentation-form" warning
# whose `text` is the decoded data, and the positions of all diagnostics refer to that data.
# They parse bytes unchanged, as the record data that a resolver returns.
def parse_sts_record(text: str | bytes, strict: bool = False) -> StsRecord:
    """Parse one `_mta-sts` TXT record, given as pasted text (`str`) or record data (`bytes`)."""

def select_sts_record(rrset: list[list[str | bytes]]) -> Selection:
    """Select the `_mta-sts` record from a whole TXT RRset, as a sender must (RFC 8461 §3.1)."""

def match_mx(policy: Policy, host: str) -> str | None:
    """Return the first `mx` pattern of `policy` that the MX host `host` matches, or `None`."""

def dns_id_matches(dns_id: str, host: str) -> bool:
    """Check whether a certificate's DNS-ID (a subjectAltName dNSName) matches the MX `host`."""

def check_content_type(value: str | None) -> list[ContentTypeWarning]:
    """Check the Content-Type header of a policy response, given as `None` when it is missing."""

# Reads a str as pasted text and bytes as record data, like parse_sts_record.
def parse_tlsrpt_record(text: str | bytes, strict: bool = False) -> TlsRptRecord:
    """Parse one `_smtp._tls` TXT record, given as pasted text (`str`) or record data (`bytes`)."""

def select_tlsrpt_record(rrset: list[list[str | bytes]]) -> TlsRptSelection:
    """Select the `_smtp._tls` record from a whole TXT RRset, as a sender must (RFC 8460 §3)."""

def read_report(data: bytes, strict: bool = False) -> ReceivedReport:
    """Read a TLS-RPT report from received bytes: JSON, gzip-compressed JSON or an email."""

def summarize(reports: Iterable[bytes], strict: bool = False) -> _Summary:
    """Summarize TLS-RPT reports per policy domain, policy type and UTC day."""
