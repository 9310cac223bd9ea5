//! Sans-I/O parsers, validators and sender-side logic for MTA-STS
//! ([RFC 8461](https://www.rfc-editor.org/rfc/rfc8461)) and SMTP TLS Reporting
//! ([RFC 8460](https://www.rfc-editor.org/rfc/rfc8460)).
//!
//! The crate reads the `_mta-sts` TXT record ([`sts::StsRecord`]), the policy file
//! ([`sts::Policy`]) and decides whether an MX host may receive mail under a policy
//! ([`sts::Policy::match_mx`], [`sts::certificate_matches`]). It performs no network I/O:
//! callers pass in the TXT data and the policy body they fetched.
//!
//! Every parser reports what it finds as positioned [`Diagnostic`]s with a stable code, a
//! message and a hint. Input with a clear lenient reading is accepted with a warning, and
//! [`ParseOptions::STRICT`] turns every warning into an error.
//!
//! ```
//! use mtasts_core::sts::{Mode, Policy, StsRecord};
//!
//! let record = StsRecord::parse("v=STSv1; id=20240101T000000;").unwrap().value;
//! assert_eq!(record.id(), "20240101T000000");
//!
//! let body = "version: STSv1\nmode: enforce\nmx: *.mail.example.com\nmax_age: 604800\n";
//! let policy = Policy::parse(body).unwrap().value;
//! assert_eq!(policy.mode(), Mode::Enforce);
//! assert!(policy.match_mx("mx1.mail.example.com.").is_some());
//! assert!(policy.match_mx("mx1.attacker.example").is_none());
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod codes;
mod diagnostic;
pub mod domain;
mod error;
mod ip;
mod public_suffix;
pub mod sts;
pub mod tlsrpt;
pub mod txt;

pub use compact_str::CompactString;
pub use diagnostic::{Diagnostic, ParseError, ParseOptions, Parsed, Severity, Span};
pub use error::{Error, Issue};
