//! Measures the peak memory and the throughput of summarising about 1 GiB of TLS-RPT reports.
//!
//! ```text
//! cargo build --release -p mtasts-cli -p mtasts-benches --bin mtasts --example ingest
//! taskset -c 1 target/release/examples/ingest run --json-mib 1024 --mtasts target/release/mtasts
//! ```
//!
//! `run` generates the reports into a new temporary directory, then summarises them twice,
//! each time in a new process so that the peak resident set size belongs to the summary alone:
//!
//! 1. `library`: this program's `summarize` subcommand, which reads the files the way
//!    `mtasts report summarize` does (name order, one file in memory at a time,
//!    `ReceivedReport::read_countable`, `Aggregator::add`, then `Aggregator::aggregate`) and
//!    reports its own peak, `VmHWM` from `/proc/self/status`.
//! 2. `cli`: the `mtasts` binary given with `--mtasts`, as `mtasts report summarize DIR` (the
//!    table) and as `mtasts report summarize --json DIR`, each under `/usr/bin/time -v`, which
//!    reports the peak as "Maximum resident set size".
//!
//! The library's totals and the CLI's JSON output are checked against the totals of the
//! generated reports. The directory is deleted at the end, also when a step fails, unless
//! `--keep` is given.
//!
//! The reports are those of `mtasts_benches::tlsrpt::generate_report`, each with a random
//! number of failure details so that the files average `--json-mib` / `--files` of JSON.
//! Every `--gzip-every`-th file is gzip-compressed (`.json.gz`), the others are plain `.json`.
//! The files are read from the page cache, since they were just written.
//!
//! Other subcommands: `generate DIR` writes the reports into an existing directory, with the
//! same options as `run`, and `summarize DIR` runs step 1 on a directory and prints what it
//! measured as one JSON line.

use std::fs::{self, File};
use std::io::{self, Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use mtasts_benches::tlsrpt::{
    ExpectedSummary, SummaryCounter, generate_report, gzip, report_json, summary_totals,
};
use mtasts_core::ParseOptions;
use mtasts_core::tlsrpt::{AddOutcome, Aggregator, Limits, ReceivedReport};
use serde::Deserialize;

const USAGE: &str = "\
usage: ingest run [OPTIONS]
       ingest generate DIR [OPTIONS]
       ingest summarize DIR

options:
  --json-mib N      MiB of report JSON to generate (default 1024)
  --files N         number of report files; sizes vary around json-mib / files (default 4096)
  --gzip-every N    gzip-compress every N-th file, 0 for none (default 4)
  --mtasts PATH     also summarise with this mtasts binary under /usr/bin/time -v (run only)
  --keep            keep the generated directory and print its path (run only)";

/// Approximate JSON bytes per failure detail of a generated report, measured on the 1 MiB
/// benchmark report. Used only to choose detail counts; the totals are measured.
const BYTES_PER_DETAIL: usize = 240;

/// The seed of the first generated file, apart from the benchmark reports' seeds.
const FIRST_SEED: u64 = 10_000_000;

#[derive(Debug, Clone)]
struct Options {
    json_mib: usize,
    files: usize,
    gzip_every: usize,
    mtasts: Option<PathBuf>,
    keep: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            json_mib: 1024,
            files: 4096,
            gzip_every: 4,
            mtasts: None,
            keep: false,
        }
    }
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("missing value for {name}"))
        };
        match arg.as_str() {
            "--json-mib" => options.json_mib = parse_number("--json-mib", &value(arg)?)?,
            "--files" => options.files = parse_number("--files", &value(arg)?)?.max(1),
            "--gzip-every" => options.gzip_every = parse_number("--gzip-every", &value(arg)?)?,
            "--mtasts" => options.mtasts = Some(PathBuf::from(value(arg)?)),
            "--keep" => options.keep = true,
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(options)
}

fn parse_number(name: &str, text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("invalid {name} {text:?}: expected a whole number"))
}

/// Counts of the files `generate` wrote.
struct Generated {
    files: usize,
    gzip_files: usize,
    json_bytes: u64,
    disk_bytes: u64,
    expected: ExpectedSummary,
}

/// Writes reports into `dir` until their JSON adds up to `options.json_mib` MiB.
fn generate(dir: &Path, options: &Options) -> io::Result<Generated> {
    let target = options.json_mib as u64 * 1024 * 1024;
    let mean_details = (target as usize / options.files / BYTES_PER_DETAIL).max(1);
    let mut generated = Generated {
        files: 0,
        gzip_files: 0,
        json_bytes: 0,
        disk_bytes: 0,
        expected: ExpectedSummary::default(),
    };
    let mut counter = SummaryCounter::default();
    while generated.json_bytes < target {
        let index = generated.files;
        let seed = FIRST_SEED + index as u64;
        // Between a quarter and 1.75 times the mean, so that file sizes vary.
        let details = mean_details / 4 + (seed as usize * 7919) % (mean_details * 3 / 2 + 1);
        let report = generate_report(seed, details);
        let json = report_json(&report);
        counter.add(&report);
        generated.json_bytes += json.len() as u64;
        let compress = options.gzip_every > 0 && index.is_multiple_of(options.gzip_every);
        let (name, data) = if compress {
            generated.gzip_files += 1;
            (format!("report-{index:06}.json.gz"), gzip(&json))
        } else {
            (format!("report-{index:06}.json"), json)
        };
        generated.disk_bytes += data.len() as u64;
        File::create(dir.join(name))?.write_all(&data)?;
        generated.files += 1;
    }
    generated.expected = counter.finish();
    Ok(generated)
}

/// Measurements of one `summarize` run, printed as one JSON line for `run` to read.
#[derive(Debug, serde::Serialize, Deserialize)]
struct SummaryRun {
    files: usize,
    invalid_files: usize,
    input_bytes: u64,
    seconds: f64,
    peak_rss_kib: u64,
    totals: ExpectedSummary,
    /// Entries the aggregator stores, from `Aggregator::key_counts`.
    report_ids: usize,
    days: usize,
    breakdown_entries: usize,
}

/// Summarises the report files directly under `dir` as `mtasts report summarize` does, and
/// measures the time and this process's peak resident set size.
fn summarize(dir: &Path) -> io::Result<SummaryRun> {
    let started = Instant::now();
    let limits = Limits::default();
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    paths.retain(|path| {
        let name = path.to_string_lossy();
        name.ends_with(".json") || name.ends_with(".gz")
    });
    paths.sort();
    let mut aggregator = Aggregator::new();
    let mut run = SummaryRun {
        files: 0,
        invalid_files: 0,
        input_bytes: 0,
        seconds: 0.0,
        peak_rss_kib: 0,
        totals: ExpectedSummary::default(),
        report_ids: 0,
        days: 0,
        breakdown_entries: 0,
    };
    for path in &paths {
        // As the CLI does, read at most one byte over the limit.
        let mut bytes = Vec::new();
        File::open(path)?
            .take(limits.max_input_size as u64 + 1)
            .read_to_end(&mut bytes)?;
        run.files += 1;
        run.input_bytes += bytes.len() as u64;
        match ReceivedReport::read_countable(&bytes, ParseOptions::default(), &limits) {
            Ok(report) => {
                if aggregator.add(&report) == AddOutcome::Duplicate {
                    eprintln!("ingest: {}: duplicate report", path.display());
                }
            }
            Err(error) => {
                eprintln!("ingest: {}: invalid report: {error}", path.display());
                run.invalid_files += 1;
            }
        }
    }
    let keys = aggregator.key_counts();
    run.report_ids = keys.report_ids;
    run.days = keys.days;
    run.breakdown_entries = keys.breakdown_entries;
    let aggregate = aggregator.aggregate();
    run.totals = summary_totals(&aggregate);
    run.seconds = started.elapsed().as_secs_f64();
    run.peak_rss_kib = peak_rss_kib()?;
    Ok(run)
}

/// Returns `VmHWM`, the peak resident set size of this process, in KiB.
fn peak_rss_kib() -> io::Result<u64> {
    let status = fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| io::Error::other("no VmHWM line in /proc/self/status"))
}

/// The parts of `mtasts report summarize --json` output that are checked.
#[derive(Deserialize)]
struct CliOutput {
    reports: u64,
    duplicate_reports: u64,
    domains: Vec<CliDomain>,
    errors: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct CliDomain {
    total: CliCounts,
}

#[derive(Deserialize)]
struct CliCounts {
    successful_sessions: u64,
    failed_sessions: u64,
    uncovered_mx_hosts: Vec<CliHostCount>,
}

#[derive(Deserialize)]
struct CliHostCount {
    failed_sessions: u64,
}

impl CliOutput {
    fn totals(&self) -> ExpectedSummary {
        let mut totals = ExpectedSummary {
            reports: self.reports,
            groups: self.domains.len(),
            ..ExpectedSummary::default()
        };
        for domain in &self.domains {
            let counts = &domain.total;
            totals.successful_sessions += counts.successful_sessions;
            totals.failed_sessions += counts.failed_sessions;
            totals.uncovered_failed_sessions += counts
                .uncovered_mx_hosts
                .iter()
                .map(|host| host.failed_sessions)
                .sum::<u64>();
        }
        totals
    }
}

/// Measurements of one run of the `mtasts` binary.
struct CliRun {
    elapsed: Duration,
    peak_rss_kib: u64,
    stdout: Vec<u8>,
}

/// Runs `mtasts report summarize [FORMAT] DIR` under `/usr/bin/time -v` and returns its
/// output with the wall time and the peak resident set size.
fn run_cli(mtasts: &Path, format: Option<&str>, dir: &Path) -> Result<CliRun, String> {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(mtasts)
        .args(["report", "summarize"])
        .args(format)
        .arg(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("failed to run /usr/bin/time -v {}: {e}", mtasts.display()))?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "mtasts report summarize failed with {}:\n{stderr}",
            output.status
        ));
    }
    let peak_rss_kib = stderr
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("Maximum resident set size (kbytes):")
        })
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| format!("no maximum resident set size in the output of time:\n{stderr}"))?;
    Ok(CliRun {
        elapsed,
        peak_rss_kib,
        stdout: output.stdout,
    })
}

/// Checks the output of `mtasts report summarize --json` against the generated totals.
fn check_cli_json(stdout: &[u8], expected: &ExpectedSummary) -> Result<(), String> {
    let cli: CliOutput = serde_json::from_slice(stdout)
        .map_err(|e| format!("invalid JSON from mtasts report summarize: {e}"))?;
    if !cli.errors.is_empty() || cli.duplicate_reports != 0 {
        return Err(format!(
            "mtasts listed {} errors and {} duplicates",
            cli.errors.len(),
            cli.duplicate_reports
        ));
    }
    let totals = cli.totals();
    if &totals != expected {
        return Err(format!(
            "mtasts totals {totals:?} differ from the generated {expected:?}"
        ));
    }
    Ok(())
}

/// Prints the throughput and the peak of one summary run.
fn print_run(label: &str, generated: &Generated, seconds: f64, peak_rss_kib: u64) {
    println!(
        "{label}: {} files in {seconds:.2} s, {:.0} MiB/s of JSON, {:.0} files/s, \
         peak RSS {:.1} MiB",
        generated.files,
        mib(generated.json_bytes) / seconds,
        generated.files as f64 / seconds,
        peak_rss_kib as f64 / 1024.0,
    );
}

/// Runs this program's `summarize` subcommand in a new process and returns what it measured.
fn summarize_in_child(dir: &Path) -> Result<SummaryRun, String> {
    let program = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let output = Command::new(program)
        .arg("summarize")
        .arg(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("failed to run ingest summarize: {e}"))?;
    if !output.status.success() {
        return Err(format!("ingest summarize failed with {}", output.status));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("invalid JSON from ingest summarize: {e}"))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn run(options: &Options) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix("mtasts-ingest-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let started = Instant::now();
    let generated =
        generate(dir.path(), options).map_err(|e| format!("cannot write the reports: {e}"))?;
    println!(
        "generated {} files ({} gzip) in {:.1} s: {:.1} MiB of JSON, {:.1} MiB on disk, in {}",
        generated.files,
        generated.gzip_files,
        started.elapsed().as_secs_f64(),
        mib(generated.json_bytes),
        mib(generated.disk_bytes),
        dir.path().display(),
    );

    let library = summarize_in_child(dir.path())?;
    if library.totals != generated.expected || library.invalid_files != 0 {
        return Err(format!(
            "library totals {:?} with {} invalid files differ from the generated {:?}",
            library.totals, library.invalid_files, generated.expected
        ));
    }
    print_run("library", &generated, library.seconds, library.peak_rss_kib);
    println!(
        "aggregator entries: {} report ids, {} groups, {} day rows, {} breakdown entries",
        library.report_ids, library.totals.groups, library.days, library.breakdown_entries
    );

    if let Some(mtasts) = &options.mtasts {
        // The table is the default output. The JSON output is checked against the totals.
        let table = run_cli(mtasts, None, dir.path())?;
        print_run(
            "cli (table)",
            &generated,
            table.elapsed.as_secs_f64(),
            table.peak_rss_kib,
        );
        let json = run_cli(mtasts, Some("--json"), dir.path())?;
        check_cli_json(&json.stdout, &generated.expected)?;
        print_run(
            "cli (--json)",
            &generated,
            json.elapsed.as_secs_f64(),
            json.peak_rss_kib,
        );
        println!(
            "cli output: {:.1} MiB of table, {:.1} MiB of JSON",
            mib(table.stdout.len() as u64),
            mib(json.stdout.len() as u64)
        );
    }
    println!("totals checked: {:?}", generated.expected);

    if options.keep {
        let kept = dir.keep();
        println!("kept {}", kept.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => parse_options(&args[1..]).and_then(|options| run(&options)),
        Some("generate") if args.len() >= 2 => parse_options(&args[2..]).and_then(|options| {
            let generated = generate(Path::new(&args[1]), &options)
                .map_err(|e| format!("cannot write the reports: {e}"))?;
            println!(
                "generated {} files: {:.1} MiB of JSON, {:.1} MiB on disk",
                generated.files,
                mib(generated.json_bytes),
                mib(generated.disk_bytes)
            );
            Ok(())
        }),
        Some("summarize") if args.len() == 2 => summarize(Path::new(&args[1]))
            .map_err(|e| format!("cannot summarize {}: {e}", args[1]))
            .and_then(|run| {
                let line = serde_json::to_string(&run).map_err(|e| e.to_string())?;
                println!("{line}");
                Ok(())
            }),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ingest: {message}");
            ExitCode::FAILURE
        }
    }
}
