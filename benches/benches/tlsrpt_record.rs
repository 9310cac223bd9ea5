//! Parsing the typical `_smtp._tls` TXT record `v=TLSRPTv1; rua=mailto:tlsrpt@example.com`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mail_auth::common::parse::TxtRecordParser;
use mtasts_benches::tlsrpt::{
    TLSRPT_RECORD, check_mail_auth_tlsrpt_record, check_mailrs_tlsrpt_record,
    check_mtasts_tlsrpt_record,
};
use mtasts_core::tlsrpt::TlsRptRecord;

fn tlsrpt_record(c: &mut Criterion) {
    check_mtasts_tlsrpt_record();
    check_mail_auth_tlsrpt_record();
    check_mailrs_tlsrpt_record();

    let mut group = c.benchmark_group("tlsrpt_record/typical");
    group.bench_function("mtasts", |b| {
        b.iter(|| TlsRptRecord::parse(black_box(TLSRPT_RECORD)))
    });
    group.bench_function("mail-auth", |b| {
        b.iter(|| mail_auth::mta_sts::TlsRpt::parse(black_box(TLSRPT_RECORD).as_bytes()))
    });
    group.bench_function("mailrs-tls-rpt", |b| {
        b.iter(|| mailrs_tls_rpt::TlsRptRecord::parse(black_box(TLSRPT_RECORD)))
    });
    group.finish();
}

criterion_group!(benches, tlsrpt_record);
criterion_main!(benches);
