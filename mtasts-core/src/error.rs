//! The crate's error types: [`Issue`], which joins the diagnostics of every parser, and
//! [`Error`], which joins every error a public function returns.

use std::borrow::Cow;
use std::fmt;

use crate::diagnostic::{ParseError, Severity};
use crate::domain::DomainError;
use crate::sts::{ContentTypeError, ExtensionError, PatternError, PolicyError, PolicyIssue};
use crate::tlsrpt::{
    BuilderError, EmailError, EmailIssue, FileNameError, InputError, ReportIssue, RuaIssue,
};
use crate::txt::RecordIssue;

/// What a [`Diagnostic`](crate::Diagnostic) reports, by area.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Issue {
    /// A problem in an `_mta-sts` or `_smtp._tls` TXT record.
    Record(RecordIssue),
    /// A problem in an MTA-STS policy file.
    Policy(PolicyIssue),
    /// A problem in a TLS-RPT report.
    Report(ReportIssue),
    /// A problem in the email message or file name that carries a TLS-RPT report.
    Email(EmailIssue),
}

impl Issue {
    /// Returns the stable, kebab-case code, such as `invalid-max-age`.
    pub fn code(&self) -> &'static str {
        match self {
            Issue::Record(issue) => issue.code(),
            Issue::Policy(issue) => issue.code(),
            Issue::Report(issue) => issue.code(),
            Issue::Email(issue) => issue.code(),
        }
    }

    /// Returns the severity before strict mode raises warnings to errors.
    pub fn severity(&self) -> Severity {
        let warning = match self {
            Issue::Record(issue) => issue.is_warning(),
            Issue::Policy(issue) => issue.is_warning(),
            Issue::Report(issue) => issue.is_warning(),
            Issue::Email(issue) => issue.is_warning(),
        };
        if warning {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Returns every code a [`Diagnostic`](crate::Diagnostic) can carry, sorted and without
    /// repeats. Bindings and validators use it to publish the full set, for example as a type
    /// of string literals.
    pub fn all_codes() -> Vec<&'static str> {
        let mut codes: Vec<&'static str> = [
            RecordIssue::CODES,
            RuaIssue::CODES,
            PolicyIssue::CODES,
            ReportIssue::CODES,
            EmailIssue::CODES,
        ]
        .concat();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// Returns the JSON path the issue names, for issues found in reports.
    pub fn path(&self) -> Option<&str> {
        match self {
            Issue::Report(issue) => issue.path(),
            _ => None,
        }
    }

    /// Returns `true` for a warning about valid input that a reader should still notice, such
    /// as TLS-RPT failure counts that disagree, which RFC 8460 §4 allows. Strict parsing leaves
    /// these warnings; every other warning becomes an error.
    pub fn is_advisory(&self) -> bool {
        match self {
            Issue::Report(issue) => issue.is_advisory(),
            _ => false,
        }
    }

    /// Returns a one-line suggestion for fixing the input.
    pub fn hint(&self) -> Cow<'static, str> {
        match self {
            Issue::Record(issue) => issue.hint(),
            Issue::Policy(issue) => issue.hint(),
            Issue::Report(issue) => issue.hint(),
            Issue::Email(issue) => issue.hint(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Issue::Record(issue) => issue.fmt(f),
            Issue::Policy(issue) => issue.fmt(f),
            Issue::Report(issue) => issue.fmt(f),
            Issue::Email(issue) => issue.fmt(f),
        }
    }
}

impl From<RecordIssue> for Issue {
    fn from(issue: RecordIssue) -> Issue {
        Issue::Record(issue)
    }
}

impl From<ReportIssue> for Issue {
    fn from(issue: ReportIssue) -> Issue {
        Issue::Report(issue)
    }
}

impl From<EmailIssue> for Issue {
    fn from(issue: EmailIssue) -> Issue {
        Issue::Email(issue)
    }
}

impl From<PolicyIssue> for Issue {
    fn from(issue: PolicyIssue) -> Issue {
        Issue::Policy(issue)
    }
}

/// Every error a public function of the crate returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input rejected by a parser, with its diagnostics.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// An invalid host name.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// An invalid `mx` pattern.
    #[error(transparent)]
    Pattern(#[from] PatternError),
    /// A policy value that cannot be built.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A policy served with the wrong media type.
    #[error(transparent)]
    ContentType(#[from] ContentTypeError),
    /// Received bytes that cannot be read as a TLS-RPT report.
    #[error(transparent)]
    ReportInput(#[from] InputError),
    /// A session outcome or report setting that a report cannot carry.
    #[error(transparent)]
    ReportBuilder(#[from] BuilderError),
    /// A report that cannot be written as an email.
    #[error(transparent)]
    ReportEmail(#[from] EmailError),
    /// An extension field that a record cannot carry.
    #[error(transparent)]
    Extension(#[from] ExtensionError),
    /// An invalid TLS-RPT report file name.
    #[error(transparent)]
    FileName(#[from] FileNameError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_codes_are_sorted_kebab_case_and_unique() {
        let codes = Issue::all_codes();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        for code in &codes {
            assert!(
                code.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{code}"
            );
        }
        for code in [
            "invalid-max-age",
            "missing-id",
            "rua-size-suffix",
            "missing-time-zone",
        ] {
            assert!(codes.contains(&code), "{code}");
        }
        // Codes shared by records and policies appear once.
        assert_eq!(codes.iter().filter(|&&c| c == "duplicate-field").count(), 1);
    }
}
