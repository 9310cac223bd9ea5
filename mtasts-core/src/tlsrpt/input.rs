//! Reading a TLS-RPT report from the bytes a domain owner receives
//! ([RFC 8460 §5](https://www.rfc-editor.org/rfc/rfc8460#section-5)): report JSON,
//! gzip-compressed JSON, or an email message that carries either.
//!
//! [`ReceivedReport::read`] distinguishes the forms by content, never by file name:
//!
//! - gzip by its magic number `1f 8b` (RFC 1952 §2.3.1, RFC 8460 §6.5);
//! - an email message by a header field on its first line, such as `From: …`. The report is the
//!   `application/tlsrpt+gzip` or `application/tlsrpt+json` part of a `multipart/report` message
//!   (RFC 8460 §5.3), in any transfer encoding the MIME parser decodes (base64 wrapped at any
//!   width with CRLF or LF, quoted-printable, or none);
//! - anything else is read as report JSON, so that the JSON reader reports what is wrong.
//!
//! The report body is authoritative: where the email's `TLS-Report-Submitter` or the
//! attachment's file name disagrees with it, the disagreement is a warning and the body is used
//! (RFC 8460 §5.6). NOTE: `TLS-Report-Domain` and the `Subject` are returned as sent in
//! [`EmailHeaders`] and are not compared with the body or checked against the RFC 8460 §5.3
//! subject grammar.
//!
//! Every limit that protects against hostile input is in [`Limits`].

use std::borrow::Cow;
use std::fmt;
use std::io::Read;

use flate2::bufread::MultiGzDecoder;
use mail_parser::{Header, MessageParser, MessagePart, MimeHeaders, PartType};

use crate::diagnostic::{Diagnostic, Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::tlsrpt::filename::{Extension, FileNameError, ReportFileName};
use crate::tlsrpt::report::Report;

/// The first two bytes of every gzip member (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The media types RFC 8460 §6.4 and §6.5 register for a report.
const TLSRPT_GZIP: &str = "application/tlsrpt+gzip";
const TLSRPT_JSON: &str = "application/tlsrpt+json";

/// Media types that some reporters use for the report part instead of the registered ones. A
/// part with one of them is read when the message has no registered report part.
const FALLBACK_MEDIA_TYPES: [&str; 4] = [
    "application/gzip",
    "application/x-gzip",
    "application/json",
    "application/octet-stream",
];

/// Bounds on what reading one report may cost, so that hostile input cannot exhaust memory.
///
/// Each breach is an [`InputError`] that names the limit and the value, except JSON nesting,
/// which is a diagnostic like every other JSON problem. Reading one report keeps in memory:
///
/// - the input, at most [`max_input_size`](Limits::max_input_size) bytes, which the caller
///   owns. An email message adds the decoded report part, at most as large as the message.
/// - the report JSON, at most [`max_decompressed_size`](Limits::max_decompressed_size) bytes
///   when it was compressed. The output buffer is allocated once, at its final size. Gzip data
///   that inflates past the limit is stopped by a counting pass that uses only a 32 KiB buffer
///   and the decoder's state, under 256 KiB in all.
/// - the parsed report, which grows with the JSON. A million of the shortest failure details,
///   62 MB of JSON, need 168 bytes each, and at most 5.3 bytes for each byte of JSON while
///   their vector grows (measured by the `tlsrpt_input` tests with a counting allocator).
/// - the diagnostics: at most [`MAX_REPORT_ISSUES`](Limits::MAX_REPORT_ISSUES) of a few
///   hundred bytes each.
///
/// NOTE: an estimate, not measured: a `policy-string` or `mx-host` array of empty strings
/// costs a 24-byte `String` for each 3 bytes of JSON, about 8 bytes for each byte of JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes: the JSON, the gzip data or the whole email message as
    /// received. Default: 16 MiB, enough for a gzip-compressed report of several hundred MiB of
    /// JSON, or an email message that carries a 12 MiB report in base64.
    pub max_input_size: usize,
    /// Largest report JSON that gzip data may inflate to, in bytes. Default: 64 MiB, about a
    /// million of the shortest failure details.
    pub max_decompressed_size: usize,
}

impl Limits {
    /// Deepest nesting of JSON objects and arrays, counting the report's own object as level 1.
    /// Deeper input, also inside members the schema does not define, is rejected with the
    /// `nesting-too-deep` diagnostic before it can exhaust the stack. The JSON reader
    /// (serde_json 1.x) fixes this depth: its recursion limit of 128 rejects the 128th level.
    pub const MAX_NESTING_DEPTH: usize = 127;

    /// Most diagnostics recorded for one report's JSON. Further ones are counted in one last
    /// `too-many-issues` diagnostic, which is an error when any of them is, so that a report
    /// made of thousands of short deviations cannot make its diagnostics outgrow it.
    pub const MAX_REPORT_ISSUES: usize = super::report_parser::MAX_ISSUES;

    /// The default limits: 16 MiB of input and 64 MiB of decompressed JSON.
    pub const DEFAULT: Limits = Limits {
        max_input_size: 16 * 1024 * 1024,
        max_decompressed_size: 64 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// An error that stops received bytes from being read as a report, found before its JSON is
/// read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// The input is larger than [`Limits::max_input_size`].
    #[error("input of {size} bytes exceeds the limit of {limit} bytes (max_input_size)")]
    InputTooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The gzip data inflates to more than [`Limits::max_decompressed_size`].
    #[error(
        "gzip data of {compressed_size} bytes inflates to more than the limit of {limit} bytes \
         (max_decompressed_size)"
    )]
    DecompressedTooLarge {
        /// Size of the gzip data in bytes.
        compressed_size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The data starts with the gzip magic number but does not decompress.
    #[error("invalid gzip data: {message}")]
    InvalidGzip {
        /// The decoder's error message.
        message: String,
    },
    /// The input starts like an email message, but the MIME parser cannot read it.
    #[error("invalid email message: no header fields could be read")]
    InvalidEmail,
    /// The email message has no part that carries a report.
    #[error(
        "the email message has no {TLSRPT_GZIP} or {TLSRPT_JSON} part (found {})",
        found_list(.media_types)
    )]
    NoReportPart {
        /// Media types of the message's parts, in order.
        media_types: Vec<String>,
    },
}

/// Lists the media types found, the first [`LISTED_MEDIA_TYPES`] of them, so that a message
/// with thousands of parts still gets a one-line error.
fn found_list(media_types: &[String]) -> String {
    if media_types.is_empty() {
        return "no parts".to_owned();
    }
    let listed = &media_types[..media_types.len().min(LISTED_MEDIA_TYPES)];
    let more = media_types.len() - listed.len();
    if more == 0 {
        listed.join(", ")
    } else {
        format!("{} and {more} more parts", listed.join(", "))
    }
}

/// Number of media types [`InputError::NoReportPart`] names in its message.
const LISTED_MEDIA_TYPES: usize = 10;

crate::codes::issue_codes! {
    InputError {
        InputError::InputTooLarge { .. } => "input-too-large",
        InputError::DecompressedTooLarge { .. } => "decompressed-too-large",
        InputError::InvalidGzip { .. } => "invalid-gzip",
        InputError::InvalidEmail => "invalid-email",
        InputError::NoReportPart { .. } => "no-report-part",
    }
}

impl InputError {
    /// Returns `true` when the input broke one of the [`Limits`], rather than being malformed.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            InputError::InputTooLarge { .. } | InputError::DecompressedTooLarge { .. }
        )
    }
}

/// The form in which a report was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// Report JSON.
    Json,
    /// Gzip-compressed report JSON.
    Gzip,
    /// An email message with the report in one of its parts.
    Email {
        /// Media type of the report part, lower-cased, such as `application/tlsrpt+gzip`.
        media_type: String,
        /// The part's file name, from `Content-Disposition: filename` or `Content-Type: name`.
        file_name: Option<String>,
        /// `true` when the part's content was gzip data, whatever its media type declares.
        compressed: bool,
    },
}

/// Header fields of an email message that carries a report (RFC 8460 §5.3), unfolded and
/// trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EmailHeaders {
    /// `TLS-Report-Domain`: the policy domain the report is about.
    pub report_domain: Option<String>,
    /// `TLS-Report-Submitter`: the domain of the reporter, which should be the domain of
    /// `contact-info`.
    pub submitter: Option<String>,
    /// `Subject`, such as `Report Domain: example.com Submitter: … Report-ID: <…>`.
    pub subject: Option<String>,
}

/// Problems in the email message or the file name that carry a report. They are all warnings,
/// because the report body is authoritative (RFC 8460 §5.6); strict parsing turns them into
/// errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailIssue {
    /// The message is not `multipart/report` with `report-type=tlsrpt`.
    #[error("expected a multipart/report message with report-type=tlsrpt, found {found}")]
    NotMultipartReport {
        /// The message's media type and `report-type`, as found.
        found: String,
    },
    /// The multipart message does not end with its close delimiter (RFC 2046 §5.1.1), so
    /// its last part may be cut short and the MIME reader may leave it undecoded.
    #[error(
        "multipart message has no closing boundary \"--{boundary}--\", so its last part may \
         be incomplete"
    )]
    UnterminatedMultipart {
        /// The boundary of the message's `Content-Type`.
        boundary: String,
    },
    /// A header field that RFC 8460 §5.3 requires is missing.
    #[error("missing header field {name}")]
    MissingHeader {
        /// The field name.
        name: &'static str,
    },
    /// `TLS-Report-Submitter` differs from the domain of the report's `contact-info`.
    #[error(
        "TLS-Report-Submitter {submitter:?} differs from the contact-info domain \
         {contact_domain:?}; the report body is used"
    )]
    SubmitterMismatch {
        /// The header field's value.
        submitter: String,
        /// The domain of `contact-info`.
        contact_domain: String,
    },
    /// The report part has a media type that RFC 8460 does not register for reports.
    #[error("report part has media type {media_type}, expected {TLSRPT_GZIP} or {TLSRPT_JSON}")]
    NonstandardMediaType {
        /// The part's media type.
        media_type: String,
    },
    /// The media type declares gzip and the content is JSON, or the reverse.
    #[error("report part has media type {media_type} but its content is {content}")]
    MediaTypeMismatch {
        /// The part's media type.
        media_type: String,
        /// `"gzip data"` or `"not gzip data"`.
        content: &'static str,
    },
    /// The message has more than one report part. Only the first is read.
    #[error("the message has {count} report parts; only the first is read")]
    MultipleReportParts {
        /// Number of report parts.
        count: usize,
    },
    /// The report part's file name does not follow RFC 8460 §5.1.
    #[error("file name {name:?} does not follow RFC 8460 section 5.1: {error}")]
    InvalidFileName {
        /// The file name.
        name: String,
        /// The file name error.
        error: FileNameError,
    },
    /// A field of the file name disagrees with the report body.
    #[error(
        "file name {field} {file_name_value:?} differs from the report's {report_value:?}; \
         the report body is used"
    )]
    FileNameMismatch {
        /// The file name field, such as `sender` or `begin-timestamp`.
        field: &'static str,
        /// The value in the file name.
        file_name_value: String,
        /// The value the report body gives.
        report_value: String,
    },
}

crate::codes::issue_codes! {
    EmailIssue {
        EmailIssue::NotMultipartReport { .. } => "not-multipart-report",
        EmailIssue::UnterminatedMultipart { .. } => "unterminated-multipart",
        EmailIssue::MissingHeader { .. } => "missing-header",
        EmailIssue::SubmitterMismatch { .. } => "submitter-mismatch",
        EmailIssue::NonstandardMediaType { .. } => "nonstandard-media-type",
        EmailIssue::MediaTypeMismatch { .. } => "media-type-mismatch",
        EmailIssue::MultipleReportParts { .. } => "multiple-report-parts",
        EmailIssue::InvalidFileName { .. } => "invalid-file-name",
        EmailIssue::FileNameMismatch { .. } => "file-name-mismatch",
    }
}

impl EmailIssue {
    pub(crate) fn is_warning(&self) -> bool {
        true
    }

    pub(crate) fn hint(&self) -> Cow<'static, str> {
        match self {
            EmailIssue::NotMultipartReport { .. } => {
                "send the report as multipart/report; report-type=tlsrpt (RFC 8460 section 5.3)"
                    .into()
            }
            EmailIssue::UnterminatedMultipart { .. } => {
                "end the message with the closing boundary line, as RFC 2046 section 5.1.1 \
                 requires"
                    .into()
            }
            EmailIssue::MissingHeader { .. } => {
                "add TLS-Report-Domain and TLS-Report-Submitter (RFC 8460 section 5.3)".into()
            }
            EmailIssue::SubmitterMismatch { .. } => {
                "set TLS-Report-Submitter to the domain of contact-info".into()
            }
            EmailIssue::NonstandardMediaType { .. } | EmailIssue::MediaTypeMismatch { .. } => {
                "use application/tlsrpt+gzip for gzip data and application/tlsrpt+json for JSON"
                    .into()
            }
            EmailIssue::MultipleReportParts { .. } => "send one report per message".into(),
            EmailIssue::InvalidFileName { .. } | EmailIssue::FileNameMismatch { .. } => {
                "name the file sender!policy-domain!begin!end[!unique-id].json[.gz] from the \
                 report's own values"
                    .into()
            }
        }
    }
}

/// A report read from received bytes: what form it came in, the JSON text, and the result of
/// reading that JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedReport<'a> {
    /// The form the report was received in.
    pub format: InputFormat,
    /// Header fields of the email message, for [`InputFormat::Email`].
    pub email: Option<EmailHeaders>,
    /// Diagnostics about the email message or the part's file name. Their spans refer to the
    /// input bytes, the whole message.
    pub message_diagnostics: Vec<Diagnostic>,
    /// The report JSON: the input itself, or what was decompressed or extracted from it.
    /// Every diagnostic in [`report`](Self::report) refers to this text.
    pub json: Cow<'a, [u8]>,
    /// The report, or every diagnostic when its JSON is rejected.
    pub report: Result<Parsed<Report>, ParseError>,
}

/// Why [`ReceivedReport::read_countable`] leaves a report out of a summary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotCounted {
    /// The stable code of the first error, such as `decompressed-too-large` or
    /// `invalid-json`.
    pub code: &'static str,
    /// The error as one line of text.
    pub message: String,
}

impl<'a> ReceivedReport<'a> {
    /// Reads a report for a summary, with the rule every summary in this project follows: a
    /// report counts when the input can be read, the email message has no error (with strict
    /// parsing, its warnings are errors) and the report JSON is accepted.
    ///
    /// # Errors
    ///
    /// Returns the code and message of the first error that keeps the report out.
    pub fn read_countable(
        bytes: &[u8],
        options: ParseOptions,
        limits: &Limits,
    ) -> Result<Report, NotCounted> {
        let received =
            ReceivedReport::read(bytes, options, limits).map_err(|error| NotCounted {
                code: error.code(),
                message: error.to_string(),
            })?;
        if let Some(error) = received.message_diagnostics.iter().find(|d| d.is_error()) {
            return Err(NotCounted {
                code: error.code(),
                message: format!("email message {error}"),
            });
        }
        received
            .report
            .map(|parsed| parsed.value)
            .map_err(|error| NotCounted {
                code: error.first_error().map_or("invalid-json", |d| d.code()),
                message: error.to_string(),
            })
    }

    /// Reads a report from the bytes received: report JSON, gzip data or an email message.
    ///
    /// JSON is read by [`Report::from_json_with`] with `options`. With `options.strict`, the
    /// warnings about the email message are errors too.
    ///
    /// # Errors
    ///
    /// Returns an [`InputError`] when the input breaks a limit, when gzip data does not
    /// decompress, or when an email message has no report part. Problems in the JSON are not
    /// errors of this function: they are in [`ReceivedReport::report`].
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::ParseOptions;
    /// use mtasts_core::tlsrpt::{InputFormat, Limits, ReceivedReport};
    ///
    /// let message = std::fs::read("../testdata/corpus/report-email-google-style.eml").unwrap();
    /// let received =
    ///     ReceivedReport::read(&message, ParseOptions::default(), &Limits::default()).unwrap();
    /// assert!(matches!(received.format, InputFormat::Email { compressed: true, .. }));
    /// let email = received.email.as_ref().unwrap();
    /// assert_eq!(email.report_domain.as_deref(), Some("example.com"));
    /// let report = received.report.unwrap().value;
    /// assert_eq!(report.organization_name, "Google Inc.");
    /// ```
    pub fn read(
        input: &'a [u8],
        options: ParseOptions,
        limits: &Limits,
    ) -> Result<ReceivedReport<'a>, InputError> {
        if input.len() > limits.max_input_size {
            return Err(InputError::InputTooLarge {
                size: input.len(),
                limit: limits.max_input_size,
            });
        }
        if input.starts_with(&GZIP_MAGIC) {
            let json = gunzip(input, limits.max_decompressed_size)?;
            return Ok(ReceivedReport::from_json(
                InputFormat::Gzip,
                json.into(),
                options,
            ));
        }
        if looks_like_message(input) {
            return read_message(input, options, limits);
        }
        Ok(ReceivedReport::from_json(
            InputFormat::Json,
            Cow::Borrowed(input),
            options,
        ))
    }

    fn from_json(format: InputFormat, json: Cow<'a, [u8]>, options: ParseOptions) -> Self {
        let report = Report::from_json_with(&json, options);
        ReceivedReport {
            format,
            email: None,
            message_diagnostics: Vec::new(),
            json,
            report,
        }
    }

    /// Returns `true` when the report was read and no diagnostic, of the JSON or of the
    /// message, is an error.
    pub fn is_valid(&self) -> bool {
        self.report.is_ok() && !self.message_diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Returns `true` when the input starts with an RFC 5322 header field: a name of letters,
/// digits and hyphens that starts with a letter, then a colon. JSON cannot start that way.
fn looks_like_message(input: &[u8]) -> bool {
    let name_length = input
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count();
    name_length > 0 && input[0].is_ascii_alphabetic() && input.get(name_length) == Some(&b':')
}

/// Returns the gzip trailer's ISIZE: the size of the last member's uncompressed data modulo
/// 2^32 (RFC 1952 §2.3.1). It is only a hint, because a sender can write anything there.
fn size_hint(gzip: &[u8]) -> Option<usize> {
    let trailer: [u8; 4] = gzip.get(gzip.len().checked_sub(4)?..)?.try_into().ok()?;
    usize::try_from(u32::from_le_bytes(trailer)).ok()
}

/// Decompresses gzip data, every member of it, into a buffer of at most `limit` bytes.
///
/// The buffer is allocated once at its final size: at the size the trailer gives when that
/// size is right, or else after a first pass that only counts the bytes. So memory never
/// contains more than `limit` bytes of output, even for data that inflates without end.
fn gunzip(gzip: &[u8], limit: usize) -> Result<Vec<u8>, InputError> {
    if let Some(hint) = size_hint(gzip).filter(|&hint| hint <= limit) {
        let mut output = vec![0; hint];
        if let Some(length) = inflate_into(gzip, &mut output)? {
            output.truncate(length);
            return Ok(output);
        }
    }
    let size = inflated_size(gzip, limit)?;
    let mut output = vec![0; size];
    match inflate_into(gzip, &mut output)? {
        Some(length) if length == size => Ok(output),
        _ => Err(InputError::InvalidGzip {
            message: "the data decompressed differently on a second pass".to_owned(),
        }),
    }
}

/// Inflates into `output`. Returns the length written, or `None` when the data does not fit.
fn inflate_into(gzip: &[u8], output: &mut [u8]) -> Result<Option<usize>, InputError> {
    let mut decoder = MultiGzDecoder::new(gzip);
    let mut filled = 0;
    while filled < output.len() {
        match decoder.read(&mut output[filled..]).map_err(invalid_gzip)? {
            0 => return Ok(Some(filled)),
            n => filled += n,
        }
    }
    let mut probe = [0u8; 1];
    match decoder.read(&mut probe).map_err(invalid_gzip)? {
        0 => Ok(Some(filled)),
        _ => Ok(None),
    }
}

/// Counts the inflated bytes without keeping them, stopping as soon as they pass `limit`.
fn inflated_size(gzip: &[u8], limit: usize) -> Result<usize, InputError> {
    let mut decoder = MultiGzDecoder::new(gzip);
    let mut scratch = vec![0u8; 32 * 1024];
    let mut size = 0usize;
    loop {
        match decoder.read(&mut scratch).map_err(invalid_gzip)? {
            0 => return Ok(size),
            n => size += n,
        }
        if size > limit {
            return Err(InputError::DecompressedTooLarge {
                compressed_size: gzip.len(),
                limit,
            });
        }
    }
}

fn invalid_gzip(error: std::io::Error) -> InputError {
    InputError::InvalidGzip {
        message: error.to_string(),
    }
}

/// The part chosen as the report, with what the message declares about it.
struct ReportPart<'m> {
    media_type: String,
    file_name: Option<String>,
    payload: &'m [u8],
    /// Span of the part's `Content-Type` value, where diagnostics about the part point.
    span: Span,
    /// Span of the file name in the part's header fields.
    file_name_span: Span,
}

fn read_message<'a>(
    input: &'a [u8],
    options: ParseOptions,
    limits: &Limits,
) -> Result<ReceivedReport<'a>, InputError> {
    let message = MessageParser::new()
        .parse(input)
        .ok_or(InputError::InvalidEmail)?;
    let root = message.root_part();
    if root.headers.is_empty() {
        return Err(InputError::InvalidEmail);
    }
    let mut diagnostics = Diagnostics::new(input, options);
    let email = read_headers(input, root, &mut diagnostics);
    check_root_type(input, root, &mut diagnostics);
    check_close_delimiter(input, root, &mut diagnostics);
    let part = find_report_part(input, &message.parts, &mut diagnostics)?;

    let compressed = part.payload.starts_with(&GZIP_MAGIC);
    let declared_gzip = part.media_type.ends_with("gzip");
    let declared_json = part.media_type.ends_with("json");
    if (compressed && declared_json) || (!compressed && declared_gzip) {
        let content = if compressed {
            "gzip data"
        } else {
            "not gzip data"
        };
        diagnostics.push(
            EmailIssue::MediaTypeMismatch {
                media_type: part.media_type.clone(),
                content,
            },
            part.span,
        );
    }
    let json = if compressed {
        gunzip(part.payload, limits.max_decompressed_size)?
    } else {
        part.payload.to_vec()
    };
    let report = Report::from_json_with(&json, options);
    // The message is compared with the body even when strict parsing rejected the body, so
    // that every deviation is reported at once.
    let body = match &report {
        Ok(parsed) => Some(Cow::Borrowed(&parsed.value)),
        Err(_) if options.strict => Report::from_json(&json)
            .ok()
            .map(|parsed| Cow::Owned(parsed.value)),
        Err(_) => None,
    };
    if let Some(body) = &body {
        check_submitter(input, root, &email, body, &mut diagnostics);
    }
    if let Some(name) = &part.file_name {
        let body = body.as_deref();
        check_file_name(
            name,
            compressed,
            body,
            part.file_name_span,
            &mut diagnostics,
        );
    }
    drop(body);
    let message_diagnostics = match diagnostics.finish(()) {
        Ok(parsed) => parsed.warnings,
        Err(error) => error.diagnostics,
    };
    Ok(ReceivedReport {
        format: InputFormat::Email {
            media_type: part.media_type,
            file_name: part.file_name,
            compressed,
        },
        email: Some(email),
        message_diagnostics,
        json: Cow::Owned(json),
        report,
    })
}

const REPORT_DOMAIN: &str = "TLS-Report-Domain";
const REPORT_SUBMITTER: &str = "TLS-Report-Submitter";

fn find_header<'h, 'x>(headers: &'h [Header<'x>], name: &str) -> Option<&'h Header<'x>> {
    headers
        .iter()
        .find(|header| header.name.as_str().eq_ignore_ascii_case(name))
}

/// Returns the span of a header field's value without surrounding whitespace.
fn value_span(input: &[u8], header: &Header<'_>) -> Span {
    let end = (header.offset_end as usize).min(input.len());
    let start = (header.offset_start as usize).min(end);
    let value = &input[start..end];
    let leading = value.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let trailing = value[leading..]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    Span::new(start + leading, end - trailing)
}

/// Returns a header field's value unfolded: line breaks and the whitespace runs around them
/// become one space.
fn header_text(input: &[u8], header: &Header<'_>) -> String {
    let span = value_span(input, header);
    let raw = String::from_utf8_lossy(&input[span.start..span.end]);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_headers(
    input: &[u8],
    root: &MessagePart<'_>,
    diagnostics: &mut Diagnostics<'_>,
) -> EmailHeaders {
    let mut headers = EmailHeaders::default();
    for (name, slot) in [
        (REPORT_DOMAIN, &mut headers.report_domain),
        (REPORT_SUBMITTER, &mut headers.submitter),
    ] {
        match find_header(&root.headers, name) {
            Some(header) => *slot = Some(header_text(input, header)),
            None => diagnostics.push(EmailIssue::MissingHeader { name }, Span::at(0)),
        }
    }
    headers.subject = find_header(&root.headers, "Subject").map(|h| match h.value.as_text() {
        Some(text) => text.trim().to_owned(),
        None => header_text(input, h),
    });
    headers
}

/// Returns the lower-cased `type/subtype` of a part, `text/plain` when it has no `Content-Type`
/// (RFC 2045 §5.2).
fn media_type(part: &MessagePart<'_>) -> String {
    match part.content_type() {
        Some(content_type) => {
            let mut media_type = content_type.ctype().to_ascii_lowercase();
            media_type.push('/');
            media_type.push_str(&content_type.subtype().unwrap_or("").to_ascii_lowercase());
            media_type
        }
        None => "text/plain".to_owned(),
    }
}

fn content_type_span(input: &[u8], part: &MessagePart<'_>) -> Span {
    find_header(&part.headers, "Content-Type")
        .map_or(Span::at(part.offset_header as usize), |header| {
            value_span(input, header)
        })
}

fn check_root_type(input: &[u8], root: &MessagePart<'_>, diagnostics: &mut Diagnostics<'_>) {
    let media_type = media_type(root);
    let report_type = root
        .content_type()
        .and_then(|content_type| content_type.attribute("report-type"))
        .map(str::to_ascii_lowercase);
    if media_type == "multipart/report" && report_type.as_deref() == Some("tlsrpt") {
        return;
    }
    let found = match report_type {
        Some(report_type) => format!("{media_type} with report-type={report_type}"),
        None => media_type,
    };
    diagnostics.push(
        EmailIssue::NotMultipartReport { found },
        content_type_span(input, root),
    );
}

/// Warns when a multipart message lacks the close delimiter `--boundary--` that ends it.
fn check_close_delimiter(input: &[u8], root: &MessagePart<'_>, diagnostics: &mut Diagnostics<'_>) {
    let Some(boundary) = root
        .content_type()
        .filter(|content_type| content_type.ctype().eq_ignore_ascii_case("multipart"))
        .and_then(|content_type| content_type.attribute("boundary"))
    else {
        return;
    };
    let delimiter = format!("--{boundary}--");
    let terminated = input
        .windows(delimiter.len())
        .any(|window| window == delimiter.as_bytes());
    if !terminated {
        let issue = EmailIssue::UnterminatedMultipart {
            boundary: boundary.to_owned(),
        };
        diagnostics.push(issue, Span::at(input.len()));
    }
}

/// Picks the part that carries the report: the first with a registered media type, or else
/// the first with a media type some reporters use instead, with a warning.
fn find_report_part<'m>(
    input: &[u8],
    parts: &'m [MessagePart<'m>],
    diagnostics: &mut Diagnostics<'_>,
) -> Result<ReportPart<'m>, InputError> {
    let leaves: Vec<(&MessagePart<'_>, String)> = parts
        .iter()
        .filter(|part| !matches!(part.body, PartType::Multipart(_)))
        .map(|part| (part, media_type(part)))
        .collect();
    let registered: Vec<_> = leaves
        .iter()
        .filter(|(_, media_type)| media_type == TLSRPT_GZIP || media_type == TLSRPT_JSON)
        .collect();
    let chosen = match registered.as_slice() {
        [] => {
            let fallback = leaves
                .iter()
                .find(|(_, media_type)| FALLBACK_MEDIA_TYPES.contains(&media_type.as_str()));
            let Some((part, media_type)) = fallback else {
                return Err(InputError::NoReportPart {
                    media_types: parts.iter().map(media_type).collect(),
                });
            };
            diagnostics.push(
                EmailIssue::NonstandardMediaType {
                    media_type: media_type.clone(),
                },
                content_type_span(input, part),
            );
            (*part, media_type.clone())
        }
        [(part, media_type), rest @ ..] => {
            if let [(second, _), ..] = rest {
                diagnostics.push(
                    EmailIssue::MultipleReportParts {
                        count: registered.len(),
                    },
                    content_type_span(input, second),
                );
            }
            (*part, media_type.clone())
        }
    };
    let (part, media_type) = chosen;
    let span = content_type_span(input, part);
    let file_name = part.attachment_name().map(str::to_owned);
    let file_name_span = file_name
        .as_deref()
        .and_then(|name| file_name_span(input, part, name))
        .unwrap_or(span);
    Ok(ReportPart {
        media_type,
        file_name,
        payload: part.contents(),
        span,
        file_name_span,
    })
}

/// Finds the file name in the raw `Content-Disposition` or `Content-Type` field of a part. A
/// name that is encoded there (RFC 2231) is not found.
fn file_name_span(input: &[u8], part: &MessagePart<'_>, name: &str) -> Option<Span> {
    ["Content-Disposition", "Content-Type"]
        .into_iter()
        .filter_map(|field| find_header(&part.headers, field))
        .find_map(|header| {
            let value = value_span(input, header);
            let position = input[value.start..value.end]
                .windows(name.len())
                .position(|window| window == name.as_bytes())?;
            let start = value.start + position;
            Some(Span::new(start, start + name.len()))
        })
}

/// Returns the domain of an `addr-spec`: what follows the last `@`, without a trailing dot.
fn address_domain(address: &str) -> Option<&str> {
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('>');
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    (!domain.is_empty()).then_some(domain)
}

fn same_domain(a: &str, b: &str) -> bool {
    let a = a.strip_suffix('.').unwrap_or(a);
    let b = b.strip_suffix('.').unwrap_or(b);
    a.eq_ignore_ascii_case(b)
}

fn check_submitter(
    input: &[u8],
    root: &MessagePart<'_>,
    email: &EmailHeaders,
    report: &Report,
    diagnostics: &mut Diagnostics<'_>,
) {
    let (Some(submitter), Some(contact_domain)) = (
        email.submitter.as_deref(),
        report.contact_info.as_deref().and_then(address_domain),
    ) else {
        return;
    };
    if same_domain(submitter, contact_domain) {
        return;
    }
    let span = find_header(&root.headers, REPORT_SUBMITTER)
        .map_or(Span::at(0), |header| value_span(input, header));
    diagnostics.push(
        EmailIssue::SubmitterMismatch {
            submitter: submitter.to_owned(),
            contact_domain: contact_domain.to_owned(),
        },
        span,
    );
}

/// Checks the part's file name against RFC 8460 §5.1 and, when the report was read, against
/// the report body and the content.
fn check_file_name(
    name: &str,
    compressed: bool,
    report: Option<&Report>,
    span: Span,
    diagnostics: &mut Diagnostics<'_>,
) {
    let file_name = match ReportFileName::parse(name) {
        Ok(file_name) => file_name,
        Err(error) => {
            let name = name.to_owned();
            diagnostics.push(EmailIssue::InvalidFileName { name, error }, span);
            return;
        }
    };
    let extension = if compressed {
        Extension::JsonGz
    } else {
        Extension::Json
    };
    let mut mismatches = Vec::new();
    if file_name.extension() != extension {
        mismatches.push((
            "extension",
            file_name.extension().as_str().to_owned(),
            extension.as_str().to_owned(),
        ));
    }
    if let Some(report) = report {
        mismatches.extend(body_mismatches(&file_name, report));
    }
    for (field, file_name_value, report_value) in mismatches {
        diagnostics.push(
            EmailIssue::FileNameMismatch {
                field,
                file_name_value,
                report_value,
            },
            span,
        );
    }
}

/// Compares the file name with the report body, which is authoritative (RFC 8460 §5.6).
fn body_mismatches(name: &ReportFileName, report: &Report) -> Vec<(&'static str, String, String)> {
    let mut mismatches = Vec::new();
    if let Some(contact_domain) = report.contact_info.as_deref().and_then(address_domain)
        && !same_domain(name.sender(), contact_domain)
    {
        mismatches.push((
            "sender",
            name.sender().to_owned(),
            contact_domain.to_owned(),
        ));
    }
    let domains: Vec<&str> = report
        .policies
        .iter()
        .filter_map(|p| p.policy.policy_domain.as_deref())
        .collect();
    if !domains.is_empty() && !domains.iter().any(|d| same_domain(d, name.policy_domain())) {
        mismatches.push((
            "policy-domain",
            name.policy_domain().to_owned(),
            domains.join(", "),
        ));
    }
    for (field, file_value, report_time) in [
        (
            "begin-timestamp",
            name.begin_timestamp(),
            report.date_range.start,
        ),
        ("end-timestamp", name.end_timestamp(), report.date_range.end),
    ] {
        let seconds = report_time.as_second();
        if i64::try_from(file_value) != Ok(seconds) {
            mismatches.push((field, file_value.to_string(), seconds.to_string()));
        }
    }
    mismatches
}

impl fmt::Display for InputFormat {
    /// Describes the format, such as `email (application/tlsrpt+gzip)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputFormat::Json => f.write_str("JSON"),
            InputFormat::Gzip => f.write_str("gzip-compressed JSON"),
            InputFormat::Email { media_type, .. } => write!(f, "email ({media_type})"),
        }
    }
}
