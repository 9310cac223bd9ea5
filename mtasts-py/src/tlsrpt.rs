//! The TLS-RPT functions (RFC 8460) and the classes they return: the `_smtp._tls` record, a
//! received report and the summary of many reports.

use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::PyDict;
use serde::Serialize;

use mtasts_core::tlsrpt::{
    self, Aggregator, EmailHeaders, InputFormat, Limits, NotCounted,
    ReceivedReport as CoreReceivedReport, Report, Rua,
};
use mtasts_core::txt::{Discovery, Selection as CoreSelection};
use mtasts_core::{ParseError as CoreParseError, ParseOptions, Parsed};

use crate::errors;
use crate::text::{Text, parse_record, truth_value};
use crate::types::{
    Diagnostic, diagnostics, extension_pairs, python_repr, selection_count, selection_diagnostics,
    selection_status,
};

/// A valid `_smtp._tls` TXT record, as returned by `parse_tlsrpt_record`.
#[pyclass(module = "mtasts", frozen)]
#[derive(Clone)]
pub(crate) struct TlsRptRecord(Parsed<tlsrpt::TlsRptRecord>);

#[pymethods]
impl TlsRptRecord {
    /// The report destinations in record order, at least one. Each is a dict: {"scheme":
    /// "mailto", "address": ...} with the address percent-decoded, or {"scheme": "https",
    /// "uri": ...} with the URI as written.
    #[getter]
    fn rua<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.0
            .value
            .rua()
            .iter()
            .map(|rua| rua_dict(py, rua))
            .collect()
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

    /// Render the record as canonical TXT data, such as "v=TLSRPTv1; rua=mailto:a@example.com;".
    fn __str__(&self) -> String {
        self.0.value.to_string()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let uris: Vec<String> = self.0.value.rua().iter().map(Rua::to_string).collect();
        Ok(format!("TlsRptRecord(rua={})", python_repr(py, uris)?))
    }
}

fn rua_dict<'py>(py: Python<'py>, rua: &Rua) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    match rua {
        Rua::Mailto { address } => {
            dict.set_item("scheme", "mailto")?;
            dict.set_item("address", address.as_str())?;
        }
        Rua::Https { uri } => {
            dict.set_item("scheme", "https")?;
            dict.set_item("uri", uri.as_str())?;
        }
        // `Rua` is non-exhaustive: a destination kind added to the core needs a dict shape
        // here and in mtasts.pyi before the module can return it.
        other => {
            return Err(PyRuntimeError::new_err(format!(
                "mtasts-py cannot represent the rua destination {other}: update the bindings"
            )));
        }
    }
    Ok(dict)
}

/// The conclusion a sender draws from a TXT RRset, as returned by `select_tlsrpt_record`.
#[pyclass(module = "mtasts", frozen)]
pub(crate) struct TlsRptSelection(CoreSelection<tlsrpt::TlsRptRecord>);

#[pymethods]
impl TlsRptSelection {
    /// "found", "not-found", "multiple" or "invalid".
    ///
    /// "found" means exactly one valid record, "not-found" that no record begins with
    /// "v=TLSRPTv1;", "multiple" that more than one does, and "invalid" that exactly one does
    /// and it is invalid.
    #[getter]
    fn status(&self) -> &'static str {
        selection_status(&self.0)
    }

    /// The record when the status is "found", otherwise `None`.
    #[getter]
    fn record(&self) -> Option<TlsRptRecord> {
        match &self.0.discovery {
            Discovery::Found(parsed) => Some(TlsRptRecord(parsed.clone())),
            _ => None,
        }
    }

    /// The number of records that begin with "v=TLSRPTv1;".
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

    /// Discarded records that look like a mistaken attempt at a TLS-RPT record.
    ///
    /// Examples are "v=TLSRPTv10; rua=..." and "V=TLSRPTv1; rua=...".
    #[getter]
    fn near_misses(&self) -> Vec<String> {
        self.0.near_misses.clone()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "TlsRptSelection(status={}, count={})",
            python_repr(py, self.status())?,
            self.count()
        ))
    }
}

/// A valid TLS-RPT report read from received bytes, as returned by `read_report`.
#[pyclass(module = "mtasts", frozen)]
pub(crate) struct ReceivedReport {
    format: InputFormat,
    email: Option<EmailHeaders>,
    message_warnings: Vec<mtasts_core::Diagnostic>,
    json: Vec<u8>,
    report: Parsed<Report>,
}

#[pymethods]
impl ReceivedReport {
    /// The form the report was received in: "json", "gzip" or "email".
    ///
    /// "gzip" is gzip-compressed JSON, and "email" is an email message with the report in one
    /// of its parts.
    #[getter]
    fn format(&self) -> &'static str {
        match self.format {
            InputFormat::Json => "json",
            InputFormat::Gzip => "gzip",
            InputFormat::Email { .. } => "email",
        }
    }

    /// Whether the report JSON was gzip-compressed, in the input or in the email's part.
    #[getter]
    fn compressed(&self) -> bool {
        match &self.format {
            InputFormat::Json => false,
            InputFormat::Gzip => true,
            InputFormat::Email { compressed, .. } => *compressed,
        }
    }

    /// The lower-cased media type of the email part that carried the report, or `None`.
    ///
    /// A media type looks like "application/tlsrpt+gzip". It is `None` when the input was not
    /// an email.
    #[getter]
    fn media_type(&self) -> Option<&str> {
        match &self.format {
            InputFormat::Email { media_type, .. } => Some(media_type),
            _ => None,
        }
    }

    /// The file name of the email part that carried the report, or `None`.
    #[getter]
    fn file_name(&self) -> Option<&str> {
        match &self.format {
            InputFormat::Email { file_name, .. } => file_name.as_deref(),
            _ => None,
        }
    }

    /// The email's TLS-Report-Domain header field, or `None`.
    #[getter]
    fn report_domain(&self) -> Option<&str> {
        self.email.as_ref()?.report_domain.as_deref()
    }

    /// The email's TLS-Report-Submitter header field, or `None`.
    #[getter]
    fn submitter(&self) -> Option<&str> {
        self.email.as_ref()?.submitter.as_deref()
    }

    /// The email's Subject header field, or `None`.
    #[getter]
    fn subject(&self) -> Option<&str> {
        self.email.as_ref()?.subject.as_deref()
    }

    /// The report JSON as received, decompressed or taken out of the email. The positions of
    /// `warnings` refer to it.
    #[getter]
    fn json(&self) -> &[u8] {
        &self.json
    }

    /// The report as conformant JSON (RFC 8460 section 4), loaded into dicts and lists.
    ///
    /// The core renders the JSON, and the keys are its member names, such as
    /// "organization-name".
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_loads(py, &self.report.value.to_json())
    }

    /// Warnings about the report JSON, in input order. Each names its JSON path in `path`.
    #[getter]
    fn warnings(&self) -> Vec<Diagnostic> {
        diagnostics(&self.report.warnings)
    }

    /// Warnings about the email message or the part's file name, positioned in the input.
    #[getter]
    fn message_warnings(&self) -> Vec<Diagnostic> {
        diagnostics(&self.message_warnings)
    }

    /// Render the report as conformant JSON on one line.
    fn to_json(&self) -> String {
        self.report.value.to_json()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ReceivedReport(format={}, organization_name={}, report_id={})",
            python_repr(py, self.format())?,
            python_repr(py, &self.report.value.organization_name)?,
            python_repr(py, &self.report.value.report_id)?
        ))
    }
}

/// Parse one `_smtp._tls` TXT record, given as pasted text (`str`) or record data (`bytes`).
///
/// A `str` is read as the CLI reads its argument. Text pasted from `dig` or a zone file, such
/// as `"v=TLSRPTv1; rua=mailto:" "tlsrpt@example.com"`, is decoded first, with a
/// "presentation-form" warning whose `text` is the decoded data. The positions of all
/// diagnostics then refer to that data.
///
/// `bytes` are the record's character-strings joined, as a resolver returns them, and are
/// parsed unchanged.
///
/// With a true `strict`, read as `bool(strict)`, every warning is an error. Raises `ParseError`
/// when the text is not a TLS-RPT record or is invalid, and UnicodeEncodeError when a `str`
/// contains a lone surrogate.
#[pyfunction]
#[pyo3(signature = (text, strict = false))]
pub(crate) fn parse_tlsrpt_record(
    py: Python<'_>,
    text: Text,
    #[pyo3(from_py_with = truth_value)] strict: bool,
) -> PyResult<TlsRptRecord> {
    parse_record::<tlsrpt::TlsRptRecord>(&text, ParseOptions { strict })
        .map(TlsRptRecord)
        .map_err(|error| errors::to_py_parse_error(py, error))
}

/// Select the `_smtp._tls` record from a whole TXT RRset, as a sender must (RFC 8460 §3).
///
/// Each item of `rrset` is one resource record given as its list of character-strings, which
/// are joined without separators.
#[pyfunction]
pub(crate) fn select_tlsrpt_record(rrset: Vec<Vec<Text>>) -> TlsRptSelection {
    TlsRptSelection(tlsrpt::TlsRptRecord::select(rrset))
}

/// Read a TLS-RPT report from received bytes: JSON, gzip-compressed JSON or an email.
///
/// The form is detected from the content, and an email carries the JSON or gzip data in one of
/// its parts. The core's default limits apply: 16 MiB of input and 64 MiB of decompressed JSON.
///
/// With a true `strict`, read as `bool(strict)`, every warning, about the JSON or the email, is
/// an error. Raises `ReportInputError` when the input breaks a limit, its gzip data does not
/// decompress or an email has no report part, and `ParseError` when the report is invalid. The
/// diagnostics of a `ParseError` list the email's first, positioned in `data`, then the
/// JSON's, positioned in the report JSON.
#[pyfunction]
#[pyo3(signature = (data, strict = false))]
pub(crate) fn read_report(
    py: Python<'_>,
    data: PyBackedBytes,
    #[pyo3(from_py_with = truth_value)] strict: bool,
) -> PyResult<ReceivedReport> {
    let received = CoreReceivedReport::read(&data, ParseOptions { strict }, &Limits::default())
        .map_err(|error| errors::to_py_input_error(py, error))?;
    let message_has_error = received.message_diagnostics.iter().any(|d| d.is_error());
    match received.report {
        Ok(report) if !message_has_error => Ok(ReceivedReport {
            format: received.format,
            email: received.email,
            message_warnings: received.message_diagnostics,
            json: received.json.into_owned(),
            report,
        }),
        result => {
            let mut all = received.message_diagnostics;
            match result {
                Ok(parsed) => all.extend(parsed.warnings),
                Err(error) => all.extend(error.diagnostics),
            }
            let error = CoreParseError { diagnostics: all };
            Err(errors::to_py_parse_error(py, error))
        }
    }
}

/// An input of `summarize` that could not be counted.
#[derive(Serialize)]
struct SummaryError {
    /// Position of the input in the iterable, counted from 0.
    index: usize,
    code: &'static str,
    message: String,
}

/// The output of `summarize`: the aggregate's JSON, then every input that was not counted.
#[derive(Serialize)]
struct SummaryOutput<'a> {
    #[serde(flatten)]
    aggregate: &'a tlsrpt::Aggregate,
    errors: &'a [SummaryError],
}

/// Summarize TLS-RPT reports per policy domain, policy type and UTC day.
///
/// The counting is that of the CLI's `mtasts report summarize --json`. Each item of `reports`
/// is one report as received (JSON, gzip or email), read like `read_report`, with the same
/// `strict`. Returns the summary as a dict of the CLI's JSON shape, except that each entry of
/// "errors" names the item by its position, as {"index", "code", "message"}, instead of a
/// file. A report with the organisation and report-id of one already counted is counted once,
/// in "duplicate_reports".
#[pyfunction]
#[pyo3(signature = (reports, strict = false))]
pub(crate) fn summarize<'py>(
    py: Python<'py>,
    reports: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = truth_value)] strict: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let options = ParseOptions { strict };
    let mut aggregator = Aggregator::new();
    let mut errors = Vec::new();
    for (index, item) in reports.try_iter()?.enumerate() {
        let item = item?;
        let bytes: PyBackedBytes = item.extract().map_err(|_| {
            let type_name = item
                .get_type()
                .name()
                .map_or_else(|_| "?".to_owned(), |name| name.to_string());
            PyTypeError::new_err(format!(
                "reports[{index}]: expected bytes, found {type_name}"
            ))
        })?;
        match CoreReceivedReport::read_countable(&bytes, options, &Limits::default()) {
            // A duplicate is counted in the aggregate's duplicate_reports.
            Ok(report) => {
                let _ = aggregator.add(&report);
            }
            Err(NotCounted { code, message }) => errors.push(SummaryError {
                index,
                code,
                message,
            }),
        }
    }
    let output = SummaryOutput {
        aggregate: &aggregator.aggregate(),
        errors: &errors,
    };
    let json = serde_json::to_string(&output).map_err(|error| {
        PyRuntimeError::new_err(format!("failed to write the summary: {error}"))
    })?;
    json_loads(py, &json)
}

/// Loads JSON text with Python's json module, so that objects become dicts in member order.
fn json_loads<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (json,))
}
