//! The exceptions the module raises.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::types::Diagnostic;

/// Raised by check_content_type when a policy response is not served as text/plain.
///
/// `code` is "not-text-plain" or "malformed-content-type".
#[pyclass(extends = PyValueError, module = "mtasts", frozen)]
pub(crate) struct ContentTypeError {
    code: &'static str,
}

#[pymethods]
impl ContentTypeError {
    /// The stable code of the error, such as "not-text-plain".
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }
}

/// Raised by read_report when the input cannot be read as a report at all.
///
/// That is the case when the input breaks a size limit, its gzip data does not decompress, or
/// an email message has no report part.
///
/// `code` is the stable code of the error, such as "invalid-gzip". Problems in the report JSON
/// raise `ParseError` instead.
#[pyclass(extends = PyValueError, module = "mtasts", frozen)]
pub(crate) struct ReportInputError {
    code: &'static str,
    is_limit: bool,
}

#[pymethods]
impl ReportInputError {
    /// The stable code of the error, such as "input-too-large" or "invalid-gzip".
    #[getter]
    fn code(&self) -> &'static str {
        self.code
    }

    /// Whether the input broke a size limit, rather than being malformed.
    #[getter]
    fn is_limit(&self) -> bool {
        self.is_limit
    }
}

/// Raised when a parser rejects its input.
///
/// `code`, `line` and `column` describe the first error, and `diagnostics` lists every error and
/// warning found, in input order. `str(error)` is the first error as
/// `line:column: error[code]: message`.
#[pyclass(extends = PyValueError, module = "mtasts", frozen)]
pub(crate) struct ParseError {
    first: mtasts_core::Diagnostic,
    diagnostics: Vec<mtasts_core::Diagnostic>,
}

#[pymethods]
impl ParseError {
    /// The stable code of the first error, such as "invalid-max-age".
    #[getter]
    fn code(&self) -> &'static str {
        self.first.code()
    }

    /// The line of the first error, counted from 1.
    #[getter]
    fn line(&self) -> u32 {
        self.first.line
    }

    /// The column of the first error, counted from 1 in characters.
    #[getter]
    fn column(&self) -> u32 {
        self.first.column
    }

    /// Every diagnostic, errors and warnings, in input order.
    #[getter]
    fn diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics.iter().cloned().map(Diagnostic).collect()
    }
}

/// Converts a rejection by the core into a raised `mtasts.ParseError`.
pub(crate) fn to_py_parse_error(py: Python<'_>, error: mtasts_core::ParseError) -> PyErr {
    // The core guarantees at least one error in a ParseError, so the fallback is unreachable
    // unless that contract breaks.
    let Some(first) = error.first_error().cloned() else {
        return PyRuntimeError::new_err(format!(
            "parser rejected the input without an error diagnostic: {error}"
        ));
    };
    let message = error.to_string();
    let value = ParseError {
        first,
        diagnostics: error.diagnostics,
    };
    exception_with_message(py, value, message)
}

/// Converts a content type that rules a policy response out into `mtasts.ContentTypeError`.
pub(crate) fn to_py_content_type_error(
    py: Python<'_>,
    error: mtasts_core::sts::ContentTypeError,
) -> PyErr {
    let value = ContentTypeError { code: error.code() };
    exception_with_message(py, value, error.to_string())
}

/// Converts input that cannot be read as a report into `mtasts.ReportInputError`.
pub(crate) fn to_py_input_error(py: Python<'_>, error: mtasts_core::tlsrpt::InputError) -> PyErr {
    let value = ReportInputError {
        code: error.code(),
        is_limit: error.is_limit(),
    };
    exception_with_message(py, value, error.to_string())
}

/// Creates the exception object and sets its message. A class built from Rust skips
/// BaseException.__init__, so `args` (and with it `str()`) is set here.
fn exception_with_message<T>(py: Python<'_>, value: T, message: String) -> PyErr
where
    T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>,
{
    let exception = match Bound::new(py, value) {
        Ok(exception) => exception.into_any(),
        Err(error) => return error,
    };
    if let Err(error) = exception.setattr("args", (message,)) {
        return error;
    }
    PyErr::from_value(exception)
}
