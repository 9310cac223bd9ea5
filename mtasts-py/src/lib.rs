//! Python bindings for `mtasts-core`, built by maturin into the Python module `mtasts`.
//!
//! Every function converts its arguments, calls the core once and converts the result or the
//! error. The rules themselves (grammar, leniency, strict mode, matching) live in the core only.
//! The type stubs are in `mtasts.pyi` beside this crate's `Cargo.toml`.

#![deny(missing_docs)]

mod errors;
mod text;
mod tlsrpt;
mod types;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use mtasts_core::sts;
use mtasts_core::{Issue, ParseOptions};

use crate::errors::{ContentTypeError, ParseError, ReportInputError};
use crate::text::{Text, Utf8Str, parse_record, truth_value};
use crate::tlsrpt::{
    ReceivedReport, TlsRptRecord, TlsRptSelection, parse_tlsrpt_record, read_report,
    select_tlsrpt_record, summarize,
};
use crate::types::{ContentTypeWarning, Diagnostic, Policy, Selection, StsRecord};

/// Parsers and validators for MTA-STS (RFC 8461) and SMTP TLS Reporting (RFC 8460): the
/// `_mta-sts` and `_smtp._tls` TXT records, the policy file, MX host patterns, certificate name
/// matching, and TLS-RPT reports with their summary.
#[pymodule(name = "mtasts")]
mod mtasts {
    #[pymodule_export]
    use super::{
        ContentTypeError, ContentTypeWarning, Diagnostic, ParseError, Policy, ReceivedReport,
        ReportInputError, Selection, StsRecord, TlsRptRecord, TlsRptSelection, check_content_type,
        dns_id_matches, match_mx, parse_policy, parse_sts_record, parse_tlsrpt_record, read_report,
        select_sts_record, select_tlsrpt_record, summarize,
    };

    use super::*;

    /// Adds `DIAGNOSTIC_CODES`: every code a `Diagnostic` can carry, sorted, as a tuple.
    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        let codes = PyTuple::new(module.py(), Issue::all_codes())?;
        module.add("DIAGNOSTIC_CODES", codes)
    }
}

/// Parse an MTA-STS policy body, as served at /.well-known/mta-sts.txt.
///
/// Deviations with a clear reading are accepted and listed in `Policy.warnings`. With a true
/// `strict`, read as `bool(strict)`, every warning is an error. Raises `ParseError` when the
/// policy is invalid, and UnicodeEncodeError when a `str` contains a lone surrogate.
#[pyfunction]
#[pyo3(signature = (text, strict = false))]
fn parse_policy(
    py: Python<'_>,
    text: Text,
    #[pyo3(from_py_with = truth_value)] strict: bool,
) -> PyResult<Policy> {
    sts::Policy::parse_with(text.as_ref(), ParseOptions { strict })
        .map(Policy::from)
        .map_err(|error| errors::to_py_parse_error(py, error))
}

/// Parse one `_mta-sts` TXT record, given as pasted text (`str`) or record data (`bytes`).
///
/// A `str` is read as the CLI reads its argument. Text pasted from `dig` or a zone file, such
/// as `"v=STSv1; id=2024" "0101"`, is decoded first, with a "presentation-form" warning whose
/// `text` is the decoded data. The positions of all diagnostics then refer to that data.
///
/// `bytes` are the record's character-strings joined, as a resolver returns them, and are
/// parsed unchanged.
///
/// With a true `strict`, read as `bool(strict)`, every warning is an error. Raises `ParseError`
/// when the text is not an MTA-STS record or is invalid, and UnicodeEncodeError when a `str`
/// contains a lone surrogate.
#[pyfunction]
#[pyo3(signature = (text, strict = false))]
fn parse_sts_record(
    py: Python<'_>,
    text: Text,
    #[pyo3(from_py_with = truth_value)] strict: bool,
) -> PyResult<StsRecord> {
    parse_record::<sts::StsRecord>(&text, ParseOptions { strict })
        .map(StsRecord::from)
        .map_err(|error| errors::to_py_parse_error(py, error))
}

/// Select the `_mta-sts` record from a whole TXT RRset, as a sender must (RFC 8461 §3.1).
///
/// Each item of `rrset` is one resource record given as its list of character-strings, which
/// are joined without separators.
#[pyfunction]
fn select_sts_record(rrset: Vec<Vec<Text>>) -> Selection {
    Selection::from(sts::StsRecord::select(rrset))
}

/// Return the first `mx` pattern of `policy` that the MX host `host` matches, or `None`.
///
/// The host may end with one dot and may use U-labels. Letter case is ignored. Raises
/// UnicodeEncodeError when `host` contains a lone surrogate.
#[pyfunction]
fn match_mx(policy: &Policy, host: Utf8Str) -> Option<String> {
    policy
        .core()
        .match_mx(&host)
        .map(|pattern| pattern.as_str().to_owned())
}

/// Check whether a certificate's DNS-ID (a subjectAltName dNSName) matches the MX `host`.
///
/// Raises UnicodeEncodeError when an argument contains a lone surrogate.
#[pyfunction]
fn dns_id_matches(dns_id: Utf8Str, host: Utf8Str) -> bool {
    sts::dns_id_matches(&dns_id, &host)
}

/// Check the Content-Type header of a policy response, given as `None` when it is missing.
///
/// Returns the warnings, each with a `code` and a `message`. Raises `ContentTypeError` for a
/// media type other than text/plain or a value that is not a media type, and UnicodeEncodeError
/// when the value contains a lone surrogate.
#[pyfunction]
#[pyo3(signature = (value))]
fn check_content_type(py: Python<'_>, value: Option<Utf8Str>) -> PyResult<Vec<ContentTypeWarning>> {
    match sts::check_content_type(value.as_deref()) {
        Ok(warnings) => Ok(warnings.into_iter().map(ContentTypeWarning).collect()),
        Err(error) => Err(errors::to_py_content_type_error(py, error)),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use mtasts_core::sts::{ContentTypeError, ContentTypeWarning};
    use mtasts_core::tlsrpt::{EmailIssue, InputError, ReportIssue, RuaIssue};

    use super::*;

    const STUB: &str = include_str!("../mtasts.pyi");

    /// Returns the strings of the `Literal[...]` that the stub assigns to `alias`.
    fn stub_literal(alias: &str) -> BTreeSet<&'static str> {
        let start = STUB
            .find(&format!("\n{alias} = Literal["))
            .unwrap_or_else(|| panic!("{alias} = Literal[...] not found in mtasts.pyi"));
        let body = &STUB[start..];
        let end = body.find(']').expect("Literal[ is closed");
        body[..end]
            .split('"')
            .skip(1)
            .step_by(2)
            .collect::<BTreeSet<_>>()
    }

    fn set(codes: &[&'static str]) -> BTreeSet<&'static str> {
        codes.iter().copied().collect()
    }

    #[test]
    fn stub_codes_equal_core_codes() {
        let groups = [
            "_PolicyCode",
            "_RecordCode",
            "_RuaCode",
            "_ReportCode",
            "_EmailCode",
        ];
        let union: BTreeSet<_> = groups.into_iter().flat_map(stub_literal).collect();
        assert_eq!(union, set(&Issue::all_codes()));
        assert!(STUB.contains(&format!("\n_Code = {}\n", groups.join(" | "))));

        assert_eq!(stub_literal("_RuaCode"), set(RuaIssue::CODES));
        assert_eq!(stub_literal("_ReportCode"), set(ReportIssue::CODES));
        assert_eq!(stub_literal("_EmailCode"), set(EmailIssue::CODES));
        assert_eq!(stub_literal("_ReportInputCode"), set(InputError::CODES));
        assert_eq!(
            stub_literal("_ContentTypeErrorCode"),
            set(ContentTypeError::CODES)
        );
        assert_eq!(
            stub_literal("_ContentTypeWarningCode"),
            set(ContentTypeWarning::CODES)
        );
    }
}
