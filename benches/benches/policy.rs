//! Parsing policy files: five CRLF lines, the same with names of more labels, and 50 `mx`
//! lines.
//!
//! `mtasts-core` always collects positioned diagnostics, so its numbers include that work.
//! mailrs-mta-sts 2.0.2 stops at the first error and reports no warnings.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mtasts_benches::{
    POLICY_5_LINES, POLICY_5_LINES_DEEP_NAMES, POLICY_50_MX_COUNT, check_mailrs_policy,
    check_mtasts_policy, policy_50_mx,
};
use mtasts_core::sts::Policy;

fn bench_policy(c: &mut Criterion, name: &str, text: &str, mx_count: usize) {
    check_mtasts_policy(text, mx_count);
    check_mailrs_policy(text, mx_count);

    let mut group = c.benchmark_group(format!("policy/{name}"));
    group.bench_function("mtasts", |b| b.iter(|| Policy::parse(black_box(text))));
    group.bench_function("mailrs-mta-sts", |b| {
        b.iter(|| mailrs_mta_sts::Policy::parse(black_box(text)))
    });
    group.finish();
}

fn policy(c: &mut Criterion) {
    bench_policy(c, "5_lines_crlf", POLICY_5_LINES, 2);
    bench_policy(c, "5_lines_deep_names", POLICY_5_LINES_DEEP_NAMES, 2);
    bench_policy(c, "50_mx", &policy_50_mx(), POLICY_50_MX_COUNT);
}

criterion_group!(benches, policy);
criterion_main!(benches);
