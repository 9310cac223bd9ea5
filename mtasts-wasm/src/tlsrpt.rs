//! The TLS-RPT exports (RFC 8460): the `_smtp._tls` record, one received report, and the
//! summary of many reports.

use mtasts_core::tlsrpt::{
    Aggregate, Aggregator, InputFormat, Limits, NotCounted, ReceivedReport, Report, TlsRptRecord,
};
use mtasts_core::{Diagnostic, Issue, ParseOptions, txt};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{args, split, to_js};

/// The result of [`check_tlsrpt_record`].
#[derive(Debug, Serialize)]
pub struct TlsRptRecordCheck {
    valid: bool,
    diagnostics: Vec<Diagnostic>,
    data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<TlsRptRecord>,
}

/// Parses a `_smtp._tls` record as pasted from `dig` or a zone file: presentation form is
/// decoded first, with a `presentation-form` warning.
pub fn tlsrpt_record_check(text: &str, strict: bool) -> TlsRptRecordCheck {
    let pasted = txt::parse_pasted::<TlsRptRecord>(text, ParseOptions { strict });
    let (valid, diagnostics, record) = split(pasted.result);
    TlsRptRecordCheck {
        valid,
        diagnostics,
        data: String::from_utf8_lossy(&pasted.data).into_owned(),
        record,
    }
}

/// The result of [`check_report`], in the shape of `mtasts check report --json` without its
/// `input` and `kind` members.
#[derive(Debug, Serialize)]
pub struct ReportCheck {
    valid: bool,
    /// `None` (null) when an input error stopped the reading.
    format: Option<Format>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<InputErrorInfo>,
    diagnostics: Vec<ReportDiagnostic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<Report>,
}

/// The form in which a report was received.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Format {
    Json,
    Gzip,
    Email {
        media_type: String,
        file_name: Option<String>,
        compressed: bool,
    },
}

/// The RFC 8460 header fields of the email message that carried the report.
#[derive(Debug, Serialize)]
struct Email {
    tls_report_domain: Option<String>,
    tls_report_submitter: Option<String>,
    subject: Option<String>,
}

/// The input error that stopped the input from being read as a report.
#[derive(Debug, Serialize)]
struct InputErrorInfo {
    code: &'static str,
    message: String,
}

/// A diagnostic with what its position refers to: `message` for the input bytes, `report` for
/// the report JSON.
#[derive(Debug, Serialize)]
struct ReportDiagnostic {
    #[serde(flatten)]
    diagnostic: Diagnostic,
    source: &'static str,
}

/// Reads a report from the bytes received (JSON, gzip or an email message) under the core's
/// default [`Limits`], and reports the verdict, the format and every diagnostic.
pub fn report_check(input: &[u8], strict: bool) -> ReportCheck {
    let received = match ReceivedReport::read(input, ParseOptions { strict }, &Limits::default()) {
        Ok(received) => received,
        Err(error) => {
            return ReportCheck {
                valid: false,
                format: None,
                email: None,
                error: Some(InputErrorInfo {
                    code: error.code(),
                    message: error.to_string(),
                }),
                diagnostics: Vec::new(),
                report: None,
            };
        }
    };
    let valid = received.is_valid();
    let format = match received.format {
        InputFormat::Json => Format::Json,
        InputFormat::Gzip => Format::Gzip,
        InputFormat::Email {
            media_type,
            file_name,
            compressed,
        } => Format::Email {
            media_type,
            file_name,
            compressed,
        },
    };
    let email = received.email.map(|email| Email {
        tls_report_domain: email.report_domain,
        tls_report_submitter: email.submitter,
        subject: email.subject,
    });
    let (_, report_diagnostics, report) = split(received.report);
    let mut diagnostics = Vec::new();
    for (source, list) in [
        ("message", received.message_diagnostics),
        ("report", report_diagnostics),
    ] {
        diagnostics.extend(
            list.into_iter()
                .map(|diagnostic| ReportDiagnostic { diagnostic, source }),
        );
    }
    ReportCheck {
        valid,
        format: Some(format),
        email,
        error: None,
        diagnostics,
        // A report whose email message has an error (strict only) is not valid, so it is left
        // out like one whose JSON is rejected.
        report: report.filter(|_| valid),
    }
}

/// The result of [`summarize`]: the aggregate in the JSON of `mtasts report summarize --json`,
/// and the inputs that were not counted.
#[derive(Debug, Serialize)]
pub struct Summary {
    #[serde(flatten)]
    aggregate: Aggregate,
    errors: Vec<SummaryError>,
}

/// An input of [`summarize`] that was not counted.
#[derive(Debug, Serialize)]
struct SummaryError {
    /// Position of the input in the array, counted from 0.
    index: usize,
    code: &'static str,
    message: String,
}

/// Summarizes reports per policy domain, policy type and UTC day. A report that cannot be read,
/// or is invalid, is listed in `errors` by its position and not counted.
pub fn summary<B: AsRef<[u8]>>(reports: impl IntoIterator<Item = B>, strict: bool) -> Summary {
    let options = ParseOptions { strict };
    let mut aggregator = Aggregator::new();
    let mut errors = Vec::new();
    for (index, bytes) in reports.into_iter().enumerate() {
        match ReceivedReport::read_countable(bytes.as_ref(), options, &Limits::default()) {
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
    Summary {
        aggregate: aggregator.aggregate(),
        errors,
    }
}

/// Checks an `_smtp._tls` TXT record, decoding text pasted from `dig` or a zone file. With
/// `strict`, every warning is an error.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(js_name = checkTlsrptRecord, unchecked_return_type = "TlsRptRecordCheck")]
pub fn check_tlsrpt_record(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] strict: JsValue,
) -> Result<JsValue, JsValue> {
    let text = args::string("text", &text)?;
    let strict = args::optional_bool("strict", &strict)?;
    to_js(&tlsrpt_record_check(&text, strict))
}

/// Checks a TLS-RPT report as received: report JSON, gzip-compressed JSON, or an email message
/// that carries either. With `strict`, every warning is an error.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(js_name = checkReport, unchecked_return_type = "ReportCheck")]
pub fn check_report(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] strict: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = args::bytes("bytes", &bytes)?;
    let strict = args::optional_bool("strict", &strict)?;
    to_js(&report_check(&bytes, strict))
}

/// Summarizes TLS-RPT reports, each given as the bytes received, per policy domain, policy
/// type and UTC day. With `strict`, a report with any warning is not counted.
/// Throws a `TypeError` when an argument does not have its declared type.
#[wasm_bindgen(unchecked_return_type = "Summary")]
pub fn summarize(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] reports: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] strict: JsValue,
) -> Result<JsValue, JsValue> {
    let reports = args::uint8_array_list("reports", &reports)?;
    let strict = args::optional_bool("strict", &strict)?;
    // Each array is copied into wasm memory only when its turn comes. A copy that fails (a
    // detached buffer) stops the summary, and its error is thrown.
    let mut copy_error = None;
    let copies = reports.iter().enumerate().map_while(|(index, report)| {
        args::bytes(&format!("reports[{index}]"), &report)
            .map_err(|error| copy_error = Some(error))
            .ok()
    });
    let summary = summary(copies, strict);
    match copy_error {
        Some(error) => Err(error),
        None => to_js(&summary),
    }
}

/// Returns every code a diagnostic can carry, sorted and without repeats.
#[wasm_bindgen(js_name = diagnosticCodes, unchecked_return_type = "DiagnosticCode[]")]
pub fn diagnostic_codes() -> Vec<String> {
    Issue::all_codes().into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use mtasts_core::tlsrpt::InputError;
    use serde_json::json;

    use super::*;
    use crate::TYPESCRIPT;

    const RFC_REPORT: &str = include_str!("../../testdata/corpus/report-rfc8460-example.json");

    /// Returns the string literals of the union that `types.d.ts` declares as `export type
    /// {name} = ...;`.
    fn union_literals(name: &str) -> BTreeSet<&'static str> {
        let start = TYPESCRIPT
            .find(&format!("export type {name} ="))
            .unwrap_or_else(|| panic!("type {name} not found in types.d.ts"));
        let body = &TYPESCRIPT[start..];
        let end = body.find(';').expect("the type ends with ;");
        body[..end].split('"').skip(1).step_by(2).collect()
    }

    #[test]
    fn typescript_codes_equal_core_codes() {
        let core: BTreeSet<_> = Issue::all_codes().into_iter().collect();
        assert_eq!(union_literals("DiagnosticCode"), core);
        let input: BTreeSet<_> = InputError::CODES.iter().copied().collect();
        assert_eq!(union_literals("ReportInputErrorCode"), input);
    }

    #[test]
    fn report_check_valid_json() {
        let value = serde_json::to_value(report_check(RFC_REPORT.as_bytes(), false)).unwrap();
        assert_eq!(value["valid"], json!(true));
        assert_eq!(value["format"], json!({"type": "json"}));
        assert!(value.get("email").is_none());
        assert!(value.get("error").is_none());
        assert_eq!(value["diagnostics"][0]["source"], json!("report"));
        assert_eq!(
            value["diagnostics"][0]["path"],
            json!("policies[0].policy.mx-host")
        );
        assert_eq!(value["report"]["organization-name"], json!("Company-X"));
    }

    #[test]
    fn report_check_strict_drops_report() {
        let value = serde_json::to_value(report_check(RFC_REPORT.as_bytes(), true)).unwrap();
        assert_eq!(value["valid"], json!(false));
        assert_eq!(value["diagnostics"][0]["severity"], json!("error"));
        assert!(value.get("report").is_none());
    }

    #[test]
    fn report_check_input_error_has_null_format() {
        let value = serde_json::to_value(report_check(b"\x1f\x8bx", false)).unwrap();
        assert_eq!(value["format"], json!(null));
        assert_eq!(value["error"]["code"], json!("invalid-gzip"));
        assert_eq!(value["diagnostics"], json!([]));
    }

    #[test]
    fn summary_flattens_aggregate_and_errors() {
        let reports: [&[u8]; 3] = [RFC_REPORT.as_bytes(), b"[]", RFC_REPORT.as_bytes()];
        let value = serde_json::to_value(summary(reports, false)).unwrap();
        assert_eq!(value["reports"], json!(1));
        assert_eq!(value["duplicate_reports"], json!(1));
        assert_eq!(value["errors"][0]["index"], json!(1));
        assert_eq!(value["errors"][0]["code"], json!("invalid-type"));
        assert_eq!(
            value["domains"][0]["total"]["successful_sessions"],
            json!(5326)
        );
    }

    #[test]
    fn tlsrpt_record_check_plain_text() {
        let check = tlsrpt_record_check("v=TLSRPTv1; rua=mailto:a@example.com", false);
        assert!(check.valid);
        assert!(check.diagnostics.is_empty());
        assert_eq!(check.data, "v=TLSRPTv1; rua=mailto:a@example.com");
    }
}
