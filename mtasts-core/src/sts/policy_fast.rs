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

use ascii::AsciiStr;
use smallvec::SmallVec;

use crate::diagnostic::{ParseError, Parsed};
use crate::domain;
use crate::sts::mx_overlap::{HASH_FROM, LazyMxSeen, PatternText};
use crate::sts::pattern::MxPattern;
use crate::sts::policy::{MAX_MAX_AGE, MAX_POLICY_SIZE, Mode, Policy};
use crate::sts::policy_parser::{SECONDS_PER_DAY, lint_mx_value};

/// Parses `body` as [`parse_clean`] does, into the result that `Policy::parse_with` returns.
///
/// Built here, the policy is moved into the result once. Wrapping it in `Policy::parse_with`
/// moved it one more time (measured with callgrind).
pub(crate) fn parse_clean_result(body: &[u8]) -> Option<Result<Parsed<Policy>, ParseError>> {
    parse_clean(body).map(|policy| {
        Ok(Parsed {
            value: policy,
            warnings: Vec::new(),
        })
    })
}

/// Parses `body` when it is a clean policy, or returns `None` for the full parser to handle.
///
/// Each line is read once: the field name, the whitespace after `:`, the value up to where
/// its own grammar ends, then trailing whitespace and the line break.
#[inline(always)]
pub(crate) fn parse_clean(body: &[u8]) -> Option<Policy> {
    if body.len() > MAX_POLICY_SIZE {
        return None;
    }
    let mut mode: Option<Mode> = None;
    let mut max_age = None;
    let mut mx: SmallVec<[MxPattern; 2]> = SmallVec::new();
    // The first patterns are compared as text, and the rest through `MxSeen`.
    let mut first: SmallVec<[PatternText<'_>; HASH_FROM]> = SmallVec::new();
    let mut seen = LazyMxSeen::default();
    // Nearly every policy starts with these two lines, each compared as a whole.
    let (mut version, mut rest) = match usual_line(body, b"version: STSv1") {
        Some(after) => (true, after),
        None => (false, body),
    };
    if version && let Some(after) = usual_line(rest, b"mode: enforce") {
        mode = Some(Mode::Enforce);
        rest = after;
    }
    while !rest.is_empty() {
        let (field, value) = known_field(rest)?;
        let value = skip_wsp(value);
        let after_value = match field {
            Field::Version if !version => {
                version = true;
                value.strip_prefix(b"STSv1")?
            }
            Field::Mode if mode.is_none() => {
                // `testing` gets a warning, so the full parser reports it.
                if let Some(after) = value.strip_prefix(b"enforce") {
                    mode = Some(Mode::Enforce);
                    after
                } else {
                    mode = Some(Mode::None);
                    value.strip_prefix(b"none")?
                }
            }
            Field::MaxAge if max_age.is_none() => {
                let (seconds, after) = seconds(value)?;
                max_age = Some(seconds);
                after
            }
            Field::Mx => {
                let (pattern_text, after) = mx_value(value)?;
                if lint_mx_value(pattern_text) {
                    return None;
                }
                let pattern = MxPattern::from_lowercase_domain(pattern_text);
                if mx.len() < HASH_FROM {
                    let new = PatternText::new(pattern_text, is_wildcard(value));
                    if first.iter().any(|earlier| new.clashes_with(earlier)) {
                        return None;
                    }
                    first.push(new);
                } else if seen.get().check(&mx, &pattern).is_some() {
                    return None;
                }
                mx.push(pattern);
                after
            }
            _ => return None,
        };
        rest = next_line(after_value)?;
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

/// Returns the input after its first line when that line is exactly `line` with a CRLF or LF
/// line break.
fn usual_line<'a>(input: &'a [u8], line: &[u8]) -> Option<&'a [u8]> {
    match input.strip_prefix(line)? {
        [b'\r', b'\n', after @ ..] | [b'\n', after @ ..] => Some(after),
        _ => None,
    }
}

/// The fields the fast path reads.
enum Field {
    Version,
    Mode,
    MaxAge,
    Mx,
}

/// Recognises a line that starts with a defined field name and its `:`, and returns the field
/// and the rest of the input after the `:`. Anything else (an extension, a name in another
/// letter case, whitespace before `:`) is left to the full parser.
fn known_field(line: &[u8]) -> Option<(Field, &[u8])> {
    // Two of the names with their `:` are eight bytes long, and the other two fit in four, so
    // each is one comparison of a machine word.
    const VERSION: u64 = u64::from_le_bytes(*b"version:");
    const MAX_AGE: u64 = u64::from_le_bytes(*b"max_age:");
    const MODE: u32 = u32::from_le_bytes(*b"mode");
    const MX: u32 = u32::from_le_bytes(*b"mx:\0");
    const THREE_BYTES: u32 = u32::from_le_bytes([0xFF, 0xFF, 0xFF, 0]);
    let head = u32::from_le_bytes(*line.first_chunk::<4>()?);
    if head & THREE_BYTES == MX {
        return Some((Field::Mx, line.get(3..)?));
    }
    if head == MODE {
        return line.strip_prefix(b"mode:").map(|rest| (Field::Mode, rest));
    }
    let (name, rest) = line.split_first_chunk::<8>()?;
    match u64::from_le_bytes(*name) {
        VERSION => Some((Field::Version, rest)),
        MAX_AGE => Some((Field::MaxAge, rest)),
        _ => None,
    }
}

/// Reads an `mx` value at the start of `input`: a lower-case host name, or `*.` and one, up
/// to the first byte that cannot be part of it. Returns its text and the input after it.
fn mx_value(input: &[u8]) -> Option<(&str, &[u8])> {
    let prefix = if is_wildcard(input) { 2 } else { 0 };
    let length = prefix + domain::lowercase_domain_prefix(input.get(prefix..)?)?;
    let (value, after) = input.split_at_checked(length)?;
    // The value is ASCII, which is quicker to confirm than UTF-8, and makes it text.
    let text = AsciiStr::from_ascii(value).ok()?.as_str();
    Some((text, after))
}

/// Returns `true` when an `mx` value starts with `*.`.
fn is_wildcard(value: &[u8]) -> bool {
    value.starts_with(b"*.")
}

/// Returns `input` without the whitespace at its start. Most values follow exactly one space,
/// which is tested first.
fn skip_wsp(input: &[u8]) -> &[u8] {
    match input {
        [b' ', rest @ ..] if rest.first().is_some_and(|&b| b > b' ') => rest,
        _ => {
            let spaces = input
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            input.get(spaces..).unwrap_or_default()
        }
    }
}

/// Returns the input after the line break that ends a value. Returns `None` when anything
/// but whitespace is between the value and the break, or when a carriage return has no line
/// feed.
fn next_line(after_value: &[u8]) -> Option<&[u8]> {
    match after_value {
        [b'\r', b'\n', next @ ..] | [b'\n', next @ ..] => Some(next),
        [] => Some(&[]),
        [b' ' | b'\t', ..] => match skip_wsp(after_value) {
            [b'\r', b'\n', next @ ..] | [b'\n', next @ ..] => Some(next),
            [] => Some(&[]),
            _ => None,
        },
        _ => None,
    }
}

/// Reads a `max_age` that needs no warning at the start of `input`: 1 to 10 digits, from one
/// day to one year. Returns the value and the input after the digits.
fn seconds(input: &[u8]) -> Option<(u32, &[u8])> {
    let (seconds, digits) = match eight_digits_or_fewer(input) {
        Some(read) => read,
        None => digit_run(input),
    };
    if digits == 0 || digits > 10 {
        return None;
    }
    let seconds = u32::try_from(seconds).ok()?;
    (SECONDS_PER_DAY..=MAX_MAX_AGE)
        .contains(&seconds)
        .then_some((seconds, input.get(digits..)?))
}

/// Reads the run of 1 to 8 ASCII digits at the start of `input` as a number, with the bytes
/// tested and converted eight at a time, and returns it with the number of digits. Returns
/// `None` when fewer than eight bytes remain, or when more than eight digits may follow.
fn eight_digits_or_fewer(input: &[u8]) -> Option<(u64, usize)> {
    let word = u64::from_le_bytes(*input.first_chunk::<8>()?);
    let others = !domain::bytes_in_range(word, b'0', b'9') & domain::HIGH_BITS;
    let digits = (others.trailing_zeros() / 8) as usize;
    // Eight digits are the whole run only when a byte that is not a digit follows.
    if digits == 8 && input.get(8).is_none_or(u8::is_ascii_digit) {
        return None;
    }
    if digits == 0 {
        return Some((0, 0));
    }
    // Shifting the digits to the top of the word leaves zero bytes as leading zeros, with
    // the first digit in byte `8 - digits`. Each step then adds neighbouring groups: pairs
    // of digits, then of pairs, then of fours, with the more significant group times 10,
    // 100 and 10,000. The products wrap: only the sums in the middle bytes are kept.
    let mut value = (word << (8 * (8 - digits))) & u64::from_le_bytes([0x0F; 8]);
    value = value.wrapping_mul(10 * 256 + 1) >> 8;
    value = (value & 0x00FF_00FF_00FF_00FF).wrapping_mul(100 * 65_536 + 1) >> 16;
    value = (value & 0x0000_FFFF_0000_FFFF).wrapping_mul(10_000 * (1 << 32) + 1) >> 32;
    Some((value, digits))
}

/// Reads the run of ASCII digits at the start of `input` one byte at a time, and returns its
/// value (meaningless beyond 19 digits) and length.
fn digit_run(input: &[u8]) -> (u64, usize) {
    let mut value: u64 = 0;
    let mut rest = input;
    while let [digit @ b'0'..=b'9', after @ ..] = rest {
        // Wrapping, so that a long run of digits cannot overflow: callers reject more than
        // 10, and 10 digits fit in a `u64`.
        value = value.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'));
        rest = after;
    }
    (value, input.len() - rest.len())
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

    proptest! {
        #[test]
        fn digit_readers_agree(
            digits in "[0-9]{0,12}",
            tail in proptest::collection::vec(any::<u8>(), 0..9),
        ) {
            let input = [digits.as_bytes(), &tail].concat();
            let length = input.iter().take_while(|b| b.is_ascii_digit()).count();
            let expected = input[..length]
                .iter()
                .fold(0u64, |value, digit| value * 10 + u64::from(digit - b'0'));
            prop_assert_eq!(digit_run(&input), (expected, length));
            if let Some(read) = eight_digits_or_fewer(&input) {
                prop_assert_eq!(read, (expected, length));
            }
        }
    }

    #[test]
    fn eight_digits_or_fewer_reads_each_length() {
        assert_eq!(eight_digits_or_fewer(b"604800\r\n"), Some((604_800, 6)));
        assert_eq!(eight_digits_or_fewer(b"31557600\n"), Some((31_557_600, 8)));
        assert_eq!(eight_digits_or_fewer(b"1234567x"), Some((1_234_567, 7)));
        assert_eq!(eight_digits_or_fewer(b"9\n......"), Some((9, 1)));
        assert_eq!(eight_digits_or_fewer(b"x1234567"), Some((0, 0)));
        // A byte whose low seven bits are a digit is not one.
        assert_eq!(eight_digits_or_fewer(b"12\xb3\xb4....."), Some((12, 2)));
        assert_eq!(eight_digits_or_fewer(b"12345678"), None);
        assert_eq!(eight_digits_or_fewer(b"123456789"), None);
        assert_eq!(eight_digits_or_fewer(b"1234567"), None);
    }

    #[test]
    fn accepts_clean_policies() {
        let lf = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmax_age: \
                  604800\n";
        assert_eq!(fast(lf).unwrap().mx().len(), 2);
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(fast(&crlf).unwrap().max_age(), 604800);
        assert!(fast("mode:none\r\nmax_age:86400\nversion:\tSTSv1 \t").is_some());
        // The usual first lines with either line break, and the same fields written otherwise.
        let mixed = "version: STSv1\nmode: enforce\r\nmx: a.example\nmax_age: 86400";
        assert_eq!(fast(mixed).unwrap().mode(), Mode::Enforce);
        let spaced = "version:  STSv1\nmode:\tenforce \nmx: a.example\nmax_age: 86400";
        assert_eq!(fast(spaced).unwrap().mode(), Mode::Enforce);
        assert!(
            fast("version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 31557600")
                .is_some()
        );
    }

    /// The first eight patterns are compared as text, and later ones through `MxSeen`: an
    /// overlap is found on either side of that switch.
    #[test]
    fn declines_overlaps_before_and_after_eight_patterns() {
        let head = "version: STSv1\nmode: enforce\nmax_age: 604800\n";
        let eight: String = (0..8).map(|i| format!("mx: mx{i}.example\n")).collect();
        let clean = fast(&format!("{head}{eight}mx: *.other.example\nmx: mx.other\n")).unwrap();
        assert_eq!(clean.mx().len(), 10);
        let cases = [
            format!("{head}mx: a.example\nmx: a.example\n"),
            format!("{head}mx: a.example\nmx: *.example\n"),
            format!("{head}mx: *.example\nmx: a.example\n"),
            format!("{head}{eight}mx: mx0.example\n"),
            format!("{head}{eight}mx: *.example\n"),
            format!("{head}mx: *.example\n{eight}"),
        ];
        for case in cases {
            assert_eq!(parse_clean(case.as_bytes()), None, "{case:?}");
            assert!(
                parse_full(case.as_bytes(), ParseOptions::STRICT).is_err(),
                "{case:?}"
            );
        }
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
            // The usual first two lines, read as a whole, then repeated.
            "version: STSv1\r\nversion: STSv1\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 604800\r\n",
            "version: STSv1\r\nmode: enforce\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 604800\r\n",
            "version: STSv1\r\nmode: enforce\rmx: a.example\r\nmax_age: 604800\r\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\nnote: x\n",
            "version: STSv1\n\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n\n",
            "version : STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            " version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: møx.example\nmax_age: 604800\n",
            // Upper-case letters are left to the full parser, which lower-cases them.
            "version: STSv1\nmode: enforce\nmx: MAIL.Example.COM\nmax_age: 604800\n",
            "version: STSv1x\nmode: enforce\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforced\nmx: a.example\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example;\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: *.\nmax_age: 604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800s\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000604800\n",
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999999999999999\n",
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
