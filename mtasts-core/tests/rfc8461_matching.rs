//! RFC 8461 §4.1 and §4.2: matching an MX host against the policy's `mx` patterns, and
//! against the DNS-IDs of the MX host's certificate. Each test is named after the rule it
//! checks.

use hickory_proto::rr::Name;
use mtasts_core::sts::{MxPattern, Policy, certificate_matches, dns_id_matches, find_match};

fn pattern(text: &str) -> MxPattern {
    MxPattern::new(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Checks `pattern.matches(host)` for each (host, expected) pair, naming the failing pair.
fn assert_matches(pattern_text: &str, cases: &[(&str, bool)]) {
    let pattern = pattern(pattern_text);
    for &(host, expected) in cases {
        assert_eq!(
            pattern.matches(host),
            expected,
            "{pattern_text} vs {host:?}"
        );
    }
}

/// Checks `dns_id_matches(dns_id, host)` for each (DNS-ID, host, expected) row.
fn assert_dns_ids(cases: &[(&str, &str, bool)]) {
    for &(dns_id, host, expected) in cases {
        assert_eq!(
            dns_id_matches(dns_id, host),
            expected,
            "{dns_id} vs {host:?}"
        );
    }
}

#[test]
fn mx_match_uses_mx_host_name() {
    // RFC 8461 §4.1: the name matched is the host name of the MX record, as given to
    // `match_mx`, or the exchange name of a `hickory-proto` MX record. The core resolves no
    // CNAME and no address.
    let text = "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 86400\n";
    let policy = Policy::parse(text).unwrap().value;
    let exchange = Name::from_ascii("MX1.example.com.").unwrap();
    assert_eq!(
        policy.match_mx_name(&exchange).map(MxPattern::as_str),
        Some("mx1.example.com")
    );
    assert_eq!(
        policy.match_mx("mx1.example.com").map(MxPattern::as_str),
        Some("mx1.example.com")
    );
    let canonical = Name::from_ascii("mailhost.provider.example.").unwrap();
    assert_eq!(policy.match_mx_name(&canonical), None);
    assert_eq!(policy.match_mx("192.0.2.1"), None);
}

#[test]
fn mx_wildcard_is_one_left_most_label() {
    // RFC 8461 §4.1: `*` matches exactly the whole left-most label, so `*.example.com` matches
    // `mail.example.com` but neither `example.com` nor `foo.bar.example.com`.
    assert_matches(
        "*.example.com",
        &[
            ("mail.example.com", true),
            ("x-1.example.com", true),
            ("example.com", false),
            ("foo.bar.example.com", false),
            (".example.com", false),
            ("*.example.com", false),
            ("mailexample.com", false),
            ("mail.example.com.evil", false),
            ("mail.example.co", false),
            ("-x.example.com", false),
            ("a_b.example.com", false),
        ],
    );
}

#[test]
fn mx_literal_is_exact_name() {
    // RFC 8461 §4.1: a pattern without wildcard matches only that name: no substring, prefix
    // or suffix match.
    assert_matches(
        "mail.example.com",
        &[
            ("mail.example.com", true),
            ("mail.example.com.attacker.example", false),
            ("xmail.example.community", false),
            ("a.mail.example.com", false),
            ("mail.example.co", false),
            ("mail.example", false),
        ],
    );
}

#[test]
fn mx_match_ignores_ascii_case() {
    // RFC 6125 §6.4.1, which RFC 8461 §4.1 defers to: labels compare case-insensitively in
    // ASCII. The pseudocode of RFC 8461 Appendix B compares with `==`, but the normative text
    // wins.
    assert_matches(
        "*.EXAMPLE.com",
        &[("Mx1.example.COM", true), ("MX1.EXAMPLE.COM.", true)],
    );
    assert_matches("mail.example.com", &[("MAIL.Example.Com", true)]);
    assert_eq!(pattern("MAIL.Example.COM").as_str(), "mail.example.com");
    assert_eq!(pattern("MAIL.Example.COM"), pattern("mail.example.com"));
}

#[test]
fn mx_match_converts_u_label_host() {
    // RFC 6125 §6.4.1: U-labels are converted to A-labels before comparing; patterns are
    // already A-labels.
    assert_matches(
        "xn--mx-lka.example",
        &[
            ("m\u{f8}x.example", true),
            ("M\u{d8}X.example.", true),
            ("xn--mx-lka.example", true),
            ("mox.example", false),
        ],
    );
    assert_matches(
        "*.xn--mx-lka.example",
        &[
            ("post.m\u{f8}x.example", true),
            ("b\u{fc}ro.xn--mx-lka.example", true),
            ("m\u{f8}x.example", false),
        ],
    );
    assert!(MxPattern::new("m\u{f8}x.example").is_err());
}

#[test]
fn mx_match_strips_one_trailing_dot() {
    // MX names from DNS are absolute (`mx.example.com.`) while the `Domain` grammar has no
    // trailing dot: one trailing dot on the host is ignored, two are not.
    assert_matches(
        "mail.example.com",
        &[
            ("mail.example.com.", true),
            ("mail.example.com..", false),
            (".", false),
            ("", false),
        ],
    );
    assert_matches(
        "*.example.com",
        &[("mail.example.com.", true), ("mail.example.com..", false)],
    );
    // The same holds for a host in U-labels, which is converted before comparing.
    assert_matches(
        "xn--mx-lka.example",
        &[("m\u{f8}x.example.", true), ("m\u{f8}x.example..", false)],
    );
    assert_matches(
        "*.xn--mx-lka.example",
        &[
            ("a.m\u{f8}x.example.", true),
            ("a.m\u{f8}x.example..", false),
        ],
    );
}

#[test]
fn mx_match_follows_appendix_b() {
    // RFC 8461 Appendix B: a host is allowed when it equals a pattern, or when the pattern
    // starts with `*.` and the host after its first label equals the rest of the pattern.
    // An empty first label is no label, so `.example.com` does not match.
    let patterns = [pattern("mx1.example.net"), pattern("*.example.net")];
    let matched = |host: &str| find_match(&patterns, host).map(MxPattern::as_str);
    assert_eq!(matched("mx1.example.net"), Some("mx1.example.net"));
    assert_eq!(matched("mx2.example.net"), Some("*.example.net"));
    assert_eq!(matched("a.mx2.example.net"), None);
    assert_eq!(matched(".example.net"), None);
    assert_eq!(matched("example.net"), None);
}

#[test]
fn mx_match_name_agrees_with_text() {
    // `match_mx_name` on a `hickory-proto` name and `match_mx` on its text return the same
    // pattern, also for names with an escaped dot inside a label.
    let text = "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n\
                max_age: 86400\n";
    let policy = Policy::parse(text).unwrap().value;
    for host in [
        "mail.example.com",
        "MAIL.example.com.",
        "a.example.net",
        "a.b.example.net",
        "example.net",
        "mail\\.example.com",
        "a\\.b.example.net",
        "mail.example.com.evil",
    ] {
        let name = Name::from_ascii(host).unwrap();
        let by_name = policy.match_mx_name(&name).map(MxPattern::as_str);
        let by_text = policy.match_mx(host).map(MxPattern::as_str);
        assert_eq!(by_name, by_text, "{host}");
    }
}

#[test]
fn cert_matches_san_dns_id() {
    // RFC 8461 §4.2: the certificate MUST have a SAN DNS-ID that matches the MX host name.
    let san = ["mx1.example.com", "*.mx.example.net"];
    assert!(certificate_matches(san, "mx1.example.com"));
    assert!(certificate_matches(san, "MX1.example.com."));
    assert!(certificate_matches(san, "eu.mx.example.net"));
    assert!(!certificate_matches(san, "mx2.example.com"));
    assert!(!certificate_matches(san, "mx.example.net"));
}

#[test]
fn cert_without_san_never_matches() {
    // RFC 8461 §4.2 requires a SAN DNS-ID, so there is no fallback to the subject common name
    // (RFC 6125 §6.4.4). The function takes only SAN `dNSName` entries: with none, or with
    // only non-matching ones, no host matches.
    assert!(!certificate_matches([], "mx1.example.com"));
    assert!(!certificate_matches([""], "mx1.example.com"));
    assert!(!certificate_matches(
        ["other.example.org"],
        "mx1.example.com"
    ));
}

#[test]
fn cert_wildcard_whole_left_most_label() {
    // RFC 6125 §6.4.3: `*` as the whole left-most label matches one label only; a wildcard in
    // another label never matches. Partial-label wildcards, which RFC 6125 allows as an
    // option and RFC 9525 removes, never match here.
    assert_dns_ids(&[
        ("*.example.com", "foo.example.com", true),
        ("*.example.com", "bar.foo.example.com", false),
        ("*.example.com", "example.com", false),
        ("*.example.com", ".example.com", false),
        ("foo.*.example.com", "foo.bar.example.com", false),
        ("baz*.example.net", "baz1.example.net", false),
        ("*baz.example.net", "foobaz.example.net", false),
        ("b*z.example.net", "buzz.example.net", false),
        ("xn--*.example.net", "xn--mx-lka.example.net", false),
        ("*", "localhost", false),
        ("*.*.example.com", "a.b.example.com", false),
    ]);
}

#[test]
fn cert_wildcard_needs_two_labels() {
    // A wildcard must be followed by at least two labels, so `*.com` matches nothing.
    assert_dns_ids(&[
        ("*.com", "example.com", false),
        ("*.co.uk", "example.co.uk", true),
        ("*.example.com.", "a.example.com", false),
    ]);
}

#[test]
fn cert_dns_id_case_and_idn() {
    // RFC 6125 §6.4.1: case-insensitive ASCII, with U-labels of the host converted to
    // A-labels. A presented name in U-labels is not a valid DNS-ID and never matches.
    assert_dns_ids(&[
        ("MAIL.EXAMPLE.COM", "mail.example.com", true),
        ("*.Example.Net", "MX.example.net.", true),
        ("*.xn--mx-lka.example", "post.m\u{f8}x.example", true),
        ("xn--mx-lka.example", "M\u{d8}X.example.", true),
        ("m\u{f8}x.example", "m\u{f8}x.example", false),
        ("mail.example.com.", "mail.example.com", false),
        ("xn--mx-lka.example", "m\u{f8}x.example.", true),
        ("xn--mx-lka.example", "m\u{f8}x.example..", false),
        ("", "", false),
    ]);
}
