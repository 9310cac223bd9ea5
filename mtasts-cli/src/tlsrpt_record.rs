//! `mtasts check tlsrpt-record`: validates the text of an `_smtp._tls` TXT record
//! (RFC 8460 §3). The output has the shape of `mtasts check sts-record`.

use std::ffi::OsString;
use std::path::Path;

use mtasts_core::ParseOptions;
use mtasts_core::tlsrpt::TlsRptRecord;
use mtasts_core::txt::{self, Pasted, TxtRecord};
use serde_json::json;

use crate::{
    OutputArgs, Verdict, diagnostics_text, print_json, print_text, read_input, split, summary_line,
    verdict_of,
};

/// Validates `text`, or standard input for `-`, prints the diagnostics and the record, and
/// returns the verdict.
pub(crate) fn check(text: OsString, output: OutputArgs) -> Result<Verdict, String> {
    let data = record_data(text)?;
    let pasted = parse_record::<TlsRptRecord>(data, output.parse_options());
    let verdict = verdict_of(&pasted.result);
    let (diagnostics, record) = split(&pasted.result);
    if output.json {
        print_json(&json!({
            "kind": "tlsrpt-record",
            "data": String::from_utf8_lossy(&pasted.data),
            "valid": verdict == Verdict::Valid,
            "diagnostics": diagnostics,
            "record": record,
        }))?;
        return Ok(verdict);
    }
    let mut out = diagnostics_text(&pasted.result, &pasted.data, "<record>");
    out.push_str(&summary_line(
        "record",
        "TLS-RPT record",
        verdict,
        diagnostics,
    ));
    if let Some(record) = record {
        describe_record(&mut out, record);
    }
    print_text(&out)?;
    Ok(verdict)
}

/// Returns the record text from the command line, or standard input without the line endings
/// at its end for `-`. Line endings there come from the file or the shell, not the record.
pub(crate) fn record_data(text: OsString) -> Result<Vec<u8>, String> {
    if text != "-" {
        return Ok(text.into_encoded_bytes());
    }
    let (mut bytes, _) = read_input(Path::new("-"))?;
    while let Some(b'\n' | b'\r') = bytes.last() {
        bytes.pop();
    }
    Ok(bytes)
}

/// Parses record text as pasted: UTF-8 text in zone-file presentation form is decoded first,
/// and text that is not UTF-8 is parsed as it is so that the diagnostics point at the bad byte.
fn parse_record<T: TxtRecord>(data: Vec<u8>, options: ParseOptions) -> Pasted<T> {
    match std::str::from_utf8(&data) {
        Ok(text) => txt::parse_pasted::<T>(text, options),
        Err(_) => Pasted {
            result: T::parse_with(&data, options),
            data,
        },
    }
}

fn describe_record(out: &mut String, record: &TlsRptRecord) {
    for (i, rua) in record.rua().iter().enumerate() {
        let label = if i == 0 { "rua" } else { "" };
        out.push_str(&format!("  {label:7}  {rua}\n"));
    }
    for extension in record.extensions() {
        out.push_str(&format!(
            "  {}={} (extension)\n",
            extension.name, extension.value
        ));
    }
}
