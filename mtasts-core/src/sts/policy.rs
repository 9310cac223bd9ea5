//! The MTA-STS policy file served at `https://mta-sts.<domain>/.well-known/mta-sts.txt`
//! ([RFC 8461 §3.2](https://www.rfc-editor.org/rfc/rfc8461#section-3.2)).
//!
//! A policy is a list of `key: value` lines. `version`, `mode` and `max_age` are required once,
//! `mx` at least once unless the mode is `none`, and unknown fields are kept as extensions. The
//! grammar, the diagnostics and the leniency rules live in the parser; see
//! [`Policy::parse_with`].

use std::fmt::{self, Write as _};

use hickory_proto::rr::Name;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use smallvec::SmallVec;

use crate::sts::pattern::{self, MxPattern};
use crate::sts::record::{Extension, ExtensionMap};

/// Largest policy body accepted, in bytes. RFC 8461 §3.3 suggests 64 kilobytes as the limit
/// senders apply when fetching.
pub const MAX_POLICY_SIZE: usize = 64 * 1024;

/// Largest `max_age`: one year of 365.25 days, in seconds (RFC 8461 §3.2).
pub const MAX_MAX_AGE: u32 = 31_557_600;

/// What a sender does when a delivery fails to validate against the policy (RFC 8461 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Do not deliver to an MX host that fails validation.
    Enforce,
    /// Deliver anyway, and report failures through TLS-RPT.
    Testing,
    /// The domain has no active policy.
    None,
}

impl Mode {
    /// Returns the value as written in a policy: `enforce`, `testing` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Testing => "testing",
            Mode::None => "none",
        }
    }

    /// Parses a mode value. The values are case-sensitive (`%s"enforce"` in the ABNF).
    pub fn from_value(value: &str) -> Option<Mode> {
        match value {
            "enforce" => Some(Mode::Enforce),
            "testing" => Some(Mode::Testing),
            "none" => Some(Mode::None),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Mode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A valid MTA-STS policy.
///
/// Every policy built by this crate is valid: `max_age` is at most [`MAX_MAX_AGE`], there is
/// at least one `mx` pattern unless the mode is `none`, and extension fields follow the
/// grammar. [`Policy::to_text`] renders it as text that parses back to an equal policy.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Policy {
    pub(crate) mode: Mode,
    pub(crate) max_age: u32,
    pub(crate) mx: SmallVec<[MxPattern; 2]>,
    pub(crate) extensions: Vec<Extension>,
}

/// Why [`Policy::new`] or [`Policy::push_extension`] rejected a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// `max_age` above [`MAX_MAX_AGE`].
    #[error("max_age {value} exceeds the maximum of 31557600 seconds")]
    MaxAgeTooLarge {
        /// The value given.
        value: u64,
    },
    /// A mode other than `none` with no `mx` pattern.
    #[error("mode {mode} requires at least one mx pattern")]
    MissingMx {
        /// The mode given.
        mode: Mode,
    },
    /// An extension name that breaks the grammar or is one of the defined fields.
    #[error("invalid extension field name {name:?}")]
    InvalidExtensionName {
        /// The name given.
        name: String,
    },
    /// An extension name the policy already has. A reader would keep only the first value.
    #[error("duplicate extension field {name:?}")]
    DuplicateExtension {
        /// The name given.
        name: String,
    },
    /// An extension value that is empty, has leading or trailing spaces, or has control
    /// characters.
    #[error("invalid value {value:?} for extension field {name:?}")]
    InvalidExtensionValue {
        /// The field name.
        name: String,
        /// The value given.
        value: String,
    },
}

impl Policy {
    /// Creates a policy with no extension fields.
    ///
    /// # Errors
    ///
    /// Returns [`PolicyError::MaxAgeTooLarge`] above [`MAX_MAX_AGE`], and
    /// [`PolicyError::MissingMx`] when `mx` is empty and the mode is not `none`.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::{Mode, MxPattern, Policy};
    ///
    /// let mx = vec![MxPattern::new("*.example.net").unwrap()];
    /// let policy = Policy::new(Mode::Enforce, 604800, mx).unwrap();
    /// assert_eq!(
    ///     policy.to_text(),
    ///     "version: STSv1\r\nmode: enforce\r\nmx: *.example.net\r\nmax_age: 604800\r\n"
    /// );
    /// ```
    pub fn new(mode: Mode, max_age: u64, mx: Vec<MxPattern>) -> Result<Policy, PolicyError> {
        let max_age = u32::try_from(max_age)
            .ok()
            .filter(|&v| v <= MAX_MAX_AGE)
            .ok_or(PolicyError::MaxAgeTooLarge { value: max_age })?;
        if mx.is_empty() && mode != Mode::None {
            return Err(PolicyError::MissingMx { mode });
        }
        Ok(Policy {
            mode,
            max_age,
            mx: SmallVec::from_vec(mx),
            extensions: Vec::new(),
        })
    }

    /// Returns the mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Returns the maximum time in seconds a sender may cache the policy, counted from the
    /// fetch. Values above [`MAX_MAX_AGE`] in the policy text were clamped to it.
    pub fn max_age(&self) -> u32 {
        self.max_age
    }

    /// Returns the `mx` patterns in policy order.
    pub fn mx(&self) -> &[MxPattern] {
        &self.mx
    }

    /// Returns the extension fields in policy order.
    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Adds an extension field.
    ///
    /// # Errors
    ///
    /// Rejects a name that breaks `sts-policy-ext-name` or is a defined field (`version`,
    /// `mode`, `max_age`, `mx`), and a value that is empty, starts or ends with a space, or
    /// contains a control character.
    pub fn push_extension(&mut self, name: &str, value: &str) -> Result<(), PolicyError> {
        if !is_extension_name(name) || KNOWN_FIELDS.contains(&name) {
            return Err(PolicyError::InvalidExtensionName {
                name: name.to_owned(),
            });
        }
        if !is_extension_value(value) {
            return Err(PolicyError::InvalidExtensionValue {
                name: name.to_owned(),
                value: value.to_owned(),
            });
        }
        if self.extensions.iter().any(|e| e.name == name) {
            return Err(PolicyError::DuplicateExtension {
                name: name.to_owned(),
            });
        }
        self.extensions.push(Extension {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        Ok(())
    }

    /// Returns the first `mx` pattern that the MX host `host` matches, or `None` when the host
    /// is not allowed (RFC 8461 §4.1). The host may carry one trailing dot and use U-labels.
    ///
    /// # Examples
    ///
    /// ```
    /// use mtasts_core::sts::Policy;
    ///
    /// let text = "version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 86400\n";
    /// let policy = Policy::parse(text).unwrap().value;
    /// assert_eq!(policy.match_mx("mx1.example.net.").unwrap().as_str(), "*.example.net");
    /// assert!(policy.match_mx("mx1.attacker.example").is_none());
    /// ```
    pub fn match_mx(&self, host: &str) -> Option<&MxPattern> {
        pattern::find_match(&self.mx, host)
    }

    /// Returns the first `mx` pattern that a host name from `hickory-proto` matches.
    pub fn match_mx_name(&self, host: &Name) -> Option<&MxPattern> {
        self.mx.iter().find(|p| p.matches_name(host))
    }

    /// Renders the policy as canonical text: CRLF line endings, `version`, `mode`, each `mx`,
    /// `max_age`, then the extensions in order.
    pub fn to_text(&self) -> String {
        let mut text = String::with_capacity(64 + 24 * self.mx.len());
        for line in self.lines() {
            text.push_str(&line);
            text.push_str("\r\n");
        }
        text
    }

    /// Returns the lines of the canonical text without line endings. These are the strings a
    /// TLS-RPT report lists as the `policy-string` of an applied MTA-STS policy.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(3 + self.mx.len() + self.extensions.len());
        lines.push("version: STSv1".to_owned());
        lines.push(format!("mode: {}", self.mode));
        for mx in &self.mx {
            lines.push(format!("mx: {mx}"));
        }
        lines.push(format!("max_age: {}", self.max_age));
        for extension in &self.extensions {
            let mut line = String::with_capacity(extension.name.len() + extension.value.len() + 2);
            let _ = write!(line, "{}: {}", extension.name, extension.value);
            lines.push(line);
        }
        lines
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Policy", 5)?;
        s.serialize_field("version", "STSv1")?;
        s.serialize_field("mode", &self.mode)?;
        s.serialize_field("max_age", &self.max_age)?;
        s.serialize_field("mx", self.mx.as_slice())?;
        s.serialize_field("extensions", &ExtensionMap(&self.extensions))?;
        s.end()
    }
}

/// The fields RFC 8461 §3.2 defines, as written (the names are case-sensitive).
pub(crate) const KNOWN_FIELDS: [&str; 4] = ["version", "mode", "max_age", "mx"];

/// Checks `sts-policy-ext-name`: a letter or digit, then up to 31 letters, digits, `_`, `-`
/// or `.`.
pub(crate) fn is_extension_name(name: &str) -> bool {
    crate::txt::is_ext_name(name.as_bytes())
}

/// Checks `sts-policy-ext-value`: printable ASCII or UTF-8, inner spaces allowed, no leading
/// or trailing space, no control characters.
pub(crate) fn is_extension_value(value: &str) -> bool {
    !value.is_empty()
        && !value.starts_with(' ')
        && !value.ends_with(' ')
        && value.chars().all(|c| c == ' ' || !c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(list: &[&str]) -> Vec<MxPattern> {
        list.iter().map(|p| MxPattern::new(p).unwrap()).collect()
    }

    #[test]
    fn new_rejects_invalid_combinations() {
        assert_eq!(
            Policy::new(Mode::Enforce, 31_557_601, patterns(&["a.example"])),
            Err(PolicyError::MaxAgeTooLarge { value: 31_557_601 })
        );
        assert_eq!(
            Policy::new(Mode::Testing, 86400, Vec::new()),
            Err(PolicyError::MissingMx {
                mode: Mode::Testing
            })
        );
        assert!(Policy::new(Mode::None, 0, Vec::new()).is_ok());
    }

    #[test]
    fn push_extension_checks_name_and_value() {
        let mut policy = Policy::new(Mode::None, 86400, Vec::new()).unwrap();
        assert_eq!(
            policy.push_extension("mode", "x"),
            Err(PolicyError::InvalidExtensionName {
                name: "mode".into()
            })
        );
        assert_eq!(
            policy.push_extension("-x", "x"),
            Err(PolicyError::InvalidExtensionName { name: "-x".into() })
        );
        assert_eq!(
            policy.push_extension("note", " padded"),
            Err(PolicyError::InvalidExtensionValue {
                name: "note".into(),
                value: " padded".into()
            })
        );
        assert_eq!(
            policy.push_extension("note", "tab\there"),
            Err(PolicyError::InvalidExtensionValue {
                name: "note".into(),
                value: "tab\there".into()
            })
        );
        assert_eq!(
            policy.push_extension("note", "managed by ops, ünïcode"),
            Ok(())
        );
        assert_eq!(policy.extensions()[0].value, "managed by ops, ünïcode");
        assert_eq!(
            policy.push_extension("note", "again"),
            Err(PolicyError::DuplicateExtension {
                name: "note".into()
            })
        );
    }

    #[test]
    fn to_text_is_canonical() {
        let mut policy = Policy::new(
            Mode::Testing,
            86400,
            patterns(&["mail.example.com", "*.example.net"]),
        )
        .unwrap();
        policy
            .push_extension("policy_note", "managed by ops")
            .unwrap();
        assert_eq!(
            policy.to_text(),
            "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmx: *.example.net\r\n\
             max_age: 86400\r\npolicy_note: managed by ops\r\n"
        );
        assert_eq!(policy.lines()[2], "mx: mail.example.com");
    }

    #[test]
    fn serializes_to_json_fields() {
        let policy = Policy::new(Mode::Enforce, 604800, patterns(&["MAIL.example.com"])).unwrap();
        let json = serde_json::to_value(&policy).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "version": "STSv1",
                "mode": "enforce",
                "max_age": 604800,
                "mx": ["mail.example.com"],
                "extensions": {}
            })
        );
    }
}
