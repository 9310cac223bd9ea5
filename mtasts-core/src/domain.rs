//! Host names: the RFC 5321 `Domain` grammar and normalisation of names for comparison.
//!
//! RFC 5321 §4.1.2 defines the names that MTA-STS policies may list:
//!
//! ```text
//! Domain     = sub-domain *("." sub-domain)
//! sub-domain = Let-dig [Ldh-str]
//! Ldh-str    = *( ALPHA / DIGIT / "-" ) Let-dig
//! ```
//!
//! DNS limits apply on top: a label has 1 to 63 octets and a name at most 255 octets in wire
//! form. Both limits are enforced by `hickory-proto`'s [`Label`] and [`Name::MAX_LENGTH`].

use std::borrow::Cow;

use hickory_proto::rr::{Label, Name};

/// Why a string is not an RFC 5321 `Domain`. Offsets count bytes from the start of the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// The name is empty.
    #[error("expected a host name, found nothing")]
    Empty,
    /// The name contains a non-ASCII character, so it is a U-label rather than an A-label.
    #[error("expected an A-label (ASCII) host name, found the U-label {name:?}")]
    NonAscii {
        /// The name as given.
        name: String,
        /// The A-label form, when IDNA can convert the name.
        a_label: Option<String>,
    },
    /// A character other than a letter, a digit, `-` or `.`.
    #[error("invalid character {character:?} in host name at byte {offset}")]
    InvalidCharacter {
        /// Offset of the character.
        offset: usize,
        /// The character.
        character: char,
    },
    /// Two dots in a row, or a dot at the start.
    #[error("empty label in host name at byte {offset}")]
    EmptyLabel {
        /// Offset where the empty label starts.
        offset: usize,
    },
    /// A label that starts or ends with `-`.
    #[error("label {label:?} starts or ends with a hyphen")]
    HyphenAtLabelEdge {
        /// Offset of the label.
        offset: usize,
        /// The label.
        label: String,
    },
    /// A label longer than 63 octets.
    #[error("label of {length} characters exceeds the DNS limit of 63")]
    LabelTooLong {
        /// Offset of the label.
        offset: usize,
        /// Its length in bytes.
        length: usize,
    },
    /// A name longer than 253 characters (255 octets in DNS wire form).
    #[error("host name of {length} characters exceeds the DNS limit of 253")]
    NameTooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The name ends with `.`, which the `Domain` grammar does not allow.
    #[error("host name ends with a dot")]
    TrailingDot,
}

impl DomainError {
    /// Returns the byte offset of the problem within the name, or 0 for the whole name.
    pub fn offset(&self) -> usize {
        match self {
            DomainError::InvalidCharacter { offset, .. }
            | DomainError::EmptyLabel { offset }
            | DomainError::HyphenAtLabelEdge { offset, .. }
            | DomainError::LabelTooLong { offset, .. } => *offset,
            _ => 0,
        }
    }
}

/// Characters that UTS #46 maps to the label separator `.`: ideographic full stop, full-width
/// full stop and half-width ideographic full stop.
const IDEOGRAPHIC_FULL_STOPS: [char; 3] = ['\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// Labels up to this length are within every DNS limit, so they need no further check.
const MAX_SHORT_LABEL: usize = 63;

/// Longest name in presentation form: the wire form adds one length octet before the first
/// label and the root label's octet at the end.
const MAX_TEXT_LENGTH: usize = Name::MAX_LENGTH - 2;

/// Checks that `name` is an RFC 5321 `Domain`: LDH labels separated by single dots, no trailing
/// dot, ASCII only, within the DNS length limits.
///
/// # Errors
///
/// Returns the first problem found, scanning from the left.
pub fn check_domain(name: &str) -> Result<(), DomainError> {
    scan_domain(name).map(|_| ())
}

/// Checks `name` as [`check_domain`] does and returns whether it has upper-case letters, so
/// that a caller storing it lower-cased can skip that pass for the usual lower-case name.
pub(crate) fn scan_domain(name: &str) -> Result<bool, DomainError> {
    if name.is_empty() {
        return Err(DomainError::Empty);
    }
    if !name.is_ascii() {
        // An ASCII character that no host name may contain, such as a tab, is reported first,
        // because converting U-labels to A-labels would not remove it.
        let invalid_ascii = name
            .char_indices()
            .find(|&(_, c)| c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.'));
        if let Some((offset, character)) = invalid_ascii {
            return Err(DomainError::InvalidCharacter { offset, character });
        }
        return Err(DomainError::NonAscii {
            name: name.to_owned(),
            a_label: to_a_label(name),
        });
    }
    scan_ldh(name.as_bytes())
}

/// Checks ASCII bytes as [`check_domain`] does and returns whether they have upper-case
/// letters. A byte above 0x7F is an invalid character here; [`scan_domain`] reports non-ASCII
/// names as U-labels before calling this.
pub(crate) fn scan_ldh(bytes: &[u8]) -> Result<bool, DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::Empty);
    }
    // One pass: characters are checked as they come, each label when its dot is reached.
    let mut label_start = 0;
    let mut has_uppercase = false;
    for (i, &byte) in bytes.iter().enumerate() {
        match CHARACTER_CLASS[usize::from(byte)] {
            Class::LowerDigitHyphen => {}
            Class::Upper => has_uppercase = true,
            Class::Dot => {
                check_label(bytes, label_start, i)?;
                label_start = i + 1;
            }
            Class::Other => {
                return Err(DomainError::InvalidCharacter {
                    offset: i,
                    character: char::from(byte),
                });
            }
        }
    }
    if label_start == bytes.len() {
        return Err(DomainError::TrailingDot);
    }
    check_label(bytes, label_start, bytes.len())?;
    if bytes.len() > MAX_TEXT_LENGTH {
        return Err(DomainError::NameTooLong {
            length: bytes.len(),
        });
    }
    Ok(has_uppercase)
}

/// Returns `true` when `name` is an IPv4 address in dotted-decimal form, which a host name field
/// should not contain: no top-level domain is all digits (RFC 3696 §2).
pub(crate) fn is_ipv4_text(name: &str) -> bool {
    name.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && name.parse::<std::net::Ipv4Addr>().is_ok()
}

/// Returns `true` when `name` is a valid `Domain` written in lower case: exactly the names for
/// which [`scan_ldh`] returns `Ok(false)`. It returns a plain `bool` and builds no error, which
/// makes it the cheap first check for the common, valid, lower-case name.
pub(crate) fn is_lowercase_domain(name: &[u8]) -> bool {
    // The name is the whole input, so no byte ends it within a word and reading by words
    // would only add a pass.
    lowercase_domain_prefix_by_labels(name) == Some(name.len())
}

/// Returns the length of the run of lower-case letters, digits, `-` and `.` at the start of
/// `bytes` when that run is a valid lower-case `Domain`, and `None` when it is not. Reading
/// stops at the first other byte, so a caller scans a name and finds where it ends in one
/// pass.
///
/// A name that ends within the first 32 bytes, with eight bytes to read past its end, is read
/// as whole words at fixed places. Where it ends then depends on no label before, so a caller
/// can go on while the labels are checked. Read label by label, each label waited for the one
/// before: names with five more labels made a policy about 45% slower to parse (a timing loop
/// like `policy/5_lines_deep_names` in `benches/`, on a 2.6 GHz Xeon). Longer names, and
/// names near the end of the input, are still read label by label.
///
/// Always inlined: called, it saved and restored more registers than a short name takes to
/// scan (measured with callgrind on the policy fast path).
#[inline(always)]
pub(crate) fn lowercase_domain_prefix(bytes: &[u8]) -> Option<usize> {
    match short_name_masks(bytes) {
        Some(masks) => {
            let last = masks.end.checked_sub(1)?;
            let separators = masks.separators & ((1 << masks.end) - 1);
            // A name does not start or end with `.` or `-`.
            if separators & (1 | (1 << last)) != 0 {
                return None;
            }
            // Without two separators in a row, no label is empty or has `-` at an edge. A
            // name at most 31 bytes long is within every length limit. Two in a row are
            // valid only as `--`, as in the A-label prefix `xn--`, so the label walk decides.
            if separators & (separators >> 1) == 0 {
                Some(masks.end as usize)
            } else {
                lowercase_domain_prefix_by_labels(bytes)
            }
        }
        None => lowercase_domain_prefix_by_labels(bytes),
    }
}

/// The end of a short run of name bytes, and a bit mask of its separators, `.` and `-` (bit
/// `i` for byte `i`). Bits at and past `end` are meaningless.
struct NameMasks {
    end: u32,
    separators: u64,
}

/// Reads `bytes` eight at a time until a byte that is not a lower-case letter, digit, `.` or
/// `-`. Returns `None` when that byte is not in the first 32, or when fewer than eight bytes
/// are left to read before it.
#[inline(always)]
fn short_name_masks(bytes: &[u8]) -> Option<NameMasks> {
    let mut separators = 0;
    let mut rest = bytes;
    let mut shift = 0;
    while shift < 32 {
        let (word, after) = rest.split_first_chunk::<8>()?;
        let word = u64::from_le_bytes(*word);
        let dot_or_hyphen = bytes_in_range(word, b'-', b'.');
        separators |= high_bits_to_bits(dot_or_hyphen) << shift;
        let others = not_lower_alnum(word) & !dot_or_hyphen;
        if others != 0 {
            return Some(NameMasks {
                end: shift + others.trailing_zeros() / 8,
                separators,
            });
        }
        rest = after;
        shift += 8;
    }
    None
}

/// Does the work of [`lowercase_domain_prefix`] one label at a time, for names of any length.
fn lowercase_domain_prefix_by_labels(bytes: &[u8]) -> Option<usize> {
    let mut label_start = 0;
    let mut at = 0;
    loop {
        // Letters and digits, the bulk of a name, in a loop of their own. When the run is not
        // empty, the byte before the next one is a letter or digit, so the label so far is not
        // empty and does not end with `-`.
        let run = lower_alnum_run(bytes.get(at..)?);
        at += run;
        let label_ends_well = run > 0 && at - label_start <= MAX_SHORT_LABEL;
        match bytes.get(at) {
            // A label does not start with `-`.
            Some(b'-') if at > label_start => {}
            Some(b'.') if label_ends_well => label_start = at + 1,
            Some(b'-' | b'.') => return None,
            _ => return (label_ends_well && at <= MAX_TEXT_LENGTH).then_some(at),
        }
        at += 1;
    }
}

/// Returns how many bytes at the start of `bytes` are lower-case ASCII letters or digits.
/// While eight bytes remain, they are tested together as one machine word.
#[inline]
fn lower_alnum_run(bytes: &[u8]) -> usize {
    let mut rest = bytes;
    while let Some((word, after)) = rest.split_first_chunk::<8>() {
        let others = not_lower_alnum(u64::from_le_bytes(*word));
        if others != 0 {
            // Byte `i` of the text is byte `i` from the low end of a little-endian word.
            return bytes.len() - rest.len() + (others.trailing_zeros() / 8) as usize;
        }
        rest = after;
    }
    let tail = rest
        .iter()
        .position(|&b| !IS_LOWER_ALNUM[usize::from(b)])
        .unwrap_or(rest.len());
    bytes.len() - rest.len() + tail
}

/// Returns a mask with bit `i` set when byte `i` of `text` is not a lower-case ASCII letter or
/// digit, for the first 63 bytes, and every bit from `text.len()` (at most 63) upward set.
/// The bytes are tested eight at a time.
pub(crate) fn not_lower_alnum_bits(text: &[u8]) -> u64 {
    let length = text.len().min(63);
    let text = text.get(..length).unwrap_or_default();
    let mut bits = u64::MAX << length;
    let mut rest = text;
    let mut shift = 0;
    while let Some((word, after)) = rest.split_first_chunk::<8>() {
        bits |= high_bits_to_bits(not_lower_alnum(u64::from_le_bytes(*word))) << shift;
        rest = after;
        shift += 8;
    }
    if !rest.is_empty() {
        let word = match text.last_chunk::<8>() {
            // The last eight bytes end with the remaining ones. Shifting moves those to the
            // start of the word, and the zero bytes it fills in are past the end.
            Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - rest.len())),
            None => {
                let mut word = [0; 8];
                word[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(word)
            }
        };
        bits |= high_bits_to_bits(not_lower_alnum(word)) << shift;
    }
    bits
}

/// Gathers the high bits of the eight bytes of `mask` into its low byte, byte `i` to bit `i`.
///
/// After the shift, byte `i` has its flag at bit `8 * i`. The multiplier has a bit at
/// `56 - 7 * j` for each `j` below 8, so flag `i` times bit `j = i` lands at bit `56 + i`.
/// Every other product lands at a different bit outside the top byte, so no sum carries
/// into it.
const fn high_bits_to_bits(mask: u64) -> u64 {
    (mask >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Sets the high bit of each byte of `word` that is not a lower-case ASCII letter or digit,
/// and clears every other bit.
const fn not_lower_alnum(word: u64) -> u64 {
    !(bytes_in_range(word, b'a', b'z') | bytes_in_range(word, b'0', b'9')) & HIGH_BITS
}

/// The high bit of each byte of a word.
pub(crate) const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);

/// Sets the high bit of each byte of the little-endian `word` that is in `lo..=hi`, and
/// clears every other bit. `lo` must be at least 1 and `hi` below 0x80.
///
/// For a byte `x` below 0x80, `x + (0x80 - lo)` has its high bit set exactly when `x >= lo`,
/// and the sum stays below 0x100, so no carry crosses into the next byte. A byte is in
/// `lo..=hi` when that holds for `lo` and not for `hi + 1`. Bytes of 0x80 and above are
/// excluded by their own high bit.
pub(crate) const fn bytes_in_range(word: u64, lo: u8, hi: u8) -> u64 {
    const fn each(byte: u8) -> u64 {
        u64::from_le_bytes([byte; 8])
    }
    let low = word & !HIGH_BITS;
    let at_least_lo = low + each(0x80 - lo);
    let above_hi = low + each(0x80 - (hi + 1));
    at_least_lo & !above_hi & !word & HIGH_BITS
}

/// Lower-case ASCII letters and digits, indexed by byte value.
static IS_LOWER_ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = matches!(byte as u8, b'a'..=b'z' | b'0'..=b'9');
        byte += 1;
    }
    table
};

/// What a byte can be in a host name.
#[derive(Clone, Copy)]
enum Class {
    LowerDigitHyphen,
    Upper,
    Dot,
    Other,
}

/// The class of each byte value, so that the scan costs one lookup per character.
static CHARACTER_CLASS: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            Class::LowerDigitHyphen
        } else if b.is_ascii_uppercase() {
            Class::Upper
        } else if b == b'.' {
            Class::Dot
        } else {
            Class::Other
        };
        byte += 1;
    }
    table
};

/// What is wrong with a label whose characters are already known to be LDH.
#[derive(Clone, Copy)]
enum LabelProblem {
    Empty,
    HyphenAtEdge,
    TooLong,
}

/// Checks the label `bytes[start..end]`, whose characters are already known to be LDH. The
/// problem comes back as a small value, so that the common case returns in a register and the
/// error is only built when there is one.
#[inline(always)]
fn check_label(bytes: &[u8], start: usize, end: usize) -> Result<(), DomainError> {
    match label_problem(&bytes[start..end]) {
        None => Ok(()),
        Some(problem) => Err(label_error(bytes, start, end, problem)),
    }
}

#[inline(always)]
fn label_problem(label: &[u8]) -> Option<LabelProblem> {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return Some(LabelProblem::Empty);
    };
    if first == b'-' || last == b'-' {
        return Some(LabelProblem::HyphenAtEdge);
    }
    // hickory-proto's `Label` enforces the 63-octet limit of RFC 1035 §2.3.4. Building one
    // copies the label, so it is only asked about labels long enough to break the limit.
    if label.len() > MAX_SHORT_LABEL && Label::from_raw_bytes(label).is_err() {
        return Some(LabelProblem::TooLong);
    }
    None
}

#[cold]
fn label_error(bytes: &[u8], start: usize, end: usize, problem: LabelProblem) -> DomainError {
    let label = &bytes[start..end];
    match problem {
        LabelProblem::Empty => DomainError::EmptyLabel { offset: start },
        LabelProblem::HyphenAtEdge => DomainError::HyphenAtLabelEdge {
            offset: start,
            label: String::from_utf8_lossy(label).into_owned(),
        },
        LabelProblem::TooLong => DomainError::LabelTooLong {
            offset: start,
            length: label.len(),
        },
    }
}

/// Converts a host name with U-labels to its A-label form with IDNA (UTS #46), lower-cased.
/// Returns `None` when IDNA rejects the name.
pub fn to_a_label(name: &str) -> Option<String> {
    // UTS #46 maps the ideographic and full-width full stops to ".", but hickory-proto splits
    // labels before mapping, so they are replaced here first.
    let name: Cow<'_, str> = if name.contains(IDEOGRAPHIC_FULL_STOPS) {
        Cow::Owned(name.replace(IDEOGRAPHIC_FULL_STOPS, "."))
    } else {
        Cow::Borrowed(name)
    };
    let name = Name::from_utf8(&*name).ok()?;
    let mut ascii = name.to_ascii();
    if name.is_fqdn() {
        ascii.pop();
    }
    ascii.make_ascii_lowercase();
    Some(ascii)
}

/// Prepares an MX host or certificate reference name for comparison: drops one trailing dot
/// and converts U-labels to A-labels. ASCII names are borrowed unchanged, so the common case
/// does not allocate. Returns `None` for a name that IDNA rejects.
pub(crate) fn normalize_reference(host: &str) -> Option<Cow<'_, str>> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_ascii() {
        return Some(Cow::Borrowed(host));
    }
    // `to_a_label` drops a trailing dot, which would make a second one disappear too.
    if host.ends_with('.') {
        return None;
    }
    to_a_label(host).map(Cow::Owned)
}

/// Compares `host` with `lower`, which must be lower-case, ignoring ASCII case in `host` only.
/// Eight bytes are folded and compared at a time, which is what makes matching a host against
/// many patterns cheap.
#[inline]
pub(crate) fn eq_lowercase(host: &[u8], lower: &[u8]) -> bool {
    eq_folded(host, lower, |word| word)
}

/// Compares two names ignoring ASCII case on both sides, eight bytes at a time.
pub(crate) fn eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    eq_folded(a, b, lowercase_word)
}

/// Compares `a`, lower-cased, with `b` after `fold_b`, a word at a time. Names of eight bytes
/// or more end with one word that overlaps the previous one, so no byte is compared alone.
#[inline]
fn eq_folded(a: &[u8], b: &[u8], fold_b: impl Fn(u64) -> u64) -> bool {
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len < 8 {
        return lowercase_word(load_partial(a)) == fold_b(load_partial(b));
    }
    let mut at = 0;
    while at + 8 <= len {
        if lowercase_word(load_word(a, at)) != fold_b(load_word(b, at)) {
            return false;
        }
        at += 8;
    }
    at == len || lowercase_word(load_word(a, len - 8)) == fold_b(load_word(b, len - 8))
}

/// Loads the eight bytes at `at`, which the caller keeps within `bytes`.
#[inline]
fn load_word(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
            u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7])
        }
        _ => 0,
    }
}

/// Loads up to eight bytes into a word, padding with zeros.
#[inline]
fn load_partial(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0, |word, &byte| (word << 8) | u64::from(byte))
}

/// Lower-cases the ASCII letters among the eight bytes of `word` and leaves every other byte,
/// non-ASCII ones included, as it is.
#[inline]
fn lowercase_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    // With the high bit of each byte cleared, adding these constants sets a byte's high bit
    // exactly when the byte is at least 'A' (first sum) or above 'Z' (second sum); no sum
    // carries into the next byte.
    let low_seven = word & !HIGH_BITS;
    let at_least_a = low_seven + ONES * u64::from(0x80 - b'A');
    let above_z = low_seven + ONES * u64::from(0x80 - b'Z' - 1);
    let uppercase = at_least_a & !above_z & !word & HIGH_BITS;
    word | (uppercase >> 2)
}

/// Returns `true` when `label` is a non-empty LDH label that can stand where a wildcard is.
#[inline]
pub(crate) fn is_ldh_label(label: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (label.first(), label.last()) else {
        return false;
    };
    label.len() <= MAX_SHORT_LABEL
        && first != b'-'
        && last != b'-'
        && label.iter().all(|&b| IS_LDH[usize::from(b)])
}

/// Letters, digits and `-`, indexed by byte value.
static IS_LDH: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'-';
        byte += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_domain_accepts_ldh_names() {
        for name in [
            "mail.example.com",
            "a",
            "xn--mx-lka.example",
            "192.0.2.56",
            "a-b.c0",
        ] {
            assert_eq!(check_domain(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn check_domain_rejects_with_exact_reason() {
        let long_label = "a".repeat(64);
        let cases: Vec<(&str, DomainError)> = vec![
            ("", DomainError::Empty),
            ("a..b", DomainError::EmptyLabel { offset: 2 }),
            (".a", DomainError::EmptyLabel { offset: 0 }),
            ("a.b.", DomainError::TrailingDot),
            (
                "a_b.c",
                DomainError::InvalidCharacter {
                    offset: 1,
                    character: '_',
                },
            ),
            (
                "a.b c",
                DomainError::InvalidCharacter {
                    offset: 3,
                    character: ' ',
                },
            ),
            (
                "-a.b",
                DomainError::HyphenAtLabelEdge {
                    offset: 0,
                    label: "-a".into(),
                },
            ),
            (
                "a.b-",
                DomainError::HyphenAtLabelEdge {
                    offset: 2,
                    label: "b-".into(),
                },
            ),
            (
                &long_label,
                DomainError::LabelTooLong {
                    offset: 0,
                    length: 64,
                },
            ),
        ];
        for (name, expected) in cases {
            assert_eq!(check_domain(name), Err(expected), "{name:?}");
        }
    }

    #[test]
    fn check_domain_limits_name_to_253_characters() {
        let label = "a".repeat(63);
        let name_253 = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(name_253.len(), 253);
        assert_eq!(check_domain(&name_253), Ok(()));
        let name_254 = format!("{name_253}c");
        assert_eq!(
            check_domain(&name_254),
            Err(DomainError::NameTooLong { length: 254 })
        );
    }

    #[test]
    fn check_domain_suggests_a_label_for_u_label() {
        assert_eq!(
            check_domain("møx.example"),
            Err(DomainError::NonAscii {
                name: "møx.example".into(),
                a_label: Some("xn--mx-lka.example".into())
            })
        );
    }

    #[test]
    fn to_a_label_splits_at_ideographic_full_stops() {
        assert_eq!(
            to_a_label("mail\u{3002}møx\u{FF0E}example").as_deref(),
            Some("mail.xn--mx-lka.example")
        );
        assert_eq!(to_a_label("a\u{FF61}b").as_deref(), Some("a.b"));
    }

    #[test]
    fn u_label_with_a_tab_reports_the_tab() {
        assert_eq!(
            check_domain("ü.example.com\tx"),
            Err(DomainError::InvalidCharacter {
                offset: 14,
                character: '\t'
            })
        );
        assert!(matches!(
            check_domain("ü.example.com"),
            Err(DomainError::NonAscii { .. })
        ));
    }

    #[test]
    fn lowercase_domain_prefix_stops_at_other_bytes() {
        let long = format!("{}.{}.example", "a".repeat(63), "b".repeat(40));
        assert_eq!(lowercase_domain_prefix(long.as_bytes()), Some(long.len()));
        let long_label = format!("{}.example", "a".repeat(64));
        assert_eq!(lowercase_domain_prefix(long_label.as_bytes()), None);
        assert_eq!(lowercase_domain_prefix(b"-a"), None);
        assert_eq!(lowercase_domain_prefix(b"a-"), None);
        assert_eq!(lowercase_domain_prefix(b"a-b"), Some(3));
        assert_eq!(lowercase_domain_prefix(b"a--b.c-d"), Some(8));
        assert_eq!(lowercase_domain_prefix(b"a.-b"), None);
        assert_eq!(lowercase_domain_prefix(b".a"), None);
        assert_eq!(lowercase_domain_prefix(b"example.com;"), Some(11));
        assert_eq!(lowercase_domain_prefix(b"example.com"), Some(11));
        assert_eq!(lowercase_domain_prefix(b"a-b.c0 x"), Some(6));
        assert_eq!(lowercase_domain_prefix(b"example.com.;"), None);
        assert_eq!(lowercase_domain_prefix(b"example-.com"), None);
        assert_eq!(lowercase_domain_prefix(b"example.-com"), None);
        assert_eq!(lowercase_domain_prefix(b"Example.com"), None);
        assert_eq!(lowercase_domain_prefix(b";"), None);
        assert_eq!(lowercase_domain_prefix(b""), None);
    }

    /// Names read by words: ends at and next to word edges, separators in a row across an
    /// edge, `--`, and a name that runs past 32 bytes.
    #[test]
    fn lowercase_domain_prefix_by_words() {
        let tail = "\r\nmax_age: 86400";
        let cases: [(&str, Option<usize>); 14] = [
            ("abcdefg.", None),
            ("abcdefgh", Some(8)),
            ("abcdef.h", Some(8)),
            ("mail.example.com", Some(16)),
            ("mail.example.co.", None),
            ("mail.ex.-ample.com", None),
            ("mail.ex-.ample.com", None),
            ("mail.ex..ample.com", None),
            ("mail.exa.mple.com", Some(17)),
            ("mail.exa-mple.com", Some(17)),
            ("xn--bcher-kva.example", Some(21)),
            ("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", Some(31)),
            ("a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.pq", Some(32)),
            ("-abcdefghijklmnopqrstuvwxyz.com", None),
        ];
        for (name, expected) in cases {
            let text = format!("{name}{tail}");
            assert_eq!(lowercase_domain_prefix(text.as_bytes()), expected, "{name}");
        }
        assert!(short_name_masks(b"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.pq\r\n......").is_none());
        assert!(short_name_masks(b"mail.example.com\r\n").is_none());
        let masks = short_name_masks(b"mail.example.com\r\n......").unwrap();
        assert_eq!(masks.end, 16);
        assert_eq!(masks.separators & 0xFFFF, 1 << 4 | 1 << 12);
    }

    /// Every byte value at every place, from every start, in inputs shorter and longer than
    /// a word.
    #[test]
    fn lower_alnum_run_every_byte_value() {
        for length in [1, 5, 8, 13, 20] {
            for value in 0..=u8::MAX {
                let member = value.is_ascii_lowercase() || value.is_ascii_digit();
                for place in 0..length {
                    let mut text = b"a0z9b8y7c6x5d4w3e2v1"[..length].to_vec();
                    text[place] = value;
                    for from in 0..=length {
                        let expected = if member || place < from {
                            length
                        } else {
                            place
                        };
                        assert_eq!(
                            from + lower_alnum_run(&text[from..]),
                            expected,
                            "{value:#x} at {place} of {length}, from {from}"
                        );
                    }
                }
            }
        }
        assert_eq!(lower_alnum_run(b""), 0);
        assert_eq!(lower_alnum_run(b"abcdefgh"), 8);
    }

    /// Computes `not_lower_alnum_bits` one byte at a time.
    fn not_lower_alnum_bits_bytewise(text: &[u8]) -> u64 {
        let length = text.len().min(63);
        (0..64).fold(0, |bits, i| {
            let other = i >= length || !(text[i].is_ascii_lowercase() || text[i].is_ascii_digit());
            bits | (u64::from(other) << i)
        })
    }

    #[test]
    fn not_lower_alnum_bits_marks_every_byte() {
        for length in 0..70 {
            let alnum: Vec<u8> = (0..length).map(|i| b"a0z9"[i % 4]).collect();
            assert_eq!(
                not_lower_alnum_bits(&alnum),
                u64::MAX << length.min(63),
                "{length}"
            );
            for place in 0..length {
                for value in [b'.', b'-', b'A', b'@', 0, 0x80, 0xE1, 0xB0] {
                    let mut text = alnum.clone();
                    text[place] = value;
                    let expected = not_lower_alnum_bits_bytewise(&text);
                    assert_eq!(
                        not_lower_alnum_bits(&text),
                        expected,
                        "{value:#x} at {place}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn not_lower_alnum_bits_matches_bytewise(
            text in proptest::collection::vec(proptest::prop_oneof![
                3 => proptest::num::u8::ANY,
                5 => b'a'..=b'z',
                2 => b'0'..=b'9',
            ], 0..80),
        ) {
            proptest::prop_assert_eq!(not_lower_alnum_bits(&text), not_lower_alnum_bits_bytewise(&text));
        }

        #[test]
        fn lower_alnum_run_agrees_with_a_byte_loop(
            head in "[a-z0-9]{0,30}",
            stop in proptest::num::u8::ANY,
            tail in "[a-z0-9]{0,10}",
        ) {
            let text = [head.as_bytes(), &[stop], tail.as_bytes()].concat();
            let run = text
                .iter()
                .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                .count();
            proptest::prop_assert_eq!(lower_alnum_run(&text), run);
        }

        /// Names that end within the first 32 bytes are read by words, others by labels, and
        /// both must agree with the full check.
        #[test]
        fn lowercase_domain_prefix_agrees_with_scan_ldh(
            name in "[a-c0.-]{0,12}|[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,9}){0,4}|x[a-z]{20,40}",
            stop in proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::strategy::Just(b'\r'),
                proptest::strategy::Just(b' '),
            ],
            tail in "[a-z.\r\n -]{0,12}",
        ) {
            let text = [name.as_bytes(), &[stop], tail.as_bytes()].concat();
            let run = text
                .iter()
                .take_while(|&&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
                .count();
            let expected = (scan_ldh(&text[..run]) == Ok(false)).then_some(run);
            proptest::prop_assert_eq!(lowercase_domain_prefix(&text), expected, "{:?}", text);
            proptest::prop_assert_eq!(lowercase_domain_prefix_by_labels(&text), expected, "{:?}", text);
        }

        #[test]
        fn is_lowercase_domain_agrees_with_scan_ldh(name in "[a-cA.-]{0,12}|[a-z]{60,70}(\\.[a-z]{1,3})?") {
            let expected = scan_ldh(name.as_bytes()) == Ok(false);
            proptest::prop_assert_eq!(is_lowercase_domain(name.as_bytes()), expected, "{}", name);
        }
    }

    #[test]
    fn is_lowercase_domain_checks_labels_and_case() {
        assert!(is_lowercase_domain(b"mail.example.com"));
        assert!(is_lowercase_domain(b"a-b.c0"));
        assert!(!is_lowercase_domain(b"Mail.example.com"));
        assert!(!is_lowercase_domain(b"a..b"));
        assert!(!is_lowercase_domain(b"-a.b"));
        assert!(!is_lowercase_domain(b"a-.b"));
        assert!(!is_lowercase_domain(b"a.b."));
        assert!(!is_lowercase_domain(b""));
        assert!(!is_lowercase_domain("a".repeat(64).as_bytes()));
        assert!(is_lowercase_domain("a".repeat(63).as_bytes()));
    }

    #[test]
    fn eq_lowercase_folds_only_ascii_letters_of_the_host() {
        assert!(eq_lowercase(b"MAIL.Example.COM", b"mail.example.com"));
        assert!(eq_lowercase(
            b"AbCdEfGhIjKlMnOpQrStUvWxYz@[`{",
            b"abcdefghijklmnopqrstuvwxyz@[`{"
        ));
        assert!(!eq_lowercase(b"mail.example.com", b"mail.example.co"));
        assert!(!eq_lowercase(b"mail.example.con", b"mail.example.com"));
        assert!(!eq_lowercase(b"@", b"`"));
        assert!(!eq_lowercase(b"[", b"{"));
        assert!(!eq_lowercase(b"\xc1bcdefgh", b"\xe1bcdefgh"));
        assert!(eq_lowercase(b"", b""));
        assert!(eq_lowercase(b"ABCDEFGHIJK", b"abcdefghijk"));
        assert!(!eq_lowercase(b"ABCDEFGHIJK", b"abcdefghijj"));
        assert!(!eq_lowercase(b"BBCDEFGHIJK", b"abcdefghijk"));
    }

    #[test]
    fn eq_ignore_case_folds_both_sides() {
        assert!(eq_ignore_case(b"MAIL.Example.COM", b"mail.EXAMPLE.com"));
        assert!(!eq_ignore_case(b"MAIL.Example.COM", b"mail.EXAMPLE.con"));
        assert!(!eq_ignore_case(b"a", b"ab"));
    }

    #[test]
    fn lowercase_word_matches_byte_by_byte_folding() {
        for first in 0..=255u8 {
            let bytes = [first, b'Z', b'a', 0x7f, 0x80, b'@', b'[', 0xff];
            let folded = lowercase_word(u64::from_le_bytes(bytes)).to_le_bytes();
            assert_eq!(folded, bytes.map(|b| b.to_ascii_lowercase()), "{first:#x}");
        }
    }

    #[test]
    fn normalize_reference_strips_one_dot_and_converts_idn() {
        assert_eq!(
            normalize_reference("mx.example.com.").as_deref(),
            Some("mx.example.com")
        );
        assert_eq!(
            normalize_reference("mx.example.com..").as_deref(),
            Some("mx.example.com.")
        );
        assert_eq!(
            normalize_reference("MØX.example").as_deref(),
            Some("xn--mx-lka.example")
        );
    }
}
