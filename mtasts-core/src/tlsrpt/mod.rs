//! SMTP TLS Reporting ([RFC 8460](https://www.rfc-editor.org/rfc/rfc8460)): the `_smtp._tls` TXT
//! record and aggregate reports.

mod datetime;
mod filename;
mod input;
mod json_path;
mod record;
mod report;
mod report_parser;
mod rua;
mod summary;

pub use filename::{Extension, FileNameError, FileNameField, ReportFileName};
pub use input::{EmailHeaders, EmailIssue, InputError, InputFormat, Limits, ReceivedReport};
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
