//! SMTP TLS Reporting ([RFC 8460](https://www.rfc-editor.org/rfc/rfc8460)): the `_smtp._tls` TXT
//! record and aggregate reports.
//!
//! - Receiving: [`ReceivedReport::read`] takes a report as JSON, gzip or the email that carried
//!   it, under [`Limits`]; [`Report::from_json`] reads the JSON itself; [`Aggregator`] sums any
//!   number of reports per policy domain and UTC day.
//! - Sending: [`ReportBuilder`] collects session outcomes for one UTC day and writes the report,
//!   its [`ReportFileName`], its gzip form and the email of RFC 8460 §5.3 ([`Delivery`]).
//! - Publishing: [`TlsRptRecord`] reads the `_smtp._tls` TXT record.

mod builder;
mod datetime;
mod email;
mod filename;
mod input;
mod json_path;
mod record;
mod report;
mod report_parser;
mod rua;
mod summary;

pub use builder::{
    AppliedPolicy, BuilderError, MAX_SESSION_COUNT, MAX_UNIQUE_ID_LENGTH, OutgoingReport,
    ReportBuilder, Reporter,
};
pub use email::{
    Delivery, EmailError, EmailOptions, TLSRPT_GZIP_MEDIA_TYPE, TLSRPT_JSON_MEDIA_TYPE,
};
pub use filename::{Extension, FileNameError, FileNameField, ReportFileName};
pub use input::{
    EmailHeaders, EmailIssue, InputError, InputFormat, Limits, NotCounted, ReceivedReport,
};
pub use record::TlsRptRecord;
pub use report::{
    DateRange, FailureDetail, PolicyResult, PolicyType, Report, ReportedPolicy, ResultType, Summary,
};
pub use report_parser::ReportIssue;
pub use rua::{Rua, RuaIssue};
pub use summary::{
    AddOutcome, Aggregate, Aggregator, Counts, DayCounts, DomainAggregate, InvalidMxPattern,
    KeyCounts, MxHostCount, OrganizationCount, ResultTypeCount, SendingIpCount,
};
