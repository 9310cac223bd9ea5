//! Helpers shared by the integration tests: corpus access and a compact form of diagnostics
//! for exact comparisons.

#![allow(dead_code)]

use std::path::PathBuf;

use mtasts_core::sts::Policy;
use mtasts_core::{Diagnostic, ParseError, ParseOptions, Parsed, Severity};

pub const W: Severity = Severity::Warning;
pub const E: Severity = Severity::Error;

/// A diagnostic reduced to what the tests pin: severity, code, line, column and byte span.
pub type Found = (Severity, &'static str, u32, u32, usize, usize);

/// Returns the path of a file in the repository's `testdata/corpus` folder.
pub fn corpus_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/corpus")
        .join(name)
}

/// Reads a corpus file as bytes.
pub fn corpus_bytes(name: &str) -> Vec<u8> {
    let path = corpus_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Reads and parses a JSON corpus file.
pub fn corpus_json(name: &str) -> serde_json::Value {
    serde_json::from_slice(&corpus_bytes(name))
        .unwrap_or_else(|e| panic!("{name} is not valid JSON: {e}"))
}

/// Reduces diagnostics to their pinned fields, in the order the parser returned them.
pub fn found(diagnostics: &[Diagnostic]) -> Vec<Found> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d.severity,
                d.code(),
                d.line,
                d.column,
                d.span.start,
                d.span.end,
            )
        })
        .collect()
}

/// Returns the same diagnostics with every warning raised to an error, as strict mode reports
/// them.
pub fn raised(expected: &[Found]) -> Vec<Found> {
    expected
        .iter()
        .map(|&(_, code, line, column, start, end)| (E, code, line, column, start, end))
        .collect()
}

/// Parses a policy leniently and returns the value and its warnings, or panics with every
/// diagnostic.
pub fn accepted(case: &str, body: &[u8]) -> (Policy, Vec<Found>) {
    match Policy::parse(body) {
        Ok(Parsed { value, warnings }) => (value, found(&warnings)),
        Err(error) => panic!(
            "{case}: expected a valid policy, got {:?}",
            found(&error.diagnostics)
        ),
    }
}

/// Parses a policy with `options` and returns every diagnostic, or panics when it is accepted.
pub fn rejected_with(case: &str, body: &[u8], options: ParseOptions) -> Vec<Found> {
    match Policy::parse_with(body, options) {
        Ok(parsed) => panic!("{case}: expected a rejected policy, got {:?}", parsed.value),
        Err(ParseError { diagnostics }) => found(&diagnostics),
    }
}

/// Parses a policy leniently and returns every diagnostic, or panics when it is accepted.
pub fn rejected(case: &str, body: &[u8]) -> Vec<Found> {
    rejected_with(case, body, ParseOptions::default())
}

/// Returns the `mx` patterns of a policy as text.
pub fn mx_list(policy: &Policy) -> Vec<&str> {
    policy.mx().iter().map(|p| p.as_str()).collect()
}

/// Returns the extension fields of a policy as (name, value) pairs.
pub fn extension_list(policy: &Policy) -> Vec<(&str, &str)> {
    policy
        .extensions()
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_str()))
        .collect()
}

/// Builds a policy body from lines, each ended with LF.
pub fn body(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}
