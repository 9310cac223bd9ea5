//! The fast path of policy parsing: one pass over a policy that the full parser would accept
//! without a single diagnostic.
//!
//! Almost every policy served in practice is exactly `version`, `mode`, `max_age` and a few
//! `mx` lines. This reader accepts only that shape, with no deviation and nothing to warn
//! about, and returns `None` as soon as it meets anything else: an extension field, a
//! repeated field, whitespace before `:`, a blank line, a non-ASCII byte, `mode: testing`, a
//! short `max_age`, or an `mx` value that is invalid or deserves a warning. The full parser
//! then reads the policy again from the start and reports what it finds. For every input the
//! fast path accepts, the result equals what the full parser returns; the tests and the fuzz
//! target check that.

use smallvec::SmallVec;

use crate::sts::mx_overlap::MxSeen;
use crate::sts::pattern::MxPattern;
use crate::sts::policy::{MAX_MAX_AGE, MAX_POLICY_SIZE, Mode, Policy};
use crate::sts::policy_parser::{SECONDS_PER_DAY, lint_mx_value};
use crate::txt::is_wsp;

/// Parses `body` when it is a clean policy, or returns `None` for the full parser to handle.
pub(crate) fn parse_clean(body: &[u8]) -> Option<Policy> {
    if body.len() > MAX_POLICY_SIZE {
        return None;
    }
    // Non-ASCII text is valid only in extension values, which this path declines anyway; the
    // check gives `mx` values as text without a check per value.
    let text = std::str::from_utf8(body).ok()?;
    let bytes = text.as_bytes();
    let mut version = false;
    let mut mode = None;
    let mut max_age = None;
    let mut mx: SmallVec<[MxPattern; 2]> = SmallVec::new();
    let mut seen = MxSeen::default();
    let mut start = 0;
    while start < bytes.len() {
        let end = start + find_line_break(&bytes[start..]);
        let line = &bytes[start..end];
        start = match &bytes[end..] {
            [] => end,
            [b'\n', ..] => end + 1,
            [b'\r', b'\n', ..] => end + 2,
            // A carriage return without a line feed.
            _ => return None,
        };
        let (field, value_offset) = known_field(line)?;
        let value = trim_wsp(&line[value_offset..]);
        match field {
            Field::Version if !version && value == b"STSv1" => version = true,
            Field::Mode if mode.is_none() => {
                mode = Some(match value {
                    b"enforce" => Mode::Enforce,
                    b"none" => Mode::None,
                    // `testing` gets a warning, so the full parser reports it.
                    _ => return None,
                });
            }
            Field::MaxAge if max_age.is_none() => max_age = Some(seconds(value)?),
            Field::Mx => {
                let value_start = value.as_ptr() as usize - bytes.as_ptr() as usize;
                let value = text.get(value_start..value_start + value.len())?;
                let pattern = MxPattern::new(value).ok()?;
                if lint_mx_value(&pattern) || seen.check(&mx, &pattern).is_some() {
                    return None;
                }
                mx.push(pattern);
            }
            _ => return None,
        }
    }
    let (mode, max_age) = (mode?, max_age?);
    if !version || (mx.is_empty() && mode != Mode::None) {
        return None;
    }
    Some(Policy {
        mode,
        max_age,
        mx,
        extensions: Vec::new(),
    })
}

/// The fields the fast path reads.
enum Field {
    Version,
    Mode,
    MaxAge,
    Mx,
}

/// Recognises a line that starts with a defined field name and its `:`, and returns the field
/// and the offset after the `:`. Anything else (an extension, a name in another letter case,
/// whitespace before `:`) is left to the full parser.
fn known_field(line: &[u8]) -> Option<(Field, usize)> {
    if line.starts_with(b"mx:") {
        Some((Field::Mx, 3))
    } else if line.starts_with(b"mode:") {
        Some((Field::Mode, 5))
    } else if line.starts_with(b"max_age:") {
        Some((Field::MaxAge, 8))
    } else if line.starts_with(b"version:") {
        Some((Field::Version, 8))
    } else {
        None
    }
}

/// Returns the offset of the first line feed or carriage return, or the length of `bytes`.
/// Eight bytes are tested at a time for any byte below 0x0E, which covers both; a word with
/// such a byte (a tab, say) is then searched byte by byte.
fn find_line_break(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]);
        if word.wrapping_sub(ONES * 0x0E) & !word & HIGH_BITS != 0 {
            break;
        }
        at += 8;
    }
    let tail = &bytes[at..];
    at + tail
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(tail.len())
}

/// Removes the whitespace the grammar allows after `:` and at the end of a line.
fn trim_wsp(value: &[u8]) -> &[u8] {
    let start = value.iter().take_while(|&&b| is_wsp(b)).count();
    let end = value.len()
        - value[start..]
            .iter()
            .rev()
            .take_while(|&&b| is_wsp(b))
            .count();
    &value[start..end]
}

/// Reads a `max_age` that needs no warning: 1 to 10 digits, from one day to one year.
fn seconds(value: &[u8]) -> Option<u32> {
    if value.is_empty() || value.len() > 10 {
        return None;
    }
    let mut seconds = 0u64;
    for &digit in value {
        if !digit.is_ascii_digit() {
            return None;
        }
        seconds = seconds * 10 + u64::from(digit - b'0');
    }
    let seconds = u32::try_from(seconds).ok()?;
    (SECONDS_PER_DAY..=MAX_MAX_AGE)
        .contains(&seconds)
        .then_some(seconds)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::diagnostic::ParseOptions;
    use crate::sts::policy_parser::parse_full;

    /// Parses with both paths and checks that they agree whenever the fast path accepts.
    fn fast(text: &str) -> Option<Policy> {
        let fast = parse_clean(text.as_bytes());
        if let Some(policy) = &fast {
            let full = parse_full(text.as_bytes(), ParseOptions::STRICT).unwrap();
            assert_eq!(&full.value, policy, "{text:?}");
        }
        fast
    }

    proptest! {
        #[test]
        fn agrees_with_the_full_parser(
            lines in prop::collection::vec(
                prop_oneof![
                    Just("version: STSv1".to_owned()),
                    Just("version:STSv1".to_owned()),
                    "mode: (enforce|none|testing|ENFORCE)",
                    "max_age: [0-9]{1,11}",
                    "mx:[ \t]{0,2}(\\*\\.)?[a-zA-Z0-9.-]{1,20}[ ]?",
                    "[a-z_]{1,8}: [a-z ]{0,5}",
                    Just(String::new()),
                ],
                0..8,
            ),
            crlf in any::<bool>(),
        ) {
            let separator = if crlf { "\r\n" } else { "\n" };
            let text = lines.join(separator);
            if let Some(policy) = parse_clean(text.as_bytes()) {
                let full = parse_full(text.as_bytes(), ParseOptions::STRICT);
                prop_assert_eq!(full.map(|parsed| parsed.value), Ok(policy));
            }
        }
    }

    #[test]
    fn find_line_break_finds_the_first_lf_or_cr() {
        assert_eq!(find_line_break(b"mode: enforce\nmx: a"), 13);
        assert_eq!(find_line_break(b"mode:\tenforce\r\n"), 13);
        assert_eq!(find_line_break(b"0123456789abcdef\r"), 16);
        assert_eq!(find_line_break(b"no break at all, long enough"), 28);
        assert_eq!(find_line_break(b""), 0);
        assert_eq!(find_line_break(b"\xff\xfe\n"), 2);
    }

    #[test]
    fn accepts_clean_policies() {
        let lf = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: \
                  604800\n";
        assert_eq!(fast(lf).unwrap().mx().len(), 2);
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(fast(&crlf).unwrap().max_age(), 604800);
        assert!(fast("mode:none\r\nmax_age:86400\nversion:\tSTSv1 \t").is_some());
        assert!(
            fast("version: STSv1\nmode: enforce\nmx: MAIL.Example.COM\nmax_age: 31557600")
                .is_some()
        );
    }

    #[test]
    fn leaves_everything_with_a_diagnostic_to_the_full_parser() {
        let base = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 604800\n";
        let cases = [
            "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 3600\n",
            "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557601\n",
            "version: STSv1\nmode: enforce\nmx: mail.example.com.\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: 192.0.2.1\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: *.com\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmx: A.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmx: *.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmode: none\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\nnote: x\n",
            "version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n\n",
            "version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            " version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: møx.example\nmax_age: 604800\n",
            "\u{feff}version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: +604800\n",
            "",
        ];
        assert!(fast(base).is_some());
        for case in cases {
            assert_eq!(parse_clean(case.as_bytes()), None, "{case:?}");
        }
    }
}
