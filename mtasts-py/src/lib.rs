//! Python bindings for `mtasts-core`, built by maturin into the Python module `mtasts`.
//!
//! Every function converts its arguments, calls the core once and converts the result or the
//! error. The rules themselves (grammar, leniency, strict mode, matching) live in the core only.
//! The type stubs are in `mtasts.pyi` beside this crate's `Cargo.toml`.

#![deny(missing_docs)]

mod errors;
mod text;
mod types;

use pyo3::prelude::*;

use mtasts_core::ParseOptions;
use mtasts_core::sts;

use crate::errors::{ContentTypeError, ParseError};
use crate::text::Text;
use crate::types::{Diagnostic, Policy, Selection, StsRecord};

/// Parsers and validators for MTA-STS (RFC 8461): the `_mta-sts` TXT record, the policy file,
/// MX host patterns and certificate name matching.
#[pymodule(name = "mtasts")]
mod mtasts {
    #[pymodule_export]
    use super::{
        ContentTypeError, Diagnostic, ParseError, Policy, Selection, StsRecord, check_content_type,
        dns_id_matches, match_mx, parse_policy, parse_sts_record, select_sts_record,
    };
}

/// Parse an MTA-STS policy body, as served at /.well-known/mta-sts.txt.
///
/// Deviations with a clear reading are accepted and listed in `Policy.warnings`. With
/// `strict=True` every warning is an error. Raises `ParseError` when the policy is invalid.
#[pyfunction]
#[pyo3(signature = (text, strict = false))]
fn parse_policy(py: Python<'_>, text: Text, strict: bool) -> PyResult<Policy> {
    sts::Policy::parse_with(text.as_ref(), ParseOptions { strict })
        .map(Policy::from)
        .map_err(|error| errors::to_py_parse_error(py, error))
}

/// Parse the data of one `_mta-sts` TXT record, with its character-strings already joined.
///
/// With `strict=True` every warning is an error. Raises `ParseError` when the text is not an
/// MTA-STS record or is invalid.
#[pyfunction]
#[pyo3(signature = (text, strict = false))]
fn parse_sts_record(py: Python<'_>, text: Text, strict: bool) -> PyResult<StsRecord> {
    sts::StsRecord::parse_with(text.as_ref(), ParseOptions { strict })
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
/// The host may end with one dot and may use U-labels. Letter case is ignored.
#[pyfunction]
fn match_mx(policy: &Policy, host: &str) -> Option<String> {
    policy
        .core()
        .match_mx(host)
        .map(|pattern| pattern.as_str().to_owned())
}

/// Check whether a certificate's DNS-ID (a subjectAltName dNSName) matches the MX host `host`.
#[pyfunction]
fn dns_id_matches(dns_id: &str, host: &str) -> bool {
    sts::dns_id_matches(dns_id, host)
}

/// Check the Content-Type header of a policy response, given as `None` when it is missing.
///
/// Returns the warnings as messages. Raises `ContentTypeError` for a media type other than
/// text/plain or a value that is not a media type.
#[pyfunction]
#[pyo3(signature = (value))]
fn check_content_type(value: Option<&str>) -> PyResult<Vec<String>> {
    match sts::check_content_type(value) {
        Ok(warnings) => Ok(warnings.iter().map(ToString::to_string).collect()),
        Err(error) => Err(ContentTypeError::new_err(error.to_string())),
    }
}
