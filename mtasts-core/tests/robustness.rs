//! Properties on arbitrary input: the parsers and matchers never panic, and every result keeps
//! the diagnostic contract. An accepted value carries warnings only, a rejection has at least
//! one error, and diagnostics are in input order with spans inside the input.

use hickory_proto::rr::Name;
use mtasts_core::sts::{
    MxPattern, Policy, StsRecord, certificate_matches, check_content_type, dns_id_matches,
    find_match,
};
use mtasts_core::txt::{self, TxtRecord};
use mtasts_core::{Diagnostic, ParseError, ParseOptions, Parsed};
use proptest::prelude::*;

/// Checks the contract of a parse result on `input`.
fn check_contract<T>(input: &[u8], result: &Result<Parsed<T>, ParseError>) -> Result<(), String> {
    let diagnostics: &[Diagnostic] = match result {
        Ok(parsed) => {
            if parsed.warnings.iter().any(Diagnostic::is_error) {
                return Err(format!("accepted with an error: {:?}", parsed.warnings));
            }
            &parsed.warnings
        }
        Err(error) => {
            if error.first_error().is_none() {
                return Err(format!(
                    "rejected without an error: {:?}",
                    error.diagnostics
                ));
            }
            &error.diagnostics
        }
    };
    for d in diagnostics {
        if d.span.start > d.span.end || d.span.end > input.len() {
            return Err(format!("span outside the input: {d:?}"));
        }
        if d.line == 0 || d.column == 0 {
            return Err(format!("position not counted from 1: {d:?}"));
        }
        let lines_before = input[..d.span.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        if usize::try_from(d.line).unwrap() != lines_before + 1 {
            return Err(format!("wrong line: {d:?}"));
        }
    }
    if diagnostics
        .windows(2)
        .any(|w| w[0].span.start > w[1].span.start)
    {
        return Err(format!("not in input order: {diagnostics:?}"));
    }
    Ok(())
}

/// Generates a line that often reaches the field parsers: a known or random name, a separator
/// and a value made of characters that the grammar treats specially.
fn policy_line() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("version".to_owned()),
        Just("mode".to_owned()),
        Just("max_age".to_owned()),
        Just("mx".to_owned()),
        Just("Mode".to_owned()),
        Just("nmx".to_owned()),
        "[ \t#a-zA-Z0-9_.\u{feff}-]{0,6}",
    ];
    let separator = prop_oneof![Just(": "), Just(":"), Just(" : "), Just(""), Just(":\t")];
    let value = "[ \t*.a-zA-Z0-9\u{f8}\u{ff0e}:;=\r-]{0,24}";
    let ending = prop_oneof![Just("\n"), Just("\r\n"), Just("\r"), Just("")];
    (name, separator, value, ending).prop_map(|(n, s, v, e)| format!("{n}{s}{v}{e}"))
}

fn record_text() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("id=abc".to_owned()),
        Just("ID=x".to_owned()),
        "[a-zA-Z0-9_.=\" -]{0,8}",
    ];
    let prefix = prop_oneof![
        Just("v=STSv1"),
        Just("v=STSv1 "),
        Just("V=STSv1"),
        Just("\"v=STSv1"),
        Just(""),
    ];
    let separator = prop_oneof![Just(";"), Just("; "), Just(" ;"), Just("\\;"), Just(" ")];
    (prefix, prop::collection::vec((separator, field), 0..4)).prop_map(|(prefix, fields)| {
        let mut text = prefix.to_owned();
        for (separator, field) in fields {
            text.push_str(separator);
            text.push_str(&field);
        }
        text
    })
}

fn host_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9.*_-]{0,30}",
        "[a-z\u{f8}\u{df}\u{3002}\u{ff0e}\u{feff}.-]{0,20}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn policy_parse_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..300)) {
        for options in [ParseOptions::default(), ParseOptions::STRICT] {
            let result = Policy::parse_with(&input, options);
            prop_assert_eq!(check_contract(&input, &result), Ok(()));
        }
    }

    #[test]
    fn policy_parse_field_lines(lines in prop::collection::vec(policy_line(), 0..10)) {
        let input = lines.concat();
        for options in [ParseOptions::default(), ParseOptions::STRICT] {
            let result = Policy::parse_with(input.as_bytes(), options);
            prop_assert_eq!(check_contract(input.as_bytes(), &result), Ok(()));
        }
    }

    #[test]
    fn record_parse_arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..200)) {
        let result = StsRecord::parse(&input);
        prop_assert_eq!(check_contract(&input, &result), Ok(()));
    }

    #[test]
    fn record_parse_field_text(input in record_text()) {
        for options in [ParseOptions::default(), ParseOptions::STRICT] {
            let result = <StsRecord as TxtRecord>::parse_with(input.as_bytes(), options);
            prop_assert_eq!(check_contract(input.as_bytes(), &result), Ok(()));
            let pasted = txt::parse_pasted::<StsRecord>(&input, options);
            prop_assert_eq!(check_contract(&pasted.data, &pasted.result), Ok(()));
        }
    }

    #[test]
    fn record_select_arbitrary_rrset(
        rrset in prop::collection::vec(prop::collection::vec(record_text(), 1..3), 0..4),
    ) {
        let selection = StsRecord::select(&rrset);
        if let txt::Discovery::Found(parsed) = &selection.discovery {
            prop_assert!(parsed.warnings.iter().all(|w| !w.is_error()));
        }
    }

    #[test]
    fn presentation_decoding_arbitrary_text(text in any::<String>()) {
        let _ = txt::decode_presentation(&text);
        let pasted = txt::parse_pasted::<StsRecord>(&text, ParseOptions::default());
        prop_assert_eq!(check_contract(&pasted.data, &pasted.result), Ok(()));
    }

    #[test]
    fn pattern_new_arbitrary_text(text in host_text()) {
        if let Ok(pattern) = MxPattern::new(&text) {
            prop_assert_eq!(pattern.as_str(), text.to_ascii_lowercase());
            prop_assert!(pattern.matches(pattern.domain()) != pattern.is_wildcard());
        }
    }

    #[test]
    fn matching_arbitrary_hosts(host in host_text(), dns_id in host_text()) {
        let patterns = [
            MxPattern::new("mail.example.com").unwrap(),
            MxPattern::new("*.example.net").unwrap(),
            MxPattern::new("*.xn--mx-lka.example").unwrap(),
        ];
        let first = patterns.iter().find(|p| p.matches(&host));
        prop_assert_eq!(find_match(&patterns, &host), first);
        let _ = dns_id_matches(&dns_id, &host);
        let _ = certificate_matches([dns_id.as_str(), "*.example.net"], &host);
    }

    #[test]
    fn match_name_agrees_with_text(
        labels in prop::collection::vec(prop_oneof![
            "[a-zA-Z0-9_]([a-zA-Z0-9_-]{0,6}[a-zA-Z0-9_])?",
            Just("*".to_owned())
        ], 1..5),
        absolute in any::<bool>(),
    ) {
        let mut host = labels.join(".");
        if absolute {
            host.push('.');
        }
        // `hickory-proto` rejects some labels, such as one that starts with `-`.
        let name = Name::from_ascii(&host);
        prop_assume!(name.is_ok());
        let name = name.unwrap();
        for pattern in ["*.example.net", "a.example.net", "*.a", "a", "*.a-b.c"] {
            let pattern = MxPattern::new(pattern).unwrap();
            prop_assert_eq!(pattern.matches_name(&name), pattern.matches(&host), "{}", pattern);
        }
    }

    #[test]
    fn content_type_arbitrary_text(header in any::<String>()) {
        let _ = check_content_type(Some(&header));
    }
}
