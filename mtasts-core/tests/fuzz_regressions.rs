//! Inputs that once broke an invariant of a fuzz target in `fuzz/`, with the exact outcome
//! each must now have. The same inputs are in `fuzz/corpus/<target>/crash-*`.

use mtasts_core::tlsrpt::Report;

/// Returns the JSON of a minimal report whose `start-datetime` is `start`.
fn report_json(start: &str) -> String {
    format!(
        r#"{{"organization-name":"Company-X","date-range":{{"start-datetime":"{start}",
        "end-datetime":"2016-04-01T23:59:59Z"}},"contact-info":"sts-reporting@company-x.example",
        "report-id":"1","policies":[{{"policy":{{"policy-type":"no-policy-found",
        "policy-string":[],"policy-domain":"company-y.example","mx-host":[]}},
        "summary":{{"total-successful-session-count":1,"total-failure-session-count":0}},
        "failure-details":[]}}]}}"#
    )
}

/// `0000-01-01T00:00:00+00:01` is `-0001-12-31T23:59:00Z`, which the writer put out as
/// `-001-12-31T23:59:00Z` and the reader then rejected.
#[test]
fn report_start_before_year_zero_rejected() {
    let error = Report::from_json(report_json("0000-01-01T00:00:00+00:01").as_bytes()).unwrap_err();
    assert_eq!(error.diagnostics.len(), 1, "{error}");
    let diagnostic = &error.diagnostics[0];
    assert_eq!(diagnostic.code(), "invalid-datetime");
    assert_eq!(diagnostic.text, "\"0000-01-01T00:00:00+00:01\"");
}

#[test]
fn report_start_in_year_zero_round_trips() {
    let report = Report::from_json(report_json("0000-01-01T00:00:00Z").as_bytes())
        .unwrap()
        .value;
    assert_eq!(report.date_range.start.as_second(), -62_167_219_200);
    let written = report.to_json();
    assert!(
        written.contains(r#""start-datetime":"0000-01-01T00:00:00Z""#),
        "{written}"
    );
    assert_eq!(Report::from_json(written.as_bytes()).unwrap().value, report);
}
