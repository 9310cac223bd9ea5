//! Finding `mx` patterns that repeat or overlap earlier ones in the same policy.
//!
//! A literal pattern such as `mail.example.com` is redundant next to the wildcard
//! `*.example.com`, whose domain is the literal's parent. Each new pattern is compared with
//! every earlier one, by text below [`HASH_FROM`] patterns. From there on, each pattern gets
//! two short hashes, of its text and of the name it relates to, so that a pair costs a few
//! integer comparisons and only a pair with equal hashes compares text. From [`INDEX_FROM`]
//! patterns on, the texts go into hash maps instead, so that a policy near the 64 KiB limit with
//! thousands of `mx` lines stays linear.

use std::collections::HashMap;
use std::mem::ManuallyDrop;

use compact_str::CompactString;
use smallvec::SmallVec;

use crate::sts::pattern::MxPattern;

/// Number of earlier patterns from which pairs are compared by their hashes first. Below it,
/// hashing costs more than comparing the texts.
pub(crate) const HASH_FROM: usize = 8;

/// Number of earlier patterns from which hash maps replace the pairwise comparison.
const INDEX_FROM: usize = 128;

/// How a new pattern relates to an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Overlap {
    /// The same pattern again.
    Duplicate,
    /// A literal pattern that the earlier wildcard already matches.
    CoveredBy(CompactString),
    /// A wildcard that matches the earlier literal pattern.
    Covers(CompactString),
}

/// The record of the patterns seen so far: their hashes, and the index built once there are
/// enough of them.
#[derive(Default)]
pub(crate) struct MxSeen {
    /// The hashes of the earlier patterns, in order, below [`INDEX_FROM`] patterns.
    hashes: SmallVec<[PatternHashes; 4]>,
    index: Option<Index>,
}

/// Two hashes of one pattern. Equal texts have equal hashes, so a pair with different hashes
/// needs no text comparison.
#[derive(Clone, Copy)]
struct PatternHashes {
    /// Hash of the whole text.
    text: u64,
    /// Hash of the related name: a wildcard's domain or a literal's parent, or `None` for a
    /// literal of one label.
    related: Option<u64>,
    wildcard: bool,
}

impl PatternHashes {
    fn of(pattern: &MxPattern) -> PatternHashes {
        let text = pattern.as_str().as_bytes();
        let (wildcard, related) = match text.strip_prefix(b"*.") {
            Some(domain) => (true, Some(domain)),
            None => {
                let dot = text.iter().position(|&b| b == b'.');
                (false, dot.and_then(|dot| text.get(dot + 1..)))
            }
        };
        PatternHashes {
            text: short_hash(text),
            related: related.map(short_hash),
            wildcard,
        }
    }

    /// Returns whether a wildcard and a literal may be related: one of each kind, and the
    /// wildcard's domain hashes like the literal's parent.
    fn may_overlap(&self, other: &PatternHashes) -> bool {
        self.wildcard != other.wildcard && self.related.is_some() && self.related == other.related
    }
}

/// Hashes a name of a few dozen bytes, eight bytes at a time. Not resistant to chosen
/// collisions, which cost only extra text comparisons here.
fn short_hash(bytes: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    let mut hash = bytes.len() as u64;
    let mut rest = bytes;
    while let Some((&[b0, b1, b2, b3, b4, b5, b6, b7], tail)) = rest.split_first_chunk::<8>() {
        hash = mix(hash, u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]));
        rest = tail;
    }
    // The last eight bytes, which may overlap the words above, or the few bytes of a short
    // name. The length, hashed first, keeps names that end alike apart.
    let last = match bytes.last_chunk::<8>() {
        Some(last) if !rest.is_empty() => u64::from_le_bytes(*last),
        _ => rest
            .iter()
            .rev()
            .fold(0, |word, &b| (word << 8) | u64::from(b)),
    };
    mix(hash, last)
}

/// A pattern's text, as the policy fast path compares its first [`HASH_FROM`] patterns.
#[derive(Clone, Copy)]
pub(crate) struct PatternText<'a> {
    text: &'a str,
    wildcard: bool,
}

impl<'a> PatternText<'a> {
    /// Describes the valid, lower-case pattern `text`, a wildcard when `wildcard` is `true`
    /// (and then `text` starts with `*.`).
    pub(crate) fn new(text: &'a str, wildcard: bool) -> PatternText<'a> {
        debug_assert_eq!(wildcard, text.starts_with("*."));
        PatternText { text, wildcard }
    }

    /// Returns `true` when the pattern repeats `earlier`, or when one of the two is a wildcard
    /// that matches the other: what [`MxSeen::check`] reports as an overlap.
    #[inline]
    pub(crate) fn clashes_with(&self, earlier: &PatternText<'_>) -> bool {
        self.text == earlier.text
            || match (self.wildcard, earlier.wildcard) {
                (true, false) => wildcard_covers(self.text, earlier.text),
                (false, true) => wildcard_covers(earlier.text, self.text),
                _ => false,
            }
    }
}

#[derive(Default)]
struct Index {
    /// Number of patterns added.
    count: usize,
    /// Every pattern's text.
    texts: HashMap<CompactString, ()>,
    /// Each wildcard's domain, mapped to the wildcard.
    wildcard_domains: HashMap<CompactString, CompactString>,
    /// Each literal's parent (the literal without its first label), mapped to the first literal
    /// with that parent.
    literal_parents: HashMap<CompactString, CompactString>,
}

impl Index {
    fn add(&mut self, pattern: &MxPattern) {
        self.count += 1;
        self.texts.insert(pattern.as_str().into(), ());
        let text = CompactString::from(pattern.as_str());
        if pattern.is_wildcard() {
            self.wildcard_domains
                .entry(pattern.domain().into())
                .or_insert(text);
        } else if let Some((_, parent)) = pattern.as_str().split_once('.') {
            self.literal_parents.entry(parent.into()).or_insert(text);
        }
    }

    fn find(&self, pattern: &MxPattern) -> Option<Overlap> {
        if self.texts.contains_key(pattern.as_str()) {
            return Some(Overlap::Duplicate);
        }
        if pattern.is_wildcard() {
            let literal = self.literal_parents.get(pattern.domain())?;
            return Some(Overlap::Covers(literal.clone()));
        }
        let (_, parent) = pattern.as_str().split_once('.')?;
        let wildcard = self.wildcard_domains.get(parent)?;
        Some(Overlap::CoveredBy(wildcard.clone()))
    }
}

impl MxSeen {
    /// Returns how `pattern` relates to the patterns in `earlier`: a duplicate first, otherwise
    /// the first overlap. `earlier` must be the patterns passed to this function before, in
    /// order, less any that the caller dropped after its check, so that the hashes kept from
    /// earlier calls stay in step.
    pub(crate) fn check(&mut self, earlier: &[MxPattern], pattern: &MxPattern) -> Option<Overlap> {
        if earlier.len() < HASH_FROM {
            if earlier.contains(pattern) {
                return Some(Overlap::Duplicate);
            }
            return earlier.iter().find_map(|e| overlap(e, pattern));
        }
        if earlier.len() < INDEX_FROM {
            // The last call left the hashes of its pattern at the end, used when the caller
            // kept that pattern and cut off when it did not.
            self.hashes.truncate(earlier.len());
            for added in earlier.get(self.hashes.len()..).unwrap_or_default() {
                self.hashes.push(PatternHashes::of(added));
            }
            let hashes = PatternHashes::of(pattern);
            let pairs = || self.hashes.iter().zip(earlier);
            let found = if pairs().any(|(h, e)| h.text == hashes.text && e == pattern) {
                Some(Overlap::Duplicate)
            } else {
                pairs()
                    .filter(|(h, _)| h.may_overlap(&hashes))
                    .find_map(|(_, e)| overlap(e, pattern))
            };
            self.hashes.push(hashes);
            return found;
        }
        let index = self.index.get_or_insert_with(Index::default);
        for added in &earlier[index.count..] {
            index.add(added);
        }
        index.find(pattern)
    }
}

/// An [`MxSeen`] made on first use, for the policy fast path, where few policies need one.
///
/// Dropping an unused `Option<Box<MxSeen>>` was a call to its drop glue, which saved and
/// restored registers (measured with callgrind). Here it is one inlined test.
#[derive(Default)]
pub(crate) struct LazyMxSeen(ManuallyDrop<Option<Box<MxSeen>>>);

impl LazyMxSeen {
    /// Returns the record, made empty on the first call.
    pub(crate) fn get(&mut self) -> &mut MxSeen {
        self.0.get_or_insert_default()
    }
}

impl Drop for LazyMxSeen {
    #[inline]
    fn drop(&mut self) {
        if let Some(seen) = self.0.take() {
            drop_seen(seen);
        }
    }
}

#[cold]
#[inline(never)]
fn drop_seen(seen: Box<MxSeen>) {
    drop(seen);
}

fn overlap(earlier: &MxPattern, pattern: &MxPattern) -> Option<Overlap> {
    match (earlier.is_wildcard(), pattern.is_wildcard()) {
        (true, false) if covers(earlier, pattern) => {
            Some(Overlap::CoveredBy(earlier.as_str().into()))
        }
        (false, true) if covers(pattern, earlier) => Some(Overlap::Covers(earlier.as_str().into())),
        _ => None,
    }
}

/// Returns `true` when the wildcard matches the literal: the literal's parent is the
/// wildcard's domain. Both are stored lower-case, and every label of a valid literal can stand
/// for the wildcard.
fn covers(wildcard: &MxPattern, literal: &MxPattern) -> bool {
    wildcard_covers(wildcard.as_str(), literal.as_str())
}

/// Returns `true` when the wildcard pattern `wildcard` (with its `*.`) matches the literal
/// pattern `literal`, both given as lower-case text: the literal is one label, a dot and the
/// wildcard's domain. Comparing the end first turns most pairs away after a length test and
/// one comparison.
fn wildcard_covers(wildcard: &str, literal: &str) -> bool {
    let domain = wildcard.strip_prefix("*.").unwrap_or(wildcard).as_bytes();
    let Some((label, dot_and_domain)) = literal
        .as_bytes()
        .split_at_checked(literal.len().wrapping_sub(domain.len() + 1))
    else {
        return false;
    };
    !label.is_empty()
        && dot_and_domain.get(1..) == Some(domain)
        && dot_and_domain.first() == Some(&b'.')
        && !label.contains(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert_all(texts: &[&str]) -> Vec<Option<Overlap>> {
        let mut seen = MxSeen::default();
        let mut earlier = Vec::new();
        let mut found = Vec::new();
        for text in texts {
            let pattern = MxPattern::new(text).unwrap();
            found.push(seen.check(&earlier, &pattern));
            earlier.push(pattern);
        }
        found
    }

    #[test]
    fn finds_duplicates_and_overlaps_pairwise() {
        assert_eq!(
            insert_all(&[
                "a.example",
                "*.example",
                "b.example",
                "A.EXAMPLE",
                "*.other.example"
            ]),
            [
                None,
                Some(Overlap::Covers("a.example".into())),
                Some(Overlap::CoveredBy("*.example".into())),
                Some(Overlap::Duplicate),
                None
            ]
        );
    }

    #[test]
    fn duplicate_is_reported_before_an_overlap() {
        assert_eq!(
            insert_all(&["*.example", "a.example", "a.example"])[2],
            Some(Overlap::Duplicate)
        );
    }

    /// Checks the same four patterns after `count` unrelated ones, by pairs or by the index.
    fn check_after(count: usize) {
        let mut texts: Vec<String> = (0..count).map(|i| format!("mx{i}.example.net")).collect();
        texts.push("*.example.net".into());
        texts.push("mx3.example.net".into());
        texts.push("a.b.example.net".into());
        texts.push("*.b.example.net".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let found = insert_all(&refs);
        assert!(found[..count].iter().all(Option::is_none));
        assert_eq!(
            found[count],
            Some(Overlap::Covers("mx0.example.net".into()))
        );
        assert_eq!(found[count + 1], Some(Overlap::Duplicate));
        assert_eq!(found[count + 2], None);
        assert_eq!(
            found[count + 3],
            Some(Overlap::Covers("a.b.example.net".into()))
        );
    }

    #[test]
    fn texts_find_overlaps_below_the_hashes() {
        check_after(HASH_FROM - 4);
    }

    #[test]
    fn hashes_find_overlaps_below_the_index() {
        check_after(40);
    }

    #[test]
    fn index_agrees_with_pairwise_comparison() {
        check_after(INDEX_FROM + 10);
    }

    #[test]
    fn one_label_literal_overlaps_nothing() {
        assert_eq!(
            insert_all(&["localhost", "*.localhost", "localhost"])[1],
            None
        );
        assert_eq!(
            insert_all(&["localhost", "*.localhost", "localhost"])[2],
            Some(Overlap::Duplicate)
        );
    }

    #[test]
    fn short_hash_separates_lengths_and_words() {
        assert_ne!(short_hash(b"a"), short_hash(b"a\0"));
        assert_ne!(
            short_hash(b"mx1.example.net"),
            short_hash(b"mx2.example.net")
        );
        assert_eq!(
            short_hash(b"mx1.example.net"),
            short_hash(b"mx1.example.net")
        );
    }
}
