//! Whether a host name is a public suffix, such as `com`, `co.uk` or `s3.amazonaws.com`.
//!
//! The `psl` crate contains the Public Suffix List, compiled into code that matches a name's
//! labels from the right. Two filters built from the same list run first and turn away most
//! names that are not public suffixes for a fraction of that cost. Each is a bit set with a
//! bit for every key that a rule makes. The filter of names hashes a name's first and last
//! eight bytes and its length. The filter of `*.X` rules hashes the name's last two labels, or
//! its last label, as they show in its last eight bytes. When the name's bits are clear, no
//! rule can match the whole name. When one is set, a rule may, and `psl` decides.
//!
//! `data/public_suffix_rules.txt` must stay the list of the pinned `psl` release (its
//! `data/rules.txt`): a rule that `psl` has and the filter lacks would go unreported. The
//! build script adds the A-labels of the list's Unicode names, which `psl` also matches. The
//! tests check every rule of that file, in both forms, against `psl`.

mod filter_keys;

use filter_keys::{EXACT_BITS_LOG2, WILDCARD_BITS_LOG2, exact_key, filter_bit, window_keys};

include!(concat!(env!("OUT_DIR"), "/public_suffix_filter.rs"));

/// Returns `true` when `domain`, a valid host name without a trailing dot, is itself a public
/// suffix of the list that the `psl` crate compiles in. Only the list's rules count, not the
/// implicit `*` rule that makes every unknown top-level domain a suffix. A top-level domain that
/// the list names only in a `*.X` rule, such as `ck` in `*.ck`, counts too.
///
/// NOTE: `psl` 2.1.247 misses the public suffixes that a `*.X` rule makes when the list also
/// has a narrower rule below them: `ex.futurecms.at` (from `*.futurecms.at`, with
/// `*.ex.futurecms.at` listed) is not reported. About 20 names of the list are affected.
pub(crate) fn is_public_suffix(domain: &[u8]) -> bool {
    (may_be_public_suffix(domain) && psl_is_public_suffix(domain))
        || WILDCARD_TOP_LABELS.contains(&domain)
}

/// Returns `false` when no rule of the list can match the whole of `domain`, and `true` when
/// one may. Names shorter than eight bytes always return `true`.
fn may_be_public_suffix(domain: &[u8]) -> bool {
    let (Some(first), Some(last)) = (domain.first_chunk::<8>(), domain.last_chunk::<8>()) else {
        return true;
    };
    let (first, window) = (u64::from_le_bytes(*first), u64::from_le_bytes(*last));
    if has_bit(
        &EXACT_FILTER,
        exact_key(first, window, domain.len()),
        EXACT_BITS_LOG2,
    ) {
        return true;
    }
    let keys = window_keys(window);
    if has_bit(&WILDCARD_FILTER, keys.last_two_labels, WILDCARD_BITS_LOG2) {
        return true;
    }
    keys.last_label.is_some_and(|(key, length)| {
        length <= MAX_WILDCARD_LABEL && has_bit(&WILDCARD_FILTER, key, WILDCARD_BITS_LOG2)
    })
}

/// Returns whether the bit of `key` is set in `filter`, a bit set of `2^bits_log2` bits.
fn has_bit(filter: &[u64], key: u64, bits_log2: u32) -> bool {
    let bit = filter_bit(key, bits_log2);
    filter
        .get(bit / 64)
        .is_some_and(|word| word >> (bit % 64) & 1 == 1)
}

/// Looks `domain` up with `psl` alone.
fn psl_is_public_suffix(domain: &[u8]) -> bool {
    use psl::Psl;
    let labels = ReverseLabels { rest: Some(domain) };
    let info = psl::List.find(labels);
    info.typ.is_some() && info.len == domain.len()
}

/// The labels of a host name from right to left, as `psl` looks them up.
struct ReverseLabels<'a> {
    rest: Option<&'a [u8]>,
}

impl<'a> Iterator for ReverseLabels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match rest.iter().rposition(|&b| b == b'.') {
            Some(dot) => {
                self.rest = Some(&rest[..dot]);
                Some(&rest[dot + 1..])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const RULES: &str = include_str!("../../data/public_suffix_rules.txt");

    /// Names that each rule of the list makes a public suffix, and names one or two labels
    /// below them, which are not unless another rule makes them one. Internationalised rules
    /// give their names in Unicode and with A-labels.
    fn names_from_rules() -> Vec<String> {
        let mut names = Vec::new();
        for rule in RULES.lines().map(str::trim) {
            if rule.is_empty() || rule.starts_with("//") {
                continue;
            }
            let domain = rule.trim_start_matches('!').trim_start_matches("*.");
            let mut forms = vec![domain.to_owned()];
            if !domain.is_ascii() {
                forms.push(idna::domain_to_ascii(domain).unwrap());
            }
            for form in forms {
                for prefix in ["", "a.", "example.", "mail-01.example."] {
                    names.push(format!("{prefix}{form}"));
                }
            }
        }
        names
    }

    #[test]
    fn filter_agrees_with_psl_on_the_list() {
        let names = names_from_rules();
        let mut suffixes = 0;
        for name in &names {
            let top_label = WILDCARD_TOP_LABELS.contains(&name.as_bytes());
            let expected = psl_is_public_suffix(name.as_bytes()) || top_label;
            assert_eq!(is_public_suffix(name.as_bytes()), expected, "{name}");
            suffixes += usize::from(expected);
        }
        // Every rule of the file is known to `psl` in both forms, so the file is its list.
        assert_eq!(names.len(), 4 * (10_397 + 459));
        // 10,703 as written in the list, 459 A-labels of its Unicode names, and the seven
        // top-level domains of its one-label `*.X` rules.
        assert_eq!(suffixes, 10_703 + 459 + 7);
        assert_eq!(WILDCARD_TOP_LABELS.len(), 7);
    }

    /// Registrable names, one or two labels below a public suffix of one or two labels, as a
    /// domain's own mail hosts are named.
    #[test]
    fn filter_turns_away_most_registrable_names() {
        let mut names = Vec::new();
        for rule in RULES.lines().filter(|rule| rule.split('.').count() <= 2) {
            if !rule.starts_with(['!', '*']) {
                names.push(format!("example.{rule}"));
                names.push(format!("mx1.example.{rule}"));
            }
        }
        let registrable: Vec<&String> = names
            .iter()
            .filter(|name| !psl_is_public_suffix(name.as_bytes()))
            .collect();
        let passed = registrable
            .iter()
            .filter(|name| may_be_public_suffix(name.as_bytes()))
            .count();
        assert_eq!(registrable.len(), names.len());
        assert!(
            passed * 10 < registrable.len(),
            "{passed} of {}",
            registrable.len()
        );
    }

    #[test]
    fn public_suffix_detection_uses_the_list() {
        assert!(is_public_suffix(b"com"));
        assert!(is_public_suffix(b"co.uk"));
        assert!(is_public_suffix(b"s3.amazonaws.com"));
        assert!(is_public_suffix(b"anything.ck"));
        assert!(is_public_suffix(b"ck"));
        assert!(is_public_suffix(b"xn--p1ai"));
        assert!(is_public_suffix(b"xn--fiqs8s"));
        assert!(is_public_suffix(b"xn--55qx5d.cn"));
        assert!(is_public_suffix(b"some-city.kawasaki.jp"));
        assert!(!is_public_suffix(b"city.kawasaki.jp"));
        assert!(!is_public_suffix(b"www.ck"));
        assert!(!is_public_suffix(b"example.com"));
        assert!(!is_public_suffix(b"example"));
        assert!(!is_public_suffix(b"mail.protection.outlook.com"));
    }

    #[test]
    fn window_keys_split_labels() {
        let word = |text: &[u8; 8]| u64::from_le_bytes(*text);
        let keys = window_keys(word(b"le.co.uk"));
        assert_eq!(keys.last_two_labels, word(b"\0\0\0co.uk"));
        assert_eq!(keys.last_label, Some((word(b"\0\0\0\0\0\0uk"), 2)));
        let keys = window_keys(word(b"ample.ck"));
        assert_eq!(keys.last_two_labels, word(b"ample.ck"));
        assert_eq!(keys.last_label, Some((word(b"\0\0\0\0\0\0ck"), 2)));
        let keys = window_keys(word(b"arcelona"));
        assert_eq!(keys.last_two_labels, word(b"arcelona"));
        assert_eq!(keys.last_label, None);
        let keys = window_keys(word(b"a.b.c.d."));
        assert_eq!(keys.last_two_labels, word(b"\0\0\0\0\0\0d."));
        assert_eq!(keys.last_label, Some((0, 0)));
    }

    proptest! {
        #[test]
        fn filter_never_hides_a_suffix(name in "([a-z0-9-]{1,12}\\.){0,3}[a-z]{2,10}") {
            prop_assert_eq!(
                is_public_suffix(name.as_bytes()),
                psl_is_public_suffix(name.as_bytes())
            );
        }
    }
}
