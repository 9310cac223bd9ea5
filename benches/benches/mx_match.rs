//! Matching an MX host against a parsed policy (`mx_policy/*`) and against one pattern
//! (`mx_pattern/*`).
//!
//! The policy cases time `Policy::match_mx` against mailrs-mta-sts's `enforce`, which tries
//! `mx_matches` on each pattern in order. The pattern cases time `MxPattern::matches` against
//! `mx_matches`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mtasts_benches::{
    PATTERN_MATCH_CASES, POLICY_MATCH_CASES, check_mailrs_pattern_match, check_mailrs_policy_match,
    check_mtasts_pattern_match, check_mtasts_policy_match,
};

fn policy_match(c: &mut Criterion) {
    for case in &POLICY_MATCH_CASES {
        let ours = check_mtasts_policy_match(case);
        let theirs = check_mailrs_policy_match(case);

        let mut group = c.benchmark_group(format!("mx_policy/{}", case.name));
        group.bench_function("mtasts", |b| {
            b.iter(|| black_box(&ours).match_mx(black_box(case.host)).is_some())
        });
        group.bench_function("mailrs-mta-sts", |b| {
            b.iter(|| mailrs_mta_sts::enforce(black_box(&theirs), black_box(case.host)))
        });
        group.finish();
    }
}

fn pattern_match(c: &mut Criterion) {
    for case in &PATTERN_MATCH_CASES {
        let ours = check_mtasts_pattern_match(case);
        check_mailrs_pattern_match(case);

        let mut group = c.benchmark_group(format!("mx_pattern/{}", case.name));
        group.bench_function("mtasts", |b| {
            b.iter(|| black_box(&ours).matches(black_box(case.host)))
        });
        group.bench_function("mailrs-mta-sts", |b| {
            b.iter(|| mailrs_mta_sts::mx_matches(black_box(case.host), black_box(case.pattern)))
        });
        group.finish();
    }
}

criterion_group!(benches, policy_match, pattern_match);
criterion_main!(benches);
