//! MX host patterns of a policy's `mx` fields and the matching of MX hosts against them
//! ([RFC 8461 §4.1](https://www.rfc-editor.org/rfc/rfc8461#section-4.1)).
//!
//! A pattern is a host name in A-labels, or `*.` followed by one:
//!
//! ```text
//! sts-policy-mx-value = ["*."] Domain
//! ```
//!
//! Matching follows RFC 6125 §6.4 as RFC 8461 §4.1 narrows it: labels compare
//! case-insensitively in ASCII, and `*` stands for exactly one whole left-most label, so
//! `*.example.com` matches `mail.example.com` but neither `example.com` nor `a.b.example.com`.
//!
//! # Deviations and leniency
//!
//! - One trailing dot on the candidate host is ignored, because MX targets read from DNS are
//!   absolute names (`mail.example.com.`).
//! - A candidate host given in U-labels is converted to A-labels with IDNA before comparing.
//! - A pattern that looks like an IPv4 address is a valid `Domain` and is matched as a name,
//!   never as an address.

use std::fmt;
use std::str::FromStr;

use compact_str::CompactString;
use hickory_proto::rr::Name;

use crate::domain::{self, DomainError};

/// One `mx` pattern of a policy: a host name, or a wildcard `*.` plus a host name.
///
/// The pattern is stored lower-cased, so two patterns that differ only in letter case are
/// equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MxPattern {
    /// Lower-case text, with the `*.` prefix for a wildcard.
    text: CompactString,
}

/// Why a string is not a valid `mx` pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// `*` alone, which would match every host.
    #[error("the pattern \"*\" is not allowed: a wildcard must be followed by a domain")]
    BareWildcard,
    /// `*.` with nothing after it.
    #[error("the pattern \"*.\" has no domain after the wildcard")]
    WildcardWithoutDomain,
    /// A `*` anywhere but as the whole left-most label.
    #[error("wildcard at byte {offset} is not the whole left-most label")]
    MisplacedWildcard {
        /// Offset of the `*`.
        offset: usize,
    },
    /// The host name part is not an RFC 5321 `Domain`.
    #[error("{error}")]
    Domain {
        /// Offset of the host name within the pattern: 2 after `*.`, otherwise 0.
        offset: usize,
        /// The problem with the host name.
        error: DomainError,
    },
}

impl PatternError {
    /// Returns the byte offset of the problem within the pattern.
    pub fn offset(&self) -> usize {
        match self {
            PatternError::BareWildcard | PatternError::WildcardWithoutDomain => 0,
            PatternError::MisplacedWildcard { offset } => *offset,
            PatternError::Domain { offset, error } => offset + error.offset(),
        }
    }
}

impl MxPattern {
    /// Parses one pattern exactly as the policy grammar defines it: no trailing dot, A-labels
    /// only, a wildcard only as a leading `*.`.
    ///
    /// # Errors
    ///
    /// Returns a [`PatternError`] that names the problem and its offset.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::{MxPattern, PatternError};
    ///
    /// let pattern = MxPattern::new("*.Example.NET").unwrap();
    /// assert_eq!(pattern.as_str(), "*.example.net");
    /// assert!(pattern.matches("mx1.example.net."));
    /// assert_eq!(MxPattern::new("*"), Err(PatternError::BareWildcard));
    /// ```
    pub fn new(pattern: &str) -> Result<MxPattern, PatternError> {
        let (offset, name) = match pattern {
            "*" => return Err(PatternError::BareWildcard),
            "*." => return Err(PatternError::WildcardWithoutDomain),
            _ => match pattern.strip_prefix("*.") {
                Some(name) => (2, name),
                None => (0, pattern),
            },
        };
        // The usual valid lower-case pattern needs no error and no lower-casing.
        if domain::is_lowercase_domain(name.as_bytes()) {
            return Ok(MxPattern {
                text: CompactString::from(pattern),
            });
        }
        let has_uppercase = domain::scan_domain(name).map_err(|error| {
            // Any other `*` is a misplaced wildcard, whatever else is wrong with the name.
            match name.find('*') {
                Some(i) => PatternError::MisplacedWildcard { offset: offset + i },
                None => PatternError::Domain { offset, error },
            }
        })?;
        let mut text = CompactString::from(pattern);
        if has_uppercase {
            text.make_ascii_lowercase();
        }
        Ok(MxPattern { text })
    }

    /// Builds a pattern from `text` that the caller has checked to be a valid lower-case host
    /// name, or `*.` and one, so that no check runs twice.
    #[inline]
    pub(crate) fn from_lowercase_domain(text: &str) -> MxPattern {
        debug_assert_eq!(MxPattern::new(text).map(|p| p.text), Ok(text.into()));
        MxPattern {
            text: CompactString::from(text),
        }
    }

    /// Returns the pattern as lower-case text, with `*.` for a wildcard.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Returns `true` for a `*.` pattern.
    pub fn is_wildcard(&self) -> bool {
        self.text.starts_with("*.")
    }

    /// Returns the domain part: the whole pattern, or what follows `*.`.
    pub fn domain(&self) -> &str {
        self.text.strip_prefix("*.").unwrap_or(&self.text)
    }

    /// Checks whether the MX host `host` matches this pattern.
    ///
    /// The host may carry one trailing dot and may use U-labels. ASCII hosts are compared
    /// without allocating.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::MxPattern;
    ///
    /// let pattern = MxPattern::new("*.example.com").unwrap();
    /// assert!(pattern.matches("MAIL.example.com."));
    /// assert!(!pattern.matches("example.com"));
    /// assert!(!pattern.matches("a.b.example.com"));
    /// ```
    pub fn matches(&self, host: &str) -> bool {
        let ascii = host.strip_suffix('.').unwrap_or(host).as_bytes();
        self.matches_ascii(ascii) || (!host.is_ascii() && self.matches_u_labels(host))
    }

    /// Matches a host with U-labels after converting it to A-labels.
    fn matches_u_labels(&self, host: &str) -> bool {
        domain::normalize_reference(host).is_some_and(|host| self.matches_ascii(host.as_bytes()))
    }

    /// Checks whether a host name from `hickory-proto`, such as the exchange of an MX record,
    /// matches this pattern. Absolute and relative names compare the same.
    pub fn matches_name(&self, host: &Name) -> bool {
        let mut labels = host.iter();
        let mut pattern = self.domain().as_bytes();
        if self.is_wildcard() {
            match labels.next() {
                Some(first) if domain::is_ldh_label(first) => {}
                _ => return false,
            }
        }
        for label in labels {
            let Some(rest) = pattern.get(label.len()..) else {
                return false;
            };
            if !pattern[..label.len()].eq_ignore_ascii_case(label) {
                return false;
            }
            pattern = match rest {
                [] => rest,
                [b'.', tail @ ..] => tail,
                _ => return false,
            };
            if pattern.is_empty() {
                // Every label of the pattern is used up: the host must have no more.
                return host.iter().count() == self.label_count();
            }
        }
        false
    }

    fn label_count(&self) -> usize {
        self.text.bytes().filter(|&b| b == b'.').count() + 1
    }

    /// Matches an ASCII host without its trailing dot. Patterns are stored lower-case, so only
    /// the host side needs case folding. A host with non-ASCII bytes never matches here: every
    /// byte compared must equal an ASCII byte of the pattern or belong to an LDH label.
    fn matches_ascii(&self, host: &[u8]) -> bool {
        let pattern = self.text.as_bytes();
        // A valid pattern holds `*` only in a leading `*.`.
        let Some((b'*', [b'.', base @ ..])) = pattern.split_first() else {
            return domain::eq_lowercase(host, pattern);
        };
        // The host must be `label "." base` with one non-empty LDH label.
        let Some(split) = host.len().checked_sub(base.len() + 1) else {
            return false;
        };
        host[split] == b'.'
            && domain::eq_lowercase(&host[split + 1..], base)
            && domain::is_ldh_label(&host[..split])
    }
}

impl FromStr for MxPattern {
    type Err = PatternError;

    fn from_str(s: &str) -> Result<MxPattern, PatternError> {
        MxPattern::new(s)
    }
}

impl fmt::Display for MxPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for MxPattern {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// Returns the first pattern in `patterns` that `host` matches. An ASCII host is compared as it
/// is; a host with U-labels is converted to A-labels once, not once per pattern.
pub fn find_match<'p>(patterns: &'p [MxPattern], host: &str) -> Option<&'p MxPattern> {
    let ascii = host.strip_suffix('.').unwrap_or(host).as_bytes();
    if let Some(found) = patterns.iter().find(|p| p.matches_ascii(ascii)) {
        return Some(found);
    }
    if host.is_ascii() {
        return None;
    }
    // A host with U-labels can only match after conversion to A-labels.
    let converted = domain::normalize_reference(host)?;
    patterns
        .iter()
        .find(|p| p.matches_ascii(converted.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(text: &str) -> MxPattern {
        MxPattern::new(text).unwrap()
    }

    #[test]
    fn new_lowercases_and_keeps_wildcard() {
        let p = pattern("*.EXAMPLE.com");
        assert_eq!(p.as_str(), "*.example.com");
        assert!(p.is_wildcard());
        assert_eq!(p.domain(), "example.com");
        assert_eq!(pattern("MAIL.Example.COM").as_str(), "mail.example.com");
    }

    #[test]
    fn new_rejects_every_other_wildcard_form() {
        let cases = [
            ("*", PatternError::BareWildcard),
            ("*.", PatternError::WildcardWithoutDomain),
            ("a.*.b", PatternError::MisplacedWildcard { offset: 2 }),
            (
                "mail*.example.com",
                PatternError::MisplacedWildcard { offset: 4 },
            ),
            (
                "inbound-*.example.com",
                PatternError::MisplacedWildcard { offset: 8 },
            ),
            (
                "*.*.example.com",
                PatternError::MisplacedWildcard { offset: 2 },
            ),
            (
                "**.example.com",
                PatternError::MisplacedWildcard { offset: 0 },
            ),
            (
                "*example.com",
                PatternError::MisplacedWildcard { offset: 0 },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(MxPattern::new(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn new_reports_domain_errors_with_offset() {
        let error = MxPattern::new("*.exa_mple.com").unwrap_err();
        assert_eq!(
            error,
            PatternError::Domain {
                offset: 2,
                error: DomainError::InvalidCharacter {
                    offset: 3,
                    character: '_'
                }
            }
        );
        assert_eq!(error.offset(), 5);
        assert_eq!(
            MxPattern::new("mail.example.com."),
            Err(PatternError::Domain {
                offset: 0,
                error: DomainError::TrailingDot
            })
        );
    }

    #[test]
    fn new_rejects_u_label_and_names_a_label() {
        assert_eq!(
            MxPattern::new("møx.example"),
            Err(PatternError::Domain {
                offset: 0,
                error: DomainError::NonAscii {
                    name: "møx.example".into(),
                    a_label: Some("xn--mx-lka.example".into())
                }
            })
        );
    }

    #[test]
    fn wildcard_covers_exactly_one_label() {
        let p = pattern("*.example.com");
        assert!(p.matches("mail.example.com"));
        assert!(!p.matches("a.b.example.com"));
        assert!(!p.matches("example.com"));
        assert!(!p.matches(".example.com"));
        assert!(!p.matches("*.example.com"));
        assert!(!p.matches("mailexample.com"));
        assert!(!p.matches("mail.example.com.evil"));
    }

    #[test]
    fn literal_is_never_a_substring_or_suffix_match() {
        let p = pattern("mail.example.com");
        assert!(p.matches("mail.example.com"));
        assert!(!p.matches("mail.example.com.attacker.example"));
        assert!(!p.matches("xmail.example.com"));
        assert!(!p.matches("mail.example.co"));
        assert!(!p.matches("a.mail.example.com"));
    }

    #[test]
    fn matching_ignores_case_and_one_trailing_dot() {
        assert!(pattern("mail.example.com").matches("MAIL.Example.com."));
        assert!(!pattern("mail.example.com").matches("mail.example.com.."));
        assert!(pattern("*.EXAMPLE.com").matches("Mx1.example.COM"));
    }

    #[test]
    fn matching_converts_u_label_hosts() {
        assert!(pattern("xn--mx-lka.example").matches("møx.example"));
        assert!(pattern("*.xn--mx-lka.example").matches("mail.MØX.example."));
        assert!(!pattern("xn--mx-lka.example").matches("mox.example"));
    }

    #[test]
    fn ip_like_pattern_matches_only_the_same_text() {
        let p = pattern("192.0.2.56");
        assert!(p.matches("192.0.2.56"));
        assert!(!p.matches("192.0.2.056"));
    }

    #[test]
    fn matches_name_agrees_with_matches() {
        let hosts = [
            "mail.example.com",
            "mail.example.com.",
            "MAIL.EXAMPLE.COM",
            "a.b.example.com",
            "example.com",
            "mail.example.co",
            "mail.example.com.attacker.example",
            "xmail.example.com",
            "x.mail.example.com",
        ];
        for p in [
            "mail.example.com",
            "*.example.com",
            "*.mail.example.com",
            "com",
        ] {
            let p = pattern(p);
            for host in hosts {
                let name = Name::from_ascii(host).unwrap();
                assert_eq!(p.matches_name(&name), p.matches(host), "{p} vs {host}");
            }
        }
    }

    #[test]
    fn find_match_returns_first_matching_pattern() {
        let patterns = [pattern("mx1.example.net"), pattern("*.example.net")];
        assert_eq!(
            find_match(&patterns, "mx2.example.net."),
            Some(&patterns[1])
        );
        assert_eq!(find_match(&patterns, "mx1.example.net"), Some(&patterns[0]));
        assert_eq!(find_match(&patterns, "example.net"), None);
    }
}
