//! Summarising 1,000 varied generated reports with `Aggregator`.
//!
//! The reports are generated and parsed once, outside the timed loop. `tlsrpt_summary/1000_reports`
//! times a new `Aggregator`, `add` for each parsed report and `aggregate`.
//! `tlsrpt_summary/1000_reports_from_json` also parses each report's JSON with
//! `Report::from_json`, the work of `mtasts report summarize` after reading the files.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mtasts_benches::tlsrpt::{
    check_mtasts_summary, parse_mtasts_reports, report_json, summarize, summary_reports,
};
use mtasts_core::tlsrpt::{Aggregator, Report};

fn tlsrpt_summary(c: &mut Criterion) {
    let reports = summary_reports();
    let parsed = parse_mtasts_reports(&reports);
    check_mtasts_summary(&reports, &parsed);
    let jsons: Vec<Vec<u8>> = reports.iter().map(report_json).collect();

    let mut group = c.benchmark_group("tlsrpt_summary/1000_reports");
    group.bench_function("mtasts", |b| b.iter(|| summarize(black_box(&parsed))));
    group.finish();

    let mut group = c.benchmark_group("tlsrpt_summary/1000_reports_from_json");
    group.sample_size(20);
    group.bench_function("mtasts", |b| {
        b.iter(|| {
            let mut aggregator = Aggregator::new();
            for json in black_box(&jsons) {
                let report = Report::from_json(json).expect("checked before timing");
                let _ = black_box(aggregator.add(&report.value));
            }
            aggregator.aggregate()
        })
    });
    group.finish();
}

criterion_group!(benches, tlsrpt_summary);
criterion_main!(benches);
