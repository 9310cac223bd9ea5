//! Replays every file of `corpus/<target>/` through the target's body on stable Rust, so that
//! an input that once crashed a target fails CI if the crash comes back.

use std::path::PathBuf;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        body(&data);
        count += 1;
    }
    assert!(count > 0, "no seed files in {}", dir.display());
}

#[test]
fn sts_record_corpus() {
    replay("sts_record", mtasts_fuzz::sts_record);
}

#[test]
fn policy_corpus() {
    replay("policy", mtasts_fuzz::policy);
}

#[test]
fn mx_pattern_corpus() {
    replay("mx_pattern", mtasts_fuzz::mx_pattern);
}

#[test]
fn content_type_corpus() {
    replay("content_type", mtasts_fuzz::content_type);
}

#[test]
fn tlsrpt_record_corpus() {
    replay("tlsrpt_record", mtasts_fuzz::tlsrpt_record);
}

#[test]
fn txt_presentation_corpus() {
    replay("txt_presentation", mtasts_fuzz::txt_presentation);
}

#[test]
fn report_json_corpus() {
    replay("report_json", mtasts_fuzz::report_json);
}

#[test]
fn report_input_corpus() {
    replay("report_input", mtasts_fuzz::report_input);
}

#[test]
fn report_filename_corpus() {
    replay("report_filename", mtasts_fuzz::report_filename);
}
