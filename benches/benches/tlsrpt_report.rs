//! Reading generated TLS-RPT reports of about 3.5 KB and 1 MiB of JSON.
//!
//! `mtasts-core` checks the schema, keeps the JSON path of every deviation and parses the
//! date-times and IP addresses. mail-auth 0.13.3 and mailrs-tls-rpt 1.2.2 read the report with
//! serde's derived code into their own types, which parse the IP addresses and the enums. Only
//! mail-auth parses the date-times. `serde-derive` reads into plain strings, vectors and
//! integers (`PlainReport`), the floor for a serde reader. The `tlsrpt_input` group times
//! `mtasts-core` on the same report compressed with gzip, through `ReceivedReport::read`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mtasts_benches::tlsrpt::{
    PlainReport, ReportInput, check_mail_auth_report, check_mailrs_report,
    check_mtasts_gzip_report, check_mtasts_report, check_plain_report, gzip, report_1mb,
    report_small,
};
use mtasts_core::ParseOptions;
use mtasts_core::tlsrpt::{Limits, ReceivedReport, Report};

fn bench_report(c: &mut Criterion, input: &ReportInput) {
    check_mtasts_report(input);
    check_mail_auth_report(input);
    check_mailrs_report(input);
    check_plain_report(input);

    let json = input.json.as_slice();
    let mut group = c.benchmark_group(format!("tlsrpt_report/{}", input.name));
    group.throughput(Throughput::Bytes(json.len() as u64));
    group.bench_function("mtasts", |b| b.iter(|| Report::from_json(black_box(json))));
    group.bench_function("mail-auth", |b| {
        b.iter(|| mail_auth::report::tlsrpt::TlsReport::parse_json(black_box(json)))
    });
    group.bench_function("mailrs-tls-rpt", |b| {
        b.iter(|| serde_json::from_slice::<mailrs_tls_rpt::Report>(black_box(json)))
    });
    group.bench_function("serde-derive", |b| {
        b.iter(|| serde_json::from_slice::<PlainReport>(black_box(json)))
    });
    group.finish();
}

fn bench_gzip_input(c: &mut Criterion, input: &ReportInput) {
    let compressed = gzip(&input.json);
    check_mtasts_gzip_report(input, &compressed);

    let limits = Limits::default();
    let mut group = c.benchmark_group(format!("tlsrpt_input/{}_gzip", input.name));
    // Throughput counts the JSON, so that it compares with the uncompressed benchmarks.
    group.throughput(Throughput::Bytes(input.json.len() as u64));
    group.bench_function("mtasts", |b| {
        b.iter(|| {
            ReceivedReport::read(
                black_box(compressed.as_slice()),
                ParseOptions::default(),
                &limits,
            )
        })
    });
    group.finish();
}

fn tlsrpt_report(c: &mut Criterion) {
    let small = report_small();
    let large = report_1mb();
    bench_report(c, &small);
    bench_report(c, &large);
    bench_gzip_input(c, &small);
    bench_gzip_input(c, &large);
}

criterion_group!(benches, tlsrpt_report);
criterion_main!(benches);
