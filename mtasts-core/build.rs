//! Builds the public-suffix filters from `data/public_suffix_rules.txt`: bit sets that tell
//! most names that are not a public suffix apart from those that may be, before the `psl`
//! crate looks a name up. The file is the rule list that the pinned `psl` release compiles in
//! (its `data/rules.txt`), one rule per line.

use std::fmt::Write as _;
use std::path::PathBuf;

#[allow(dead_code)]
mod filter_keys {
    include!("src/public_suffix/filter_keys.rs");
}

use filter_keys::{EXACT_BITS_LOG2, WILDCARD_BITS_LOG2, exact_key, filter_bit, window_keys};

const RULES: &str = "data/public_suffix_rules.txt";

/// Filler before a rule's last labels: a label and a dot, so that the window of eight bytes
/// shows the dot before those labels whenever they are shorter than eight bytes.
const FILLER: &str = "filler00.";

/// A bit set filled with keys.
struct Filter {
    bits_log2: u32,
    words: Vec<u64>,
}

impl Filter {
    fn new(bits_log2: u32) -> Filter {
        Filter {
            bits_log2,
            words: vec![0; 1 << (bits_log2 - 6)],
        }
    }

    fn insert(&mut self, key: u64) {
        let bit = filter_bit(key, self.bits_log2);
        self.words[bit / 64] |= 1 << (bit % 64);
    }

    fn write(&self, code: &mut String, name: &str) {
        writeln!(code, "static {name}: [u64; {}] = [", self.words.len()).unwrap();
        for word in &self.words {
            writeln!(code, "    {word:#018x},").unwrap();
        }
        writeln!(code, "];").unwrap();
    }
}

fn main() {
    println!("cargo::rerun-if-changed={RULES}");
    println!("cargo::rerun-if-changed=src/public_suffix/filter_keys.rs");
    let rules = std::fs::read_to_string(RULES).expect("data/public_suffix_rules.txt is readable");
    let filters = Filters::from_rules(&rules);

    let mut code = String::new();
    writeln!(code, "/// Longest label `X` of a `*.X` rule.").unwrap();
    let max_label = filters.max_wildcard_label;
    writeln!(code, "const MAX_WILDCARD_LABEL: usize = {max_label};").unwrap();
    writeln!(
        code,
        "/// One bit per hash of a whole name that a rule makes a suffix."
    )
    .unwrap();
    filters.exact.write(&mut code, "EXACT_FILTER");
    writeln!(
        code,
        "/// One bit per hash of the last labels of a `*.X` rule."
    )
    .unwrap();
    filters.wildcard.write(&mut code, "WILDCARD_FILTER");
    writeln!(
        code,
        "/// The labels `X` of the `*.X` rules with one label."
    )
    .unwrap();
    let labels = &filters.wildcard_top_labels;
    writeln!(
        code,
        "const WILDCARD_TOP_LABELS: [&[u8]; {}] = [",
        labels.len()
    )
    .unwrap();
    for label in labels {
        writeln!(code, "    b{label:?},").unwrap();
    }
    writeln!(code, "];").unwrap();

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("public_suffix_filter.rs"), code).expect("OUT_DIR is writable");
}

/// The two filters, and the labels `X` of the `*.X` rules with one label.
struct Filters {
    exact: Filter,
    wildcard: Filter,
    max_wildcard_label: usize,
    wildcard_top_labels: Vec<String>,
}

impl Filters {
    fn from_rules(rules: &str) -> Filters {
        let mut filters = Filters {
            exact: Filter::new(EXACT_BITS_LOG2),
            wildcard: Filter::new(WILDCARD_BITS_LOG2),
            max_wildcard_label: 0,
            wildcard_top_labels: Vec::new(),
        };
        for rule in rules.lines().map(str::trim) {
            // Exception rules only make names not public suffixes, which the filters need not
            // see.
            if rule.is_empty() || rule.starts_with("//") || rule.starts_with('!') {
                continue;
            }
            filters.add(rule);
            // The list writes internationalised names in Unicode, and `psl` also matches
            // their A-labels (`xn--p1ai` for `рф`), the only form an `mx` value can take.
            if !rule.is_ascii() {
                let (wildcard, domain) = match rule.strip_prefix("*.") {
                    Some(domain) => ("*.", domain),
                    None => ("", rule),
                };
                let ascii = idna::domain_to_ascii(domain)
                    .unwrap_or_else(|error| panic!("rule {rule:?} has no A-label: {error}"));
                filters.add(&format!("{wildcard}{ascii}"));
            }
        }
        filters
    }

    fn add(&mut self, rule: &str) {
        let domain = rule.strip_prefix("*.").unwrap_or(rule);
        assert!(!domain.contains('*'), "a wildcard inside the rule {rule:?}");
        // Names shorter than eight bytes never reach the filters. The domain of a `*.X` rule
        // is kept too, in case `psl` counts it as a suffix of its own.
        if let (Some(first), Some(last)) = (first_word(domain), last_word(domain)) {
            self.exact.insert(exact_key(first, last, domain.len()));
        }
        if domain.len() == rule.len() {
            return;
        }

        let labels: Vec<&str> = domain.rsplit('.').collect();
        let name = match labels.as_slice() {
            [_] => format!("{FILLER}{domain}"),
            [last, second, ..] => format!("{FILLER}{second}.{last}"),
            [] => unreachable!("rsplit returns at least one label"),
        };
        let keys = window_keys(last_word(&name).expect("the filler makes eight bytes"));
        if labels.len() > 1 {
            self.wildcard.insert(keys.last_two_labels);
            return;
        }
        // `*.X` with one label X makes `L.X` a suffix for any label L: the filter keeps X as
        // a last label.
        assert!(
            domain.len() < 8,
            "the wildcard rule {rule:?} is too long for the window"
        );
        self.max_wildcard_label = self.max_wildcard_label.max(domain.len());
        self.wildcard_top_labels.push(domain.to_owned());
        let (key, _) = keys.last_label.expect("the filler ends with a dot");
        self.wildcard.insert(key);
    }
}

/// Returns the first eight bytes of `name` as a little-endian word, or `None` when it is
/// shorter.
fn first_word(name: &str) -> Option<u64> {
    name.as_bytes()
        .first_chunk::<8>()
        .map(|window| u64::from_le_bytes(*window))
}

/// Returns the last eight bytes of `name` as a little-endian word, or `None` when it is
/// shorter.
fn last_word(name: &str) -> Option<u64> {
    name.as_bytes()
        .last_chunk::<8>()
        .map(|window| u64::from_le_bytes(*window))
}
