//! Runs `mtasts report summarize` on corpus reports and on reports the tests write, and pins
//! the table, JSON and CSV output and the exit status.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::json;

fn corpus(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus");
    dir.join(name).to_string_lossy().into_owned()
}

/// Returns the paths of the corpus's `report-*.json` files, in name order.
fn corpus_report_files() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata/corpus");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("report-") && name.ends_with(".json"))
        .collect();
    names.sort();
    names.iter().map(|name| corpus(name)).collect()
}

fn mtasts<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn summarize<S: AsRef<str>>(options: &[&str], paths: &[S]) -> Output {
    let mut args: Vec<String> = vec!["report".into(), "summarize".into()];
    args.extend(options.iter().map(|o| o.to_string()));
    args.extend(paths.iter().map(|p| p.as_ref().to_owned()));
    mtasts(&args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Creates an empty directory for one test under Cargo's temporary directory.
fn scratch_dir(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("summarize-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, bytes: &[u8]) -> String {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

/// Report A: 6 successful and 4 failed sessions on 2024-06-01. One failure is at
/// `backup.example.net`, which `*.mx.example.com` does not cover, and names no sending IP.
fn report_a() -> serde_json::Value {
    json!({
        "organization-name": "Reporter A",
        "date-range": {
            "start-datetime": "2024-06-01T00:00:00Z",
            "end-datetime": "2024-06-01T23:59:59Z"
        },
        "contact-info": "tlsrpt@a.example",
        "report-id": "a-1",
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: testing", "mx: *.mx.example.com",
                                  "max_age: 86400"],
                "policy-domain": "example.com",
                "mx-host": ["*.mx.example.com"]
            },
            "summary": {
                "total-successful-session-count": 6,
                "total-failure-session-count": 4
            },
            "failure-details": [
                {
                    "result-type": "certificate-expired",
                    "sending-mta-ip": "192.0.2.1",
                    "receiving-mx-hostname": "mx1.mx.example.com",
                    "failed-session-count": 1
                },
                {
                    "result-type": "starttls-not-supported",
                    "receiving-mx-hostname": "backup.example.net",
                    "failed-session-count": 3
                }
            ]
        }]
    })
}

/// Report B: a day on which no session was reported, so it has no failure rate.
fn report_b() -> serde_json::Value {
    json!({
        "organization-name": "Reporter B",
        "date-range": {
            "start-datetime": "2024-06-02T00:00:00Z",
            "end-datetime": "2024-06-03T00:00:00Z"
        },
        "contact-info": "tlsrpt@b.example",
        "report-id": "b-1",
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", "mode: testing", "mx: *.mx.example.com",
                                  "max_age: 86400"],
                "policy-domain": "example.com",
                "mx-host": ["*.mx.example.com"]
            },
            "summary": {
                "total-successful-session-count": 0,
                "total-failure-session-count": 0
            },
            "failure-details": []
        }]
    })
}

/// Writes report A, report B and a second copy of report A, and returns their paths.
fn small_input(test: &str) -> Vec<String> {
    let dir = scratch_dir(test);
    vec![
        write(&dir.join("a.json"), report_a().to_string().as_bytes()),
        write(&dir.join("b.json"), report_b().to_string().as_bytes()),
        write(&dir.join("a-again.json"), report_a().to_string().as_bytes()),
    ]
}

/// Compresses `data` into a gzip member of stored (uncompressed) deflate blocks (RFC 1951
/// §3.2.4, RFC 1952), so that the test needs no compression library.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        let last = u8::from(i + 1 == chunks.len());
        let length = chunk.len() as u16;
        out.push(last);
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&(!length).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// CRC-32 as gzip uses it (ISO 3309, reflected polynomial 0xEDB88320).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn crc32_matches_the_check_value() {
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
}

#[test]
fn table_output_is_pinned() {
    let files = small_input("table");
    let output = summarize(&[], &files);
    assert_eq!(output.status.code(), Some(0));
    let expected = "\
2 reports, 1 duplicate not counted

example.com, policy type sts
  date        successful  failed  failure rate
  2024-06-01           6       4        40.00%
  2024-06-02           0       0             -
  total                6       4        40.00%
  failed sessions by result type:
    3  starttls-not-supported
    1  certificate-expired
  failed sessions by MX host:
    3  backup.example.net
    1  mx1.mx.example.com
  failed sessions by sending organisation:
    4  Reporter A (of 10 sessions)
  failed sessions by sending IP:
    3  (not reported)
    1  192.0.2.1
  MX hosts not covered by the policy's mx patterns (mail to them fails under enforce):
    3  backup.example.net
";
    assert_eq!(stdout(&output), expected);
    assert_eq!(
        stderr(&output),
        format!(
            "mtasts: note: {}: report \"a-1\" from \"Reporter A\" is a duplicate and was not counted\n",
            files[2]
        )
    );
}

#[test]
fn json_output_is_pinned() {
    let files = small_input("json");
    let output = summarize(&["--json"], &files);
    assert_eq!(output.status.code(), Some(0));
    let a_day = r#"{
          "date": "2024-06-01",
          "successful_sessions": 6,
          "failed_sessions": 4,
          "failure_rate": 0.4,
          "result_types": [
            {
              "result_type": "starttls-not-supported",
              "failed_sessions": 3
            },
            {
              "result_type": "certificate-expired",
              "failed_sessions": 1
            }
          ],
          "mx_hosts": [
            {
              "mx_host": "backup.example.net",
              "failed_sessions": 3
            },
            {
              "mx_host": "mx1.mx.example.com",
              "failed_sessions": 1
            }
          ],
          "sending_organizations": [
            {
              "organization": "Reporter A",
              "successful_sessions": 6,
              "failed_sessions": 4
            }
          ],
          "sending_ips": [
            {
              "sending_ip": null,
              "failed_sessions": 3
            },
            {
              "sending_ip": "192.0.2.1",
              "failed_sessions": 1
            }
          ],
          "uncovered_mx_hosts": [
            {
              "mx_host": "backup.example.net",
              "failed_sessions": 3
            }
          ],
          "unchecked_mx_hosts": [],
          "invalid_mx_patterns": []
        }"#;
    let expected = format!(
        r#"{{
  "reports": 2,
  "duplicate_reports": 1,
  "domains": [
    {{
      "policy_domain": "example.com",
      "policy_type": "sts",
      "total": {{
        "successful_sessions": 6,
        "failed_sessions": 4,
        "failure_rate": 0.4,
        "result_types": [
          {{
            "result_type": "starttls-not-supported",
            "failed_sessions": 3
          }},
          {{
            "result_type": "certificate-expired",
            "failed_sessions": 1
          }}
        ],
        "mx_hosts": [
          {{
            "mx_host": "backup.example.net",
            "failed_sessions": 3
          }},
          {{
            "mx_host": "mx1.mx.example.com",
            "failed_sessions": 1
          }}
        ],
        "sending_organizations": [
          {{
            "organization": "Reporter A",
            "successful_sessions": 6,
            "failed_sessions": 4
          }},
          {{
            "organization": "Reporter B",
            "successful_sessions": 0,
            "failed_sessions": 0
          }}
        ],
        "sending_ips": [
          {{
            "sending_ip": null,
            "failed_sessions": 3
          }},
          {{
            "sending_ip": "192.0.2.1",
            "failed_sessions": 1
          }}
        ],
        "uncovered_mx_hosts": [
          {{
            "mx_host": "backup.example.net",
            "failed_sessions": 3
          }}
        ],
        "unchecked_mx_hosts": [],
        "invalid_mx_patterns": []
      }},
      "days": [
        {a_day},
        {{
          "date": "2024-06-02",
          "successful_sessions": 0,
          "failed_sessions": 0,
          "failure_rate": null,
          "result_types": [],
          "mx_hosts": [],
          "sending_organizations": [
            {{
              "organization": "Reporter B",
              "successful_sessions": 0,
              "failed_sessions": 0
            }}
          ],
          "sending_ips": [],
          "uncovered_mx_hosts": [],
          "unchecked_mx_hosts": [],
          "invalid_mx_patterns": []
        }}
      ]
    }}
  ],
  "errors": []
}}
"#
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn csv_output_is_pinned() {
    let files = small_input("csv");
    let output = summarize(&["--csv"], &files);
    assert_eq!(output.status.code(), Some(0));
    let expected = "\
policy_domain,policy_type,date,successful_sessions,failed_sessions,failure_rate,result_type,\
result_type_failed_sessions\r
example.com,sts,2024-06-01,6,4,0.4,starttls-not-supported,3\r
example.com,sts,2024-06-01,6,4,0.4,certificate-expired,1\r
example.com,sts,2024-06-02,0,0,,,\r
";
    assert_eq!(stdout(&output), expected);
}

#[test]
fn help_documents_the_csv_header() {
    let output = mtasts(&["report", "summarize", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    let csv = summarize(&["--csv"], &[corpus("report-google-sts-success.json")]);
    let header = stdout(&csv).lines().next().unwrap().to_owned();
    assert!(
        stdout(&output).contains(&format!("\n{header}\n")),
        "the help text does not show the header {header:?}"
    );
}

#[test]
fn corpus_reports_summary() {
    let output = summarize(&["--json"], &corpus_report_files());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["reports"], 10);
    assert_eq!(value["duplicate_reports"], 0);
    let groups: Vec<(serde_json::Value, serde_json::Value, u64, u64)> = value["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["policy_domain"].clone(),
                d["policy_type"].clone(),
                d["total"]["successful_sessions"].as_u64().unwrap(),
                d["total"]["failed_sessions"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            (json!("company-y.example"), json!("sts"), 5326, 303),
            (json!("example.com"), json!("tlsa"), 7, 0),
            (json!("example.com"), json!("sts"), 13, 13),
            (json!("example.com"), json!("no-policy-found"), 49, 0),
            (json!("example.org"), json!("sts"), 1, 0),
            (json!("mail.example.com"), json!("tlsa"), 1, 0),
            (json!(null), json!("no-policy-found"), 1, 0),
        ]
    );
    let example_com_sts = &value["domains"][2]["total"];
    assert_eq!(
        example_com_sts["uncovered_mx_hosts"],
        json!([{"mx_host": "example-com.h-v1.mx.microsoft", "failed_sessions": 10}])
    );
}

/// A spreadsheet would run a cell that starts with `=` as a formula, and a reporter may send
/// any result type.
#[test]
fn csv_makes_formula_text_inert() {
    let dir = scratch_dir("formula");
    let mut report = report_a();
    report["policies"][0]["failure-details"][0]["result-type"] = json!("=HYPERLINK(\"x\")");
    let file = write(&dir.join("a.json"), report.to_string().as_bytes());
    let output = summarize(&["--csv"], &[file]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).lines().nth(2),
        Some("example.com,sts,2024-06-01,6,4,0.4,\"'=HYPERLINK(\"\"x\"\")\",1")
    );
}

#[test]
fn email_report_is_read_and_deduplicated() {
    // The e-mail carries the same report as report-google-no-policy-found.json. `lines` drops
    // the CRLF line ends.
    let files = [
        corpus("report-email-google-style.eml"),
        corpus("report-google-no-policy-found.json"),
    ];
    let output = summarize(&["--csv"], &files);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).lines().nth(1),
        Some("example.com,no-policy-found,2024-09-03,48,0,0,,")
    );
    assert_eq!(stdout(&output).lines().count(), 2);
    assert!(stderr(&output).contains("is a duplicate and was not counted"));
}

#[test]
fn directory_walk_reads_nested_and_gzip_reports() {
    let dir = scratch_dir("walk");
    write(&dir.join("a.json"), report_a().to_string().as_bytes());
    write(
        &dir.join("nested/deeper/b.json.gz"),
        &gzip_stored(report_b().to_string().as_bytes()),
    );
    // Not a report name, so the walk skips it although it is not a report.
    write(&dir.join("nested/notes.txt"), b"not a report");
    let output = summarize(&["--csv"], &[dir.to_string_lossy()]);
    assert_eq!(stderr(&output), "");
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).lines().skip(1).collect::<Vec<_>>(),
        [
            "example.com,sts,2024-06-01,6,4,0.4,starttls-not-supported,3",
            "example.com,sts,2024-06-01,6,4,0.4,certificate-expired,1",
            "example.com,sts,2024-06-02,0,0,,,",
        ]
    );
}

#[test]
fn invalid_report_is_listed_and_the_rest_summarised() {
    let dir = scratch_dir("invalid");
    write(&dir.join("a.json"), report_a().to_string().as_bytes());
    let mut broken = report_b();
    broken.as_object_mut().unwrap().remove("report-id");
    let broken_path = write(&dir.join("broken.json"), broken.to_string().as_bytes());
    let output = summarize(&["--json"], &[dir.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let error = "invalid report: 1:1: error[missing-member]: missing required member \
                 \"report-id\"";
    assert_eq!(
        stderr(&output),
        format!(
            "mtasts: {broken_path}: {error}\nmtasts: 1 of 2 paths could not be read as \
             reports\n"
        )
    );
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["reports"], 1);
    assert_eq!(
        value["errors"],
        json!([{"file": broken_path, "error": error}])
    );
    assert_eq!(value["domains"][0]["total"]["failed_sessions"], 4);
}

#[test]
fn unreadable_file_in_directory_exits_1() {
    let dir = scratch_dir("unreadable");
    write(&dir.join("a.json"), report_a().to_string().as_bytes());
    // Root reads files without read permission, so a link to a missing file is the unreadable
    // file here.
    let link = dir.join("gone.json");
    std::os::unix::fs::symlink(dir.join("missing-target.json"), &link).unwrap();
    let output = summarize(&[], &[dir.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with(&format!("mtasts: {}: cannot read: ", link.display())),
        "{stderr}"
    );
    assert!(stdout(&output).starts_with("1 report\n"));
}

#[test]
fn missing_path_is_bad_usage() {
    let dir = scratch_dir("missing");
    let missing = dir.join("no-such-report.json");
    let output = summarize(&[], &[missing.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert_eq!(
        stderr(&output),
        format!("mtasts: {}: no such file or directory\n", missing.display())
    );
}

#[test]
fn conflicting_formats_are_bad_usage() {
    let output = summarize(
        &["--json", "--csv"],
        &[corpus("report-rfc8460-example.json")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
}

#[test]
fn no_paths_is_bad_usage() {
    let output = mtasts(&["report", "summarize"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn named_file_is_read_whatever_its_name() {
    let dir = scratch_dir("named");
    let path = write(&dir.join("report.txt"), report_a().to_string().as_bytes());
    let output = summarize(&[], &[path]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("1 report\n"));
}

#[test]
fn empty_directory_warns() {
    let dir = scratch_dir("empty");
    let output = summarize(&[], &[dir.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "0 reports\n");
    assert_eq!(stderr(&output), "mtasts: warning: no report files found\n");
}

#[test]
fn standard_input_is_read_for_dash() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(["report", "summarize", "--csv", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(report_b().to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output).lines().nth(1),
        Some("example.com,sts,2024-06-02,0,0,,,")
    );
}

#[test]
fn strict_rejects_lenient_reports() {
    // This report's date-times have no offset, which lenient reading accepts with a warning.
    let file = corpus("report-microsoft-2023-no-timezone.json");
    let lenient = summarize(&[], std::slice::from_ref(&file));
    assert_eq!(lenient.status.code(), Some(0));
    let strict = summarize(&["--strict"], &[file]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stderr(&strict).contains("error[missing-time-zone]"),
        "{}",
        stderr(&strict)
    );
    assert!(stdout(&strict).starts_with("0 reports\n"));
}

#[test]
fn top_limits_table_rows() {
    let output = summarize(&["--top", "1"], &[corpus("report-rfc8460-example.json")]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains(
            "  failed sessions by result type:\n    200  starttls-not-supported\n    ... and 2 \
             more\n"
        ),
        "{text}"
    );
}

#[test]
fn fifo_in_directory_is_skipped() {
    let dir = scratch_dir("fifo");
    write(&dir.join("a.json"), report_a().to_string().as_bytes());
    let fifo = dir.join("pipe.json");
    let mkfifo = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(mkfifo.success());

    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(["report", "summarize"])
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // Opening the FIFO for reading would block until a writer comes, so a run that has not
    // ended after ten seconds has tried to read it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("mtasts report summarize blocked on {}", fifo.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        format!(
            "mtasts: note: {}: not a regular file, skipped\n",
            fifo.display()
        )
    );
    assert!(
        stdout(&output).starts_with("1 report\n"),
        "{}",
        stdout(&output)
    );
}
