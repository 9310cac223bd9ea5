//! Reading reports as received: JSON, gzip and email, the limits against hostile input, and
//! the memory each costs, measured by a counting allocator.
//!
//! The allocator counts per thread, and each test runs on its own thread, so tests that run in
//! parallel do not disturb each other's measurements.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;

use common::corpus_bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use mtasts_core::tlsrpt::{
    EmailIssue, InputError, InputFormat, Limits, ReceivedReport, Report, ReportIssue, ResultType,
};
use mtasts_core::{Diagnostic, Issue, ParseOptions, Severity};

/// Counts the bytes this thread has live on the heap, and the peak since the last reset.
struct CountingAllocator;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn grow(size: usize, transient: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + size;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now + transient)));
    });
}

fn shrink(size: usize) {
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(size)));
}

// SAFETY: every call is forwarded to `System` unchanged; the wrapper only updates counters.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grow(layout.size(), 0);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grow(layout.size(), 0);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(pointer, layout) };
        shrink(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's pointer, layout and size.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            // Counted as if the block were copied, when old and new are briefly both live.
            shrink(layout.size());
            grow(new_size, layout.size());
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs `f` and returns its result with the most heap memory the thread held during the call,
/// above what it held before.
fn peak_memory<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(before));
    let value = f();
    let peak = PEAK.with(Cell::get) - before;
    (value, peak)
}

const MIB: usize = 1024 * 1024;

fn gzip(data: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(level));
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

fn read(input: &[u8]) -> Result<ReceivedReport<'_>, InputError> {
    ReceivedReport::read(input, ParseOptions::default(), &Limits::default())
}

fn read_strict(input: &[u8]) -> Result<ReceivedReport<'_>, InputError> {
    ReceivedReport::read(input, ParseOptions::STRICT, &Limits::default())
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(Diagnostic::code).collect()
}

/// Writes a report with one sts policy whose failure details are the given JSON objects.
fn report_with_details(details: impl Iterator<Item = String>, total: u64) -> String {
    let mut json = String::from(
        r#"{"organization-name":"Reporter","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"contact-info":"tlsrpt@reporter.example","report-id":"r1","policies":[{"policy":{"policy-type":"sts","policy-string":["version: STSv1","mode: enforce","mx: mail.example.com","max_age: 86400"],"policy-domain":"example.com","mx-host":["mail.example.com"]},"summary":{"total-successful-session-count":0,"total-failure-session-count":"#,
    );
    json.push_str(&total.to_string());
    json.push_str(r#"},"failure-details":["#);
    for (i, detail) in details.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&detail);
    }
    json.push_str("]}]}");
    json
}

// Forms of input.

#[test]
fn json_input_is_read_in_place() {
    let json = corpus_bytes("report-rfc8460-example.json");
    let received = read(&json).unwrap();
    assert_eq!(received.format, InputFormat::Json);
    assert_eq!(received.email, None);
    assert_eq!(received.message_diagnostics, []);
    assert!(std::ptr::eq(received.json.as_ref(), json.as_slice()));
    assert_eq!(
        received.report.unwrap().value,
        Report::from_json(&json).unwrap().value
    );
}

#[test]
fn gzip_is_detected_by_magic_number() {
    let json = corpus_bytes("report-google-empty-sending-ip.json");
    let compressed = gzip(&json, 6);
    let received = read(&compressed).unwrap();
    assert_eq!(received.format, InputFormat::Gzip);
    assert_eq!(received.json.as_ref(), json.as_slice());
    let parsed = received.report.unwrap();
    assert_eq!(parsed.value, Report::from_json(&json).unwrap().value);
    // Diagnostics refer to the decompressed JSON.
    let warning = &parsed.warnings[0];
    assert_eq!(warning.code(), "empty-string");
    assert_eq!(
        &received.json[warning.span.start..warning.span.end],
        b"\"\""
    );
    assert_eq!((warning.line, warning.column), (35, 29));
}

#[test]
fn gzip_members_are_read_in_turn() {
    let json = corpus_bytes("report-google-sts-success.json");
    let (first, second) = json.split_at(100);
    let mut members = gzip(first, 6);
    members.extend(gzip(second, 6));
    let received = read(&members).unwrap();
    assert_eq!(received.format, InputFormat::Gzip);
    assert_eq!(received.json.as_ref(), json.as_slice());
    assert!(received.report.is_ok());
}

#[test]
fn truncated_gzip_is_invalid() {
    let compressed = gzip(&corpus_bytes("report-google-sts-success.json"), 6);
    let error = read(&compressed[..compressed.len() - 10]).unwrap_err();
    assert_eq!(error.code(), "invalid-gzip");
    assert!(!error.is_limit());
}

#[test]
fn gzip_with_a_wrong_checksum_is_invalid() {
    let mut compressed = gzip(&corpus_bytes("report-google-sts-success.json"), 6);
    let crc = compressed.len() - 8;
    compressed[crc] ^= 0xff;
    let error = read(&compressed).unwrap_err();
    assert!(matches!(error, InputError::InvalidGzip { .. }), "{error:?}");
}

#[test]
fn text_that_is_not_json_gets_json_diagnostics() {
    let received = read(b"not a report").unwrap();
    assert_eq!(received.format, InputFormat::Json);
    let error = received.report.unwrap_err();
    assert_eq!(codes(&error.diagnostics), ["invalid-json"]);
}

/// Encodes base64 (RFC 4648 §4) and wraps it at `width` columns with `eol`.
fn base64(data: &[u8], width: usize, eol: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::new();
    for chunk in data.chunks(3) {
        let bytes = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, bytes[0], bytes[1], bytes[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                encoded.push('=');
            }
        }
    }
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(width)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    lines.join(eol)
}

const FILE_NAME: &str = "google.example!example.com!1725321600!1725407999!001.json.gz";

/// Writes a `multipart/report` message whose second part has `part_headers` and `body`. The
/// header fields agree with `report-google-no-policy-found.json`.
fn message(part_headers: &str, body: &str, eol: &str) -> Vec<u8> {
    let text = [
        "From: noreply-smtp-tls-reporting@google.example",
        "To: tlsrpt@example.com",
        "Subject: Report Domain: example.com Submitter: google.example Report-ID: <r1@google.example>",
        "TLS-Report-Domain: example.com",
        "TLS-Report-Submitter: google.example",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; boundary=\"b1\"; report-type=tlsrpt",
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "This is an aggregate TLS report.",
        "",
        "--b1",
        part_headers,
        "",
        body,
        "--b1--",
        "",
    ]
    .join(eol);
    text.replace('\n', eol).into_bytes()
}

fn gzip_part_headers(eol: &str) -> String {
    format!(
        "Content-Type: application/tlsrpt+gzip; name=\"{FILE_NAME}\"{eol}\
         Content-Disposition: attachment; filename=\"{FILE_NAME}\"{eol}\
         Content-Transfer-Encoding: base64"
    )
}

#[test]
fn email_base64_any_width_and_eol() {
    let json = corpus_bytes("report-google-no-policy-found.json");
    let compressed = gzip(&json, 9);
    let expected = Report::from_json(&json).unwrap().value;
    for eol in ["\r\n", "\n"] {
        for width in [4, 60, 76, 998, usize::MAX] {
            let body = base64(&compressed, width, eol);
            let input = message(&gzip_part_headers(eol), &body, eol);
            let received = read(&input).unwrap_or_else(|e| panic!("width {width}: {e}"));
            let case = format!("width {width}, line ending {eol:?}");
            assert_eq!(
                received.format,
                InputFormat::Email {
                    media_type: "application/tlsrpt+gzip".into(),
                    file_name: Some(FILE_NAME.into()),
                    compressed: true,
                },
                "{case}"
            );
            assert_eq!(received.json.as_ref(), json.as_slice(), "{case}");
            assert_eq!(received.report.unwrap().value, expected, "{case}");
            assert_eq!(received.message_diagnostics, [], "{case}");
        }
    }
}

#[test]
fn email_json_part_may_be_unencoded() {
    let json = corpus_bytes("report-google-no-policy-found.json");
    let text = String::from_utf8(json.clone()).unwrap();
    let name = FILE_NAME.trim_end_matches(".gz");
    let headers = format!(
        "Content-Type: application/tlsrpt+json\nContent-Disposition: attachment; \
         filename=\"{name}\"\nContent-Transfer-Encoding: 7bit"
    );
    let input = message(&headers, text.trim_end(), "\n");
    let received = read(&input).unwrap();
    assert_eq!(
        received.format,
        InputFormat::Email {
            media_type: "application/tlsrpt+json".into(),
            file_name: Some(name.into()),
            compressed: false,
        }
    );
    assert_eq!(received.json.as_ref(), text.trim_end().as_bytes());
    assert_eq!(
        received.report.unwrap().value,
        Report::from_json(&json).unwrap().value
    );
    assert_eq!(received.message_diagnostics, []);
}

#[test]
fn email_header_fields_are_unfolded() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let mut input = message(
        &gzip_part_headers("\n"),
        &base64(&compressed, 76, "\n"),
        "\n",
    );
    let text = String::from_utf8(input.clone()).unwrap().replace(
        "Subject: Report Domain: example.com Submitter",
        "Subject: Report Domain: example.com\n Submitter",
    );
    input = text.into_bytes();
    let received = read(&input).unwrap();
    let email = received.email.unwrap();
    assert_eq!(
        email.subject.as_deref(),
        Some("Report Domain: example.com Submitter: google.example Report-ID: <r1@google.example>")
    );
    assert_eq!(email.report_domain.as_deref(), Some("example.com"));
    assert_eq!(email.submitter.as_deref(), Some("google.example"));
}

#[test]
fn email_without_report_part_is_an_error() {
    let input = message("Content-Type: text/html", "<p>no report</p>", "\r\n");
    let error = read(&input).unwrap_err();
    assert_eq!(
        error,
        InputError::NoReportPart {
            media_types: vec![
                "multipart/report".into(),
                "text/plain".into(),
                "text/html".into()
            ]
        }
    );
    assert_eq!(
        error.to_string(),
        "the email message has no application/tlsrpt+gzip or application/tlsrpt+json part \
         (found multipart/report, text/plain, text/html)"
    );
}

#[test]
fn no_report_part_error_names_ten_media_types() {
    let error = InputError::NoReportPart {
        media_types: (0..5000).map(|i| format!("text/x-{i}")).collect(),
    };
    assert_eq!(
        error.to_string(),
        "the email message has no application/tlsrpt+gzip or application/tlsrpt+json part \
         (found text/x-0, text/x-1, text/x-2, text/x-3, text/x-4, text/x-5, text/x-6, text/x-7, \
         text/x-8, text/x-9 and 4990 more parts)"
    );
}

#[test]
fn email_fallback_media_type_warns() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let headers = gzip_part_headers("\n").replace("application/tlsrpt+gzip", "application/gzip");
    let input = message(&headers, &base64(&compressed, 76, "\n"), "\n");
    let received = read(&input).unwrap();
    assert!(received.report.is_ok());
    let diagnostics = &received.message_diagnostics;
    assert_eq!(codes(diagnostics), ["nonstandard-media-type"]);
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    assert_eq!(diagnostics[0].line, 15);
    assert!(received.is_valid());
    assert!(!read_strict(&input).unwrap().is_valid());
}

#[test]
fn email_content_decides_over_media_type() {
    // A JSON body labelled as gzip is still read as JSON.
    let json = corpus_bytes("report-google-no-policy-found.json");
    let headers = "Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64";
    let input = message(headers, &base64(&json, 76, "\n"), "\n");
    let received = read(&input).unwrap();
    assert!(matches!(
        received.format,
        InputFormat::Email {
            compressed: false,
            ..
        }
    ));
    assert!(received.report.is_ok());
    let issues: Vec<&Issue> = received
        .message_diagnostics
        .iter()
        .map(|d| &d.issue)
        .collect();
    assert_eq!(
        issues,
        [&Issue::Email(EmailIssue::MediaTypeMismatch {
            media_type: "application/tlsrpt+gzip".into(),
            content: "not gzip data",
        })]
    );
}

#[test]
fn email_missing_headers_are_warnings() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let input = format!(
        "From: reporter@google.example\nSubject: report\nMIME-Version: 1.0\n\
         Content-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n{}\n",
        base64(&compressed, 76, "\n")
    );
    let received = read(input.as_bytes()).unwrap();
    assert!(received.report.is_ok());
    let issues: Vec<&Issue> = received
        .message_diagnostics
        .iter()
        .map(|d| &d.issue)
        .collect();
    assert_eq!(
        issues,
        [
            &Issue::Email(EmailIssue::MissingHeader {
                name: "TLS-Report-Domain"
            }),
            &Issue::Email(EmailIssue::MissingHeader {
                name: "TLS-Report-Submitter"
            }),
            &Issue::Email(EmailIssue::NotMultipartReport {
                found: "application/tlsrpt+gzip".into()
            }),
        ]
    );
    let email = received.email.unwrap();
    assert_eq!(email.report_domain, None);
    assert_eq!(email.submitter, None);
    assert_eq!(email.subject.as_deref(), Some("report"));
}

#[test]
fn email_file_name_is_checked_against_the_body() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let wrong = "google.example!example.org!1725321600!1725408000.json";
    let headers = gzip_part_headers("\n").replace(FILE_NAME, wrong);
    let input = message(&headers, &base64(&compressed, 76, "\n"), "\n");
    let received = read(&input).unwrap();
    let issues: Vec<&Issue> = received
        .message_diagnostics
        .iter()
        .map(|d| &d.issue)
        .collect();
    let mismatch = |field, file_name_value: &str, report_value: &str| {
        Issue::Email(EmailIssue::FileNameMismatch {
            field,
            file_name_value: file_name_value.into(),
            report_value: report_value.into(),
        })
    };
    assert_eq!(
        issues,
        [
            &mismatch("extension", "json", "json.gz"),
            &mismatch("policy-domain", "example.org", "example.com"),
            &mismatch("end-timestamp", "1725408000", "1725407999"),
        ]
    );
    let span = received.message_diagnostics[0].span;
    assert_eq!(&input[span.start..span.end], wrong.as_bytes());
}

#[test]
fn email_invalid_file_name_is_a_warning() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let headers = gzip_part_headers("\n").replace(FILE_NAME, "report.json.gz");
    let input = message(&headers, &base64(&compressed, 76, "\n"), "\n");
    let received = read(&input).unwrap();
    assert_eq!(codes(&received.message_diagnostics), ["invalid-file-name"]);
    assert_eq!(
        received.message_diagnostics[0].message(),
        "file name \"report.json.gz\" does not follow RFC 8460 section 5.1: missing \
         policy-domain at byte 14: expected sender!policy-domain!begin!end[!unique-id].json[.gz]"
    );
}

#[test]
fn email_second_report_part_ignored() {
    let compressed = gzip(&corpus_bytes("report-google-no-policy-found.json"), 9);
    let body = base64(&compressed, 76, "\n");
    let other = gzip(&corpus_bytes("report-google-sts-success.json"), 9);
    let second = format!(
        "{body}\n--b1\nContent-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: \
         base64\n\n{}",
        base64(&other, 76, "\n")
    );
    let input = message(&gzip_part_headers("\n"), &second, "\n");
    let received = read(&input).unwrap();
    assert_eq!(
        codes(&received.message_diagnostics),
        ["multiple-report-parts"]
    );
    let report = received.report.unwrap().value;
    assert_eq!(report.report_id, "2024-09-03T00:00:00Z_example.com");
}

// Limits.

#[test]
fn default_limits_are_documented_values() {
    let limits = Limits::default();
    assert_eq!(limits.max_input_size, 16 * MIB);
    assert_eq!(limits.max_decompressed_size, 64 * MIB);
    assert_eq!(Limits::MAX_NESTING_DEPTH, 127);
    assert_eq!(Limits::MAX_REPORT_ISSUES, 10_000);
}

#[test]
fn input_over_the_limit_is_rejected() {
    let json = corpus_bytes("report-rfc8460-example.json");
    let limits = Limits {
        max_input_size: json.len() - 1,
        ..Limits::default()
    };
    let error = ReceivedReport::read(&json, ParseOptions::default(), &limits).unwrap_err();
    assert_eq!(
        error,
        InputError::InputTooLarge {
            size: json.len(),
            limit: json.len() - 1
        }
    );
    assert!(error.is_limit());
    assert_eq!(error.code(), "input-too-large");
    let exact = Limits {
        max_input_size: json.len(),
        ..Limits::default()
    };
    assert!(ReceivedReport::read(&json, ParseOptions::default(), &exact).is_ok());
}

#[test]
fn decompressed_size_limit_is_exact() {
    let json = corpus_bytes("report-rfc8460-example.json");
    let compressed = gzip(&json, 6);
    let at = |limit: usize| Limits {
        max_decompressed_size: limit,
        ..Limits::default()
    };
    let fits = ReceivedReport::read(&compressed, ParseOptions::default(), &at(json.len()));
    assert!(fits.unwrap().report.is_ok());
    let error = ReceivedReport::read(&compressed, ParseOptions::default(), &at(json.len() - 1))
        .unwrap_err();
    assert_eq!(
        error,
        InputError::DecompressedTooLarge {
            compressed_size: compressed.len(),
            limit: json.len() - 1
        }
    );
    assert_eq!(
        error.to_string(),
        format!(
            "gzip data of {} bytes inflates to more than the limit of {} bytes \
             (max_decompressed_size)",
            compressed.len(),
            json.len() - 1
        )
    );
}

#[test]
fn gzip_bomb_stops_without_allocating_the_limit() {
    // 100 MiB of spaces, which a JSON reader would skip as whitespace, in about 100 KiB.
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(6));
    let spaces = vec![b' '; MIB];
    for _ in 0..100 {
        encoder.write_all(&spaces).unwrap();
    }
    let bomb = encoder.finish().unwrap();
    assert!(bomb.len() < 200 * 1024, "{}", bomb.len());

    let (result, peak) = peak_memory(|| read(&bomb).map(|_| ()));
    assert_eq!(
        result,
        Err(InputError::DecompressedTooLarge {
            compressed_size: bomb.len(),
            limit: 64 * MIB
        })
    );
    // The counting pass uses a 32 KiB buffer and the decoder's state.
    assert!(peak < 256 * 1024, "peak {peak} bytes");
}

#[test]
fn gzip_bomb_of_many_members_stops() {
    // The trailer's size hint names only the last member, 1 MiB, so the first pass fills a
    // 1 MiB buffer and finds more data, and the counting pass then stops at the limit.
    let member = gzip(&vec![b' '; MIB], 6);
    let bomb: Vec<u8> = member.repeat(100);
    let (result, peak) = peak_memory(|| read(&bomb).map(|_| ()));
    assert_eq!(
        result,
        Err(InputError::DecompressedTooLarge {
            compressed_size: bomb.len(),
            limit: 64 * MIB
        })
    );
    assert!(peak < MIB + 256 * 1024, "peak {peak} bytes");
}

#[test]
fn decompressed_json_is_allocated_once_at_its_size() {
    let json = report_with_details(
        (0..10_000).map(|_| {
            r#"{"result-type":"starttls-not-supported","failed-session-count":1}"#.to_owned()
        }),
        10_000,
    );
    let compressed = gzip(json.as_bytes(), 6);
    let (received, peak) = peak_memory(|| read(&compressed).unwrap());
    assert_eq!(received.json.len(), json.len());
    let details = &received.report.as_ref().unwrap().value.policies[0].failure_details;
    assert_eq!(details.len(), 10_000);
    // JSON, plus 168 bytes for each detail with Vec growth, plus the decoder.
    let bound = json.len() + 3 * 16_384 * std::mem::size_of_val(&details[0]) + 256 * 1024;
    assert!(peak < bound, "peak {peak} bytes, bound {bound}");
}

/// A report whose unknown member `x` contains arrays nested so that the deepest array is at
/// `depth`, counting the report object as 1.
fn nested_report(depth: usize) -> String {
    let arrays = depth - 1;
    let base = corpus_bytes("report-google-sts-success.json");
    let base = std::str::from_utf8(&base).unwrap().trim_end();
    let inner = format!("{}{}", "[".repeat(arrays), "]".repeat(arrays));
    format!("{{\"x\":{inner},{}", &base[1..])
}

#[test]
fn nesting_at_the_limit_is_read() {
    let json = nested_report(Limits::MAX_NESTING_DEPTH);
    let parsed = Report::from_json(json.as_bytes()).unwrap();
    assert_eq!(codes(&parsed.warnings)[0], "unknown-member");
}

#[test]
fn nesting_past_the_limit_is_rejected() {
    let json = nested_report(Limits::MAX_NESTING_DEPTH + 1);
    let error = Report::from_json(json.as_bytes()).unwrap_err();
    assert_eq!(
        codes(&error.diagnostics),
        ["unknown-member", "nesting-too-deep"]
    );
}

#[test]
fn nesting_ten_thousand_deep_is_rejected() {
    let json = nested_report(10_000);
    let received = read(json.as_bytes()).unwrap();
    let error = received.report.unwrap_err();
    let first = error.first_error().unwrap();
    assert_eq!(first.code(), "nesting-too-deep");
    assert_eq!(first.issue, Issue::Report(ReportIssue::NestingTooDeep));
    assert_eq!(first.message(), "JSON nesting is deeper than 127 levels");
    // The reader stops at the 128th level: the 127th array inside "x", which starts at byte 5.
    assert_eq!(first.span.start, 5 + 126);
}

#[test]
fn nesting_ten_thousand_deep_objects_is_rejected() {
    let json = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
    let error = Report::from_json(json.as_bytes()).unwrap_err();
    assert_eq!(error.first_error().unwrap().code(), "nesting-too-deep");
}

fn duplicate(json: &str) -> (String, String, String) {
    let error = Report::from_json(json.as_bytes()).unwrap_err();
    let first = error.first_error().unwrap();
    assert_eq!(first.code(), "duplicate-member", "{json}");
    let Issue::Report(ReportIssue::DuplicateKey { path, key }) = &first.issue else {
        panic!("unexpected {:?}", first.issue);
    };
    (path.clone(), key.clone(), first.message())
}

#[test]
fn duplicate_members_name_the_object_path() {
    let base = String::from_utf8(corpus_bytes("report-rfc8460-example.json")).unwrap();
    let cases = [
        (
            r#""organization-name": "Company-X","#,
            r#""organization-name": "Company-X", "organization-name": "Other","#,
            "",
            "organization-name",
            "duplicate member \"organization-name\" in the report",
        ),
        (
            r#""start-datetime": "2016-04-01T00:00:00Z","#,
            r#""start-datetime": "2016-04-01T00:00:00Z", "start-datetime": "2016-04-02T00:00:00Z","#,
            "date-range",
            "start-datetime",
            "duplicate member \"start-datetime\" in date-range",
        ),
        (
            r#""policy-type": "sts","#,
            r#""policy-type": "sts", "policy-type": "tlsa","#,
            "policies[0].policy",
            "policy-type",
            "duplicate member \"policy-type\" in policies[0].policy",
        ),
        (
            r#""total-successful-session-count": 5326,"#,
            r#""total-successful-session-count": 5326, "total-successful-session-count": 1,"#,
            "policies[0].summary",
            "total-successful-session-count",
            "duplicate member \"total-successful-session-count\" in policies[0].summary",
        ),
        (
            r#""failed-session-count": 200,"#,
            r#""failed-session-count": 200, "failed-session-count": 2,"#,
            "policies[0].failure-details[1]",
            "failed-session-count",
            "duplicate member \"failed-session-count\" in policies[0].failure-details[1]",
        ),
        (
            r#""failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED""#,
            r#""failure-reason-code": "X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", "note": 1, "note": 2"#,
            "policies[0].failure-details[2]",
            "note",
            "duplicate member \"note\" in policies[0].failure-details[2]",
        ),
        (
            // The same name written with an escape is the same name.
            r#""report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be","#,
            r#""report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be", "report\u002did": "x","#,
            "",
            "report-id",
            "duplicate member \"report-id\" in the report",
        ),
    ];
    for (original, replacement, path, key, message) in cases {
        assert_eq!(base.matches(original).count(), 1, "{original}");
        let json = base.replace(original, replacement);
        assert_eq!(
            duplicate(&json),
            (path.to_owned(), key.to_owned(), message.to_owned()),
            "{replacement}"
        );
    }
}

#[test]
fn duplicate_member_is_positioned_at_the_repeated_name() {
    let json = r#"{"organization-name":"a","organization-name":"b"}"#;
    let error = Report::from_json(json.as_bytes()).unwrap_err();
    let first = error.first_error().unwrap();
    assert_eq!(first.severity, Severity::Error);
    // The closing quote of the second name, where the JSON reader is when it reads the name.
    assert_eq!((first.line, first.column), (1, 44));
    assert_eq!(first.text, "\"");
}

// Large reports.

#[test]
fn million_failure_details_memory_bound() {
    const DETAILS: usize = 1_000_000;
    let detail = r#"{"result-type":"validation-failure","failed-session-count":1}"#;
    let json = report_with_details((0..DETAILS).map(|_| detail.to_owned()), DETAILS as u64);
    assert!(json.len() < 64 * MIB, "{}", json.len());
    let compressed = gzip(json.as_bytes(), 1);
    drop(json);

    let (received, peak) = peak_memory(|| read(&compressed).unwrap());
    let report = received.report.as_ref().unwrap();
    assert_eq!(report.warnings, []);
    let policy = &report.value.policies[0];
    assert_eq!(policy.failure_details.len(), DETAILS);
    assert_eq!(policy.summary.total_failure_session_count, DETAILS as u64);
    assert!(
        policy
            .failure_details
            .iter()
            .all(|d| d.result_type == ResultType::ValidationFailure && d.failed_session_count == 1)
    );
    // Bound: the JSON (62 MB), allocated once, plus the details' vector, whose last growth
    // from 2^19 to 2^20 elements of 168 bytes is counted with both blocks live (264 MiB).
    // That is 5.3 bytes for each byte of JSON; the bound allows 6.
    let json_size = received.json.len();
    assert!(
        peak < 6 * json_size,
        "peak {peak} bytes for {json_size} bytes of JSON"
    );
}

#[test]
fn warning_flood_is_capped() {
    const DETAILS: usize = 50_000;
    let detail =
        r#"{"result-type":"validation-failure","sending-mta-ip":"","failed-session-count":1}"#;
    let json = report_with_details((0..DETAILS).map(|_| detail.to_owned()), DETAILS as u64);
    let (parsed, peak) = peak_memory(|| Report::from_json(json.as_bytes()).unwrap());
    assert_eq!(parsed.value.policies[0].failure_details.len(), DETAILS);
    let warnings = &parsed.warnings;
    assert_eq!(warnings.len(), Limits::MAX_REPORT_ISSUES + 1);
    let last = warnings.last().unwrap();
    assert_eq!(
        last.issue,
        Issue::Report(ReportIssue::TooManyIssues {
            omitted: DETAILS - Limits::MAX_REPORT_ISSUES
        })
    );
    assert_eq!(last.severity, Severity::Warning);
    // Positioned where the first issue not recorded is.
    let omitted_at = warnings.iter().position(|w| w.issue == last.issue).unwrap();
    assert_eq!(omitted_at, Limits::MAX_REPORT_ISSUES);
    assert_eq!(
        warnings[Limits::MAX_REPORT_ISSUES - 1].issue.path(),
        Some(
            format!(
                "policies[0].failure-details[{}].sending-mta-ip",
                Limits::MAX_REPORT_ISSUES - 1
            )
            .as_str()
        )
    );
    let first_omitted = json
        .match_indices(r#""sending-mta-ip":"""#)
        .nth(Limits::MAX_REPORT_ISSUES)
        .unwrap()
        .0;
    assert_eq!(
        last.span.start,
        first_omitted + r#""sending-mta-ip":"#.len()
    );
    // 50,000 details of 168 bytes with Vec growth, and 10,000 warnings of about 600 bytes.
    assert!(peak < 32 * MIB, "peak {peak} bytes");

    let strict = Report::from_json_with(json.as_bytes(), ParseOptions::STRICT).unwrap_err();
    assert_eq!(strict.diagnostics.len(), Limits::MAX_REPORT_ISSUES + 1);
    assert!(strict.diagnostics.iter().all(Diagnostic::is_error));
}

#[test]
fn error_past_the_issue_cap_rejects_the_report() {
    let warning =
        r#"{"result-type":"validation-failure","sending-mta-ip":"","failed-session-count":1}"#;
    let broken = r#"{"result-type":"validation-failure"}"#;
    let details = (0..Limits::MAX_REPORT_ISSUES)
        .map(|_| warning.to_owned())
        .chain([broken.to_owned()]);
    let json = report_with_details(details, 10_000);
    let error = Report::from_json(json.as_bytes()).unwrap_err();
    let last = error.diagnostics.last().unwrap();
    assert_eq!(
        last.issue,
        Issue::Report(ReportIssue::TooManyIssues { omitted: 1 })
    );
    assert_eq!(last.severity, Severity::Error);
    assert_eq!(error.first_error().unwrap().code(), "too-many-issues");
}

#[test]
fn one_line_warnings_linear_time() {
    // One-line JSON, as Google sends it: each warning's column is counted from where the
    // last one ended, not from the start of the line.
    let detail =
        r#"{"result-type":"validation-failure","sending-mta-ip":"","failed-session-count":1}"#;
    let json = report_with_details((0..10_000).map(|_| detail.to_owned()), 10_000);
    let start = std::time::Instant::now();
    let parsed = Report::from_json(json.as_bytes()).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(parsed.warnings.len(), 10_000);
    let last = parsed.warnings.last().unwrap();
    assert_eq!(last.line, 1);
    assert_eq!(last.column as usize, json.rfind(r#""""#).unwrap() + 1);
    // About 0.2 s in a debug build; positioning each warning from the start took minutes.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
}

/// RFC 2046 §5.1.1: a multipart body ends with `--boundary--`. Without it the MIME reader may
/// leave the last part undecoded, so the message gets a warning that explains why the part
/// looks wrong.
#[test]
fn email_without_closing_boundary_warns() {
    let json = corpus_bytes("report-google-no-policy-found.json");
    let body = base64(&gzip(&json, 9), 76, "\r\n");
    let complete = message(&gzip_part_headers("\r\n"), &body, "\r\n");
    let close = complete.windows(6).rposition(|w| w == b"--b1--").unwrap();
    let cut = &complete[..close];
    let received = read(cut).unwrap();
    let unterminated: Vec<&Diagnostic> = received
        .message_diagnostics
        .iter()
        .filter(|d| d.code() == "unterminated-multipart")
        .collect();
    assert_eq!(unterminated.len(), 1);
    assert_eq!(unterminated[0].severity, Severity::Warning);
    assert_eq!(unterminated[0].span.start, cut.len());
    assert_eq!(
        unterminated[0].message(),
        "multipart message has no closing boundary \"--b1--\", so its last part may be \
         incomplete"
    );
    let received = read(&complete).unwrap();
    assert!(!codes(&received.message_diagnostics).contains(&"unterminated-multipart"));
}
