//! `mtasts check report`: validates one TLS-RPT report (RFC 8460) as received: report JSON,
//! gzip-compressed JSON, or an email message that carries either.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use mtasts_core::tlsrpt::{
    InputError, InputFormat, Limits, PolicyResult, ReceivedReport, Report, ResultType,
};
use mtasts_core::{Diagnostic, ParseError, Parsed};
use serde_json::{Value, json};

use crate::{OutputArgs, Verdict, print_json, print_text, printable, render, summary_line};

const WHAT: &str = "TLS-RPT report";

/// Validates the report in `path`, or in standard input for `-`, and prints the diagnostics and
/// a summary of the report.
pub(crate) fn check_report(path: &Path, output: OutputArgs) -> Result<Verdict, String> {
    let limits = Limits::default();
    let (input, origin) = read_limited(path, limits.max_input_size)?;
    let received = match ReceivedReport::read(&input, output.parse_options(), &limits) {
        Ok(received) => received,
        // The file's size is a limit of this tool's reading. What the gzip data inflates to is
        // a property of the report, so a bomb makes it invalid, like corrupt gzip data.
        Err(error @ InputError::InputTooLarge { .. }) => {
            return Err(format!("cannot read {origin}: {error}"));
        }
        Err(error) => {
            print_input_error(&error, &origin, output.json)?;
            return Ok(Verdict::Invalid);
        }
    };
    let verdict = if received.is_valid() {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    let (report_diagnostics, report) = split(&received.report);
    if output.json {
        print_json(&json_output(&received, &origin, verdict))?;
        return Ok(verdict);
    }

    let mut out = String::new();
    for diagnostic in &received.message_diagnostics {
        render::diagnostic(&mut out, diagnostic, &input, &origin);
        out.push('\n');
    }
    let json_origin = json_origin(&received.format, &origin);
    for diagnostic in report_diagnostics {
        render::diagnostic(&mut out, diagnostic, &received.json, &json_origin);
        out.push('\n');
    }
    let all: Vec<Diagnostic> = received
        .message_diagnostics
        .iter()
        .chain(report_diagnostics)
        .cloned()
        .collect();
    out.push_str(&summary_line(&origin, WHAT, verdict, &all));
    describe_input(&mut out, &received);
    if let Some(report) = report {
        describe_report(&mut out, report);
    }
    print_text(&out)?;
    Ok(verdict)
}

/// Reads a file, or standard input for `-`, refusing more than `limit` bytes.
fn read_limited(path: &Path, limit: usize) -> Result<(Vec<u8>, String), String> {
    let stdin = path == Path::new("-");
    let origin = if stdin {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let cannot_read = |e: io::Error| format!("cannot read {origin}: {e}");
    let reader: Box<dyn Read> = if stdin {
        Box::new(io::stdin().lock())
    } else {
        let file = File::open(path).map_err(cannot_read)?;
        if let Ok(metadata) = file.metadata()
            && metadata.is_file()
            && metadata.len() > limit as u64
        {
            let error = InputError::InputTooLarge {
                size: usize::try_from(metadata.len()).unwrap_or(usize::MAX),
                limit,
            };
            return Err(format!("cannot read {origin}: {error}"));
        }
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() > limit {
        return Err(format!(
            "cannot read {origin}: input exceeds the limit of {limit} bytes"
        ));
    }
    Ok((bytes, origin))
}

fn split(result: &Result<Parsed<Report>, ParseError>) -> (&[Diagnostic], Option<&Report>) {
    match result {
        Ok(parsed) => (&parsed.warnings, Some(&parsed.value)),
        Err(error) => (&error.diagnostics, None),
    }
}

/// Names the JSON text in diagnostics: the file itself, or what was taken out of it.
fn json_origin(format: &InputFormat, origin: &str) -> String {
    match format {
        InputFormat::Json => origin.to_owned(),
        InputFormat::Gzip => format!("{origin} (decompressed)"),
        InputFormat::Email { .. } => format!("{origin} (report part)"),
    }
}

/// Prints an input that is not a report at all, such as corrupt gzip data.
fn print_input_error(error: &InputError, origin: &str, json: bool) -> Result<(), String> {
    if json {
        return print_json(&json!({
            "input": origin,
            "kind": "tlsrpt-report",
            "valid": false,
            "error": {"code": error.code(), "message": error.to_string()},
            "diagnostics": [],
            "report": null,
        }));
    }
    let mut out = format!("error[{}]: {error}\n", error.code());
    let _ = writeln!(out, "{origin}: invalid {WHAT} (1 error, 0 warnings)");
    print_text(&out)
}

fn json_output(received: &ReceivedReport<'_>, origin: &str, verdict: Verdict) -> Value {
    let (report_diagnostics, report) = split(&received.report);
    let mut diagnostics = Vec::new();
    for (source, list) in [
        ("message", received.message_diagnostics.as_slice()),
        ("report", report_diagnostics),
    ] {
        for diagnostic in list {
            let mut value = serde_json::to_value(diagnostic).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut value {
                map.insert("source".to_owned(), source.into());
            }
            diagnostics.push(value);
        }
    }
    let format = match &received.format {
        InputFormat::Json => json!({"type": "json"}),
        InputFormat::Gzip => json!({"type": "gzip"}),
        InputFormat::Email {
            media_type,
            file_name,
            compressed,
        } => json!({
            "type": "email",
            "media_type": media_type,
            "file_name": file_name,
            "compressed": compressed,
        }),
    };
    let email = received.email.as_ref().map(|email| {
        json!({
            "tls_report_domain": email.report_domain,
            "tls_report_submitter": email.submitter,
            "subject": email.subject,
        })
    });
    json!({
        "input": origin,
        "kind": "tlsrpt-report",
        "format": format,
        "email": email,
        "valid": verdict == Verdict::Valid,
        "diagnostics": diagnostics,
        "report": report.map(|r| serde_json::to_value(r).unwrap_or(Value::Null)),
    })
}

fn describe_input(out: &mut String, received: &ReceivedReport<'_>) {
    let _ = writeln!(out, "  format        {}", received.format);
    if let InputFormat::Email {
        file_name: Some(name),
        ..
    } = &received.format
    {
        let _ = writeln!(out, "  file name     {}", printable(name));
    }
    if let Some(email) = &received.email {
        for (label, value) in [
            ("domain", &email.report_domain),
            ("submitter", &email.submitter),
            ("subject", &email.subject),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "  {label:12}  {}", printable(value));
            }
        }
    }
}

fn describe_report(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "  organization  {}",
        printable(&report.organization_name)
    );
    if let Some(contact) = &report.contact_info {
        let _ = writeln!(out, "  contact       {}", printable(contact));
    }
    let _ = writeln!(out, "  report id     {}", printable(&report.report_id));
    let _ = writeln!(
        out,
        "  date range    {} to {}",
        report.date_range.start, report.date_range.end
    );
    for (i, policy) in report.policies.iter().enumerate() {
        describe_policy(out, i + 1, policy);
    }
}

fn describe_policy(out: &mut String, number: usize, result: &PolicyResult) {
    let policy = &result.policy;
    let label = format!("policy {number}");
    let domain = policy
        .policy_domain
        .as_deref()
        .unwrap_or("(no policy-domain)");
    let _ = writeln!(
        out,
        "  {label:12}  {} {}",
        printable(policy.policy_type.as_str()),
        printable(domain)
    );
    let summary = &result.summary;
    let _ = writeln!(
        out,
        "                {} successful, {} failed sessions",
        summary.total_successful_session_count, summary.total_failure_session_count
    );
    for (result_type, sessions) in failures_by_type(result) {
        let _ = writeln!(
            out,
            "                  {}: {sessions}",
            printable(result_type.as_str())
        );
    }
}

/// Adds up `failed-session-count` per result type, in the order the types first appear.
fn failures_by_type(result: &PolicyResult) -> Vec<(&ResultType, u64)> {
    let mut totals: Vec<(&ResultType, u64)> = Vec::new();
    for detail in &result.failure_details {
        match totals.iter_mut().find(|(t, _)| *t == &detail.result_type) {
            Some((_, sessions)) => *sessions = sessions.saturating_add(detail.failed_session_count),
            None => totals.push((&detail.result_type, detail.failed_session_count)),
        }
    }
    totals
}
