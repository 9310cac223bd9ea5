//! Parsing the typical `_mta-sts` TXT record `v=STSv1; id=20160831085700Z;`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mail_auth::common::parse::TxtRecordParser;
use mtasts_benches::{
    STS_RECORD, check_mail_auth_record, check_mailrs_record, check_mtasts_record,
};
use mtasts_core::sts::StsRecord;

fn record(c: &mut Criterion) {
    check_mtasts_record();
    check_mail_auth_record();
    check_mailrs_record();

    let mut group = c.benchmark_group("record/typical");
    group.bench_function("mtasts", |b| {
        b.iter(|| StsRecord::parse(black_box(STS_RECORD)))
    });
    group.bench_function("mail-auth", |b| {
        b.iter(|| mail_auth::mta_sts::MtaSts::parse(black_box(STS_RECORD).as_bytes()))
    });
    group.bench_function("mailrs-mta-sts", |b| {
        b.iter(|| mailrs_mta_sts::StsRecord::parse(black_box(STS_RECORD)))
    });
    group.finish();
}

criterion_group!(benches, record);
criterion_main!(benches);
