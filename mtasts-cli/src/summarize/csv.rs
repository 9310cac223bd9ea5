//! The CSV form of `mtasts report summarize` (RFC 4180): one row per policy domain, policy type,
//! day and result type.

use mtasts_core::tlsrpt::{Aggregate, Counts};

/// The header row. The command's help text repeats it, so change both together.
pub(super) const HEADER: [&str; 8] = [
    "policy_domain",
    "policy_type",
    "date",
    "successful_sessions",
    "failed_sessions",
    "failure_rate",
    "result_type",
    "result_type_failed_sessions",
];

/// Formats the aggregate as CSV with CRLF line ends. Each day repeats its session counts on
/// every result type row, and a day without failure details gets one row whose last two
/// fields are empty. A missing policy domain and an undefined failure rate are empty fields.
/// Text from the reports goes through [`inert_text`].
pub(super) fn render(aggregate: &Aggregate) -> String {
    let mut out = String::new();
    push_row(&mut out, HEADER.iter().map(|field| field.to_string()));
    for domain in &aggregate.domains {
        let policy_domain = inert_text(domain.policy_domain.as_deref().unwrap_or_default());
        let policy_type = inert_text(domain.policy_type.as_str());
        for day in &domain.days {
            let day_fields = [
                policy_domain.clone(),
                policy_type.clone(),
                day.date.to_string(),
                day.counts.successful_sessions.to_string(),
                day.counts.failed_sessions.to_string(),
                failure_rate(&day.counts),
            ];
            if day.counts.result_types.is_empty() {
                let empty = [String::new(), String::new()];
                push_row(&mut out, day_fields.iter().cloned().chain(empty));
            }
            for result in &day.counts.result_types {
                let result_fields = [
                    inert_text(result.result_type.as_str()),
                    result.failed_sessions.to_string(),
                ];
                push_row(&mut out, day_fields.iter().cloned().chain(result_fields));
            }
        }
    }
    out
}

/// Writes the rate in Rust's shortest form that reads back to the same `f64`, such as `0.25`
/// or `1`.
fn failure_rate(counts: &Counts) -> String {
    counts
        .failure_rate()
        .map_or(String::new(), |rate| rate.to_string())
}

/// Returns a text field from a report with `'` in front when it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return. A spreadsheet program would run such a cell as a formula, and a
/// reporter chooses unknown policy and result types freely.
fn inert_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn push_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &field);
    }
    out.push_str("\r\n");
}

/// Writes one field, quoted when it contains a comma, a double quote or a line break, with
/// each double quote doubled (RFC 4180 §2).
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        let mut out = String::new();
        push_field(&mut out, text);
        out
    }

    #[test]
    fn formula_text_is_made_inert() {
        assert_eq!(inert_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert_text("+1"), "'+1");
        assert_eq!(inert_text("-1"), "'-1");
        assert_eq!(inert_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert_text("\tx"), "'\tx");
        assert_eq!(inert_text("\rx"), "'\rx");
        assert_eq!(inert_text("certificate-expired"), "certificate-expired");
        assert_eq!(inert_text("a=b"), "a=b");
        assert_eq!(inert_text(""), "");
    }

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(field("example.com"), "example.com");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
