//! Host names: the RFC 5321 `Domain` grammar and normalisation of names for comparison.
//!
//! RFC 5321 §4.1.2 defines the names that MTA-STS policies may list:
//!
//! ```text
//! Domain     = sub-domain *("." sub-domain)
//! sub-domain = Let-dig [Ldh-str]
//! Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
//! ```
//!
//! DNS limits apply on top: a label has 1 to 63 octets and a name at most 255 octets in wire
//! form. Both limits are enforced by `hickory-proto`'s [`Label`] and [`Name::MAX_LENGTH`].

use std::borrow::Cow;

use hickory_proto::rr::{Label, Name};

/// Why a string is not an RFC 5321 `Domain`. Offsets count bytes from the start of the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// The name is empty.
    #[error("expected a host name, found nothing")]
    Empty,
    /// The name contains a non-ASCII character, so it is a U-label rather than an A-label.
    #[error("expected an A-label (ASCII) host name, found the U-label {name:?}")]
    NonAscii {
        /// The name as given.
        name: String,
        /// The A-label form, when IDNA can convert the name.
        a_label: Option<String>,
    },
    /// A character other than a letter, a digit, `-` or `.`.
    #[error("invalid character {character:?} in host name at byte {offset}")]
    InvalidCharacter {
        /// Offset of the character.
        offset: usize,
        /// The character.
        character: char,
    },
    /// Two dots in a row, or a dot at the start.
    #[error("empty label in host name at byte {offset}")]
    EmptyLabel {
        /// Offset where the empty label starts.
        offset: usize,
    },
    /// A label that starts or ends with `-`.
    #[error("label {label:?} starts or ends with a hyphen")]
    HyphenAtLabelEdge {
        /// Offset of the label.
        offset: usize,
        /// The label.
        label: String,
    },
    /// A label longer than 63 octets.
    #[error("label of {length} characters exceeds the DNS limit of 63")]
    LabelTooLong {
        /// Offset of the label.
        offset: usize,
        /// Its length in bytes.
        length: usize,
    },
    /// A name longer than 253 characters (255 octets in DNS wire form).
    #[error("host name of {length} characters exceeds the DNS limit of 253")]
    NameTooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The name ends with `.`, which the `Domain` grammar does not allow.
    #[error("host name ends with a dot")]
    TrailingDot,
}

impl DomainError {
    /// Returns the byte offset of the problem within the name, or 0 for the whole name.
    pub fn offset(&self) -> usize {
        match self {
            DomainError::InvalidCharacter { offset, .. }
            | DomainError::EmptyLabel { offset }
            | DomainError::HyphenAtLabelEdge { offset, .. }
            | DomainError::LabelTooLong { offset, .. } => *offset,
            _ => 0,
        }
    }
}

/// Characters that UTS #46 maps to the label separator `.`: ideographic full stop, full-width
/// full stop and half-width ideographic full stop.
const IDEOGRAPHIC_FULL_STOPS: [char; 3] = ['\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// Longest name in presentation form: the wire form adds one length octet before the first
/// label and the root label's octet at the end.
const MAX_TEXT_LENGTH: usize = Name::MAX_LENGTH - 2;

/// Checks that `name` is an RFC 5321 `Domain`: LDH labels separated by single dots, no trailing
/// dot, ASCII only, within the DNS length limits.
///
/// # Errors
///
/// Returns the first problem found, scanning from the left.
pub fn check_domain(name: &str) -> Result<(), DomainError> {
    if name.is_empty() {
        return Err(DomainError::Empty);
    }
    if !name.is_ascii() {
        return Err(DomainError::NonAscii {
            name: name.to_owned(),
            a_label: to_a_label(name),
        });
    }
    let bytes = name.as_bytes();
    let mut start = 0;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'.')
            .map_or(bytes.len(), |i| start + i);
        check_label(&bytes[start..end], start)?;
        if end == bytes.len() {
            break;
        }
        start = end + 1;
        if start == bytes.len() {
            return Err(DomainError::TrailingDot);
        }
    }
    if name.len() > MAX_TEXT_LENGTH {
        return Err(DomainError::NameTooLong { length: name.len() });
    }
    Ok(())
}

fn check_label(label: &[u8], offset: usize) -> Result<(), DomainError> {
    if label.is_empty() {
        return Err(DomainError::EmptyLabel { offset });
    }
    if let Some(i) = label
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
    {
        return Err(DomainError::InvalidCharacter {
            offset: offset + i,
            character: char::from(label[i]),
        });
    }
    if label[0] == b'-' || label[label.len() - 1] == b'-' {
        return Err(DomainError::HyphenAtLabelEdge {
            offset,
            label: String::from_utf8_lossy(label).into_owned(),
        });
    }
    if Label::from_raw_bytes(label).is_err() {
        return Err(DomainError::LabelTooLong {
            offset,
            length: label.len(),
        });
    }
    Ok(())
}

/// Converts a host name with U-labels to its A-label form with IDNA (UTS #46), lower-cased.
/// Returns `None` when IDNA rejects the name.
pub fn to_a_label(name: &str) -> Option<String> {
    // UTS #46 maps the ideographic and full-width full stops to ".", but hickory-proto splits
    // labels before mapping, so they are replaced here first.
    let name: Cow<'_, str> = if name.contains(IDEOGRAPHIC_FULL_STOPS) {
        Cow::Owned(name.replace(IDEOGRAPHIC_FULL_STOPS, "."))
    } else {
        Cow::Borrowed(name)
    };
    let name = Name::from_utf8(&*name).ok()?;
    let mut ascii = name.to_ascii();
    if name.is_fqdn() {
        ascii.pop();
    }
    ascii.make_ascii_lowercase();
    Some(ascii)
}

/// Prepares an MX host or certificate reference name for comparison: drops one trailing dot
/// and converts U-labels to A-labels. ASCII names are borrowed unchanged, so the common case
/// does not allocate. Returns `None` for a name that IDNA rejects.
pub(crate) fn normalize_reference(host: &str) -> Option<Cow<'_, str>> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_ascii() {
        return Some(Cow::Borrowed(host));
    }
    // `to_a_label` drops a trailing dot, which would make a second one disappear too.
    if host.ends_with('.') {
        return None;
    }
    to_a_label(host).map(Cow::Owned)
}

/// Returns `true` when `label` is a non-empty LDH label that can stand where a wildcard is.
pub(crate) fn is_ldh_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_domain_accepts_ldh_names() {
        for name in [
            "mail.example.com",
            "a",
            "xn--mx-lka.example",
            "192.0.2.56",
            "a-b.c0",
        ] {
            assert_eq!(check_domain(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn check_domain_rejects_with_exact_reason() {
        let long_label = "a".repeat(64);
        let cases: Vec<(&str, DomainError)> = vec![
            ("", DomainError::Empty),
            ("a..b", DomainError::EmptyLabel { offset: 2 }),
            (".a", DomainError::EmptyLabel { offset: 0 }),
            ("a.b.", DomainError::TrailingDot),
            (
                "a_b.c",
                DomainError::InvalidCharacter {
                    offset: 1,
                    character: '_',
                },
            ),
            (
                "a.b c",
                DomainError::InvalidCharacter {
                    offset: 3,
                    character: ' ',
                },
            ),
            (
                "-a.b",
                DomainError::HyphenAtLabelEdge {
                    offset: 0,
                    label: "-a".into(),
                },
            ),
            (
                "a.b-",
                DomainError::HyphenAtLabelEdge {
                    offset: 2,
                    label: "b-".into(),
                },
            ),
            (
                &long_label,
                DomainError::LabelTooLong {
                    offset: 0,
                    length: 64,
                },
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(check_domain(name), Err(expected), "{name:?}");
        }
    }

    #[test]
    fn check_domain_limits_name_to_253_characters() {
        let label = "a".repeat(63);
        let name_253 = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(name_253.len(), 253);
        assert_eq!(check_domain(&name_253), Ok(()));
        let name_254 = format!("{name_253}c");
        assert_eq!(
            check_domain(&name_254),
            Err(DomainError::NameTooLong { length: 254 })
        );
    }

    #[test]
    fn check_domain_suggests_a_label_for_u_label() {
        assert_eq!(
            check_domain("møx.example"),
            Err(DomainError::NonAscii {
                name: "møx.example".into(),
                a_label: Some("xn--mx-lka.example".into())
            })
        );
    }

    #[test]
    fn to_a_label_splits_at_ideographic_full_stops() {
        assert_eq!(
            to_a_label("mail\u{3002}møx\u{FF0E}example").as_deref(),
            Some("mail.xn--mx-lka.example")
        );
        assert_eq!(to_a_label("a\u{FF61}b").as_deref(), Some("a.b"));
    }

    #[test]
    fn normalize_reference_strips_one_dot_and_converts_idn() {
        assert_eq!(
            normalize_reference("mx.example.com.").as_deref(),
            Some("mx.example.com")
        );
        assert_eq!(
            normalize_reference("mx.example.com..").as_deref(),
            Some("mx.example.com.")
        );
        assert_eq!(
            normalize_reference("MØX.example").as_deref(),
            Some("xn--mx-lka.example")
        );
    }
}
