//! Property: every valid policy survives `to_text` and `Policy::parse` unchanged, and so does
//! every valid record through `Display` and `StsRecord::parse`.

use mtasts_core::sts::{Mode, MxPattern, Policy, PolicyId, StsRecord};
use proptest::prelude::*;

/// Generates an LDH label of 1 to 12 characters in mixed case.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?"
}

/// Generates a host name of 1 to 4 labels.
fn domain() -> impl Strategy<Value = String> {
    prop::collection::vec(label(), 1..=4).prop_map(|labels| labels.join("."))
}

/// Generates an `mx` pattern: a host name, or `*.` and a host name.
fn mx_pattern() -> impl Strategy<Value = MxPattern> {
    (any::<bool>(), domain()).prop_map(|(wildcard, name)| {
        let text = if wildcard { format!("*.{name}") } else { name };
        MxPattern::new(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
    })
}

fn mode() -> impl Strategy<Value = Mode> {
    prop_oneof![Just(Mode::Enforce), Just(Mode::Testing), Just(Mode::None)]
}

/// Generates an extension field name that is not one of the defined fields. Names that differ
/// from a defined field only in case, such as `Mode`, are allowed.
fn extension_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}".prop_filter("defined field", |name| {
        !["version", "mode", "max_age", "mx"].contains(&name.as_str())
    })
}

/// Generates an extension value of printable ASCII or UTF-8, with inner spaces but no space
/// at either end.
fn extension_value() -> impl Strategy<Value = String> {
    "[!-~\u{e9}\u{fc}\u{65e5}\u{1f600}]([ !-~\u{e9}\u{fc}\u{65e5}\u{1f600}]{0,20}[!-~\u{e9}])?"
}

/// Generates a valid policy with 1 to 7 `mx` patterns, or 0 to 7 when the mode is `none`, and
/// up to two extensions with distinct names (a policy cannot hold the same extension twice).
fn policy() -> impl Strategy<Value = Policy> {
    let extensions = prop::collection::btree_map(extension_name(), extension_value(), 0..3);
    (mode(), 0..=31_557_600u32, extensions).prop_flat_map(|(mode, max_age, extensions)| {
        let min_mx = if mode == Mode::None { 0 } else { 1 };
        prop::collection::vec(mx_pattern(), min_mx..8).prop_map(move |mx| {
            let mut policy = Policy::new(mode, u64::from(max_age), mx).unwrap();
            for (name, value) in &extensions {
                policy.push_extension(name, value).unwrap();
            }
            policy
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn policy_text_roundtrip(policy in policy()) {
        let text = policy.to_text();
        let parsed = Policy::parse(&text);
        prop_assert!(parsed.is_ok(), "rejected:\n{text}\n{parsed:?}");
        let parsed = parsed.unwrap();
        prop_assert_eq!(&parsed.value, &policy);
        prop_assert!(parsed.warnings.iter().all(|w| !w.is_error()));
    }

    #[test]
    fn policy_lines_match_text(policy in policy()) {
        let joined: String = policy.lines().iter().map(|line| format!("{line}\r\n")).collect();
        prop_assert_eq!(joined, policy.to_text());
    }

    #[test]
    fn policy_lf_text_roundtrip(policy in policy()) {
        // The same lines ended with LF parse to the same policy.
        let text: String = policy.lines().iter().map(|line| format!("{line}\n")).collect();
        prop_assert_eq!(Policy::parse(&text).unwrap().value, policy);
    }

    #[test]
    fn record_display_roundtrip(
        id in "[a-zA-Z0-9]{1,32}",
        extensions in prop::collection::vec(
            ("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}", "[!-:<>-~]{1,20}"),
            0..4,
        ),
    ) {
        let mut record = StsRecord::new(PolicyId::new(&id).unwrap());
        for (name, value) in &extensions {
            // `v` and `id` are defined fields, never extensions, and `push_extension` rejects a
            // name the record already has.
            prop_assume!(!name.eq_ignore_ascii_case("id") && !name.eq_ignore_ascii_case("v"));
            if record.extensions().iter().any(|e| e.name == *name) {
                continue;
            }
            record.push_extension(name.as_str(), value.as_str()).unwrap();
        }
        let text = record.to_string();
        let parsed = StsRecord::parse(&text).unwrap();
        prop_assert_eq!(&parsed.value, &record);
        prop_assert!(parsed.warnings.is_empty());
    }
}

/// The input on which the generator once produced the extension `K` twice, which
/// `push_extension` rightly refuses; a policy with one `K` survives LF text.
#[test]
fn single_letter_extension_lf_roundtrip() {
    let mut policy = Policy::new(Mode::None, 0, Vec::new()).unwrap();
    policy.push_extension("K", "v").unwrap();
    assert_eq!(
        policy.push_extension("K", "w"),
        Err(mtasts_core::sts::PolicyError::DuplicateExtension { name: "K".into() })
    );
    let text: String = policy
        .lines()
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(text, "version: STSv1\nmode: none\nmax_age: 0\nK: v\n");
    assert_eq!(Policy::parse(&text).unwrap().value, policy);
}
