//! SMTP TLS Reporting ([RFC 8460](https://www.rfc-editor.org/rfc/rfc8460)): aggregate reports.

mod datetime;
mod json_path;
mod report;
mod report_parser;

pub use report::{
    DateRange, FailureDetail, PolicyResult, PolicyType, Report, ReportedPolicy, ResultType, Summary,
};
pub use report_parser::ReportIssue;
