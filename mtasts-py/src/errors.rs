//! The exceptions the module raises.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::types::Diagnostic;

pyo3::create_exception!(
    mtasts,
    ContentTypeError,
    PyValueError,
    "Raised by check_content_type when a policy response is not served as text/plain."
);

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
    let exception = match Bound::new(py, value) {
        Ok(exception) => exception,
        Err(error) => return error,
    };
    // A class built from Rust skips BaseException.__init__, so `args` (and with it `str()`) is
    // set here.
    if let Err(error) = exception.setattr("args", (message,)) {
        return error;
    }
    PyErr::from_value(exception.into_any())
}
