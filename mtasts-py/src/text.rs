//! The conversions of arguments: `str | bytes` input text, `str` arguments that must be valid
//! UTF-8, and the `strict` flag.

use std::ops::Deref;

use pyo3::exceptions::{PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::PyString;

use mtasts_core::txt::{self, TxtRecord};
use mtasts_core::{ParseError, ParseOptions, Parsed};

/// The `reason` of the UnicodeEncodeError raised for a `str` that UTF-8 cannot encode. Python's
/// own reason, "surrogates not allowed", does not say that the str is the problem.
const SURROGATE_REASON: &str = "the str contains a lone surrogate, which is not valid UTF-8";

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
        if let Ok(text) = object.cast::<PyString>() {
            return utf8(text).map(Text::Str);
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

/// Parses one TXT record of kind `T`. A `str` is read as the CLI reads pasted text, so
/// zone-file presentation form is decoded first, with a `presentation-form` warning. `bytes` are
/// the record data as a resolver returns it, parsed unchanged.
pub(crate) fn parse_record<T: TxtRecord>(
    text: &Text,
    options: ParseOptions,
) -> Result<Parsed<T>, ParseError> {
    match text {
        Text::Str(text) => txt::parse_pasted::<T>(text, options).result,
        Text::Bytes(bytes) => T::parse_with(bytes, options),
    }
}

/// A `str` argument, which must be valid UTF-8. One with a lone surrogate raises the same
/// UnicodeEncodeError as a `str` given as `Text`.
pub(crate) struct Utf8Str(PyBackedStr);

impl Deref for Utf8Str {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for Utf8Str {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Utf8Str> {
        utf8(object.cast::<PyString>()?).map(Utf8Str)
    }
}

/// Encodes `text` as UTF-8. The only `str` that UTF-8 cannot encode is one with a lone
/// surrogate (U+D800 to U+DFFF), such as `os.fsdecode` makes of bytes that are not UTF-8.
fn utf8(text: Borrowed<'_, '_, PyString>) -> PyResult<PyBackedStr> {
    PyBackedStr::try_from(text.to_owned()).map_err(|error| surrogate_error(text, error))
}

/// Replaces Python's UnicodeEncodeError for `text` by one with the same encoding, object, start
/// and end, so that `str(error)` still names the character and its position, and with
/// `SURROGATE_REASON` as its reason. Other errors, such as MemoryError, pass unchanged.
fn surrogate_error(text: Borrowed<'_, '_, PyString>, error: PyErr) -> PyErr {
    let py = text.py();
    if !error.is_instance_of::<PyUnicodeEncodeError>(py) {
        return error;
    }
    let value = error.value(py);
    let range = (value.getattr("start"), value.getattr("end"));
    let (Ok(start), Ok(end)) = range else {
        return error;
    };
    PyUnicodeEncodeError::new_err((
        "utf-8",
        text.to_owned().unbind(),
        start.unbind(),
        end.unbind(),
        SURROGATE_REASON,
    ))
}

/// Reads the `strict` argument by its truth value, as `bool(strict)` does, so that 0 and 1 are
/// accepted like False and True.
pub(crate) fn truth_value(object: &Bound<'_, PyAny>) -> PyResult<bool> {
    object.is_truthy()
}
