//! Positioned diagnostics shared by every parser in the crate.
//!
//! A parser reports each deviation from its grammar as a [`Diagnostic`]: an [`Issue`] (the typed
//! description, which fixes the stable code, the message and the hint), a [`Severity`], the byte
//! range of the offending input and the line and column where that range starts.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::error::Issue;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The input breaks a rule that has no safe lenient reading. The value is rejected.
    Error,
    /// The input is accepted, but it deviates from the grammar in a way that has a clear
    /// reading, or it is valid but risky. Strict parsing turns every warning into an error.
    Warning,
}

impl Severity {
    /// Returns `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A half-open byte range `start..end` in the parsed input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte. Equal to `start` for a position with no text.
    pub end: usize,
}

impl Span {
    /// Creates the span `start..end`.
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Creates an empty span at `offset`.
    pub const fn at(offset: usize) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// Returns the number of bytes covered.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// Returns `true` for a span that covers no bytes.
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// One finding of a parser, positioned in its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning. Strict parsing reports every warning as an error.
    pub severity: Severity,
    /// What is wrong, with the values involved.
    pub issue: Issue,
    /// Byte range of the offending input.
    pub span: Span,
    /// Line of `span.start`, counted from 1.
    pub line: u32,
    /// Column of `span.start`, counted from 1 in characters (UTF-8 sequences count once).
    pub column: u32,
    /// The offending input (the bytes of `span`, with invalid UTF-8 replaced by U+FFFD).
    pub text: String,
}

impl Diagnostic {
    /// Returns the stable, kebab-case code of the issue, such as `invalid-max-age`.
    pub fn code(&self) -> &'static str {
        self.issue.code()
    }

    /// Returns the one-line message that describes the issue.
    pub fn message(&self) -> String {
        self.issue.to_string()
    }

    /// Returns a one-line suggestion for fixing the input.
    pub fn hint(&self) -> Cow<'static, str> {
        self.issue.hint()
    }

    /// Returns `true` for an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// Formats the diagnostic as `line:column: severity[code]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.line,
            self.column,
            self.severity,
            self.code(),
            self.issue
        )
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Diagnostic", 10)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("line", &self.line)?;
        s.serialize_field("column", &self.column)?;
        s.serialize_field("offset", &self.span.start)?;
        s.serialize_field("length", &self.span.len())?;
        s.serialize_field("text", &self.text)?;
        s.serialize_field("message", &self.message())?;
        s.serialize_field("hint", &self.hint())?;
        if let Some(path) = self.issue.path() {
            s.serialize_field("path", path)?;
        } else {
            s.skip_field("path")?;
        }
        s.end()
    }
}

/// Options shared by the parsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseOptions {
    /// Report every warning as an error, so that only input that follows the grammar exactly
    /// and has no risky value is accepted. Advisory warnings stay warnings: those about valid
    /// TLS-RPT reports that skip a recommendation (see [`Issue::is_advisory`]).
    pub strict: bool,
}

impl ParseOptions {
    /// Options for strict parsing: every warning but an advisory one becomes an error.
    pub const STRICT: ParseOptions = ParseOptions { strict: true };
}

/// A successfully parsed value with the warnings found on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The parsed value, with every lenient reading already applied.
    pub value: T,
    /// Warnings, in input order. Never contains an error.
    pub warnings: Vec<Diagnostic>,
}

/// The error returned when input is rejected: every diagnostic found, errors and warnings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", first_error_line(.diagnostics))]
pub struct ParseError {
    /// All diagnostics in input order. At least one has [`Severity::Error`].
    pub diagnostics: Vec<Diagnostic>,
}

fn first_error_line(diagnostics: &[Diagnostic]) -> String {
    match diagnostics.iter().find(|d| d.is_error()) {
        Some(d) => d.to_string(),
        None => "input rejected".to_owned(),
    }
}

impl ParseError {
    /// Returns the first error, which is the one to show when there is room for only one.
    pub fn first_error(&self) -> Option<&Diagnostic> {
        self.diagnostics.iter().find(|d| d.is_error())
    }

    /// Returns the errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Collects the diagnostics of one parse and positions them in the input.
pub(crate) struct Diagnostics<'a> {
    input: &'a [u8],
    strict: bool,
    list: Vec<Diagnostic>,
    /// Line counting resumes from the last position computed, so that positioning many
    /// diagnostics in input order costs one pass over the input rather than one pass each.
    cursor: LineCursor,
}

#[derive(Clone, Copy, Default)]
struct LineCursor {
    offset: usize,
    line: u32,
    line_start: usize,
    /// Characters from `line_start` to `offset`, so that a one-line input is not recounted
    /// from its start for every diagnostic.
    column: usize,
}

impl<'a> Diagnostics<'a> {
    pub(crate) fn new(input: &'a [u8], options: ParseOptions) -> Diagnostics<'a> {
        Diagnostics {
            input,
            strict: options.strict,
            list: Vec::new(),
            cursor: LineCursor {
                offset: 0,
                line: 1,
                line_start: 0,
                column: 0,
            },
        }
    }

    /// Records `issue` at `span` with the issue's own severity, raised to an error in strict
    /// mode.
    pub(crate) fn push(&mut self, issue: impl Into<Issue>, span: Span) {
        let issue = issue.into();
        let severity = match issue.severity() {
            Severity::Warning if self.strict && !issue.is_advisory() => Severity::Error,
            severity => severity,
        };
        self.push_with_severity(issue, span, severity);
    }

    pub(crate) fn push_with_severity(&mut self, issue: Issue, span: Span, severity: Severity) {
        let end = span.end.min(self.input.len());
        let start = span.start.min(end);
        let (line, column) = self.position(start);
        let text = String::from_utf8_lossy(&self.input[start..end]).into_owned();
        self.list.push(Diagnostic {
            severity,
            issue,
            span: Span::new(start, end),
            line,
            column,
            text,
        });
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    /// Returns `Ok(value)` with the warnings when no error was recorded.
    pub(crate) fn finish<T>(mut self, value: T) -> Result<Parsed<T>, ParseError> {
        if self.has_errors() {
            return Err(self.into_error());
        }
        self.list.sort_by_key(|d| d.span.start);
        Ok(Parsed {
            value,
            warnings: self.list,
        })
    }

    pub(crate) fn into_error(mut self) -> ParseError {
        self.list.sort_by_key(|d| d.span.start);
        ParseError {
            diagnostics: self.list,
        }
    }

    /// Computes the line and column of `offset`, both counted from 1.
    fn position(&mut self, offset: usize) -> (u32, u32) {
        if offset < self.cursor.offset {
            self.cursor = LineCursor {
                offset: 0,
                line: 1,
                line_start: 0,
                column: 0,
            };
        }
        let mut cursor = self.cursor;
        for (i, &byte) in self.input[cursor.offset..offset].iter().enumerate() {
            if byte == b'\n' {
                cursor.line += 1;
                cursor.line_start = cursor.offset + i + 1;
                cursor.column = 0;
            } else if !is_utf8_continuation(byte) {
                cursor.column += 1;
            }
        }
        cursor.offset = offset;
        self.cursor = cursor;
        (cursor.line, saturate(cursor.column + 1))
    }
}

fn is_utf8_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sts::PolicyIssue;

    fn positions(input: &str, offsets: &[usize]) -> Vec<(u32, u32)> {
        let mut diagnostics = Diagnostics::new(input.as_bytes(), ParseOptions::default());
        offsets.iter().map(|&o| diagnostics.position(o)).collect()
    }

    #[test]
    fn position_counts_lines_and_columns_from_one() {
        let input = "ab\ncd\r\nef";
        assert_eq!(
            positions(input, &[0, 1, 3, 4, 7, 9]),
            [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 3)]
        );
    }

    #[test]
    fn position_restarts_for_an_earlier_offset() {
        assert_eq!(positions("a\nb\nc", &[4, 2, 0]), [(3, 1), (2, 1), (1, 1)]);
    }

    #[test]
    fn column_counts_characters_not_bytes() {
        // "é" is two bytes, "😀" four.
        assert_eq!(positions("é😀x", &[2, 6]), [(1, 2), (1, 3)]);
    }

    #[test]
    fn strict_raises_warnings_to_errors() {
        let mut lenient = Diagnostics::new(b"x", ParseOptions::default());
        lenient.push(PolicyIssue::ByteOrderMark, Span::new(0, 1));
        assert_eq!(lenient.list[0].severity, Severity::Warning);
        let mut strict = Diagnostics::new(b"x", ParseOptions::STRICT);
        strict.push(PolicyIssue::ByteOrderMark, Span::new(0, 1));
        assert_eq!(strict.list[0].severity, Severity::Error);
    }

    #[test]
    fn span_is_clamped_to_the_input() {
        let mut diagnostics = Diagnostics::new(b"abc", ParseOptions::default());
        diagnostics.push(PolicyIssue::ByteOrderMark, Span::new(2, 10));
        assert_eq!(diagnostics.list[0].span, Span::new(2, 3));
        assert_eq!(diagnostics.list[0].text, "c");
    }
}
