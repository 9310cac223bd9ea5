//! Delivery of a built report
//! ([RFC 8460 §5.3, §5.4](https://www.rfc-editor.org/rfc/rfc8460#section-5.3)): the email
//! message for a `mailto` destination and the body of the HTTPS POST for an `https` one.
//! Nothing is sent: the caller passes the bytes to its SMTP or HTTP client.
//!
//! The MIME structure is written by mail-builder 1.0: CRLF line endings, base64 lines
//! of 76 characters, header fields folded at whitespace near 78 columns. Two fields are passed
//! to it pre-formed, because its own forms do not fit RFC 8460:
//!
//! - `Subject` is written as raw text. The crate would turn a subject with an unbreakable word
//!   longer than a line into RFC 2047 encoded words, which no longer match the RFC 8460 §5.3
//!   subject grammar. Raw text is only folded at its spaces, which the grammar allows (`FWS`).
//! - A `filename` parameter that does not fit in 78 columns is split into RFC 2231 §3
//!   continuations (`filename*0`, `filename*1`), since mail-builder 1.0 writes it on one line.
//!
//! The multipart boundary is fixed, `=_tlsrpt-report`. It cannot occur in the parts: base64
//! and quoted-printable text never contain `=_`, and the text part, when sent unencoded, has
//! no line that starts with `--`.

use std::borrow::Cow;
use std::fmt::Write as _;

use jiff::Timestamp;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::date::Date;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;

use crate::tlsrpt::builder::{OutgoingReport, normalize_domain, split_address};
use crate::tlsrpt::datetime;
use crate::tlsrpt::filename::Extension;
use crate::tlsrpt::record::TlsRptRecord;
use crate::tlsrpt::rua::Rua;

/// The media type of a gzip-compressed report (RFC 8460 §6.5).
pub const TLSRPT_GZIP_MEDIA_TYPE: &str = "application/tlsrpt+gzip";

/// The media type of a report in plain JSON (RFC 8460 §6.4).
pub const TLSRPT_JSON_MEDIA_TYPE: &str = "application/tlsrpt+json";

const BOUNDARY: &str = "=_tlsrpt-report";

/// Maximum length of a header line that can be folded (RFC 5322 §2.1.1).
const MAX_LINE_LENGTH: usize = 78;

/// Settings of the email message that are not in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailOptions {
    /// The `From` address, an RFC 5322 `addr-spec` such as `tlsrpt-noreply@mail.sender.example`.
    pub from: String,
    /// The `Date` of the message, written in UTC.
    pub date: Timestamp,
    /// The form of the report part: [`Extension::JsonGz`] for `application/tlsrpt+gzip`, which
    /// RFC 8460 §5.2 recommends, or [`Extension::Json`] for `application/tlsrpt+json`.
    pub format: Extension,
    /// The `Message-ID` without angle brackets, `id-left@id-right`. `None` uses `report-id`,
    /// so that every copy of one report, to every destination and on every retry, has the same
    /// `Message-ID` and a receiver can drop duplicates.
    pub message_id: Option<String>,
}

impl EmailOptions {
    /// Creates options with the report compressed and `Message-ID` taken from `report-id`.
    pub fn new(from: &str, date: Timestamp) -> EmailOptions {
        EmailOptions {
            from: from.to_owned(),
            date,
            format: Extension::JsonGz,
            message_id: None,
        }
    }
}

/// An error from writing the email message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// A `From` or `To` address that cannot be written in a header field.
    #[error("invalid {header} address {address:?}: {problem}")]
    InvalidAddress {
        /// `From` or `To`.
        header: &'static str,
        /// The address given.
        address: String,
        /// A description of the problem.
        problem: String,
    },
    /// A `Message-ID` that is not `id-left@id-right` in RFC 5322 `dot-atom-text`.
    #[error(
        "invalid Message-ID {value:?}: expected id-left@id-right, such as 1234.5678@example.com"
    )]
    InvalidMessageId {
        /// The value given.
        value: String,
    },
}

/// One delivery of a report to one `rua` destination, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Send `message` by SMTP to `to` (RFC 8460 §5.3).
    Email {
        /// The recipient address, for the SMTP envelope.
        to: String,
        /// The whole message with CRLF line endings.
        message: Vec<u8>,
    },
    /// POST `body` to `uri` with the header `Content-Type: <content_type>` (RFC 8460 §5.4). A
    /// 200 or 201 response means the receiver took the report.
    Https {
        /// The URI from the `rua` field.
        uri: String,
        /// Always [`TLSRPT_GZIP_MEDIA_TYPE`].
        content_type: &'static str,
        /// The gzip-compressed report.
        body: Vec<u8>,
    },
}

impl OutgoingReport {
    /// Returns the `Subject` text of RFC 8460 §5.3:
    /// `Report Domain: <policy domain> Submitter: <submitter> Report-ID: <<report-id>>`.
    pub fn email_subject(&self) -> String {
        format!(
            "Report Domain: {} Submitter: {} Report-ID: <{}>",
            self.policy_domain, self.submitter, self.report.report_id
        )
    }

    /// Writes the email message that carries the report to `to` (RFC 8460 §5.3).
    ///
    /// The message is `multipart/report; report-type="tlsrpt"` with a `text/plain` part for
    /// people and the report as the second part, `application/tlsrpt+gzip` or
    /// `application/tlsrpt+json` in base64 with the RFC 8460 §5.1 file name. Its header fields
    /// are `From`, `To`, `Date`, `Message-ID`, `Subject`, `TLS-Report-Domain`,
    /// `TLS-Report-Submitter` and `MIME-Version`, with CRLF line endings.
    ///
    /// NOTE: the message is not DKIM-signed. RFC 8460 §5.3 recommends a DKIM signature that
    /// covers `TLS-Report-Domain` and `TLS-Report-Submitter`, so sign the message before
    /// sending it.
    ///
    /// A U-label domain in `to` is converted to A-labels, and one trailing dot is dropped.
    ///
    /// # Errors
    ///
    /// Rejects a `to` or `options.from` that is not an ASCII `local-part@domain`, since a
    /// non-ASCII local part needs SMTPUTF8 (RFC 6531), and an invalid `options.message_id`.
    ///
    /// # Examples
    ///
    /// ```
    /// use jiff::civil::date;
    /// use mtasts_core::tlsrpt::{AppliedPolicy, EmailOptions, ReportBuilder, Reporter};
    ///
    /// let reporter = Reporter::new("Example Sender", "tlsrpt@mail.sender.example").unwrap();
    /// let mut builder =
    ///     ReportBuilder::new(&reporter, "example.com", date(2024, 9, 3), "1").unwrap();
    /// let policy = AppliedPolicy::no_policy_found("example.com").unwrap();
    /// builder.record_success(&policy, "2024-09-03T12:00:00Z".parse().unwrap(), 5).unwrap();
    ///
    /// let options = EmailOptions::new(
    ///     "noreply@mail.sender.example",
    ///     "2024-09-04T01:00:00Z".parse().unwrap(),
    /// );
    /// let message = builder.build().to_email("tlsrpt@example.com", &options).unwrap();
    /// let text = String::from_utf8(message).unwrap();
    /// assert!(text.contains("\r\nTLS-Report-Domain: example.com\r\n"));
    /// assert!(text.contains("\r\nTLS-Report-Submitter: mail.sender.example\r\n"));
    /// ```
    pub fn to_email(&self, to: &str, options: &EmailOptions) -> Result<Vec<u8>, EmailError> {
        let to = header_address("To", to)?;
        let from = header_address("From", &options.from)?;
        let message_id = match &options.message_id {
            Some(id) => check_message_id(id)?,
            None => self.report.report_id.clone(),
        };
        let (media_type, content) = match options.format {
            Extension::JsonGz => (TLSRPT_GZIP_MEDIA_TYPE, self.to_gzip()),
            Extension::Json => (TLSRPT_JSON_MEDIA_TYPE, self.to_json().into_bytes()),
        };
        let file_name = self.file_name(options.format).to_string();
        let report_part = MimePart::new(media_type, content)
            .header("Content-Disposition", attachment_disposition(&file_name));
        let root = MimePart::new(
            ContentType::new("multipart/report")
                .attribute("report-type", "tlsrpt")
                .attribute("boundary", BOUNDARY),
            vec![MimePart::new("text/plain", self.email_text()), report_part],
        );

        // NOTE: Date, Message-ID and the boundary must all be set here. mail-builder fills in
        // a missing one from the system clock, which panics on wasm32-unknown-unknown and
        // would make the output differ between runs.
        let message = MessageBuilder::new()
            .from(Address::new_address(None::<&str>, from))
            .to(Address::new_address(None::<&str>, to))
            .date(Date::new(options.date.as_second()))
            .message_id(message_id)
            .header("Subject", Raw::new(self.email_subject()))
            .header("TLS-Report-Domain", Raw::new(self.policy_domain.clone()))
            .header("TLS-Report-Submitter", Raw::new(self.submitter.clone()))
            .header("MIME-Version", Raw::new("1.0"))
            .body(root);
        let mut output = Vec::new();
        message.serialize(&mut output);
        Ok(output)
    }

    /// Prepares the delivery of the report to one `rua` destination: an email message for
    /// `mailto`, or the gzip body and media type to POST for `https`.
    ///
    /// # Errors
    ///
    /// Returns the [`to_email`](Self::to_email) errors for a `mailto` destination.
    pub fn delivery(&self, rua: &Rua, options: &EmailOptions) -> Result<Delivery, EmailError> {
        match rua {
            Rua::Mailto { address } => {
                let message = self.to_email(address, options)?;
                let to = header_address("To", address)?;
                Ok(Delivery::Email { to, message })
            }
            Rua::Https { uri } => Ok(Delivery::Https {
                uri: uri.to_string(),
                content_type: TLSRPT_GZIP_MEDIA_TYPE,
                body: self.to_gzip(),
            }),
        }
    }

    /// Prepares one delivery for each destination of a TLS-RPT record, in record order.
    pub fn deliveries(
        &self,
        record: &TlsRptRecord,
        options: &EmailOptions,
    ) -> Vec<Result<Delivery, EmailError>> {
        record
            .rua()
            .iter()
            .map(|rua| self.delivery(rua, options))
            .collect()
    }

    /// Writes the text part: what the report is, its id and range, and the counts of each
    /// policy. Lines end with CRLF, as RFC 5322 requires.
    fn email_text(&self) -> String {
        let report = &self.report;
        let mut text = String::new();
        let _ = write!(
            text,
            "This is an aggregate TLS report (RFC 8460) for {}\r\n\
             from {} ({}).\r\n\r\n\
             Submitter: {}\r\n\
             Report-ID: <{}>\r\n\
             Start: {}\r\n\
             End: {}\r\n",
            self.policy_domain,
            report.organization_name,
            report.contact_info.as_deref().unwrap_or_default(),
            self.submitter,
            report.report_id,
            datetime::format(report.date_range.start),
            datetime::format(report.date_range.end),
        );
        for policy in &report.policies {
            let _ = write!(
                text,
                "\r\nPolicy {} for {}:\r\n\
                 successful sessions: {}\r\n\
                 failed sessions: {}\r\n",
                policy.policy.policy_type,
                policy.policy.policy_domain.as_deref().unwrap_or_default(),
                policy.summary.total_successful_session_count,
                policy.summary.total_failure_session_count,
            );
        }
        text
    }
}

/// Checks an address for a `From` or `To` field and returns it with its domain normalised:
/// one trailing dot dropped, U-labels converted, lower case. An address literal such as
/// `[192.0.2.1]` is kept as given.
fn header_address(header: &'static str, address: &str) -> Result<String, EmailError> {
    let invalid = |problem: String| EmailError::InvalidAddress {
        header,
        address: address.to_owned(),
        problem,
    };
    let (local, domain) = split_address(address).map_err(invalid)?;
    if domain.starts_with('[') {
        let inner = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']'));
        let valid = inner.is_some_and(|inner| {
            !inner.is_empty() && inner.bytes().all(|b| matches!(b, 33..=90 | 94..=126))
        });
        if !valid {
            return Err(invalid(format!(
                "expected an address literal such as [192.0.2.1], found {domain:?}"
            )));
        }
        return Ok(address.to_owned());
    }
    let domain = normalize_domain("domain", domain).map_err(|error| invalid(error.to_string()))?;
    Ok(format!("{local}@{domain}"))
}

/// Checks a `Message-ID` value without its angle brackets.
fn check_message_id(id: &str) -> Result<String, EmailError> {
    let invalid = || EmailError::InvalidMessageId {
        value: id.to_owned(),
    };
    let (left, right) = id.split_once('@').ok_or_else(invalid)?;
    let dot_atom = |text: &str| {
        let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
        !text.is_empty()
            && text
                .split('.')
                .all(|atom| !atom.is_empty() && atom.bytes().all(atext))
    };
    if !dot_atom(left) || !dot_atom(right) {
        return Err(invalid());
    }
    Ok(id.to_owned())
}

/// Returns the `Content-Disposition` of the report part. A name that fits on its line is one
/// quoted `filename` parameter. A longer one is split into RFC 2231 continuations, each on a
/// line of at most 78 characters.
fn attachment_disposition(file_name: &str) -> ContentType<'static> {
    let disposition = ContentType::new("attachment");
    // A folded parameter line is a space, the parameter, `="`, the value, `"` and a `;`.
    let single_line = 1 + "filename".len() + 2 + file_name.len() + 2;
    if single_line <= MAX_LINE_LENGTH {
        return disposition.attribute("filename", file_name.to_owned());
    }
    // File names are ASCII letters, digits, `!`, `-` and `.`, so any split point is safe and
    // no character needs quoting.
    let chunk_length = MAX_LINE_LENGTH - (1 + "filename*99".len() + 2 + 2);
    let chunks = file_name.as_bytes().chunks(chunk_length);
    chunks
        .enumerate()
        .fold(disposition, |disposition, (index, chunk)| {
            let key = Cow::Owned(format!("filename*{index}"));
            let value = String::from_utf8_lossy(chunk).into_owned();
            disposition.attribute(key, value)
        })
}
