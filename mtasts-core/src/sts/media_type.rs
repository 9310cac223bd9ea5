//! The media type check for a served policy
//! ([RFC 8461 §3.2](https://www.rfc-editor.org/rfc/rfc8461#section-3.2)).
//!
//! RFC 8461 §3.3: senders "SHOULD validate that the media type is text/plain". Type and subtype
//! compare case-insensitively (RFC 9110 §8.3.1), and parameters other than `charset=utf-8` or
//! `charset=us-ascii` are ignored.
//!
//! # Deviations and leniency
//!
//! - A missing `Content-Type` is accepted with [`ContentTypeWarning::Missing`], and the body is
//!   parsed as UTF-8.
//! - Another charset, such as `iso-8859-1`, is accepted with
//!   [`ContentTypeWarning::IgnoredCharset`]: the RFC says to ignore such parameters, and the
//!   policy grammar is ASCII apart from extension values.
//! - Parameters that break the RFC 9110 grammar are ignored with
//!   [`ContentTypeWarning::MalformedParameters`].

use nom::IResult;
use nom::bytes::complete::{take_while, take_while1};
use nom::character::complete::char;

/// Why a `Content-Type` rules a policy response out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentTypeError {
    /// A media type other than `text/plain`.
    #[error("expected media type text/plain, found {found:?}")]
    NotTextPlain {
        /// The media type as served, without parameters.
        found: String,
    },
    /// A value that is not a media type at all.
    #[error("invalid Content-Type {found:?}: expected type/subtype")]
    Malformed {
        /// The header value.
        found: String,
    },
}

/// Something about an acceptable `Content-Type` that a validator should mention.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContentTypeWarning {
    /// The response had no `Content-Type`.
    #[error("missing Content-Type: expected text/plain")]
    Missing,
    /// A charset other than UTF-8 or US-ASCII, which is ignored: the body is read as UTF-8.
    #[error("charset {charset:?} is ignored: the policy is read as UTF-8")]
    IgnoredCharset {
        /// The charset as served.
        charset: String,
    },
    /// Parameters that break the grammar and are ignored.
    #[error("malformed Content-Type parameters {parameters:?} are ignored")]
    MalformedParameters {
        /// The unparsed rest of the header.
        parameters: String,
    },
}

crate::codes::issue_codes! {
    ContentTypeError {
        ContentTypeError::NotTextPlain { .. } => "not-text-plain",
        ContentTypeError::Malformed { .. } => "malformed-content-type",
    }
}

crate::codes::issue_codes! {
    ContentTypeWarning {
        ContentTypeWarning::Missing => "missing-content-type",
        ContentTypeWarning::IgnoredCharset { .. } => "ignored-charset",
        ContentTypeWarning::MalformedParameters { .. } => "malformed-parameters",
    }
}

type NomResult<'a, T> = IResult<&'a str, T, ()>;

/// Checks the `Content-Type` of a policy response. Pass `None` when the header is missing.
///
/// # Errors
///
/// Returns [`ContentTypeError::NotTextPlain`] for any other media type, such as the
/// `text/html` of an error page, and [`ContentTypeError::Malformed`] for a value that is not
/// `type/subtype`.
///
/// # Examples
///
/// ```
/// use mtasts_core::sts::{check_content_type, ContentTypeError};
///
/// assert_eq!(check_content_type(Some("TEXT/PLAIN; charset=UTF-8")), Ok(vec![]));
/// assert_eq!(
///     check_content_type(Some("text/html; charset=utf-8")),
///     Err(ContentTypeError::NotTextPlain { found: "text/html".into() })
/// );
/// ```
pub fn check_content_type(
    header: Option<&str>,
) -> Result<Vec<ContentTypeWarning>, ContentTypeError> {
    let Some(header) = header else {
        return Ok(vec![ContentTypeWarning::Missing]);
    };
    let malformed = || ContentTypeError::Malformed {
        found: header.to_owned(),
    };
    let (mut rest, (kind, subtype)) = media_type(header.trim_start()).map_err(|_| malformed())?;
    let (after, _) = ows(rest).map_err(|_| malformed())?;
    if !after.is_empty() && !after.starts_with(';') {
        return Err(malformed());
    }
    if !kind.eq_ignore_ascii_case("text") || !subtype.eq_ignore_ascii_case("plain") {
        return Err(ContentTypeError::NotTextPlain {
            found: format!("{kind}/{subtype}"),
        });
    }
    let mut warnings = Vec::new();
    loop {
        match parameter(rest) {
            Ok((after, Some((name, value)))) => {
                rest = after;
                let charset_ok =
                    value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("us-ascii");
                if name.eq_ignore_ascii_case("charset") && !charset_ok {
                    warnings.push(ContentTypeWarning::IgnoredCharset {
                        charset: value.to_owned(),
                    });
                }
            }
            Ok((after, None)) => rest = after,
            Err(_) => {
                let rest = rest.trim();
                if !rest.is_empty() {
                    warnings.push(ContentTypeWarning::MalformedParameters {
                        parameters: rest.to_owned(),
                    });
                }
                return Ok(warnings);
            }
        }
    }
}

/// `tchar` of RFC 9110 §5.6.2.
fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn token(input: &str) -> NomResult<'_, &str> {
    take_while1(is_tchar)(input)
}

fn ows(input: &str) -> NomResult<'_, &str> {
    take_while(|c| c == ' ' || c == '\t')(input)
}

fn media_type(input: &str) -> NomResult<'_, (&str, &str)> {
    let (input, kind) = token(input)?;
    let (input, _) = char('/')(input)?;
    let (input, subtype) = token(input)?;
    Ok((input, (kind, subtype)))
}

/// Parses `OWS ";" OWS [ name "=" value ]`. The value is a token or a quoted string, returned
/// without quotes and with escapes left in place.
fn parameter(input: &str) -> NomResult<'_, Option<(&str, &str)>> {
    let (input, _) = ows(input)?;
    let (input, _) = char(';')(input)?;
    let (input, _) = ows(input)?;
    if input.is_empty() || input.starts_with(';') {
        return Ok((input, None));
    }
    let (input, name) = token(input)?;
    let (input, _) = char('=')(input)?;
    if let Some(quoted) = input.strip_prefix('"') {
        let end = quoted_end(quoted).ok_or(nom::Err::Error(()))?;
        return Ok((&quoted[end + 1..], Some((name, &quoted[..end]))));
    }
    let (input, value) = token(input)?;
    Ok((input, Some((name, value))))
}

/// Returns the offset of the closing quote of a quoted string, skipping `\` escapes.
fn quoted_end(quoted: &str) -> Option<usize> {
    let bytes = quoted.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_text_plain_in_any_case_with_parameters() {
        for header in [
            "text/plain",
            "text/plain; charset=utf-8",
            "text/plain;charset=UTF-8",
            "TEXT/PLAIN",
            "text/plain; charset=\"us-ascii\"",
            "text/plain ; format=flowed; charset=utf-8",
            " text/plain",
        ] {
            assert_eq!(check_content_type(Some(header)), Ok(vec![]), "{header}");
        }
    }

    #[test]
    fn rejects_other_media_types() {
        for (header, found) in [
            ("text/html; charset=utf-8", "text/html"),
            ("application/octet-stream", "application/octet-stream"),
            ("text/plainx", "text/plainx"),
        ] {
            assert_eq!(
                check_content_type(Some(header)),
                Err(ContentTypeError::NotTextPlain {
                    found: found.into()
                }),
                "{header}"
            );
        }
    }

    #[test]
    fn rejects_values_that_are_not_media_types() {
        for header in [
            "",
            "text",
            "text/",
            "/plain",
            "text/plain garbage",
            "text /plain",
        ] {
            assert_eq!(
                check_content_type(Some(header)),
                Err(ContentTypeError::Malformed {
                    found: header.into()
                }),
                "{header:?}"
            );
        }
    }

    #[test]
    fn warns_on_missing_header_other_charset_and_bad_parameters() {
        assert_eq!(
            check_content_type(None),
            Ok(vec![ContentTypeWarning::Missing])
        );
        assert_eq!(
            check_content_type(Some("text/plain; charset=iso-8859-1")),
            Ok(vec![ContentTypeWarning::IgnoredCharset {
                charset: "iso-8859-1".into()
            }])
        );
        assert_eq!(
            check_content_type(Some("text/plain; charset")),
            Ok(vec![ContentTypeWarning::MalformedParameters {
                parameters: "; charset".into()
            }])
        );
    }
}
