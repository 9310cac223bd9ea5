//! The `mtasts` command: validates MTA-STS policies and `_mta-sts` records, TLS-RPT records and
//! reports, matches MX hosts against a policy, and summarises TLS-RPT reports.
//!
//! Exit status: 0 when the input is valid (warnings allowed) and every host matched, 1 when it
//! is invalid or a host matched no pattern, 2 for bad usage or unreadable input. `report
//! summarize` reads many files and exits 1 when any of them is unreadable or invalid.

mod render;
mod report;
mod summarize;
mod tlsrpt_record;

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use mtasts_core::sts::{Mode, Policy, StsRecord};
use mtasts_core::txt::{self, Pasted};
use mtasts_core::{Diagnostic, ParseError, ParseOptions, Parsed};
use serde_json::json;

/// Largest input read, in bytes. A policy may not exceed 64 KiB, so anything past this limit is
/// not worth reading, and the limit keeps `mtasts check policy /dev/zero` from running forever.
const MAX_INPUT_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "mtasts",
    version,
    about = "Validate MTA-STS policies and records (RFC 8461) and TLS-RPT records and reports \
             (RFC 8460), match MX hosts against a policy, and summarise TLS-RPT reports",
    after_help = "Exit status: 0 valid, 1 invalid or no match, 2 bad usage or unreadable input \
                  (report summarize: 1 when any file is unreadable or invalid)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate one input and print its diagnostics.
    #[command(subcommand)]
    Check(Check),
    /// Check which MX hosts a policy allows (RFC 8461 §4.1).
    Match(MatchArgs),
    /// Read TLS-RPT reports (RFC 8460).
    #[command(subcommand)]
    Report(ReportCommand),
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Summarise reports per policy domain and UTC day: sessions, failure rate, failures by
    /// result type, MX host, sending organisation and IP, and MX hosts the policy misses.
    Summarize(summarize::SummarizeArgs),
}

#[derive(Subcommand)]
enum Check {
    /// Validate an MTA-STS policy file, as served at /.well-known/mta-sts.txt.
    Policy {
        /// Policy file to read, or - for standard input.
        file: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Validate the text of an _mta-sts TXT record. Text pasted from dig or a zone file
    /// (quoted strings, \;) is decoded first, with a warning.
    StsRecord {
        /// The record text, such as "v=STSv1; id=20240101T000000", or - for standard input.
        text: OsString,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Validate the text of an _smtp._tls TXT record (RFC 8460). Text pasted from dig or a zone
    /// file (quoted strings, \;) is decoded first, with a warning.
    TlsrptRecord {
        /// The record text, such as "v=TLSRPTv1; rua=mailto:tlsrpt@example.com", or - for
        /// standard input.
        text: OsString,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Validate one TLS-RPT report (RFC 8460): report JSON, gzip-compressed JSON, or an email
    /// message that carries one.
    Report {
        /// Report file to read, or - for standard input.
        file: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Args)]
struct MatchArgs {
    /// Policy file to read, or - for standard input.
    policy: PathBuf,
    /// MX host names to match, as found in the domain's MX records.
    #[arg(required = true)]
    hosts: Vec<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Args, Clone, Copy)]
struct OutputArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Report every warning as an error.
    #[arg(long)]
    strict: bool,
}

impl OutputArgs {
    fn parse_options(self) -> ParseOptions {
        ParseOptions {
            strict: self.strict,
        }
    }
}

/// Outcome of a command, mapped to the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.command.wants_json();
    let result = match cli.command {
        Command::Check(Check::Policy { file, output }) => check_policy(&file, output),
        Command::Check(Check::StsRecord { text, output }) => check_sts_record(text, output),
        Command::Check(Check::TlsrptRecord { text, output }) => tlsrpt_record::check(text, output),
        Command::Check(Check::Report { file, output }) => report::check_report(&file, output),
        Command::Match(args) => match_hosts(&args),
        Command::Report(ReportCommand::Summarize(args)) => summarize::run(&args),
    };
    match result {
        Ok(Verdict::Valid) => ExitCode::SUCCESS,
        Ok(Verdict::Invalid) => ExitCode::from(1),
        Err(message) => {
            eprintln!("mtasts: {message}");
            if json {
                // Scripts reading standard output get an object for this outcome too.
                let _ = print_json(&json!({
                    "valid": false,
                    "error": {"code": "unreadable-input", "message": message},
                    "diagnostics": [],
                }));
            }
            ExitCode::from(2)
        }
    }
}

impl Command {
    /// Returns whether the command was asked for JSON output.
    fn wants_json(&self) -> bool {
        match self {
            Command::Check(
                Check::Policy { output, .. }
                | Check::StsRecord { output, .. }
                | Check::TlsrptRecord { output, .. }
                | Check::Report { output, .. },
            ) => output.json,
            Command::Match(args) => args.output.json,
            Command::Report(ReportCommand::Summarize(args)) => args.json,
        }
    }
}

/// Reads a file, or standard input for `-`, and returns its bytes and the name to show.
fn read_input(path: &Path) -> Result<(Vec<u8>, String), String> {
    let origin = if path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    };
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {origin}: {e}"))?;
        Box::new(file)
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {origin}: {e}"))?;
    if bytes.len() as u64 > MAX_INPUT_SIZE {
        return Err(format!(
            "{origin} is larger than {} MiB",
            MAX_INPUT_SIZE >> 20
        ));
    }
    Ok((bytes, origin))
}

fn check_policy(path: &Path, output: OutputArgs) -> Result<Verdict, String> {
    let (body, origin) = read_input(path)?;
    let result = Policy::parse_with(&body, output.parse_options());
    let verdict = verdict_of(&result);
    if output.json {
        let (diagnostics, policy) = split(&result);
        print_json(&json!({
            "input": origin,
            "kind": "mta-sts-policy",
            "valid": verdict == Verdict::Valid,
            "diagnostics": diagnostics,
            "policy": policy,
        }))?;
        return Ok(verdict);
    }
    let mut out = diagnostics_text(&result, &body, &origin);
    let (diagnostics, policy) = split(&result);
    out.push_str(&summary_line(
        &origin,
        "MTA-STS policy",
        verdict,
        diagnostics,
    ));
    if let Some(policy) = policy {
        describe_policy(&mut out, policy);
    }
    print_text(&out)?;
    Ok(verdict)
}

fn check_sts_record(text: OsString, output: OutputArgs) -> Result<Verdict, String> {
    let data = tlsrpt_record::record_data(text)?;
    let origin = "<record>";
    let pasted = match std::str::from_utf8(&data) {
        Ok(text) => txt::parse_pasted::<StsRecord>(text, output.parse_options()),
        Err(_) => Pasted {
            result: StsRecord::parse_with(&data, output.parse_options()),
            data: data.clone(),
        },
    };
    let verdict = verdict_of(&pasted.result);
    let (diagnostics, record) = split(&pasted.result);
    if output.json {
        print_json(&json!({
            "kind": "mta-sts-record",
            "data": String::from_utf8_lossy(&pasted.data),
            "valid": verdict == Verdict::Valid,
            "diagnostics": diagnostics,
            "record": record,
        }))?;
        return Ok(verdict);
    }
    let mut out = diagnostics_text(&pasted.result, &pasted.data, origin);
    out.push_str(&summary_line(
        "record",
        "MTA-STS record",
        verdict,
        diagnostics,
    ));
    if let Some(record) = record {
        out.push_str(&format!("  id       {}\n", record.id()));
        for extension in record.extensions() {
            out.push_str(&format!(
                "  {}={} (extension)\n",
                extension.name, extension.value
            ));
        }
    }
    print_text(&out)?;
    Ok(verdict)
}

fn match_hosts(args: &MatchArgs) -> Result<Verdict, String> {
    let (body, origin) = read_input(&args.policy)?;
    let result = Policy::parse_with(&body, args.output.parse_options());
    let (diagnostics, policy) = split(&result);
    let matches: Vec<(&str, Option<String>)> = match policy {
        Some(policy) => args
            .hosts
            .iter()
            .map(|host| (host.as_str(), policy.match_mx(host).map(|p| p.to_string())))
            .collect(),
        None => Vec::new(),
    };
    let all_matched = policy.is_some() && matches.iter().all(|(_, pattern)| pattern.is_some());
    let verdict = if all_matched {
        Verdict::Valid
    } else {
        Verdict::Invalid
    };
    if args.output.json {
        let hosts: Vec<_> = matches
            .iter()
            .map(|(host, pattern)| {
                let problem = pattern.is_none().then(|| host_problem(host)).flatten();
                json!({
                    "host": host,
                    "matched": pattern.is_some(),
                    "pattern": pattern,
                    "host_error": problem,
                })
            })
            .collect();
        print_json(&json!({
            "input": origin,
            "valid": policy.is_some(),
            "diagnostics": diagnostics,
            "mode": policy.map(|p| p.mode()),
            "all_matched": all_matched,
            "matches": hosts,
        }))?;
        return Ok(verdict);
    }
    let mut out = diagnostics_text(&result, &body, &origin);
    let Some(policy) = policy else {
        out.push_str(&summary_line(
            &origin,
            "MTA-STS policy",
            Verdict::Invalid,
            diagnostics,
        ));
        out.push_str("no host can be matched against an invalid policy\n");
        print_text(&out)?;
        return Ok(Verdict::Invalid);
    };
    // Hosts are padded to one column, which a host longer than any valid name does not widen.
    let width = args
        .hosts
        .iter()
        .map(|h| printable(h).chars().count())
        .filter(|&length| length <= MAX_HOST_COLUMN)
        .max()
        .unwrap_or(0);
    for (host, pattern) in &matches {
        let host_text = printable(host);
        match pattern {
            Some(pattern) => out.push_str(&format!("{host_text:width$}  matches {pattern}\n")),
            None => match host_problem(host) {
                Some(problem) => out.push_str(&format!(
                    "{host_text:width$}  no match: not a valid host name ({problem})\n"
                )),
                None => out.push_str(&format!("{host_text:width$}  no match\n")),
            },
        }
    }
    if policy.mode() == Mode::None {
        out.push_str("note: the mode is none, so senders apply no policy to this domain\n");
    }
    print_text(&out)?;
    Ok(verdict)
}

/// Widest host column of `mtasts match`: the longest valid host name in text form.
const MAX_HOST_COLUMN: usize = 253;

/// Returns why `host` cannot be an MX host name, or `None` when it can: after one trailing
/// dot is removed and U-labels are converted, it must be a valid `Domain`.
fn host_problem(host: &str) -> Option<String> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_ascii() {
        return mtasts_core::domain::check_domain(host)
            .err()
            .map(|e| e.to_string());
    }
    match mtasts_core::domain::to_a_label(host) {
        Some(a_label) => mtasts_core::domain::check_domain(&a_label)
            .err()
            .map(|e| e.to_string()),
        None => Some("IDNA rejects its U-labels".to_owned()),
    }
}

/// Escapes what a report or an argument could use to rewrite the terminal or to reorder the
/// text around it: control characters and the Unicode bidirectional formatting characters.
pub(crate) fn printable(text: &str) -> String {
    let unsafe_char = |c: char| c.is_control() || is_bidi_control(c);
    if !text.chars().any(unsafe_char) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Returns whether `c` is one of the bidirectional formatting characters of Unicode (UAX #9),
/// which reorder the text that follows them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn verdict_of<T>(result: &Result<Parsed<T>, ParseError>) -> Verdict {
    if result.is_ok() {
        Verdict::Valid
    } else {
        Verdict::Invalid
    }
}

/// Returns the diagnostics of a parse, whatever its outcome, and the value when it succeeded.
fn split<T>(result: &Result<Parsed<T>, ParseError>) -> (&[Diagnostic], Option<&T>) {
    match result {
        Ok(parsed) => (&parsed.warnings, Some(&parsed.value)),
        Err(error) => (&error.diagnostics, None),
    }
}

fn diagnostics_text<T>(
    result: &Result<Parsed<T>, ParseError>,
    input: &[u8],
    origin: &str,
) -> String {
    let mut out = String::new();
    for diagnostic in split(result).0 {
        render::diagnostic(&mut out, diagnostic, input, origin);
        out.push('\n');
    }
    out
}

fn summary_line(origin: &str, what: &str, verdict: Verdict, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let state = if verdict == Verdict::Valid {
        "valid"
    } else {
        "invalid"
    };
    format!(
        "{origin}: {state} {what} ({}, {})\n",
        count(errors, "error"),
        count(warnings, "warning")
    )
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn describe_policy(out: &mut String, policy: &Policy) {
    out.push_str("  version  STSv1\n");
    out.push_str(&format!("  mode     {}\n", policy.mode()));
    out.push_str(&format!(
        "  max_age  {} ({})\n",
        policy.max_age(),
        duration(policy.max_age())
    ));
    for (i, mx) in policy.mx().iter().enumerate() {
        let label = if i == 0 { "mx" } else { "" };
        out.push_str(&format!("  {label:7}  {mx}\n"));
    }
    for extension in policy.extensions() {
        out.push_str(&format!(
            "  {}: {} (extension)\n",
            extension.name, extension.value
        ));
    }
}

/// Describes a number of seconds in the largest whole unit: "7 days", "1 year", "90 minutes".
fn duration(seconds: u32) -> String {
    const UNITS: [(u32, &str); 5] = [
        (31_557_600, "year"),
        (86_400, "day"),
        (3_600, "hour"),
        (60, "minute"),
        (1, "second"),
    ];
    match UNITS
        .iter()
        .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
    {
        Some((size, unit)) => count((seconds / size) as usize, unit),
        None => count(seconds as usize, "second"),
    }
}

/// Writes `value` as indented JSON to standard output, straight through a buffer rather than
/// through a string first, which keeps a large summary from being held twice.
fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

/// Writes to standard output. A closed pipe (`mtasts ... | head`) is not an error.
fn print_text(text: &str) -> Result<(), String> {
    match io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(format!("cannot write output: {e}")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_uses_the_largest_whole_unit() {
        assert_eq!(duration(604_800), "7 days");
        assert_eq!(duration(86_400), "1 day");
        assert_eq!(duration(31_557_600), "1 year");
        assert_eq!(duration(5_400), "90 minutes");
        assert_eq!(duration(0), "0 seconds");
        assert_eq!(duration(61), "61 seconds");
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
