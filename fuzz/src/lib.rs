//! Bodies of the fuzz targets. Each takes arbitrary bytes, must not panic, and checks the
//! invariants that hold for every input: a value that parses renders to text that parses back
//! to the same value.
//!
//! Targets without a renderer check other invariants, such as diagnostic spans that stay
//! inside the input.
//!
//! The `fuzz_targets/` binaries call these functions under libFuzzer, and `tests/replay.rs`
//! calls them on every file of `corpus/` on stable Rust.

use std::fmt::Debug;

use mtasts_core::sts::{MxPattern, Policy, StsRecord, certificate_matches, check_content_type};
use mtasts_core::tlsrpt::{
    AddOutcome, Aggregator, InputError, InputFormat, Limits, ReceivedReport, Report,
    ReportFileName, Rua, TlsRptRecord,
};
use mtasts_core::txt::{Discovery, TxtRecord, decode_presentation, join, parse_pasted, select};
use mtasts_core::{Diagnostic, ParseError, ParseOptions, Parsed};

/// Parses an `_mta-sts` record leniently and strictly. A valid record must render to canonical
/// text that parses back to an equal record.
pub fn sts_record(data: &[u8]) {
    let lenient = StsRecord::parse(data);
    let strict = StsRecord::parse_with(data, ParseOptions::STRICT);
    assert_result_spans(&lenient, data);
    assert_result_spans(&strict, data);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    if let Ok(parsed) = lenient {
        let text = parsed.value.to_string();
        assert_renders_back(&parsed, &text, StsRecord::parse_with);
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
    assert_result_spans(&lenient, data);
    assert_result_spans(&strict, data);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    let Ok(parsed) = lenient else {
        return;
    };
    let text = parsed.value.to_text();
    assert_renders_back(&parsed, &text, Policy::parse_with);
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

/// Asserts that `text`, the rendering of a parsed value, parses back to an equal value with no
/// warning that the original input did not have. The value keeps what a lenient parse accepted,
/// such as an extension field named `iD`, so the rendering may repeat the original's warnings,
/// and it passes strict parsing only when the original had none.
fn assert_renders_back<T: PartialEq + Debug>(
    original: &Parsed<T>,
    text: &str,
    parse_with: fn(&[u8], ParseOptions) -> Result<Parsed<T>, ParseError>,
) {
    let again = parse_with(text.as_bytes(), ParseOptions::default())
        .unwrap_or_else(|e| panic!("rendered text {text:?} does not parse: {e}"));
    assert_eq!(again.value, original.value, "{text:?}");
    for warning in &again.warnings {
        assert!(
            original.warnings.iter().any(|w| w.code() == warning.code()),
            "rendering added the warning {warning} to {text:?}"
        );
    }
}

/// Asserts that every diagnostic points inside `input`, so that callers can slice the input
/// with its span.
fn assert_spans_within(diagnostics: &[Diagnostic], input: &[u8]) {
    for diagnostic in diagnostics {
        assert!(
            diagnostic.span.start <= diagnostic.span.end && diagnostic.span.end <= input.len(),
            "span outside the input of {} bytes: {diagnostic:?}",
            input.len()
        );
    }
}

/// Asserts the spans of a parse result, whether it succeeded or failed.
fn assert_result_spans<T>(result: &Result<Parsed<T>, ParseError>, input: &[u8]) {
    match result {
        Ok(parsed) => assert_spans_within(&parsed.warnings, input),
        Err(error) => {
            assert!(
                error.diagnostics.iter().any(Diagnostic::is_error),
                "rejected without an error diagnostic: {error:?}"
            );
            assert_spans_within(&error.diagnostics, input);
        }
    }
}

/// Parses a `_smtp._tls` record leniently and strictly, and the whole input as one `rua` URI.
/// A valid record must render to canonical text that parses back to an equal record,
/// and a valid URI must render to text that parses back to an equal URI.
pub fn tlsrpt_record(data: &[u8]) {
    let lenient = TlsRptRecord::parse(data);
    let strict = TlsRptRecord::parse_with(data, ParseOptions::STRICT);
    assert_result_spans(&lenient, data);
    assert_result_spans(&strict, data);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    if let Ok(parsed) = lenient {
        let text = parsed.value.to_string();
        assert_renders_back(&parsed, &text, TlsRptRecord::parse_with);
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let pasted = parse_pasted::<TlsRptRecord>(text, ParseOptions::default());
    assert_result_spans(&pasted.result, &pasted.data);
    let rua = Rua::parse(text);
    assert_result_spans(&rua, data);
    if let Ok(parsed) = rua {
        let written = parsed.value.to_string();
        let again = Rua::parse(&written)
            .unwrap_or_else(|e| panic!("rendered URI {written:?} does not parse: {e}"));
        assert_eq!(again.value, parsed.value, "{written:?}");
    }
}

/// Decodes zone-file presentation text and parses it as pasted records of both kinds. Strings
/// that decode must encode back, with every byte escaped as `\DDD` where needed, to text that
/// decodes to the same strings. Read as an RRset, the input must select records consistently
/// with parsing each record alone.
pub fn txt_presentation(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(strings) = decode_presentation(text).filter(|s| !s.is_empty()) {
            let encoded = encode_presentation(&strings);
            let again = decode_presentation(&encoded)
                .unwrap_or_else(|| panic!("re-encoded strings {encoded:?} do not decode"));
            assert_eq!(again, strings, "{encoded:?}");
        }
        let sts = parse_pasted::<StsRecord>(text, ParseOptions::default());
        assert_result_spans(&sts.result, &sts.data);
        let tlsrpt = parse_pasted::<TlsRptRecord>(text, ParseOptions::STRICT);
        assert_result_spans(&tlsrpt.result, &tlsrpt.data);
    }
    // Arbitrary bytes, split at NUL into character-strings, must survive encoding.
    let strings: Vec<Vec<u8>> = data.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
    let encoded = encode_presentation(&strings);
    let decoded = decode_presentation(&encoded)
        .unwrap_or_else(|| panic!("encoded strings {encoded:?} do not decode"));
    assert_eq!(decoded, strings, "{encoded:?}");

    // The same bytes as an RRset: one record per line, one character-string per NUL.
    let rrset: Vec<Vec<&[u8]>> = data
        .split(|&b| b == b'\n')
        .map(|line| line.split(|&b| b == 0).collect())
        .collect();
    assert_selection_consistent::<StsRecord>(&rrset);
    assert_selection_consistent::<TlsRptRecord>(&rrset);
}

/// Selects a record of kind `T` from `rrset` and checks the outcome against parsing each record
/// alone: a record found is one that parses, and when none is found, no record parses.
fn assert_selection_consistent<T: TxtRecord + PartialEq + Debug>(rrset: &[Vec<&[u8]>]) {
    let selection = select::<T, _>(rrset, ParseOptions::default());
    let parsed: Vec<T> = rrset
        .iter()
        .filter_map(|record| T::parse_with(&join(record), ParseOptions::default()).ok())
        .map(|parsed| parsed.value)
        .collect();
    match selection.discovery {
        Discovery::Found(found) => assert!(
            parsed.contains(&found.value),
            "selected {found:?}, which no record parses to"
        ),
        Discovery::NotFound => assert!(
            parsed.is_empty(),
            "no record selected, but {parsed:?} parse"
        ),
        Discovery::Multiple { count } => assert!(count > 1),
        Discovery::Invalid(error) => {
            assert!(error.diagnostics.iter().any(Diagnostic::is_error));
        }
    }
}

/// Writes character-strings in presentation form (RFC 1035 §5.1): each quoted, separated by a
/// space, with `"`, `\` and every byte outside printable ASCII escaped as `\DDD`.
fn encode_presentation(strings: &[Vec<u8>]) -> String {
    let mut text = String::new();
    for (i, string) in strings.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push('"');
        for &byte in string {
            if byte.is_ascii_graphic() && byte != b'"' && byte != b'\\' || byte == b' ' {
                text.push(char::from(byte));
            } else {
                text.push_str(&format!("\\{byte:03}"));
            }
        }
        text.push('"');
    }
    text
}

/// Reads report JSON leniently and strictly. A report that reads must write, compactly and
/// indented, to JSON that reads back to an equal report, and must feed the aggregator.
pub fn report_json(data: &[u8]) {
    let lenient = Report::from_json(data);
    let strict = Report::from_json_with(data, ParseOptions::STRICT);
    assert_result_spans(&lenient, data);
    assert_result_spans(&strict, data);
    if strict.is_ok() {
        assert!(
            lenient.is_ok(),
            "strict accepted what lenient rejected: {data:?}"
        );
    }
    let Ok(parsed) = lenient else {
        return;
    };
    let report = parsed.value;
    for json in [report.to_json(), report.to_json_pretty()] {
        let again = Report::from_json(json.as_bytes())
            .unwrap_or_else(|e| panic!("written report {json} does not read: {e}"));
        assert_eq!(again.value, report, "{json}");
    }
    let mut aggregator = Aggregator::new();
    assert_eq!(aggregator.add(&report), AddOutcome::Counted);
    assert_eq!(aggregator.add(&report), AddOutcome::Duplicate);
    assert_eq!(aggregator.report_count(), 1);
    assert_eq!(aggregator.duplicate_count(), 1);
    let _ = aggregator.key_counts();
    let _ = aggregator.aggregate();
}

/// Limits small enough for fuzz inputs to reach them: libFuzzer's inputs are a few KiB, and
/// gzip inflates by at most about 1032 to 1 per member.
const FUZZ_LIMITS: Limits = Limits {
    max_input_size: 1024 * 1024,
    max_decompressed_size: 64 * 1024,
};

/// Reads received bytes as JSON, gzip data or an email message, under small limits.
///
/// Beyond not panicking, the reader must reject input over `max_input_size` and pick the
/// format by content. Every span must stay inside the bytes it refers to, and strict mode must
/// return the same `InputError` as lenient mode.
pub fn report_input(data: &[u8]) {
    let lenient = ReceivedReport::read(data, ParseOptions::default(), &FUZZ_LIMITS);
    let strict = ReceivedReport::read(data, ParseOptions::STRICT, &FUZZ_LIMITS);
    assert_strict_agrees(&lenient, &strict);

    if !data.is_empty() {
        let limits = Limits {
            max_input_size: data.len() - 1,
            ..FUZZ_LIMITS
        };
        let error = ReceivedReport::read(data, ParseOptions::default(), &limits).unwrap_err();
        assert_eq!(error.code(), "input-too-large");
    }

    let Ok(received) = lenient else {
        return;
    };
    assert_spans_within(&received.message_diagnostics, data);
    assert_result_spans(&received.report, &received.json);
    assert_eq!(
        received.report,
        Report::from_json(&received.json),
        "the report differs from the JSON it was read from"
    );
    let compressed = match &received.format {
        InputFormat::Json => {
            assert_eq!(&*received.json, data);
            false
        }
        InputFormat::Gzip => {
            assert!(data.starts_with(&[0x1f, 0x8b]));
            true
        }
        InputFormat::Email { compressed, .. } => {
            assert!(received.email.is_some());
            *compressed
        }
    };
    if compressed {
        assert_decompression_limit(data, &received.json);
    }
}

/// Asserts that strict and lenient reading fail with the same `InputError` or both read the
/// same JSON, and that what strict reading accepts lenient reading accepts too.
fn assert_strict_agrees(
    lenient: &Result<ReceivedReport<'_>, InputError>,
    strict: &Result<ReceivedReport<'_>, InputError>,
) {
    match (lenient, strict) {
        (Err(lenient), Err(strict)) => assert_eq!(lenient, strict),
        (Ok(lenient), Ok(strict)) => {
            assert_eq!(lenient.format, strict.format);
            assert_eq!(lenient.json, strict.json);
            if strict.is_valid() {
                assert!(lenient.is_valid(), "strict accepted what lenient rejected");
            }
        }
        _ => panic!("strict and lenient disagree: {lenient:?} against {strict:?}"),
    }
}

/// Asserts that compressed `data`, which inflated to `json`, is accepted at a
/// `max_decompressed_size` of exactly the JSON's size and rejected one byte below.
fn assert_decompression_limit(data: &[u8], json: &[u8]) {
    let size = json.len();
    assert!(size <= FUZZ_LIMITS.max_decompressed_size);
    let exact = Limits {
        max_decompressed_size: size,
        ..FUZZ_LIMITS
    };
    let again = ReceivedReport::read(data, ParseOptions::default(), &exact)
        .unwrap_or_else(|e| panic!("a limit of exactly {size} bytes rejects the data: {e}"));
    assert_eq!(&*again.json, json);
    if size > 0 {
        let below = Limits {
            max_decompressed_size: size - 1,
            ..FUZZ_LIMITS
        };
        let error = ReceivedReport::read(data, ParseOptions::default(), &below).unwrap_err();
        assert_eq!(error.code(), "decompressed-too-large", "{error}");
    }
}

/// Parses a report file name. A parsed name must write to text that parses back to an equal
/// name, and to the input itself unless the input had leading zeros in a timestamp or
/// upper-case letters in the extension. Building the name from its fields must give the same
/// name.
pub fn report_filename(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = match ReportFileName::parse(text) {
        Ok(name) => name,
        Err(error) => {
            assert!(error.offset() <= text.len(), "{error:?} in {text:?}");
            assert_eq!(text.parse::<ReportFileName>(), Err(error));
            return;
        }
    };
    let written = name.to_string();
    let again = ReportFileName::parse(&written)
        .unwrap_or_else(|e| panic!("written name {written:?} does not parse: {e}"));
    assert_eq!(again, name);
    if is_canonical_file_name(text) {
        assert_eq!(written, text);
    }
    let built = ReportFileName::new(
        name.sender(),
        name.policy_domain(),
        name.begin_timestamp(),
        name.end_timestamp(),
        name.unique_id(),
        name.extension(),
    )
    .unwrap_or_else(|e| panic!("fields of {text:?} do not build a name: {e}"));
    assert_eq!(built, name);
}

/// Returns `false` when the name has a timestamp with a leading zero or an extension with an
/// upper-case letter, the two things that writing a parsed name changes.
fn is_canonical_file_name(text: &str) -> bool {
    let fields: Vec<&str> = text.split('!').collect();
    let timestamps = fields[2..4]
        .iter()
        .map(|field| field.split('.').next().unwrap_or(""));
    let leading_zero = timestamps
        .into_iter()
        .any(|t| t.len() > 1 && t.starts_with('0'));
    let extension = &text[text.rfind('!').unwrap_or(0)..];
    let extension = &extension[extension.find('.').unwrap_or(0)..];
    !leading_zero && !extension.bytes().any(|b| b.is_ascii_uppercase())
}
