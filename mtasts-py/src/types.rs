//! The classes the parsers return. Each wraps the core value and converts fields on access.

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;

use mtasts_core::Parsed;
use mtasts_core::sts::{self, Extension};
use mtasts_core::txt::{Discovery, Selection as CoreSelection};

/// One finding of a parser, positioned in its input.
///
/// `offset` and `length` count bytes of the parsed input, which for a `str` is its UTF-8
/// encoding, and for record text in zone-file presentation form is the decoded data. `line` and
/// `column` count from 1, and the column counts characters.
#[pyclass(module = "mtasts", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Diagnostic(pub(crate) mtasts_core::Diagnostic);

#[pymethods]
impl Diagnostic {
    /// "error" or "warning". Strict parsing reports every warning as an error.
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }

    /// The stable, kebab-case code, such as "invalid-max-age".
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
    }

    /// The line of the offending input, counted from 1.
    #[getter]
    fn line(&self) -> u32 {
        self.0.line
    }

    /// The column of the offending input, counted from 1 in characters.
    #[getter]
    fn column(&self) -> u32 {
        self.0.column
    }

    /// The byte offset of the offending input.
    #[getter]
    fn offset(&self) -> usize {
        self.0.span.start
    }

    /// The length of the offending input in bytes.
    #[getter]
    fn length(&self) -> usize {
        self.0.span.len()
    }

    /// The offending input, with invalid UTF-8 replaced by U+FFFD.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// The one-line description of the problem.
    #[getter]
    fn message(&self) -> String {
        self.0.message()
    }

    /// The one-line suggestion for fixing the input.
    #[getter]
    fn hint(&self) -> String {
        self.0.hint().into_owned()
    }

    /// The JSON path of the value that a report diagnostic is about, or `None`.
    ///
    /// A path looks like "policies[0].summary", and the root object's path is "". Diagnostics
    /// about other inputs than report JSON have `None`.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.0.issue.path()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Diagnostic(severity={}, code={}, line={}, column={})",
            python_repr(py, self.severity())?,
            python_repr(py, self.code())?,
            self.0.line,
            self.0.column
        ))
    }
}

/// A valid MTA-STS policy, as returned by `parse_policy`.
#[pyclass(module = "mtasts", frozen)]
pub(crate) struct Policy(Parsed<sts::Policy>);

impl Policy {
    pub(crate) fn core(&self) -> &sts::Policy {
        &self.0.value
    }
}

impl From<Parsed<sts::Policy>> for Policy {
    fn from(parsed: Parsed<sts::Policy>) -> Policy {
        Policy(parsed)
    }
}

#[pymethods]
impl Policy {
    /// "enforce", "testing" or "none".
    #[getter]
    fn mode(&self) -> &'static str {
        self.0.value.mode().as_str()
    }

    /// The maximum time in seconds a sender may cache the policy. A larger value in the text
    /// was clamped to 31557600 with a "max-age-clamped" warning.
    #[getter]
    fn max_age(&self) -> u32 {
        self.0.value.max_age()
    }

    /// The `mx` patterns in policy order, lower-cased.
    #[getter]
    fn mx(&self) -> Vec<String> {
        self.0
            .value
            .mx()
            .iter()
            .map(|pattern| pattern.as_str().to_owned())
            .collect()
    }

    /// The extension fields as (name, value) pairs in policy order.
    #[getter]
    fn extensions(&self) -> Vec<(String, String)> {
        extension_pairs(self.0.value.extensions())
    }

    /// The warnings found while parsing, in input order.
    #[getter]
    fn warnings(&self) -> Vec<Diagnostic> {
        diagnostics(&self.0.warnings)
    }

    /// Render the policy as canonical text with CRLF line endings.
    fn to_text(&self) -> String {
        self.0.value.to_text()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Policy(mode={}, max_age={}, mx={})",
            python_repr(py, self.mode())?,
            self.max_age(),
            python_repr(py, self.mx())?
        ))
    }
}

/// A valid `_mta-sts` TXT record, as returned by `parse_sts_record`.
#[pyclass(module = "mtasts", frozen)]
#[derive(Clone)]
pub(crate) struct StsRecord(Parsed<sts::StsRecord>);

impl From<Parsed<sts::StsRecord>> for StsRecord {
    fn from(parsed: Parsed<sts::StsRecord>) -> StsRecord {
        StsRecord(parsed)
    }
}

#[pymethods]
impl StsRecord {
    /// The policy id: 1 to 32 ASCII letters and digits.
    #[getter]
    fn id(&self) -> &str {
        self.0.value.id().as_str()
    }

    /// The extension fields as (name, value) pairs in record order.
    #[getter]
    fn extensions(&self) -> Vec<(String, String)> {
        extension_pairs(self.0.value.extensions())
    }

    /// The warnings found while parsing, in input order.
    #[getter]
    fn warnings(&self) -> Vec<Diagnostic> {
        diagnostics(&self.0.warnings)
    }

    /// Render the record as canonical TXT data, such as "v=STSv1; id=20240101;".
    fn __str__(&self) -> String {
        self.0.value.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!("StsRecord(id={})", python_repr(py, self.id())?))
    }
}

/// The conclusion a sender draws from a TXT RRset, as returned by `select_sts_record`.
#[pyclass(module = "mtasts", frozen)]
pub(crate) struct Selection(CoreSelection<sts::StsRecord>);

impl From<CoreSelection<sts::StsRecord>> for Selection {
    fn from(selection: CoreSelection<sts::StsRecord>) -> Selection {
        Selection(selection)
    }
}

#[pymethods]
impl Selection {
    /// "found", "not-found", "multiple" or "invalid".
    ///
    /// "found" means exactly one valid record, "not-found" that no record begins with
    /// "v=STSv1;", "multiple" that more than one does, and "invalid" that exactly one does and
    /// it is invalid.
    #[getter]
    fn status(&self) -> &'static str {
        selection_status(&self.0)
    }

    /// The record when the status is "found", otherwise `None`.
    #[getter]
    fn record(&self) -> Option<StsRecord> {
        match &self.0.discovery {
            Discovery::Found(parsed) => Some(StsRecord(parsed.clone())),
            _ => None,
        }
    }

    /// The number of records that begin with "v=STSv1;".
    #[getter]
    fn count(&self) -> usize {
        selection_count(&self.0)
    }

    /// The diagnostics of the selected record.
    ///
    /// They are its warnings when the status is "found", every error and warning when it is
    /// "invalid", and otherwise none.
    #[getter]
    fn diagnostics(&self) -> Vec<Diagnostic> {
        selection_diagnostics(&self.0)
    }

    /// Discarded records that look like a mistaken attempt at an MTA-STS record.
    ///
    /// Examples are "v=STSv10; id=1" and "V=STSv1; id=1".
    #[getter]
    fn near_misses(&self) -> Vec<String> {
        self.0.near_misses.clone()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Selection(status={}, count={})",
            python_repr(py, self.status())?,
            self.count()
        ))
    }
}

/// A warning about an acceptable Content-Type, as returned by `check_content_type`.
#[pyclass(module = "mtasts", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct ContentTypeWarning(pub(crate) sts::ContentTypeWarning);

#[pymethods]
impl ContentTypeWarning {
    /// The stable code, such as "missing-content-type".
    #[getter]
    fn code(&self) -> &'static str {
        self.0.code()
    }

    /// The one-line description of the warning.
    #[getter]
    fn message(&self) -> String {
        self.0.to_string()
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ContentTypeWarning(code={})",
            python_repr(py, self.code())?
        ))
    }
}

/// Returns the `status` string of a selection, shared by the record kinds.
pub(crate) fn selection_status<T>(selection: &CoreSelection<T>) -> &'static str {
    match &selection.discovery {
        Discovery::Found(_) => "found",
        Discovery::NotFound => "not-found",
        Discovery::Multiple { .. } => "multiple",
        Discovery::Invalid(_) => "invalid",
    }
}

/// Returns the number of records in the RRset that begin with the version tag.
pub(crate) fn selection_count<T>(selection: &CoreSelection<T>) -> usize {
    match &selection.discovery {
        Discovery::NotFound => 0,
        Discovery::Found(_) | Discovery::Invalid(_) => 1,
        Discovery::Multiple { count } => *count,
    }
}

/// Returns the warnings of a found record, or every diagnostic of an invalid one.
pub(crate) fn selection_diagnostics<T>(selection: &CoreSelection<T>) -> Vec<Diagnostic> {
    match &selection.discovery {
        Discovery::Found(parsed) => diagnostics(&parsed.warnings),
        Discovery::Invalid(error) => diagnostics(&error.diagnostics),
        Discovery::NotFound | Discovery::Multiple { .. } => Vec::new(),
    }
}

/// Formats `value` as Python's `repr()` does, so that strings use Python's quoting.
pub(crate) fn python_repr<'py, T>(py: Python<'py>, value: T) -> PyResult<String>
where
    T: IntoPyObject<'py>,
{
    value.into_bound_py_any(py)?.repr()?.extract()
}

pub(crate) fn diagnostics(list: &[mtasts_core::Diagnostic]) -> Vec<Diagnostic> {
    list.iter().cloned().map(Diagnostic).collect()
}

pub(crate) fn extension_pairs(extensions: &[Extension]) -> Vec<(String, String)> {
    extensions
        .iter()
        .map(|extension| (extension.name.clone(), extension.value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns (status, count, record id, diagnostic codes) of the selection from `rrset`.
    fn select(rrset: &[&[&str]]) -> (&'static str, usize, Option<String>, Vec<&'static str>) {
        let selection = Selection::from(sts::StsRecord::select(rrset.iter().copied()));
        let id = selection.record().map(|record| record.id().to_owned());
        let codes = selection
            .diagnostics()
            .iter()
            .map(|diagnostic| diagnostic.code())
            .collect();
        (selection.status(), selection.count(), id, codes)
    }

    #[test]
    fn selection_maps_every_discovery() {
        assert_eq!(select(&[]), ("not-found", 0, None, vec![]));
        assert_eq!(
            select(&[&["v=spf1 -all"], &["v=STSv1 ; id=abc"]]),
            (
                "found",
                1,
                Some("abc".to_owned()),
                vec!["space-before-semicolon"]
            )
        );
        assert_eq!(
            select(&[&["v=STSv1; id=a"], &["v=STSv1; id=b"], &["v=STSv1; id=c"]]),
            ("multiple", 3, None, vec![])
        );
        assert_eq!(
            select(&[&["v=STSv1; id=a-b"]]),
            ("invalid", 1, None, vec!["invalid-id"])
        );
    }
}
