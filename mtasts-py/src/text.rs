//! The `str | bytes` arguments of the parsers.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};

/// Input text given as `str` (parsed as its UTF-8 encoding) or as `bytes`, passed through
/// unchanged so that the core reports invalid UTF-8 at its offset.
pub(crate) enum Text {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl AsRef<[u8]> for Text {
    fn as_ref(&self) -> &[u8] {
        match self {
            Text::Str(text) => text.as_bytes(),
            Text::Bytes(bytes) => bytes,
        }
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Text {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Text> {
        if let Ok(text) = object.extract::<PyBackedStr>() {
            return Ok(Text::Str(text));
        }
        if let Ok(bytes) = object.extract::<PyBackedBytes>() {
            return Ok(Text::Bytes(bytes));
        }
        let type_name = object.get_type().name()?;
        Err(PyTypeError::new_err(format!(
            "expected str or bytes, found {type_name}"
        )))
    }
}
