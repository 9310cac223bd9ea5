//! The `rua` field of an `_smtp._tls` record: where reports are sent
//! ([RFC 8460 §3](https://www.rfc-editor.org/rfc/rfc8460#section-3)).
//!
//! ```text
//! tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
//! tlsrpt-uri = URI   ; RFC 3986, with ",", "!" and ";" percent-encoded
//! ```
//!
//! Reporters support two schemes: `mailto` (RFC 6068), for reports sent by email, and `https`,
//! for reports sent with an HTTP POST. Scheme names are case-insensitive (RFC 3986 §3.1).
//!
//! # Deviations and leniency
//!
//! - A `mailto` address whose domain ends with a dot breaks RFC 5322 `dot-atom-text` but names
//!   the same domain. It is accepted and kept as written, with a `mailto-trailing-dot` warning.
//! - Header fields in a `mailto` URI (`?subject=...`) are valid RFC 6068 syntax, but reporters
//!   write their own headers. They are dropped with a `mailto-header-fields` warning.
//! - The domain of a `mailto` address and the host of an `https` URI must be RFC 5321 `Domain`
//!   names or IP literals. This is stricter than RFC 5322 `dot-atom-text` and RFC 3986
//!   `reg-name`, so a name with `_` is rejected. A `mailto` domain may also be a
//!   percent-encoded U-label that IDNA can convert, as RFC 6068 §2 allows, but an `https` host
//!   with a percent-encoded octet is rejected.
//! - Port 0 is rejected although RFC 3986 `port = *DIGIT` allows it, because no server can
//!   listen on it.

use std::borrow::Cow;
use std::fmt;
use std::net::Ipv6Addr;

use compact_str::CompactString;
use serde::{Serialize, Serializer};

use crate::diagnostic::{Diagnostics, ParseError, ParseOptions, Parsed, Span};
use crate::domain::{self, DomainError};
use crate::error::Issue;
use crate::txt::{RawField, RecordIssue, is_wsp};

/// One report destination from the `rua` field of a TLS-RPT record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rua {
    /// Reports are sent by email.
    Mailto {
        /// The RFC 6068 address after percent-decoding, such as `tlsrpt@example.com`.
        address: CompactString,
    },
    /// Reports are sent with an HTTP POST.
    Https {
        /// The URI as written in the record, such as `https://tlsrpt.example.com/v1`.
        uri: CompactString,
    },
}

impl Rua {
    /// Parses one URI as written in a `rua` field, such as `mailto:tlsrpt@example.com`.
    ///
    /// # Errors
    ///
    /// Returns every diagnostic when the text is not a valid `mailto` or `https` URI with `,`,
    /// `!` and `;` percent-encoded.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::tlsrpt::{Rua, TlsRptRecord};
    ///
    /// let rua = Rua::parse("mailto:tls%2Brpt@example.com").unwrap().value;
    /// assert_eq!(rua, Rua::Mailto { address: "tls+rpt@example.com".into() });
    /// let record = TlsRptRecord::new(rua);
    /// assert_eq!(record.to_string(), "v=TLSRPTv1; rua=mailto:tls+rpt@example.com;");
    ///
    /// let error = Rua::parse("http://r.example.net/").unwrap_err();
    /// assert_eq!(error.first_error().unwrap().code(), "rua-unsupported-scheme");
    /// ```
    pub fn parse(text: &str) -> Result<Parsed<Rua>, ParseError> {
        let mut diagnostics = Diagnostics::new(text.as_bytes(), ParseOptions::default());
        let rua = if text.is_empty() {
            diagnostics.push(RuaIssue::EmptyUri { after_comma: false }, Span::at(0));
            None
        } else {
            parse_uri(text.as_bytes(), 0, &mut diagnostics)
        };
        match rua {
            Some(rua) => diagnostics.finish(rua),
            None => Err(diagnostics.into_error()),
        }
    }
}

impl fmt::Display for Rua {
    /// Formats the destination as a URI for a `rua` field. A `mailto` address is percent-encoded
    /// where RFC 6068 and RFC 8460 require it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rua::Mailto { address } => {
                f.write_str("mailto:")?;
                for &byte in address.as_bytes() {
                    if is_mailto_address_char(byte) {
                        write!(f, "{}", char::from(byte))?;
                    } else {
                        write!(f, "%{byte:02X}")?;
                    }
                }
                Ok(())
            }
            Rua::Https { uri } => f.write_str(uri),
        }
    }
}

impl Serialize for Rua {
    /// Serializes the destination as its URI text.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Problems in the `rua` field of a TLS-RPT record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuaIssue {
    /// An empty list element: a leading, trailing or doubled `,`, or a `rua=` with no URI.
    #[error("{}", if *.after_comma {
        "expected a URI on each side of \",\" in rua, found an empty element"
    } else {
        "expected at least one URI in rua, found nothing"
    })]
    EmptyUri {
        /// Whether a `,` delimits the empty element. `false` for an empty `rua=`.
        after_comma: bool,
    },
    /// A DMARC-style size limit such as `!10m` after the URI. RFC 8460 defines no size limit,
    /// and a literal `!` must be percent-encoded in a `tlsrpt-uri`.
    #[error("expected a URI without a size limit, found the DMARC-style suffix {suffix:?}")]
    SizeSuffix {
        /// The suffix, starting with `!`.
        suffix: String,
    },
    /// Text without a URI scheme, such as `postmaster@example.com`.
    #[error("expected a URI with a scheme such as \"mailto:\", found {uri:?}")]
    MissingScheme {
        /// The text as written.
        uri: String,
    },
    /// A scheme other than `mailto` and `https`.
    #[error("expected a \"mailto:\" or \"https:\" URI, found the scheme {scheme:?}")]
    UnsupportedScheme {
        /// The scheme as written.
        scheme: String,
    },
    /// A character that may not appear at its place in the URI, or a `%` without two hex
    /// digits after it.
    #[error("invalid URI {uri:?}: expected {expected}, found {found:?}")]
    InvalidCharacter {
        /// The URI as written.
        uri: String,
        /// Description of the text that the grammar allows at that place.
        expected: &'static str,
        /// The offending text: one character, or a `%` and what follows it.
        found: String,
    },
    /// A port in an `https` URI that is not a number from 1 to 65535.
    #[error("invalid port {port:?} in https URI: expected a number from 1 to 65535")]
    InvalidPort {
        /// The port as written.
        port: String,
    },
    /// A `mailto` address that is not an RFC 6068 `addr-spec`.
    #[error("invalid mailto address {address:?}: {problem}")]
    InvalidMailtoAddress {
        /// The address after percent-decoding.
        address: String,
        /// Description of the problem, such as `expected a domain after "@", found nothing`.
        problem: String,
    },
    /// A `mailto` address whose domain ends with a dot.
    #[error("mailto address {address:?} ends with a dot")]
    MailtoTrailingDot {
        /// The address after percent-decoding.
        address: String,
    },
    /// A `mailto` address whose domain is an IPv4 address written as a name. RFC 5321 §4.1.3
    /// writes an address as a literal in brackets, and no top-level domain is all digits, so
    /// mail to it cannot be delivered.
    #[error("mailto address {address:?} has an IP address in place of a domain")]
    MailtoIpDomain {
        /// The address after percent-decoding.
        address: String,
        /// The IP address as written.
        ip: String,
    },
    /// A `mailto` address whose local part is longer than the 64-octet maximum of RFC 5321
    /// §4.5.3.1.1, so a mail server may reject it.
    #[error("mailto address {address:?} has a local part of {length} octets, over the limit of 64")]
    MailtoLongLocalPart {
        /// The address after percent-decoding.
        address: String,
        /// Length of the local part in octets, after percent-decoding.
        length: usize,
    },
    /// Header fields after the address of a `mailto` URI, which are ignored.
    #[error("mailto header fields {fields:?} are ignored")]
    MailtoHeaderFields {
        /// The header fields, starting with `?`.
        fields: String,
    },
    /// An `https` URI without `//` and a host.
    #[error("expected \"https://\" followed by a host, found {uri:?}")]
    MissingHost {
        /// The URI as written.
        uri: String,
    },
    /// An `https` URI whose host is not a valid host name or IP literal.
    #[error("invalid host {host:?} in https URI: {problem}")]
    InvalidHost {
        /// The host as written.
        host: String,
        /// Description of the problem, such as `expected a domain after "@", found nothing`.
        problem: String,
    },
}

crate::codes::issue_codes! {
    RuaIssue {
        RuaIssue::EmptyUri { .. } => "rua-empty-uri",
        RuaIssue::SizeSuffix { .. } => "rua-size-suffix",
        RuaIssue::MissingScheme { .. } => "rua-missing-scheme",
        RuaIssue::UnsupportedScheme { .. } => "rua-unsupported-scheme",
        RuaIssue::InvalidCharacter { .. } => "invalid-rua-uri",
        RuaIssue::InvalidPort { .. } => "invalid-rua-port",
        RuaIssue::InvalidMailtoAddress { .. } => "invalid-mailto-address",
        RuaIssue::MailtoTrailingDot { .. } => "mailto-trailing-dot",
        RuaIssue::MailtoIpDomain { .. } => "mailto-ip-domain",
        RuaIssue::MailtoLongLocalPart { .. } => "mailto-long-local-part",
        RuaIssue::MailtoHeaderFields { .. } => "mailto-header-fields",
        RuaIssue::MissingHost { .. } => "rua-missing-host",
        RuaIssue::InvalidHost { .. } => "invalid-rua-host",
    }
}

impl RuaIssue {
    pub(crate) fn is_warning(&self) -> bool {
        matches!(
            self,
            RuaIssue::MailtoTrailingDot { .. }
                | RuaIssue::MailtoIpDomain { .. }
                | RuaIssue::MailtoLongLocalPart { .. }
                | RuaIssue::MailtoHeaderFields { .. }
        )
    }

    pub(crate) fn hint(&self) -> Cow<'static, str> {
        match self {
            RuaIssue::EmptyUri { after_comma: true } => "remove the extra \",\"".into(),
            RuaIssue::EmptyUri { after_comma: false } => {
                "add a URI such as \"rua=mailto:tlsrpt@example.com\"".into()
            }
            RuaIssue::SizeSuffix { suffix } => {
                format!("remove {suffix:?}, because TLS-RPT defines no size limit").into()
            }
            RuaIssue::MissingScheme { uri } if uri.contains('@') && !uri.contains('/') => {
                format!("write \"mailto:{uri}\"").into()
            }
            RuaIssue::MissingScheme { .. } => {
                "begin the URI with \"mailto:\" or \"https://\"".into()
            }
            RuaIssue::UnsupportedScheme { scheme } if scheme.eq_ignore_ascii_case("http") => {
                "use \"https:\", because reporters send reports only to mailto and https URIs"
                    .into()
            }
            RuaIssue::UnsupportedScheme { .. } => {
                "use a \"mailto:\" or \"https:\" URI, because reporters support no other scheme"
                    .into()
            }
            RuaIssue::InvalidCharacter { found, .. } => character_hint(found),
            RuaIssue::InvalidPort { .. } => {
                "write the port as a number from 1 to 65535, or leave it out for 443".into()
            }
            RuaIssue::InvalidMailtoAddress { .. } => {
                "write one address as local-part@domain, such as \"mailto:tlsrpt@example.com\""
                    .into()
            }
            RuaIssue::MailtoTrailingDot { address } => format!(
                "remove the dot: \"mailto:{}\"",
                address.strip_suffix('.').unwrap_or(address)
            )
            .into(),
            RuaIssue::MailtoIpDomain { ip, .. } => {
                format!("use a domain name, or the address literal [{ip}] written as %5B{ip}%5D")
                    .into()
            }
            RuaIssue::MailtoLongLocalPart { .. } => {
                "use a local part of at most 64 octets, which RFC 5321 requires servers to accept".into()
            }
            RuaIssue::MailtoHeaderFields { fields } => format!(
                "remove {fields:?}, because reporters write their own subject and header fields"
            )
            .into(),
            RuaIssue::MissingHost { .. } => {
                "write the URI as \"https://\", a host and a path, such as \"https://tlsrpt.example.com/v1\""
                    .into()
            }
            RuaIssue::InvalidHost { .. } => {
                "write the host as a DNS name such as \"tlsrpt.example.com\" or as an IP address"
                    .into()
            }
        }
    }
}

/// The maximum length of a local part in octets (RFC 5321 §4.5.3.1.1).
pub(crate) const MAX_LOCAL_PART: usize = 64;

fn character_hint(found: &str) -> Cow<'static, str> {
    match found.as_bytes() {
        [b'%', ..] => "write a literal \"%\" as %25".into(),
        [b' ' | b'\t'] => {
            "separate URIs with \",\", and percent-encode a space inside a URI as %20".into()
        }
        &[byte] => format!("percent-encode {:?} as %{byte:02X}", char::from(byte)).into(),
        _ => "percent-encode the character".into(),
    }
}

impl From<RuaIssue> for Issue {
    fn from(issue: RuaIssue) -> Issue {
        Issue::Record(RecordIssue::Rua(issue))
    }
}

/// Parses the value of one `rua` field, records a diagnostic for each problem and returns the
/// destinations that are valid, in order.
pub(crate) fn parse_rua_list(
    field: &RawField<'_>,
    destinations: &mut smallvec::SmallVec<[Rua; 1]>,
    diagnostics: &mut Diagnostics<'_>,
) {
    let value = field.value;
    let base = field.value_start;
    if value.is_empty() {
        diagnostics.push(RuaIssue::EmptyUri { after_comma: false }, Span::at(base));
        return;
    }
    let mut reported_comma = None;
    let mut start = 0;
    let element_ends = value
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b',')
        .map(|(i, _)| i)
        .chain(std::iter::once(value.len()));
    for end in element_ends {
        let element = &value[start..end];
        let leading = element.iter().take_while(|&&b| is_wsp(b)).count();
        let trailing = element[leading..]
            .iter()
            .rev()
            .take_while(|&&b| is_wsp(b))
            .count();
        let uri = &element[leading..element.len() - trailing];
        if uri.is_empty() {
            // Point at the comma after the empty element, or at the trailing comma before it.
            let comma = if end < value.len() { end } else { start - 1 };
            if reported_comma != Some(comma) {
                diagnostics.push(
                    RuaIssue::EmptyUri { after_comma: true },
                    Span::new(base + comma, base + comma + 1),
                );
                reported_comma = Some(comma);
            }
        } else if let Some(rua) = parse_uri(uri, base + start + leading, diagnostics) {
            destinations.push(rua);
        }
        start = end + 1;
    }
}

/// Parses one `tlsrpt-uri` that starts at `offset` in the record.
fn parse_uri(text: &[u8], offset: usize, diagnostics: &mut Diagnostics<'_>) -> Option<Rua> {
    let (text, has_suffix) = match size_suffix_start(text) {
        Some(i) => {
            let issue = RuaIssue::SizeSuffix {
                suffix: lossy(&text[i..]),
            };
            diagnostics.push(issue, Span::new(offset + i, offset + text.len()));
            (&text[..i], true)
        }
        None => (text, false),
    };
    let Some(colon) = scheme_length(text) else {
        let issue = RuaIssue::MissingScheme { uri: lossy(text) };
        diagnostics.push(issue, Span::new(offset, offset + text.len()));
        return None;
    };
    let scheme = &text[..colon];
    let uri = Uri {
        text,
        offset,
        rest_start: colon + 1,
    };
    let destination = if scheme.eq_ignore_ascii_case(b"mailto") {
        uri.check_characters(diagnostics)?;
        uri.parse_mailto(diagnostics)
    } else if scheme.eq_ignore_ascii_case(b"https") {
        uri.check_characters(diagnostics)?;
        uri.parse_https(diagnostics)
    } else {
        let issue = RuaIssue::UnsupportedScheme {
            scheme: lossy(scheme),
        };
        diagnostics.push(issue, Span::new(offset, offset + colon));
        return None;
    };
    destination.filter(|_| !has_suffix)
}

/// Returns the offset of a DMARC size suffix (RFC 7489 §6.4: `"!" 1*DIGIT [ "k" / "m" / "g" /
/// "t" ]`) at the end of `text`.
fn size_suffix_start(text: &[u8]) -> Option<usize> {
    let bang = text.iter().rposition(|&b| b == b'!')?;
    let size = &text[bang + 1..];
    let digits = size.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = &size[digits..];
    let valid_unit = unit.is_empty()
        || (unit.len() == 1 && matches!(unit[0].to_ascii_lowercase(), b'k' | b'm' | b'g' | b't'));
    (digits > 0 && valid_unit).then_some(bang)
}

/// Returns the length of the RFC 3986 scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`)
/// when `text` begins with one followed by `:`.
fn scheme_length(text: &[u8]) -> Option<usize> {
    let colon = text.iter().position(|&b| b == b':')?;
    let scheme = &text[..colon];
    let valid = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then_some(colon)
}

/// One URI with a supported scheme, positioned in the record.
struct Uri<'a> {
    text: &'a [u8],
    /// Offset of the URI in the record.
    offset: usize,
    /// Offset of the text after `scheme:`, within the URI.
    rest_start: usize,
}

impl Uri<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.offset + start, self.offset + end)
    }

    /// Records an invalid-character error for the text at `start..end` of the URI.
    fn invalid_character(
        &self,
        start: usize,
        end: usize,
        expected: &'static str,
        diagnostics: &mut Diagnostics<'_>,
    ) {
        let issue = RuaIssue::InvalidCharacter {
            uri: lossy(self.text),
            expected,
            found: lossy(&self.text[start..end]),
        };
        diagnostics.push(issue, self.span(start, end));
    }

    /// Checks that every character may appear in an RFC 3986 URI, that `!`, `,` and `;` are
    /// percent-encoded, as RFC 8460 §3 requires, and that every `%` starts an escape.
    fn check_characters(&self, diagnostics: &mut Diagnostics<'_>) -> Option<()> {
        let text = self.text;
        for (i, &byte) in text.iter().enumerate() {
            if byte == b'%' {
                let escape = text.get(i + 1..i + 3);
                if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    let end = (i + 3).min(text.len());
                    let expected = "\"%\" followed by two hex digits";
                    self.invalid_character(i, end, expected, diagnostics);
                    return None;
                }
            } else if matches!(byte, b'!' | b',' | b';') {
                // Only `Rua::parse` meets "," and ";", because in a record they end the URI.
                let expected = match byte {
                    b'!' => "\"!\" percent-encoded as %21",
                    b',' => "\",\" percent-encoded as %2C",
                    _ => "\";\" percent-encoded as %3B",
                };
                self.invalid_character(i, i + 1, expected, diagnostics);
                return None;
            } else if !is_uri_char(byte) {
                let expected = "a URI character or a percent-encoded octet";
                self.invalid_character(i, i + 1, expected, diagnostics);
                return None;
            }
        }
        Some(())
    }

    /// Parses `mailto:` followed by one address and optional header fields (RFC 6068 §2).
    fn parse_mailto(&self, diagnostics: &mut Diagnostics<'_>) -> Option<Rua> {
        let text = self.text;
        let to_start = self.rest_start;
        let to_end = text[to_start..]
            .iter()
            .position(|&b| b == b'?')
            .map_or(text.len(), |i| to_start + i);
        let to = &text[to_start..to_end];

        if let Some(i) = to
            .iter()
            .position(|&b| !is_mailto_address_char(b) && b != b'%')
        {
            let at = to_start + i;
            let expected = "a character allowed in a mailto address, or a percent-encoded octet";
            self.invalid_character(at, at + 1, expected, diagnostics);
            return None;
        }

        let fields = &text[to_end..];
        if let Some(i) = fields
            .iter()
            .skip(1)
            .position(|&b| !is_header_field_char(b))
        {
            let at = to_end + 1 + i;
            let expected =
                "a character allowed in a mailto header field, or a percent-encoded octet";
            self.invalid_character(at, at + 1, expected, diagnostics);
            return None;
        }

        let address_span = self.span(to_start, to_end);
        let decoded = if to.contains(&b'%') {
            Cow::Owned(percent_decode(to))
        } else {
            Cow::Borrowed(to)
        };
        let (address, checked) = match std::str::from_utf8(&decoded) {
            Ok(text) => (text.to_owned(), check_address(text)),
            Err(_) => (
                String::from_utf8_lossy(&decoded).into_owned(),
                Err("expected UTF-8 after percent-decoding, found invalid bytes".to_owned()),
            ),
        };
        let trailing_dot = match checked {
            Ok(trailing_dot) => trailing_dot,
            Err(problem) => {
                let issue = RuaIssue::InvalidMailtoAddress { address, problem };
                diagnostics.push(issue, address_span);
                return None;
            }
        };

        if trailing_dot {
            // The dot is written either as "." or as "%2E".
            let dot_length = if to.ends_with(b".") { 1 } else { 3 };
            let issue = RuaIssue::MailtoTrailingDot {
                address: address.clone(),
            };
            diagnostics.push(issue, self.span(to_end - dot_length, to_end));
        }
        let ip_domain = address
            .rsplit_once('@')
            .map(|(_, domain)| domain.strip_suffix('.').unwrap_or(domain))
            .filter(|name| domain::is_ipv4_text(name));
        if let Some(ip) = ip_domain {
            let issue = RuaIssue::MailtoIpDomain {
                ip: ip.to_owned(),
                address: address.clone(),
            };
            diagnostics.push(issue, address_span);
        }
        let local_length = address.rfind('@').unwrap_or_default();
        if local_length > MAX_LOCAL_PART {
            let issue = RuaIssue::MailtoLongLocalPart {
                address: address.clone(),
                length: local_length,
            };
            diagnostics.push(issue, address_span);
        }
        if !fields.is_empty() {
            let issue = RuaIssue::MailtoHeaderFields {
                fields: lossy(fields),
            };
            diagnostics.push(issue, self.span(to_end, text.len()));
        }
        Some(Rua::Mailto {
            address: address.into(),
        })
    }

    /// Parses `https:` followed by an authority with a host, and an optional path, query and
    /// fragment (RFC 3986 §3).
    fn parse_https(&self, diagnostics: &mut Diagnostics<'_>) -> Option<Rua> {
        let text = self.text;
        if !text[self.rest_start..].starts_with(b"//") {
            let issue = RuaIssue::MissingHost { uri: lossy(text) };
            diagnostics.push(issue, self.span(0, text.len()));
            return None;
        }
        let authority_start = self.rest_start + 2;
        let authority_end = text[authority_start..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'?' | b'#'))
            .map_or(text.len(), |i| authority_start + i);
        self.check_authority(authority_start, authority_end, diagnostics)?;
        self.check_path_query_fragment(authority_end, diagnostics)?;
        Some(Rua::Https {
            uri: lossy(text).into(),
        })
    }

    /// Checks `[ userinfo "@" ] host [ ":" port ]` at `start..end`.
    fn check_authority(
        &self,
        start: usize,
        end: usize,
        diagnostics: &mut Diagnostics<'_>,
    ) -> Option<()> {
        let text = self.text;
        let host_start = match text[start..end].iter().rposition(|&b| b == b'@') {
            Some(at) => {
                let userinfo = &text[start..start + at];
                if let Some(i) = userinfo.iter().position(|&b| !is_userinfo_char(b)) {
                    let expected = "a character allowed in the user information of a URI";
                    self.invalid_character(start + i, start + i + 1, expected, diagnostics);
                    return None;
                }
                start + at + 1
            }
            None => start,
        };
        let authority = &text[host_start..end];
        let (host_end, port_start) = if authority.starts_with(b"[") {
            let Some(close) = authority.iter().position(|&b| b == b']') else {
                let problem = "expected \"]\" after the IP literal".to_owned();
                self.invalid_host(host_start, end, problem, diagnostics);
                return None;
            };
            let host_end = host_start + close + 1;
            match text.get(host_end) {
                Some(b':') => (host_end, Some(host_end + 1)),
                _ if host_end == end => (host_end, None),
                _ => {
                    self.invalid_character(host_end, host_end + 1, "\":\" and a port", diagnostics);
                    return None;
                }
            }
        } else {
            match authority.iter().position(|&b| b == b':') {
                Some(colon) => (host_start + colon, Some(host_start + colon + 1)),
                None => (end, None),
            }
        };
        self.check_host(host_start, host_end, diagnostics)?;
        let Some(port_start) = port_start else {
            return Some(());
        };
        let port = &text[port_start..end];
        // RFC 3986 §3.2.3: an empty port is the same as no port.
        let valid_port = port.is_empty()
            || (port.iter().all(u8::is_ascii_digit)
                && std::str::from_utf8(port)
                    .ok()
                    .and_then(|p| p.parse::<u16>().ok())
                    .is_some_and(|p| p != 0));
        if !valid_port {
            let issue = RuaIssue::InvalidPort { port: lossy(port) };
            diagnostics.push(issue, self.span(port_start, end));
            return None;
        }
        Some(())
    }

    fn check_host(
        &self,
        start: usize,
        end: usize,
        diagnostics: &mut Diagnostics<'_>,
    ) -> Option<()> {
        let host = &self.text[start..end];
        if host.is_empty() {
            let issue = RuaIssue::MissingHost {
                uri: lossy(self.text),
            };
            diagnostics.push(issue, self.span(0, self.text.len()));
            return None;
        }
        if let Some(literal) = host.strip_prefix(b"[") {
            let inner = literal.strip_suffix(b"]").unwrap_or(literal);
            let address = std::str::from_utf8(inner).ok();
            if address.and_then(|a| a.parse::<Ipv6Addr>().ok()).is_none() {
                let problem = format!("expected an IPv6 address, found {:?}", lossy(inner));
                self.invalid_host(start, end, problem, diagnostics);
                return None;
            }
            return Some(());
        }
        let name = lossy(host);
        let name = name.strip_suffix('.').unwrap_or(&name);
        if let Err(error) = domain::check_domain(name) {
            self.invalid_host(start, end, error.to_string(), diagnostics);
            return None;
        }
        Some(())
    }

    fn invalid_host(
        &self,
        start: usize,
        end: usize,
        problem: String,
        diagnostics: &mut Diagnostics<'_>,
    ) {
        let issue = RuaIssue::InvalidHost {
            host: lossy(&self.text[start..end]),
            problem,
        };
        diagnostics.push(issue, self.span(start, end));
    }

    /// Checks that the path, query and fragment after the authority contain no `[`, `]` or
    /// second `#`, which RFC 3986 allows only in the host and as the fragment delimiter.
    fn check_path_query_fragment(
        &self,
        start: usize,
        diagnostics: &mut Diagnostics<'_>,
    ) -> Option<()> {
        let text = self.text;
        let fragment = text[start..]
            .iter()
            .position(|&b| b == b'#')
            .map(|i| start + i);
        for (i, &byte) in text.iter().enumerate().skip(start) {
            let second_hash = byte == b'#' && Some(i) != fragment;
            if byte == b'[' || byte == b']' || second_hash {
                let expected = "a character allowed in a URI path, query or fragment";
                self.invalid_character(i, i + 1, expected, diagnostics);
                return None;
            }
        }
        Some(())
    }
}

/// Checks a percent-decoded RFC 6068 `addr-spec` and returns whether its domain ends with a
/// dot, or what is wrong with it.
fn check_address(address: &str) -> Result<bool, String> {
    if address.is_empty() {
        return Err("expected an address after \"mailto:\", found nothing".to_owned());
    }
    let (local, domain) = split_address(address)?;
    if !local.starts_with('"') {
        check_dot_atom(local)?;
    }
    check_mail_domain(domain)
}

/// Splits an address at the `@` after the local part, which may be a quoted string.
fn split_address(address: &str) -> Result<(&str, &str), String> {
    let local_end = if let Some(quoted) = address.strip_prefix('"') {
        closing_quote(quoted)? + 2
    } else {
        address
            .find('@')
            .ok_or_else(|| "expected local-part@domain, found no \"@\"".to_owned())?
    };
    let (local, rest) = address.split_at(local_end);
    let Some(domain) = rest.strip_prefix('@') else {
        return Err(format!(
            "expected \"@\" after the local part, found {:?}",
            rest.chars().next().unwrap_or_default()
        ));
    };
    if local.is_empty() {
        return Err("expected a local part before \"@\", found nothing".to_owned());
    }
    Ok((local, domain))
}

/// Returns the offset of the `"` that ends a quoted local part, counted after the opening
/// quote. The content must be printable characters, spaces, tabs and quoted pairs (RFC 5322
/// `qcontent`, with the UTF-8 characters of RFC 6532).
fn closing_quote(quoted: &str) -> Result<usize, String> {
    let bytes = quoted.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            return Ok(i);
        }
        // A backslash quotes the character after it.
        let (character, length) = if bytes[i] == b'\\' {
            (bytes.get(i + 1).copied(), 2)
        } else {
            (Some(bytes[i]), 1)
        };
        match character {
            Some(b) if b == b' ' || b == b'\t' || b.is_ascii_graphic() || !b.is_ascii() => {
                i += length;
            }
            Some(b) => {
                return Err(format!(
                    "expected printable characters in the quoted local part, found {:?}",
                    char::from(b)
                ));
            }
            None => break,
        }
    }
    Err(
        "expected a closing '\"' after the quoted local part, found the end of the address"
            .to_owned(),
    )
}

/// Checks RFC 5322 `dot-atom-text`, with the UTF-8 characters that RFC 6532 adds to `atext`.
fn check_dot_atom(local: &str) -> Result<(), String> {
    if let Some(c) = local.chars().find(|&c| !is_atext(c) && c != '.') {
        return Err(format!(
            "expected letters, digits, dots or one of !#$%&'*+-/=?^_`{{|}}~ in the local part, found {c:?}"
        ));
    }
    if local.split('.').any(str::is_empty) {
        return Err(format!(
            "expected a local part without a leading, trailing or doubled dot, found {local:?}"
        ));
    }
    Ok(())
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

/// Checks the domain of a mail address: an RFC 5321 `Domain`, a U-label that IDNA can
/// convert, or an address literal. Returns whether it ends with a dot.
fn check_mail_domain(domain: &str) -> Result<bool, String> {
    if domain.is_empty() {
        return Err("expected a domain after \"@\", found nothing".to_owned());
    }
    if let Some(literal) = domain.strip_prefix('[') {
        let valid = literal.strip_suffix(']').is_some_and(|inner| {
            !inner.is_empty() && inner.bytes().all(|b| matches!(b, 33..=90 | 94..=126))
        });
        if !valid {
            return Err(format!(
                "expected an address literal such as [192.0.2.1], found {domain:?}"
            ));
        }
        return Ok(false);
    }
    let name = domain.strip_suffix('.');
    match domain::check_domain(name.unwrap_or(domain)) {
        Ok(())
        | Err(DomainError::NonAscii {
            a_label: Some(_), ..
        }) => Ok(name.is_some()),
        // The error's byte offset counts from the start of the domain, which the message names.
        Err(error) => Err(format!("in the domain {domain:?}, {error}")),
    }
}

/// Decodes `%XX` escapes. The caller has checked that every `%` is followed by two hex digits.
fn percent_decode(text: &[u8]) -> Vec<u8> {
    let mut decoded = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let escape = text
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (text[i], escape) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    decoded
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// RFC 3986 `unreserved`.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// RFC 3986 `sub-delims`.
fn is_sub_delim(byte: u8) -> bool {
    matches!(
        byte,
        b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'='
    )
}

/// Characters of an RFC 3986 URI other than `%`: `unreserved`, `gen-delims` and `sub-delims`.
fn is_uri_char(byte: u8) -> bool {
    is_unreserved(byte)
        || is_sub_delim(byte)
        || matches!(byte, b':' | b'/' | b'?' | b'#' | b'[' | b']' | b'@')
}

/// Characters that may appear unencoded in the address of a `mailto` URI: RFC 6068 `qchar`
/// without `%`, and without the `!`, `,` and `;` that RFC 8460 requires to be encoded.
fn is_mailto_address_char(byte: u8) -> bool {
    is_unreserved(byte) || matches!(byte, b'$' | b'\'' | b'(' | b')' | b'*' | b'+' | b':' | b'@')
}

/// Characters of the header fields of a `mailto` URI after the `?`: `qchar`, `=` and `&`.
fn is_header_field_char(byte: u8) -> bool {
    is_mailto_address_char(byte) || matches!(byte, b'%' | b'=' | b'&')
}

/// RFC 3986 `userinfo` characters.
fn is_userinfo_char(byte: u8) -> bool {
    is_unreserved(byte) || is_sub_delim(byte) || matches!(byte, b'%' | b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_suffix_is_found_only_at_the_end() {
        assert_eq!(size_suffix_start(b"mailto:a@example.com!10m"), Some(20));
        assert_eq!(size_suffix_start(b"mailto:a@example.com!10"), Some(20));
        assert_eq!(size_suffix_start(b"mailto:a@example.com!5G"), Some(20));
        assert_eq!(size_suffix_start(b"mailto:a@example.com!"), None);
        assert_eq!(size_suffix_start(b"mailto:a@example.com!m"), None);
        assert_eq!(size_suffix_start(b"mailto:a@example.com!10mb"), None);
        assert_eq!(size_suffix_start(b"mailto:a!b@example.com"), None);
    }

    #[test]
    fn scheme_length_follows_rfc3986() {
        assert_eq!(scheme_length(b"mailto:a@example.com"), Some(6));
        assert_eq!(scheme_length(b"web+x.y-z:1"), Some(9));
        assert_eq!(scheme_length(b"postmaster@example.com"), None);
        assert_eq!(scheme_length(b"1http://x"), None);
        assert_eq!(scheme_length(b":x"), None);
        assert_eq!(scheme_length(b"a@b:c"), None);
    }

    #[test]
    fn check_address_accepts_rfc6068_addresses() {
        for address in [
            "tlsrpt@example.com",
            "first.last+tag@mail.example.com",
            "\"john doe\"@example.com",
            "\"a\\\"b\"@example.com",
            "user@[192.0.2.1]",
            "user@bücher.example",
            "o'brien@example.com",
        ] {
            assert_eq!(check_address(address), Ok(false), "{address}");
        }
        assert_eq!(check_address("tlsrpt@example.com."), Ok(true));
    }

    #[test]
    fn check_address_rejects_each_part() {
        let cases = [
            ("", "expected an address after \"mailto:\", found nothing"),
            ("example.com", "expected local-part@domain, found no \"@\""),
            (
                "@example.com",
                "expected a local part before \"@\", found nothing",
            ),
            ("a@", "expected a domain after \"@\", found nothing"),
            (
                ".a@example.com",
                "expected a local part without a leading, trailing or doubled dot, found \".a\"",
            ),
            (
                "a..b@example.com",
                "expected a local part without a leading, trailing or doubled dot, found \"a..b\"",
            ),
            (
                "a,b@example.com",
                "expected letters, digits, dots or one of !#$%&'*+-/=?^_`{|}~ in the local part, found ','",
            ),
            (
                "\"ab@example.com",
                "expected a closing '\"' after the quoted local part, found the end of the address",
            ),
            (
                "\"a\"b@example.com",
                "expected \"@\" after the local part, found 'b'",
            ),
            (
                "a@ex_ample.com",
                "in the domain \"ex_ample.com\", invalid character '_' in host name at byte 2",
            ),
            (
                "a@example..com",
                "in the domain \"example..com\", empty label in host name at byte 8",
            ),
            (
                "a@b@example.com",
                "in the domain \"b@example.com\", invalid character '@' in host name at byte 1",
            ),
            (
                "a@[192.0.2.1",
                "expected an address literal such as [192.0.2.1], found \"[192.0.2.1\"",
            ),
        ];
        for (address, problem) in cases {
            assert_eq!(check_address(address), Err(problem.to_owned()), "{address}");
        }
    }

    #[test]
    fn percent_decode_decodes_escapes_only() {
        assert_eq!(percent_decode(b"a%2Cb%21c"), b"a,b!c");
        assert_eq!(percent_decode(b"%C3%BC"), "ü".as_bytes());
        assert_eq!(percent_decode(b"plain"), b"plain");
    }

    #[test]
    fn display_percent_encodes_the_address() {
        let quoted = Rua::Mailto {
            address: "\"john doe\"@example.com".into(),
        };
        assert_eq!(quoted.to_string(), "mailto:%22john%20doe%22@example.com");
        let unicode = Rua::Mailto {
            address: "a@bücher.example".into(),
        };
        assert_eq!(unicode.to_string(), "mailto:a@b%C3%BCcher.example");
        let https = Rua::Https {
            uri: "https://r.example.net:8443/v1".into(),
        };
        assert_eq!(https.to_string(), "https://r.example.net:8443/v1");
    }

    #[test]
    fn parse_checks_one_uri() {
        let parsed = Rua::parse("https://r.example.net/v1").unwrap();
        assert_eq!(
            parsed.value,
            Rua::Https {
                uri: "https://r.example.net/v1".into()
            }
        );
        let codes = |text: &str| -> Vec<(&'static str, usize, usize)> {
            let error = Rua::parse(text).unwrap_err();
            error
                .diagnostics
                .iter()
                .map(|d| (d.code(), d.span.start, d.span.end))
                .collect()
        };
        assert_eq!(codes(""), [("rua-empty-uri", 0, 0)]);
        assert_eq!(
            codes("https://r.example/a,b"),
            [("invalid-rua-uri", 19, 20)]
        );
        assert_eq!(
            codes("https://r.example/a;b"),
            [("invalid-rua-uri", 19, 20)]
        );
        assert_eq!(
            codes(" mailto:a@example.com"),
            [("rua-missing-scheme", 0, 21)]
        );
        assert_eq!(
            codes("mailto:a@example.com!10m"),
            [("rua-size-suffix", 20, 24)]
        );
    }

    #[test]
    fn character_hint_names_the_encoding() {
        assert_eq!(character_hint("!"), "percent-encode '!' as %21");
        assert_eq!(character_hint("%zz"), "write a literal \"%\" as %25");
        assert_eq!(
            character_hint(" "),
            "separate URIs with \",\", and percent-encode a space inside a URI as %20"
        );
    }
}
