/**
 * Every code a `Diagnostic` can carry, sorted: the list `diagnosticCodes()` returns. The tests
 * check that this union and that list are equal.
 */
export type DiagnosticCode =
    | "bare-carriage-return"
    | "blank-line"
    | "byte-order-mark"
    | "comment-line"
    | "count-as-string"
    | "count-mismatch"
    | "count-too-large"
    | "date-range-not-a-day"
    | "datetime-format"
    | "duplicate-field"
    | "duplicate-member"
    | "duplicate-mx"
    | "empty-field"
    | "empty-string"
    | "end-before-start"
    | "expected-semicolon"
    | "field-name-case"
    | "file-name-mismatch"
    | "html-document"
    | "invalid-count"
    | "invalid-datetime"
    | "invalid-extension-value"
    | "invalid-field-name"
    | "invalid-file-name"
    | "invalid-id"
    | "invalid-ip-address"
    | "invalid-json"
    | "invalid-mailto-address"
    | "invalid-max-age"
    | "invalid-mode"
    | "invalid-mx"
    | "invalid-policy-domain"
    | "invalid-rua-host"
    | "invalid-rua-port"
    | "invalid-rua-uri"
    | "invalid-type"
    | "invalid-utf8"
    | "invalid-version"
    | "json-array-in-string"
    | "leading-whitespace"
    | "mailto-header-fields"
    | "mailto-ip-domain"
    | "mailto-long-local-part"
    | "mailto-trailing-dot"
    | "max-age-clamped"
    | "max-age-short"
    | "max-age-too-long"
    | "media-type-mismatch"
    | "missing-colon"
    | "missing-equals"
    | "missing-header"
    | "missing-id"
    | "missing-max-age"
    | "missing-member"
    | "missing-mode"
    | "missing-mx"
    | "missing-optional-member"
    | "missing-rua"
    | "missing-time-zone"
    | "missing-version"
    | "misspelled-field"
    | "multiple-report-parts"
    | "mx-bare-wildcard"
    | "mx-ip-address"
    | "mx-misplaced-wildcard"
    | "mx-public-suffix"
    | "mx-trailing-dot"
    | "mx-u-label"
    | "mx-wildcard-without-domain"
    | "nesting-too-deep"
    | "non-ascii"
    | "noncharacter"
    | "nonstandard-media-type"
    | "not-multipart-report"
    | "not-sts-record"
    | "not-tlsrpt-record"
    | "null-member"
    | "object-for-array"
    | "overlapping-mx"
    | "policy-too-large"
    | "presentation-form"
    | "rua-empty-uri"
    | "rua-missing-host"
    | "rua-missing-scheme"
    | "rua-size-suffix"
    | "rua-unsupported-scheme"
    | "space-around-equals"
    | "space-before-colon"
    | "space-before-semicolon"
    | "string-for-array"
    | "submitter-mismatch"
    | "testing-mode"
    | "too-many-issues"
    | "trailing-whitespace"
    | "unknown-member"
    | "unknown-policy-type"
    | "unknown-result-type"
    | "unterminated-multipart"
    | "version-case";

/**
 * One finding of a parser, positioned in its input. `offset` and `length` count UTF-8 bytes of
 * the parsed text, not UTF-16 code units. `line` and `column` count from 1, and `column` counts
 * Unicode code points. `path` is the JSON path of the value a report diagnostic is about, such
 * as "policies[0].summary" ("" for the root object), and is absent for other diagnostics.
 */
export interface Diagnostic {
    severity: "error" | "warning";
    code: DiagnosticCode;
    line: number;
    column: number;
    offset: number;
    length: number;
    text: string;
    message: string;
    hint: string;
    path?: string;
}

/**
 * A diagnostic of `checkReport`. `source` names the text that its position refers to: "message"
 * for the input bytes (the email message), "report" for the report JSON.
 */
export interface ReportDiagnostic extends Diagnostic {
    source: "message" | "report";
}

/** A valid MTA-STS policy. */
export interface Policy {
    version: "STSv1";
    mode: "enforce" | "testing" | "none";
    max_age: number;
    mx: string[];
    extensions: Record<string, string>;
}

/** A valid `_mta-sts` TXT record. */
export interface StsRecord {
    version: "STSv1";
    id: string;
    extensions: Record<string, string>;
}

/**
 * A valid `_smtp._tls` TXT record. Each `rua` entry is a "mailto:" or "https:" URI as the record
 * would write it.
 */
export interface TlsRptRecord {
    version: "TLSRPTv1";
    rua: string[];
    extensions: Record<string, string>;
}

/** The result of `checkPolicy`: the warnings when valid, every diagnostic when not. */
export interface PolicyCheck {
    valid: boolean;
    diagnostics: Diagnostic[];
    policy?: Policy;
}

/**
 * The result of `checkStsRecord`. `data` is the record data that was parsed, after decoding
 * zone-file presentation form, and the diagnostic offsets refer to it.
 */
export interface StsRecordCheck {
    valid: boolean;
    diagnostics: Diagnostic[];
    data: string;
    record?: StsRecord;
}

/**
 * The result of `checkTlsrptRecord`. `data` is the record data that was parsed, after decoding
 * zone-file presentation form, and the diagnostic offsets refer to it.
 */
export interface TlsRptRecordCheck {
    valid: boolean;
    diagnostics: Diagnostic[];
    data: string;
    record?: TlsRptRecord;
}

/**
 * The result of `matchMx`: the policy check, and the first `mx` pattern that the host matches,
 * or null when none does or the policy is invalid.
 */
export interface MxMatch {
    valid: boolean;
    diagnostics: Diagnostic[];
    policy?: Policy;
    pattern: string | null;
}

/** The codes of the errors that stop bytes from being read as a report at all. */
export type ReportInputErrorCode =
    | "decompressed-too-large"
    | "input-too-large"
    | "invalid-email"
    | "invalid-gzip"
    | "no-report-part";

/** The input error that stopped `checkReport` from reading the input as a report. */
export interface ReportInputError {
    code: ReportInputErrorCode;
    message: string;
}

/** The report as JSON. */
export interface JsonReportFormat {
    type: "json";
}

/** The report as gzip-compressed JSON. */
export interface GzipReportFormat {
    type: "gzip";
}

/**
 * The report in a part of an email message: the part's lower-cased media type, its file name,
 * and whether its content was gzip data.
 */
export interface EmailReportFormat {
    type: "email";
    media_type: string;
    file_name: string | null;
    compressed: boolean;
}

/** The form in which `checkReport` received the report. */
export type ReportFormat = JsonReportFormat | GzipReportFormat | EmailReportFormat;

/** The RFC 8460 header fields of the email message that carried a report. */
export interface ReportEmail {
    tls_report_domain: string | null;
    tls_report_submitter: string | null;
    subject: string | null;
}

/** `date-range` of a report. */
export interface ReportDateRange {
    "start-datetime": string;
    "end-datetime": string;
}

/** `policy` of a report's policy entry. */
export interface ReportedPolicy {
    "policy-type": string;
    "policy-string": string[];
    "policy-domain": string;
    "mx-host": string[];
}

/** `summary` of a report's policy entry. */
export interface ReportSummary {
    "total-successful-session-count": number;
    "total-failure-session-count": number;
}

/** One entry of `failure-details`. */
export interface FailureDetail {
    "result-type": string;
    "sending-mta-ip"?: string;
    "receiving-mx-hostname"?: string;
    "receiving-mx-helo"?: string;
    "receiving-ip"?: string;
    "failed-session-count": number;
    "additional-information"?: string;
    "failure-reason-code"?: string;
}

/** One entry of `policies`. */
export interface PolicyResult {
    policy: ReportedPolicy;
    summary: ReportSummary;
    "failure-details": FailureDetail[];
}

/** A TLS-RPT report in the conformant JSON of RFC 8460 section 4. */
export interface Report {
    "organization-name": string;
    "date-range": ReportDateRange;
    "contact-info"?: string;
    "report-id": string;
    policies: PolicyResult[];
}

/**
 * The result of `checkReport`. When the input cannot be read as a report at all, `error`
 * describes the problem, `format` is null and `diagnostics` is empty. Otherwise `format` is the
 * form the report was received in, `email` contains the header fields of an email message, and
 * `report` is present when `valid` is true.
 */
export interface ReportCheck {
    valid: boolean;
    format: ReportFormat | null;
    email?: ReportEmail;
    error?: ReportInputError;
    diagnostics: ReportDiagnostic[];
    report?: Report;
}

/** Failed sessions of one `result-type`. */
export interface ResultTypeCount {
    result_type: string;
    failed_sessions: number;
}

/** Failed sessions towards one MX host; `mx_host` is null for details that name none. */
export interface MxHostCount {
    mx_host: string | null;
    failed_sessions: number;
}

/** Sessions reported by one organisation. */
export interface OrganizationCount {
    organization: string;
    successful_sessions: number;
    failed_sessions: number;
}

/** Failed sessions from one sending MTA; `sending_ip` is null for details without one. */
export interface SendingIpCount {
    sending_ip: string | null;
    failed_sessions: number;
}

/** An `mx` pattern of a report that does not parse, with the error message. */
export interface InvalidMxPattern {
    pattern: string;
    error: string;
}

/**
 * Session counts and failure breakdowns. `failure_rate` is failed / all sessions, or null when
 * no session was reported.
 */
export interface Counts {
    successful_sessions: number;
    failed_sessions: number;
    failure_rate: number | null;
    result_types: ResultTypeCount[];
    mx_hosts: MxHostCount[];
    sending_organizations: OrganizationCount[];
    sending_ips: SendingIpCount[];
    uncovered_mx_hosts: MxHostCount[];
    unchecked_mx_hosts: MxHostCount[];
    invalid_mx_patterns: InvalidMxPattern[];
}

/** The counts of one UTC day, as YYYY-MM-DD. */
export interface DayCounts extends Counts {
    date: string;
}

/** The counts of one policy domain (null when the reports name none) and policy type. */
export interface DomainAggregate {
    policy_domain: string | null;
    policy_type: string;
    total: Counts;
    days: DayCounts[];
}

/** An input of `summarize` that was not counted: its position in the array, and why. */
export interface SummaryError {
    index: number;
    code: DiagnosticCode | ReportInputErrorCode;
    message: string;
}

/**
 * The result of `summarize`: the JSON of `mtasts report summarize --json`, except that each
 * error names an array index instead of a file.
 */
export interface Summary {
    reports: number;
    duplicate_reports: number;
    domains: DomainAggregate[];
    errors: SummaryError[];
}

/** The error the exports throw when a result cannot be converted to a JavaScript value. */
export interface MtastsError extends Error {
    code: "conversion-failed";
}
