//! Bodies of the fuzz targets. Each takes arbitrary bytes, must not panic, and checks the
//! invariants that hold for every input: a value that parses renders to text that parses back
//! to the same value.
//!
//! The `fuzz_targets/` binaries call these functions under libFuzzer, and `tests/replay.rs`
//! calls them on every file of `corpus/` on stable Rust.

use mtasts_core::ParseOptions;
use mtasts_core::sts::{MxPattern, Policy, StsRecord, certificate_matches, check_content_type};

/// Parses an `_mta-sts` record leniently and strictly. A valid record must render to canonical
/// text that parses back to an equal record without warnings.
pub fn sts_record(data: &[u8]) {
    let lenient = StsRecord::parse(data);
    let strict = StsRecord::parse_with(data, ParseOptions::STRICT);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    if let Ok(parsed) = lenient {
        let text = parsed.value.to_string();
        let again = StsRecord::parse_with(text.as_bytes(), ParseOptions::STRICT)
            .unwrap_or_else(|e| panic!("rendered record {text:?} does not parse: {e}"));
        assert_eq!(again.value, parsed.value);
    }
    // Pasted text goes through the zone-file decoder first.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = mtasts_core::txt::parse_pasted::<StsRecord>(text, ParseOptions::default());
    }
}

/// Parses a policy leniently and strictly. A valid policy must render to canonical text that
/// parses back to an equal policy.
pub fn policy(data: &[u8]) {
    let lenient = Policy::parse(data);
    let strict = Policy::parse_with(data, ParseOptions::STRICT);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    let Ok(parsed) = lenient else {
        return;
    };
    for diagnostic in &parsed.warnings {
        assert!(
            diagnostic.span.end <= data.len(),
            "span past the input: {diagnostic:?}"
        );
    }
    let text = parsed.value.to_text();
    let again = Policy::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("rendered policy {text:?} does not parse: {e}"));
    assert_eq!(again.value, parsed.value);
}

/// Splits the input at the first newline into a pattern and a host, then parses and matches.
/// A pattern must match its own domain part when it is a literal, and a wildcard must match
/// one extra label in front of its domain.
pub fn mx_pattern(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (pattern, host) = text.split_once('\n').unwrap_or((&text, ""));
    let Ok(parsed) = MxPattern::new(pattern) else {
        let _ = certificate_matches([pattern], host);
        return;
    };
    let _ = parsed.matches(host);
    if parsed.is_wildcard() {
        assert!(
            parsed.matches(&format!("x.{}", parsed.domain())),
            "{parsed}"
        );
        assert!(!parsed.matches(parsed.domain()), "{parsed}");
    } else {
        assert!(parsed.matches(parsed.as_str()), "{parsed}");
        assert!(
            parsed.matches(&format!("{}.", parsed.as_str().to_uppercase())),
            "{parsed}"
        );
    }
    let _ = certificate_matches([parsed.as_str()], host);
}

/// Checks a `Content-Type` value.
pub fn content_type(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = check_content_type(Some(text));
    }
}
