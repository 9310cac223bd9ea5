//! Runs one benchmark case in a loop, for profiling under callgrind:
//!
//! ```text
//! cargo build --release -p mtasts-benches --example callgrind_case
//! valgrind --tool=callgrind --callgrind-out-file=record.out \
//!     target/release/examples/callgrind_case record-mtasts 10000
//! callgrind_annotate --inclusive=yes record.out
//! ```
//!
//! The first argument names the case (run without arguments for the list), the second the
//! number of iterations (10000 by default). Each case is checked once before the loop, as in
//! the benchmarks, so a profile never shows an error path. The input is built and checked in
//! a run of 0 iterations too, so subtracting that run's count leaves the loop's.
//!
//! The `report-1mb-*` and `summary-*` cases take millions of instructions per iteration: run
//! them with 10 to 20 iterations.

use std::hint::black_box;
use std::process::ExitCode;

use mail_auth::common::parse::TxtRecordParser;
use mtasts_benches::tlsrpt::{self, PlainReport, ReportInput};
use mtasts_benches::*;
use mtasts_core::ParseOptions;
use mtasts_core::sts::{Policy, StsRecord};
use mtasts_core::tlsrpt::{Limits, ReceivedReport, Report, TlsRptRecord};

const CASES: &[&str] = &[
    "record-mtasts",
    "record-mail-auth",
    "record-mailrs",
    "policy5-mtasts",
    "policy5-mailrs",
    "policy50-mtasts",
    "policy50-mailrs",
    "mx-wildcard-hit-mtasts",
    "mx-wildcard-hit-mailrs",
    "mx-pattern-wildcard-hit-mtasts",
    "mx-pattern-wildcard-hit-mailrs",
    "mx-50-no-hit-mtasts",
    "mx-50-no-hit-mailrs",
    "mx-50-hit-last-mtasts",
    "tlsrpt-record-mtasts",
    "tlsrpt-record-mail-auth",
    "tlsrpt-record-mailrs",
    "report-small-mtasts",
    "report-small-mail-auth",
    "report-small-derive",
    "report-1mb-mtasts",
    "report-1mb-mail-auth",
    "report-1mb-mailrs",
    "report-1mb-derive",
    "report-1mb-gzip-mtasts",
    "report-1mb-derive-from-str",
    "report-1mb-ignored-any",
    "summary-1000-mtasts",
];

fn policy_case(name: &str) -> &'static PolicyMatchCase {
    POLICY_MATCH_CASES
        .iter()
        .find(|case| case.name == name)
        .expect("CASES names only existing policy match cases")
}

fn pattern_case(name: &str) -> &'static PatternMatchCase {
    PATTERN_MATCH_CASES
        .iter()
        .find(|case| case.name == name)
        .expect("CASES names only existing pattern match cases")
}

/// Returns the loop body of `case` after checking its result once, or `None` for an unknown
/// case.
fn prepare(case: &str) -> Option<Box<dyn Fn()>> {
    let run: Box<dyn Fn()> = match case {
        "record-mtasts" => {
            check_mtasts_record();
            Box::new(|| drop(black_box(StsRecord::parse(black_box(STS_RECORD)))))
        }
        "record-mail-auth" => {
            check_mail_auth_record();
            Box::new(|| {
                let data = black_box(STS_RECORD).as_bytes();
                drop(black_box(mail_auth::mta_sts::MtaSts::parse(data)));
            })
        }
        "record-mailrs" => {
            check_mailrs_record();
            Box::new(|| {
                drop(black_box(mailrs_mta_sts::StsRecord::parse(black_box(
                    STS_RECORD,
                ))))
            })
        }
        "policy5-mtasts" => {
            check_mtasts_policy(POLICY_5_LINES, 2);
            Box::new(|| drop(black_box(Policy::parse(black_box(POLICY_5_LINES)))))
        }
        "policy5-mailrs" => {
            check_mailrs_policy(POLICY_5_LINES, 2);
            Box::new(|| {
                drop(black_box(mailrs_mta_sts::Policy::parse(black_box(
                    POLICY_5_LINES,
                ))));
            })
        }
        "policy50-mtasts" => {
            let text = policy_50_mx();
            check_mtasts_policy(&text, POLICY_50_MX_COUNT);
            Box::new(move || drop(black_box(Policy::parse(black_box(text.as_str())))))
        }
        "policy50-mailrs" => {
            let text = policy_50_mx();
            check_mailrs_policy(&text, POLICY_50_MX_COUNT);
            Box::new(move || {
                drop(black_box(mailrs_mta_sts::Policy::parse(black_box(
                    text.as_str(),
                ))));
            })
        }
        "mx-wildcard-hit-mtasts" => mtasts_policy_match(policy_case("wildcard_hit")),
        "mx-wildcard-hit-mailrs" => mailrs_policy_match(policy_case("wildcard_hit")),
        "mx-50-no-hit-mtasts" => mtasts_policy_match(policy_case("50_mx_no_hit")),
        "mx-50-no-hit-mailrs" => mailrs_policy_match(policy_case("50_mx_no_hit")),
        "mx-50-hit-last-mtasts" => mtasts_policy_match(policy_case("50_mx_hit_last")),
        "mx-pattern-wildcard-hit-mtasts" => {
            let case = pattern_case("wildcard_hit");
            let pattern = check_mtasts_pattern_match(case);
            Box::new(move || {
                black_box(black_box(&pattern).matches(black_box(case.host)));
            })
        }
        "mx-pattern-wildcard-hit-mailrs" => {
            let case = pattern_case("wildcard_hit");
            check_mailrs_pattern_match(case);
            Box::new(move || {
                black_box(mailrs_mta_sts::mx_matches(
                    black_box(case.host),
                    black_box(case.pattern),
                ));
            })
        }
        _ => return prepare_tlsrpt(case),
    };
    Some(run)
}

/// Returns the loop body of a TLS-RPT case after checking its result once, or `None` for an
/// unknown case.
fn prepare_tlsrpt(case: &str) -> Option<Box<dyn Fn()>> {
    let run: Box<dyn Fn()> = match case {
        "tlsrpt-record-mtasts" => {
            tlsrpt::check_mtasts_tlsrpt_record();
            Box::new(|| {
                drop(black_box(TlsRptRecord::parse(black_box(
                    tlsrpt::TLSRPT_RECORD,
                ))))
            })
        }
        "tlsrpt-record-mail-auth" => {
            tlsrpt::check_mail_auth_tlsrpt_record();
            Box::new(|| {
                let data = black_box(tlsrpt::TLSRPT_RECORD).as_bytes();
                drop(black_box(mail_auth::mta_sts::TlsRpt::parse(data)));
            })
        }
        "tlsrpt-record-mailrs" => {
            tlsrpt::check_mailrs_tlsrpt_record();
            Box::new(|| {
                let record = black_box(tlsrpt::TLSRPT_RECORD);
                drop(black_box(mailrs_tls_rpt::TlsRptRecord::parse(record)));
            })
        }
        "report-small-mtasts" => mtasts_report(tlsrpt::report_small()),
        "report-small-mail-auth" => mail_auth_report(tlsrpt::report_small()),
        "report-small-derive" => derive_report(tlsrpt::report_small()),
        "report-1mb-mtasts" => mtasts_report(tlsrpt::report_1mb()),
        "report-1mb-mail-auth" => mail_auth_report(tlsrpt::report_1mb()),
        "report-1mb-derive" => derive_report(tlsrpt::report_1mb()),
        "report-1mb-mailrs" => {
            let input = tlsrpt::report_1mb();
            tlsrpt::check_mailrs_report(&input);
            Box::new(move || {
                let json = black_box(input.json.as_slice());
                drop(black_box(serde_json::from_slice::<mailrs_tls_rpt::Report>(
                    json,
                )));
            })
        }
        "report-1mb-gzip-mtasts" => {
            let input = tlsrpt::report_1mb();
            let compressed = tlsrpt::gzip(&input.json);
            tlsrpt::check_mtasts_gzip_report(&input, &compressed);
            let limits = Limits::default();
            Box::new(move || {
                let data = black_box(compressed.as_slice());
                drop(black_box(ReceivedReport::read(
                    data,
                    ParseOptions::default(),
                    &limits,
                )));
            })
        }
        // Two floors for the report readers, not timed by the benchmarks: the plain derive on
        // input validated as UTF-8 once up front (serde_json's `from_str` then skips the check of
        // each string), and serde_json's tokenizer alone, building nothing.
        "report-1mb-derive-from-str" => {
            let input = tlsrpt::report_1mb();
            tlsrpt::check_plain_report(&input);
            Box::new(move || {
                let json = black_box(input.json.as_slice());
                let text = std::str::from_utf8(json).expect("the generator writes UTF-8");
                drop(black_box(serde_json::from_str::<PlainReport>(text)));
            })
        }
        "report-1mb-ignored-any" => {
            let input = tlsrpt::report_1mb();
            Box::new(move || {
                let json = black_box(input.json.as_slice());
                let result = serde_json::from_slice::<serde::de::IgnoredAny>(json);
                black_box(result.expect("the generator writes valid JSON"));
            })
        }
        "summary-1000-mtasts" => {
            let reports = tlsrpt::summary_reports();
            let parsed = tlsrpt::parse_mtasts_reports(&reports);
            tlsrpt::check_mtasts_summary(&reports, &parsed);
            Box::new(move || drop(black_box(tlsrpt::summarize(black_box(&parsed)))))
        }
        _ => return None,
    };
    Some(run)
}

fn mtasts_report(input: ReportInput) -> Box<dyn Fn()> {
    tlsrpt::check_mtasts_report(&input);
    Box::new(move || drop(black_box(Report::from_json(black_box(&input.json)))))
}

fn mail_auth_report(input: ReportInput) -> Box<dyn Fn()> {
    tlsrpt::check_mail_auth_report(&input);
    Box::new(move || {
        let json = black_box(input.json.as_slice());
        drop(black_box(mail_auth::report::tlsrpt::TlsReport::parse_json(
            json,
        )));
    })
}

fn derive_report(input: ReportInput) -> Box<dyn Fn()> {
    tlsrpt::check_plain_report(&input);
    Box::new(move || {
        let json = black_box(input.json.as_slice());
        drop(black_box(serde_json::from_slice::<PlainReport>(json)));
    })
}

fn mtasts_policy_match(case: &'static PolicyMatchCase) -> Box<dyn Fn()> {
    let policy = check_mtasts_policy_match(case);
    Box::new(move || {
        black_box(black_box(&policy).match_mx(black_box(case.host)).is_some());
    })
}

fn mailrs_policy_match(case: &'static PolicyMatchCase) -> Box<dyn Fn()> {
    let policy = check_mailrs_policy_match(case);
    Box::new(move || {
        black_box(mailrs_mta_sts::enforce(
            black_box(&policy),
            black_box(case.host),
        ));
    })
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(case) = args.next() else {
        eprintln!(
            "usage: callgrind_case CASE [ITERATIONS]\ncases: {}",
            CASES.join(", ")
        );
        return ExitCode::FAILURE;
    };
    let iterations = match args.next().map(|text| text.parse::<u64>()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(error)) => {
            eprintln!("invalid ITERATIONS: {error}; expected a whole number such as 10000");
            return ExitCode::FAILURE;
        }
    };
    let Some(run) = prepare(&case) else {
        eprintln!(
            "unknown case {case:?}; expected one of: {}",
            CASES.join(", ")
        );
        return ExitCode::FAILURE;
    };
    for _ in 0..iterations {
        run();
    }
    ExitCode::SUCCESS
}
