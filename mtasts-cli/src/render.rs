//! Renders diagnostics the way a compiler does: the message, the location, the source line
//! with a caret under the offending text, and the hint.

use std::fmt::Write as _;

use mtasts_core::Diagnostic;
use unicode_width::UnicodeWidthChar;

/// Longest part of a source line shown, in display columns. Longer lines are cut around the
/// caret so that binary input or a 64 KiB one-line file stays readable.
const MAX_SHOWN_WIDTH: usize = 100;

/// Bytes of a line read on each side of a diagnostic's start. Each byte is shown in at least
/// one column, so this is more than [`MAX_SHOWN_WIDTH`] can show.
const WINDOW_BYTES: usize = 4 * MAX_SHOWN_WIDTH;

/// Columns a tab is shown as.
const TAB_WIDTH: usize = 4;

/// Formats one diagnostic for a terminal. `input` is the text the diagnostic's span refers to
/// and `origin` names it (a file name, `<stdin>` or `<record>`).
pub fn diagnostic(out: &mut String, diagnostic: &Diagnostic, input: &[u8], origin: &str) {
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        diagnostic.severity,
        diagnostic.code(),
        crate::printable(&diagnostic.message())
    );
    let line_number = diagnostic.line.to_string();
    let gutter = " ".repeat(line_number.len());
    let _ = writeln!(
        out,
        "{gutter}--> {origin}:{}:{}",
        diagnostic.line, diagnostic.column
    );
    let _ = writeln!(out, "{gutter} |");
    let (shown, caret_start, caret_width) = source_excerpt(diagnostic, input);
    let _ = writeln!(out, "{line_number} | {shown}");
    let _ = writeln!(
        out,
        "{gutter} | {}{}",
        " ".repeat(caret_start),
        "^".repeat(caret_width.max(1))
    );
    let _ = writeln!(out, "{gutter} = hint: {}", diagnostic.hint());
}

/// Returns the line holding the diagnostic as display text, and the display column and width
/// of the caret under its span.
fn source_excerpt(diagnostic: &Diagnostic, input: &[u8]) -> (String, usize, usize) {
    let start = diagnostic.span.start.min(input.len());
    let line_start = input[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut line_end = input[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(input.len(), |i| start + i);
    // The CR of a CRLF ends the line; it is not part of what is shown.
    if line_end > start.max(line_start)
        && input[line_end - 1] == b'\r'
        && input.get(line_end) == Some(&b'\n')
    {
        line_end -= 1;
    }
    let span_end = diagnostic.span.end.clamp(start, line_end);

    // Only the bytes near the span can be shown, because every byte takes at least one
    // column. Cutting a long line first keeps the work per diagnostic bounded.
    let mut window_start = line_start.max(start.saturating_sub(WINDOW_BYTES));
    while window_start > line_start && is_continuation(input[window_start]) {
        window_start += 1;
    }
    let mut window_end = line_end.min(start.saturating_add(WINDOW_BYTES));
    while window_end < line_end && window_end > start && is_continuation(input[window_end]) {
        window_end -= 1;
    }

    // Display cells of the line: each source character becomes one or more visible cells.
    let mut cells: Vec<(usize, String)> = Vec::new();
    let mut caret = (None, None);
    let mut byte = window_start;
    let mut column = 0;
    for raw in Utf8Chunks::new(&input[window_start..window_end]) {
        let c = std::str::from_utf8(raw).ok().and_then(|s| s.chars().next());
        let (shown, width) = display(c.unwrap_or('\u{FFFD}'));
        if byte >= start && caret.0.is_none() {
            caret.0 = Some(column);
        }
        if byte >= span_end && caret.1.is_none() {
            caret.1 = Some(column);
        }
        cells.push((width, shown));
        column += width;
        byte += raw.len();
    }
    let caret_start = caret.0.unwrap_or(column);
    let caret_end = caret.1.unwrap_or(column).max(caret_start);
    window(&cells, caret_start, caret_end)
}

/// Cuts the line to at most [`MAX_SHOWN_WIDTH`] columns around the caret and shifts the caret
/// to match.
fn window(
    cells: &[(usize, String)],
    caret_start: usize,
    caret_end: usize,
) -> (String, usize, usize) {
    let total: usize = cells.iter().map(|(w, _)| w).sum();
    let caret_width = (caret_end - caret_start).min(MAX_SHOWN_WIDTH / 2);
    if total <= MAX_SHOWN_WIDTH {
        let shown: String = cells.iter().map(|(_, s)| s.as_str()).collect();
        return (shown, caret_start, caret_end - caret_start);
    }
    let from = caret_start.saturating_sub(MAX_SHOWN_WIDTH / 3);
    let to = from + MAX_SHOWN_WIDTH;
    let mut shown = String::new();
    let mut column = 0;
    let mut shift = 0;
    if from > 0 {
        shown.push('…');
        shift = 1;
    }
    let mut first_shown = None;
    for (width, text) in cells {
        if column >= from && column + width <= to {
            first_shown.get_or_insert(column);
            shown.push_str(text);
        }
        column += width;
    }
    if column > to {
        shown.push('…');
    }
    let offset = first_shown.unwrap_or(from);
    (shown, caret_start - offset + shift, caret_width)
}

/// Returns how a character is shown and its width in columns. Tabs become spaces, and control
/// characters and invisible ones such as a byte order mark become escapes, so that the caret
/// stays aligned and nothing is hidden.
fn display(c: char) -> (String, usize) {
    let escaped = match c {
        '\t' => return (" ".repeat(TAB_WIDTH), TAB_WIDTH),
        c if c.is_control() => format!("\\x{:02x}", u32::from(c)),
        c if c.width().unwrap_or(0) == 0 => format!("\\u{{{:04x}}}", u32::from(c)),
        c => return (c.to_string(), c.width().unwrap_or(1)),
    };
    let width = escaped.len();
    (escaped, width)
}

/// Returns whether `byte` continues a UTF-8 sequence rather than starting a character.
fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

/// Splits bytes into characters: one valid UTF-8 sequence, or one invalid sequence, which is
/// shown as U+FFFD the way `String::from_utf8_lossy` does.
struct Utf8Chunks<'a> {
    rest: &'a [u8],
}

impl<'a> Utf8Chunks<'a> {
    fn new(bytes: &'a [u8]) -> Utf8Chunks<'a> {
        Utf8Chunks { rest: bytes }
    }
}

impl<'a> Iterator for Utf8Chunks<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        // A character is at most four bytes long, so four bytes decide what comes first.
        let head = &self.rest[..self.rest.len().min(4)];
        let len = match std::str::from_utf8(head) {
            Ok(s) => s.chars().next().map_or(1, char::len_utf8),
            Err(e) if e.valid_up_to() > 0 => {
                let valid = std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default();
                valid.chars().next().map_or(1, char::len_utf8)
            }
            Err(e) => e.error_len().unwrap_or(head.len()),
        };
        let (chunk, rest) = self.rest.split_at(len.min(self.rest.len()));
        self.rest = rest;
        Some(chunk)
    }
}

#[cfg(test)]
mod tests {
    use mtasts_core::sts::Policy;

    use super::*;

    fn render_first(input: &[u8]) -> String {
        let error = Policy::parse(input).unwrap_err();
        let mut out = String::new();
        diagnostic(&mut out, error.first_error().unwrap(), input, "p.txt");
        out
    }

    #[test]
    fn renders_caret_under_the_value() {
        let out = render_first(b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 0x15180\n");
        assert_eq!(
            out,
            "error[invalid-max-age]: expected max_age as 1 to 10 ASCII digits, found \"0x15180\"\n\
             \x20--> p.txt:4:10\n\
             \x20 |\n\
             4 | max_age: 0x15180\n\
             \x20 |          ^^^^^^^\n\
             \x20 = hint: write the number in decimal\n"
        );
    }

    #[test]
    fn tabs_and_control_characters_keep_the_caret_aligned() {
        let out =
            render_first(b"version: STSv1\nmode:\tenforce\x01\nmx: a.example\nmax_age: 86400\n");
        assert!(out.contains("2 | mode:    enforce\\x01\n"), "{out}");
        assert!(out.contains("  |          ^^^^^^^^^^^\n"), "{out}");
    }

    #[test]
    fn invalid_utf8_is_shown_as_replacement_character() {
        let out = render_first(b"version: STSv1\nmode: \xffenforce\n");
        assert!(out.contains("2 | mode: \u{FFFD}enforce\n"), "{out}");
        assert!(out.contains("  |       ^\n"), "{out}");
    }

    #[test]
    fn long_multibyte_line_is_cut_at_character_boundaries() {
        let mut input =
            b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 86400\nx: ".to_vec();
        input.extend("é".repeat(2_000_000).as_bytes());
        let out = render_first(&input);
        let source_line = out.lines().nth(3).unwrap();
        assert!(out.starts_with("error[policy-too-large]"), "{out}");
        assert!(source_line.starts_with("5 | …éé"), "{out}");
        assert!(source_line.ends_with("éé…"), "{out}");
        assert!(!source_line.contains('\u{FFFD}'), "{out}");
        assert!(source_line.chars().count() <= MAX_SHOWN_WIDTH + 6, "{out}");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let mut input = b"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: ".to_vec();
        input.extend(std::iter::repeat_n(b'9', 300));
        input.push(b'x');
        let out = render_first(&input);
        let source_line = out.lines().nth(3).unwrap();
        assert!(source_line.starts_with("4 | max_age: 999"), "{out}");
        assert!(source_line.ends_with('…'), "{out}");
        assert!(source_line.chars().count() <= MAX_SHOWN_WIDTH + 6, "{out}");
    }
}
