//! Matching certificate DNS-IDs (SAN `dNSName` entries) against an MX host.
//!
//! Only `mtasts-core` is timed: neither mail-auth 0.13.3 nor mailrs-mta-sts 2.0.2 has a
//! DNS-ID matcher, so these numbers have no ratio.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mtasts_benches::{DNS_ID_CASES, check_mtasts_dns_id};
use mtasts_core::sts::{certificate_matches, dns_id_matches};

fn dns_id(c: &mut Criterion) {
    for case in &DNS_ID_CASES {
        check_mtasts_dns_id(case);

        let mut group = c.benchmark_group(format!("dns_id/{}", case.name));
        match case.dns_ids {
            [dns_id] => group.bench_function("mtasts", |b| {
                b.iter(|| dns_id_matches(black_box(dns_id), black_box(case.host)))
            }),
            dns_ids => group.bench_function("mtasts", |b| {
                b.iter(|| {
                    certificate_matches(black_box(dns_ids).iter().copied(), black_box(case.host))
                })
            }),
        };
        group.finish();
    }
}

criterion_group!(benches, dns_id);
criterion_main!(benches);
