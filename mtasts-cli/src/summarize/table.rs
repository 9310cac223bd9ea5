//! The table form of `mtasts report summarize`: per policy domain and type, one row per day and
//! a total, then the largest failure breakdowns.

use crate::printable;
use std::fmt::Write as _;

use mtasts_core::tlsrpt::{Aggregate, Counts, DomainAggregate, MxHostCount, PolicyType};

/// Label for a failure detail that leaves a value out.
const NOT_REPORTED: &str = "(not reported)";

/// Formats the aggregate for a terminal. `top` limits the rows of each breakdown, and 0 shows
/// all of them.
pub(super) fn render(aggregate: &Aggregate, top: usize) -> String {
    let mut out = String::new();
    let _ = write!(out, "{}", count(aggregate.reports, "report"));
    if aggregate.duplicate_reports > 0 {
        let _ = write!(
            out,
            ", {} not counted",
            count(aggregate.duplicate_reports, "duplicate")
        );
    }
    out.push('\n');
    for domain in &aggregate.domains {
        out.push('\n');
        render_domain(&mut out, domain, top);
    }
    out
}

fn render_domain(out: &mut String, domain: &DomainAggregate, top: usize) {
    let name = match &domain.policy_domain {
        Some(name) => printable(name),
        None => "(no policy domain)".to_owned(),
    };
    let _ = writeln!(
        out,
        "{name}, policy type {}",
        printable(domain.policy_type.as_str())
    );
    render_days(out, domain);

    let total = &domain.total;
    let result_types = total
        .result_types
        .iter()
        .map(|e| (e.failed_sessions, printable(e.result_type.as_str())));
    section(out, "failed sessions by result type", result_types, top);
    section(
        out,
        "failed sessions by MX host",
        host_rows(&total.mx_hosts),
        top,
    );
    let organizations = total
        .sending_organizations
        .iter()
        .filter(|e| e.failed_sessions > 0)
        .map(|e| {
            let sessions = e.successful_sessions.saturating_add(e.failed_sessions);
            let label = format!("{} (of {sessions} sessions)", printable(&e.organization));
            (e.failed_sessions, label)
        });
    section(
        out,
        "failed sessions by sending organisation",
        organizations,
        top,
    );
    let ips = total.sending_ips.iter().map(|e| {
        let label = e
            .sending_ip
            .map_or(NOT_REPORTED.to_owned(), |ip| ip.to_string());
        (e.failed_sessions, label)
    });
    section(out, "failed sessions by sending IP", ips, top);

    render_coverage(out, domain, top);
}

/// Writes the day rows and the total, with right-aligned numbers.
fn render_days(out: &mut String, domain: &DomainAggregate) {
    let mut rows: Vec<[String; 4]> = vec![[
        "date".to_owned(),
        "successful".to_owned(),
        "failed".to_owned(),
        "failure rate".to_owned(),
    ]];
    for day in &domain.days {
        rows.push(day_row(day.date.to_string(), &day.counts));
    }
    rows.push(day_row("total".to_owned(), &domain.total));
    let mut widths = [0; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    for row in &rows {
        let _ = writeln!(
            out,
            "  {:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        );
    }
}

fn day_row(label: String, counts: &Counts) -> [String; 4] {
    [
        label,
        counts.successful_sessions.to_string(),
        counts.failed_sessions.to_string(),
        failure_rate(counts),
    ]
}

/// Writes the MX coverage of an `sts` policy: hosts its patterns do not cover, hosts that could
/// not be checked, and patterns that do not parse.
fn render_coverage(out: &mut String, domain: &DomainAggregate, top: usize) {
    let total = &domain.total;
    let title =
        "MX hosts not covered by the policy's mx patterns (mail to them fails under enforce)";
    if domain.policy_type == PolicyType::Sts
        && total.failed_sessions > 0
        && total.uncovered_mx_hosts.is_empty()
    {
        let _ = writeln!(out, "  {title}: none");
    } else {
        section(out, title, host_rows(&total.uncovered_mx_hosts), top);
    }
    section(
        out,
        "failed sessions by MX host under policies that list no mx pattern (not checked)",
        host_rows(&total.unchecked_mx_hosts),
        top,
    );
    if !total.invalid_mx_patterns.is_empty() {
        let _ = writeln!(out, "  invalid mx patterns, which cover no host:");
        for invalid in &total.invalid_mx_patterns {
            let _ = writeln!(
                out,
                "    {}: {}",
                printable(&invalid.pattern),
                invalid.error
            );
        }
    }
}

fn host_rows(hosts: &[MxHostCount]) -> impl Iterator<Item = (u64, String)> + '_ {
    hosts.iter().map(|e| {
        let label = e
            .mx_host
            .as_deref()
            .map_or(NOT_REPORTED.to_owned(), printable);
        (e.failed_sessions, label)
    })
}

/// Writes a titled list of `count  label` rows, at most `top` of them unless `top` is 0, and
/// nothing when there is no row.
fn section(out: &mut String, title: &str, rows: impl Iterator<Item = (u64, String)>, top: usize) {
    let rows: Vec<(u64, String)> = rows.collect();
    if rows.is_empty() {
        return;
    }
    let shown = if top == 0 {
        rows.len()
    } else {
        top.min(rows.len())
    };
    let width = rows[..shown]
        .iter()
        .map(|(n, _)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let _ = writeln!(out, "  {title}:");
    for (n, label) in &rows[..shown] {
        let _ = writeln!(out, "    {n:>width$}  {label}");
    }
    if shown < rows.len() {
        let _ = writeln!(out, "    ... and {} more", rows.len() - shown);
    }
}

/// Formats the failure rate as a percentage with two decimals, `-` when there was no session.
/// A rate that rounds to 0.00% or 100.00% without being exact is shown as `<0.01%` or
/// `>99.99%`, so that a few failures are never shown as none.
fn failure_rate(counts: &Counts) -> String {
    match counts.failure_rate() {
        None => "-".to_owned(),
        Some(rate) if rate > 0.0 && rate < 0.000_05 => "<0.01%".to_owned(),
        Some(rate) if rate < 1.0 && rate > 0.999_95 => ">99.99%".to_owned(),
        Some(rate) => format!("{:.2}%", rate * 100.0),
    }
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(successful_sessions: u64, failed_sessions: u64) -> String {
        failure_rate(&Counts {
            successful_sessions,
            failed_sessions,
            ..Counts::default()
        })
    }

    #[test]
    fn failure_rate_formats() {
        assert_eq!(rate(0, 0), "-");
        assert_eq!(rate(5, 0), "0.00%");
        assert_eq!(rate(3, 1), "25.00%");
        assert_eq!(rate(0, 4), "100.00%");
        assert_eq!(rate(5326, 303), "5.38%");
        assert_eq!(rate(99_999, 1), "<0.01%");
        assert_eq!(rate(9_999, 1), "0.01%");
        assert_eq!(rate(1, 99_999), ">99.99%");
    }

    #[test]
    fn printable_escapes_control_characters() {
        assert_eq!(printable("Google Inc."), "Google Inc.");
        assert_eq!(printable("evil\u{1b}[2J\n"), "evil\\u{1b}[2J\\n");
        assert_eq!(printable("\u{202e}evil.example"), "\\u{202e}evil.example");
    }

    #[test]
    fn section_limits_rows() {
        let mut out = String::new();
        let rows = [(200, "a"), (10, "b"), (3, "c")]
            .into_iter()
            .map(|(n, l)| (n, l.to_owned()));
        section(&mut out, "title", rows, 2);
        assert_eq!(
            out,
            "  title:\n    200  a\n     10  b\n    ... and 1 more\n"
        );
    }
}
