//! Finding `mx` patterns that repeat or overlap earlier ones in the same policy.
//!
//! A literal pattern such as `mail.example.com` is redundant next to the wildcard
//! `*.example.com`, whose domain is the literal's parent. Checking each new pattern against
//! every earlier one costs a comparison per pair, which is cheapest for the few patterns a
//! policy usually has; from [`INDEX_FROM`] patterns on, the texts go into hash maps instead,
//! so that a policy near the 64 KiB limit with thousands of `mx` lines stays linear.

use std::collections::HashMap;

use compact_str::CompactString;

use crate::sts::pattern::MxPattern;

/// Number of earlier patterns from which hash maps replace the pairwise comparison.
const INDEX_FROM: usize = 16;

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

/// The index over the patterns seen so far, built once there are enough of them.
#[derive(Default)]
pub(crate) struct MxSeen {
    index: Option<Index>,
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
    /// Returns how `pattern` relates to the patterns in `earlier`, which must be every pattern
    /// passed to this function before, in order: a duplicate first, otherwise the first
    /// overlap.
    pub(crate) fn check(&mut self, earlier: &[MxPattern], pattern: &MxPattern) -> Option<Overlap> {
        if earlier.len() < INDEX_FROM {
            if earlier.contains(pattern) {
                return Some(Overlap::Duplicate);
            }
            return earlier.iter().find_map(|e| overlap(e, pattern));
        }
        let index = self.index.get_or_insert_with(Index::default);
        for added in &earlier[index.count..] {
            index.add(added);
        }
        index.find(pattern)
    }
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
    let (literal, domain) = (literal.as_str(), wildcard.domain());
    literal.len() > domain.len() + 1
        && literal.ends_with(domain)
        && literal.as_bytes()[literal.len() - domain.len() - 1] == b'.'
        && !literal[..literal.len() - domain.len() - 1].contains('.')
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

    #[test]
    fn index_agrees_with_pairwise_comparison() {
        let mut texts: Vec<String> = (0..40).map(|i| format!("mx{i}.example.net")).collect();
        texts.push("*.example.net".into());
        texts.push("mx3.example.net".into());
        texts.push("a.b.example.net".into());
        texts.push("*.b.example.net".into());
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let found = insert_all(&refs);
        assert!(found[..40].iter().all(Option::is_none));
        assert_eq!(found[40], Some(Overlap::Covers("mx0.example.net".into())));
        assert_eq!(found[41], Some(Overlap::Duplicate));
        assert_eq!(found[42], None);
        assert_eq!(found[43], Some(Overlap::Covers("a.b.example.net".into())));
    }
}
