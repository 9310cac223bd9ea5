//! `mtasts report summarize`: reads TLS-RPT reports from files and directories and prints their
//! aggregate per policy domain and UTC day, as a table, JSON or CSV.
//!
//! Every file is read, whatever happens to the others. A file that cannot be read, or whose
//! content is not a valid report, is listed on standard error with its first error, and the
//! exit status is then 1. The summary of the files that were read is printed either way.

mod csv;
mod table;

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use mtasts_core::ParseOptions;
use mtasts_core::tlsrpt::{AddOutcome, Aggregate, Aggregator, Limits, ReceivedReport};
use serde::Serialize;

use crate::{Verdict, print_json, print_text};

/// File name endings read when walking a directory, compared without letter case. Files named
/// on the command line are read whatever their name.
const REPORT_EXTENSIONS: [&str; 3] = [".json", ".gz", ".eml"];

#[derive(Args)]
#[command(after_help = "\
Directories are walked recursively, in name order. Inside them, only files whose names end in \
.json, .gz or .eml are read, and symbolic links to directories are not followed. Each file \
holds one report: JSON, gzip-compressed JSON or an email message with the report attached.

A report counts once per organization-name and report-id. Repeats are noted on standard error.

CSV output has one row per policy domain, policy type, day and result type, with the header
policy_domain,policy_type,date,successful_sessions,failed_sessions,failure_rate,result_type,\
result_type_failed_sessions
A day without failure details has one row with the last two fields empty. failure_rate is \
failed / (successful + failed), empty when there was no session. Lines end in CRLF (RFC 4180). \
A text field that starts with =, +, -, @, a tab or a carriage return gets a ' in front, so that \
a spreadsheet does not run it as a formula.

Exit status: 0 when every file was read as a valid report, 1 when a file could not be read or \
holds an invalid report (each is listed on standard error, and the others are still \
summarised), 2 for bad usage or a path that does not exist.")]
pub(crate) struct SummarizeArgs {
    /// Report files and directories to read, or - for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub(crate) json: bool,
    /// Print CSV instead of a table.
    #[arg(long)]
    csv: bool,
    /// Rows shown for each breakdown of the table, such as the top result types. 0 shows all.
    #[arg(long, value_name = "N", default_value_t = 5)]
    top: usize,
    /// Treat every deviation from RFC 8460 as an error, so that such reports are listed as
    /// invalid and not counted.
    #[arg(long)]
    strict: bool,
}

/// A file that could not be read as a report.
#[derive(Debug, Serialize)]
struct FileError {
    file: String,
    error: String,
}

/// The JSON output: the aggregate, then every file that could not be read as a report.
#[derive(Serialize)]
struct JsonOutput<'a> {
    #[serde(flatten)]
    aggregate: &'a Aggregate,
    errors: &'a [FileError],
}

/// State of one run: what was read so far.
struct Run {
    options: ParseOptions,
    limits: Limits,
    aggregator: Aggregator,
    files_read: usize,
    errors: Vec<FileError>,
}

/// Runs the command and returns the verdict: invalid when any file could not be read as a
/// report. Returns an error message, for exit status 2, when a path does not exist.
pub(crate) fn run(args: &SummarizeArgs) -> Result<Verdict, String> {
    for path in &args.paths {
        let missing =
            matches!(fs::symlink_metadata(path), Err(e) if e.kind() == io::ErrorKind::NotFound);
        if path != Path::new("-") && missing {
            return Err(format!("{}: no such file or directory", path.display()));
        }
    }
    let mut run = Run {
        options: ParseOptions {
            strict: args.strict,
        },
        limits: Limits::default(),
        aggregator: Aggregator::new(),
        files_read: 0,
        errors: Vec::new(),
    };
    for path in &args.paths {
        run.visit_operand(path);
    }

    let aggregate = run.aggregator.aggregate();
    if args.json {
        print_json(&JsonOutput {
            aggregate: &aggregate,
            errors: &run.errors,
        })?;
    } else if args.csv {
        print_text(&csv::render(&aggregate))?;
    } else {
        print_text(&table::render(&aggregate, args.top))?;
    }

    if run.files_read == 0 && run.errors.is_empty() {
        eprintln!("mtasts: warning: no report files found");
    }
    if run.errors.is_empty() {
        Ok(Verdict::Valid)
    } else {
        eprintln!(
            "mtasts: {} of {} paths could not be read as reports",
            run.errors.len(),
            run.files_read + run.errors.len()
        );
        Ok(Verdict::Invalid)
    }
}

impl Run {
    fn visit_operand(&mut self, path: &Path) {
        if path == Path::new("-") {
            let result = read_limited(io::stdin().lock(), self.limits.max_input_size);
            self.add_bytes("<stdin>", result);
            return;
        }
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => self.walk(path),
            Ok(_) => self.add_file(path),
            Err(error) => self.fail(path.display().to_string(), format!("cannot read: {error}")),
        }
    }

    /// Reads the report files under `dir`, in name order, and descends into subdirectories.
    fn walk(&mut self, dir: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                let message = format!("cannot read directory: {error}");
                return self.fail(dir.display().to_string(), message);
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(error) => {
                    let message = format!("cannot read a directory entry: {error}");
                    self.fail(dir.display().to_string(), message);
                }
            }
        }
        paths.sort();
        for path in paths {
            self.visit_entry(&path);
        }
    }

    fn visit_entry(&mut self, path: &Path) {
        let link = match fs::symlink_metadata(path) {
            Ok(metadata) => metadata,
            Err(error) => {
                return self.fail(path.display().to_string(), format!("cannot read: {error}"));
            }
        };
        if link.is_dir() {
            return self.walk(path);
        }
        let is_report_name = has_report_extension(path);
        if link.is_symlink() {
            // Links to directories are not followed, so that a link cannot make the walk loop.
            match fs::metadata(path) {
                Ok(target) if target.is_dir() => {
                    eprintln!(
                        "mtasts: note: {}: symbolic link to a directory, not followed",
                        path.display()
                    );
                }
                Ok(target) if is_report_name && target.is_file() => self.add_file(path),
                Ok(_) if is_report_name => note_not_regular(path),
                Ok(_) => {}
                Err(error) if is_report_name => {
                    self.fail(path.display().to_string(), format!("cannot read: {error}"));
                }
                Err(_) => {}
            }
            return;
        }
        if is_report_name && link.is_file() {
            self.add_file(path);
        } else if is_report_name {
            note_not_regular(path);
        }
    }

    fn add_file(&mut self, path: &Path) {
        let result =
            File::open(path).and_then(|file| read_limited(file, self.limits.max_input_size));
        self.add_bytes(&path.display().to_string(), result);
    }

    fn add_bytes(&mut self, name: &str, bytes: io::Result<Vec<u8>>) {
        let bytes = match bytes {
            Ok(bytes) => bytes,
            Err(error) => return self.fail(name.to_owned(), format!("cannot read: {error}")),
        };
        let limit = self.limits.max_input_size;
        if bytes.len() > limit {
            let message = format!("larger than the limit of {limit} bytes, so it was not read");
            return self.fail(name.to_owned(), message);
        }
        let report = match ReceivedReport::read_countable(&bytes, self.options, &self.limits) {
            Ok(report) => report,
            Err(error) => return self.fail(name.to_owned(), format!("invalid report: {error}")),
        };
        self.files_read += 1;
        if self.aggregator.add(&report) == AddOutcome::Duplicate {
            eprintln!(
                "mtasts: note: {name}: report {:?} from {:?} is a duplicate and was not counted",
                report.report_id, report.organization_name
            );
        }
    }

    fn fail(&mut self, file: String, error: String) {
        eprintln!("mtasts: {file}: {error}");
        self.errors.push(FileError { file, error });
    }
}

/// Reads at most `limit + 1` bytes, so that an oversized file is detected without reading all
/// of it.
/// Says that a directory entry with a report's name is skipped because it is not a regular
/// file: reading a FIFO or a device could block or never end.
fn note_not_regular(path: &Path) {
    eprintln!(
        "mtasts: note: {}: not a regular file, skipped",
        path.display()
    );
}

fn read_limited(reader: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn has_report_extension(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    REPORT_EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_extensions_ignore_case() {
        assert!(has_report_extension(Path::new("a/report.json")));
        assert!(has_report_extension(Path::new(
            "google.com!example.com!1!2!001.JSON.GZ"
        )));
        assert!(has_report_extension(Path::new("message.eml")));
        assert!(!has_report_extension(Path::new("notes.txt")));
        assert!(!has_report_extension(Path::new("json")));
    }
}
