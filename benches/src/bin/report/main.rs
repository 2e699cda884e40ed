//! Runs the criterion benches with short settings and prints one ratio table per bench target.
//!
//! ```sh
//! cargo run --release -p cellar-benches --bin report                 # every bench target
//! cargo run --release -p cellar-benches --bin report -- ecs locks    # some of them
//! cargo run --release -p cellar-benches --bin report -- --no-run     # tables of the last run
//! ```
//!
//! Options: `--warm-up-time SECS` (default 0.5), `--measurement-time SECS` (default 1),
//! `--no-run` (read the results of the previous run instead of running), and after `--`,
//! arguments passed on to every bench binary (a criterion filter, `--sample-size N`, ...).
//!
//! Each bench target runs as `cargo bench -p cellar-benches --bench NAME -- --warm-up-time W
//! --measurement-time M --nresamples 5000 --noplot` (its output on stderr) with `CRITERION_HOME` set to `<target dir>/criterion-report/NAME`,
//! emptied first, so that a table holds the results of one run and nothing older. The tables,
//! in Markdown, are printed and also written to `<target dir>/criterion-report/report.md`, and
//! a bar chart of cellar's ratio to the best peer, row by row, to `ratios.svg` beside it.
//!
//! The table of a target has one row per criterion group and parameter (`simple_iter/10000`)
//! and one column per function id, by the bench naming convention: `cellar` or `cellar-*` for
//! ours, `floor-*` for floors, anything else is a peer. Times are criterion's median estimate.
//! `best peer` is the fastest peer in the row; `X / best peer` is cellar variant X's time
//! divided by the fastest of X's peers (below 1: cellar is faster), where a peer named with
//! the suffix of a cellar variant (`bevy_ecs-single` beside `cellar-single`) is compared with
//! that variant alone; `X / floor-Y` likewise against each floor.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Instant, SystemTime};

mod chart;

/// Bootstrap resamples for criterion's confidence intervals: the tables use only the median
/// point estimate, which does not depend on them, and 5,000 instead of the default 100,000
/// saves a few hundred milliseconds of analysis per benchmark on a slow machine.
const RESAMPLES: &str = "5000";

struct Options {
    warm_up: String,
    measurement: String,
    run: bool,
    benches: Vec<String>,
    passthrough: Vec<String>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        warm_up: "0.5".into(),
        measurement: "1".into(),
        run: true,
        benches: Vec::new(),
        passthrough: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--warm-up-time" => options.warm_up = args.next().ok_or("--warm-up-time SECS")?,
            "--measurement-time" => {
                options.measurement = args.next().ok_or("--measurement-time SECS")?;
            }
            "--no-run" => options.run = false,
            "--" => options.passthrough.extend(args.by_ref()),
            "-h" | "--help" => {
                return Err("usage: report [--warm-up-time S] [--measurement-time S] [--no-run] \
                            [BENCH...] [-- CRITERION ARGS]"
                    .into());
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ => options.benches.push(arg),
        }
    }
    Ok(options)
}

/// The bench targets of this package: the files in `benches/benches/`.
fn bench_targets(package: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(package.join("benches"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(String::from))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn target_dir(workspace: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"))
}

/// One measured benchmark, as criterion wrote it.
struct Measurement {
    group: String,
    function: String,
    parameter: Option<String>,
    median_ns: f64,
    written: SystemTime,
}

/// The value of `"key":` in a flat JSON object: a string (unescaped), or `None` for `null`.
fn json_string(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    let rest = json[start..].trim_start();
    let body = rest.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => match chars.next()? {
                'n' => value.push('\n'),
                't' => value.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    value.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// criterion's median point estimate, in nanoseconds, from `estimates.json`.
fn median_estimate(json: &str) -> Option<f64> {
    let median = &json[json.find("\"median\":")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

fn read_measurement(new_dir: &Path) -> Option<Measurement> {
    let benchmark = fs::read_to_string(new_dir.join("benchmark.json")).ok()?;
    let estimates_path = new_dir.join("estimates.json");
    let estimates = fs::read_to_string(&estimates_path).ok()?;
    Some(Measurement {
        group: json_string(&benchmark, "group_id")?,
        function: json_string(&benchmark, "function_id").unwrap_or_default(),
        parameter: json_string(&benchmark, "value_str"),
        median_ns: median_estimate(&estimates)?,
        written: fs::metadata(&estimates_path).and_then(|m| m.modified()).ok()?,
    })
}

/// Every `new/` result under `dir`, in the order they were measured.
fn collect(dir: &Path) -> Vec<Measurement> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.filter_map(|e| e.ok()) {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                found.extend(read_measurement(&path));
            } else if path.file_name().is_none_or(|n| n != "report") {
                stack.push(path);
            }
        }
    }
    found.sort_by_key(|m| m.written);
    found
}

fn is_cellar(function: &str) -> bool {
    function == "cellar" || function.starts_with("cellar-")
}

fn is_floor(function: &str) -> bool {
    function.starts_with("floor-")
}

/// A time with three significant digits and a unit.
fn format_time(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let decimals = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.decimals$} {unit}")
}

/// One bench target's medians, arranged as rows (group and parameter) and columns (function
/// ids): cellar variants, peers and floors, each in the order first measured.
struct Grid {
    rows: Vec<String>,
    cells: BTreeMap<(String, String), f64>,
    ours: Vec<String>,
    peers: Vec<String>,
    floors: Vec<String>,
}

impl Grid {
    fn new(measurements: &[Measurement]) -> Self {
        let mut grid = Grid {
            rows: Vec::new(),
            cells: BTreeMap::new(),
            ours: Vec::new(),
            peers: Vec::new(),
            floors: Vec::new(),
        };
        for m in measurements {
            let row = match &m.parameter {
                Some(p) => format!("{}/{p}", m.group),
                None => m.group.clone(),
            };
            if !grid.rows.contains(&row) {
                grid.rows.push(row.clone());
            }
            let column = if is_cellar(&m.function) {
                &mut grid.ours
            } else if is_floor(&m.function) {
                &mut grid.floors
            } else {
                &mut grid.peers
            };
            if !column.contains(&m.function) {
                column.push(m.function.clone());
            }
            grid.cells.insert((row, m.function.clone()), m.median_ns);
        }
        grid
    }

    fn time(&self, row: &str, function: &str) -> Option<f64> {
        self.cells.get(&(row.to_string(), function.to_string())).copied()
    }

    /// The peers that cellar function `ours` is compared with. A peer whose name ends in the
    /// suffix of one of cellar's variants (`bevy_ecs-single` beside `cellar-single`) is a
    /// like-for-like partner of that variant alone; every other peer is compared with the
    /// functions that have no partner.
    fn peers_for(&self, ours: &str) -> Vec<&String> {
        let suffix_of = |f: &str| f.split_once('-').map(|(_, suffix)| suffix.to_string());
        let variant_suffixes: Vec<String> = self.ours.iter().filter_map(|f| suffix_of(f)).collect();
        let partners: Vec<&String> = match suffix_of(ours) {
            Some(suffix) => {
                self.peers.iter().filter(|p| suffix_of(p) == Some(suffix.clone())).collect()
            }
            None => Vec::new(),
        };
        if !partners.is_empty() {
            return partners;
        }
        self.peers
            .iter()
            .filter(|p| suffix_of(p).is_none_or(|s| !variant_suffixes.contains(&s)))
            .collect()
    }

    /// The fastest of `ours`'s peers in `row`, and its time.
    fn best_peer(&self, row: &str, ours: &str) -> Option<(f64, &String)> {
        self.peers_for(ours)
            .into_iter()
            .filter_map(|p| self.time(row, p).map(|t| (t, p)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }
}

/// The Markdown table of one bench target's measurements.
fn table(measurements: &[Measurement]) -> String {
    let grid = Grid::new(measurements);
    let Grid { rows, ours, peers, floors, .. } = &grid;
    let mut header: Vec<String> = vec!["benchmark".into()];
    header.extend(ours.iter().chain(peers).chain(floors).cloned());
    if !peers.is_empty() {
        header.push("best peer".into());
        header.extend(ours.iter().map(|c| format!("{c} / best peer")));
    }
    for floor in floors {
        header.extend(ours.iter().map(|c| format!("{c} / {floor}")));
    }
    let mut out = format!("| {} |\n", header.join(" | "));
    out += &format!("|{}\n", " --- |".repeat(header.len()));
    for row in rows {
        let time = |f: &String| grid.time(row, f);
        let mut line: Vec<String> = vec![row.clone()];
        line.extend(
            ours.iter().chain(peers).chain(floors).map(|f| time(f).map_or("—".into(), format_time)),
        );
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "—".into(),
        };
        if !peers.is_empty() {
            let main = ours.iter().find(|f| *f == "cellar").or(ours.first());
            let best_name = main.and_then(|m| grid.best_peer(row, m)).map(|(_, p)| p.clone());
            line.push(best_name.unwrap_or_else(|| "—".into()));
            line.extend(ours.iter().map(|c| ratio(time(c), grid.best_peer(row, c).map(|b| b.0))));
        }
        for floor in floors {
            line.extend(ours.iter().map(|c| ratio(time(c), time(floor))));
        }
        out += &format!("| {} |\n", line.join(" | "));
    }
    out
}

/// One chart bar per row that has a peer: cellar's time (the plain `cellar` function, or
/// else its first variant) over the best peer's, labelled `bench: row`.
fn ratio_bars(bench: &str, measurements: &[Measurement]) -> Vec<chart::Bar> {
    let grid = Grid::new(measurements);
    let Some(ours) = grid.ours.iter().find(|f| *f == "cellar").or(grid.ours.first()) else {
        return Vec::new();
    };
    grid.rows
        .iter()
        .filter_map(|row| {
            let (best, _) = grid.best_peer(row, ours)?;
            let time = grid.time(row, ours)?;
            (best > 0.0)
                .then(|| chart::Bar { label: format!("{bench}: {row}"), ratio: time / best })
        })
        .collect()
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let package = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = package.parent().expect("benches/ sits in the workspace");
    let available = bench_targets(package);
    let benches = if options.benches.is_empty() { available.clone() } else { options.benches };
    if let Some(unknown) = benches.iter().find(|b| !available.contains(b)) {
        eprintln!("no bench target {unknown}; the targets are {}", available.join(", "));
        return ExitCode::FAILURE;
    }
    let report_dir = target_dir(workspace).join("criterion-report");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut failed = Vec::new();
    let mut report = String::new();
    let mut bars = Vec::new();
    for bench in &benches {
        let home = report_dir.join(bench);
        let started = Instant::now();
        if options.run {
            let _ = fs::remove_dir_all(&home);
            eprintln!("==> cargo bench -p cellar-benches --bench {bench}");
            let status = Command::new(&cargo)
                .current_dir(workspace)
                .env("CRITERION_HOME", &home)
                .args(["bench", "-p", "cellar-benches", "--bench", bench, "--"])
                .args(["--warm-up-time", &options.warm_up])
                .args(["--measurement-time", &options.measurement])
                .args(["--nresamples", RESAMPLES, "--noplot"])
                .args(&options.passthrough)
                // criterion's progress goes to stderr, so stdout holds only the tables.
                .stdout(Stdio::from(std::io::stderr()))
                .status();
            if !status.is_ok_and(|s| s.success()) {
                failed.push(bench.clone());
            }
        }
        let measurements = collect(&home);
        report += &format!("### {bench}\n\n");
        if options.run {
            let seconds = started.elapsed().as_secs();
            report += &format!("({seconds} s, building included)\n\n");
        }
        if measurements.is_empty() {
            report += "(no results)\n\n";
        } else {
            report += &table(&measurements);
            bars.extend(ratio_bars(bench, &measurements));
            report += "\n";
        }
    }
    let settings = if options.run {
        format!(
            "criterion --warm-up-time {} --measurement-time {} --nresamples {RESAMPLES} {}; \
             medians of one run.\n\n",
            options.warm_up,
            options.measurement,
            options.passthrough.join(" ")
        )
    } else {
        "results of the previous run (--no-run).\n\n".into()
    };
    let report = settings + &report;
    println!("\n{report}");
    if fs::create_dir_all(&report_dir).is_ok() {
        let _ = fs::write(report_dir.join("report.md"), &report);
        let chart = chart::svg(
            "cellar's median time / the best peer's (log scale; left of 1x: faster)",
            &bars,
        );
        let _ = fs::write(report_dir.join("ratios.svg"), chart);
    }
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("bench targets that failed: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_json() {
        let benchmark = r#"{"group_id":"simple_iter","function_id":"hecs","value_str":null}"#;
        assert_eq!(json_string(benchmark, "group_id").as_deref(), Some("simple_iter"));
        assert_eq!(json_string(benchmark, "value_str"), None);
        let estimates = r#"{"mean":{"confidence_interval":{"lower_bound":1.0},"point_estimate":9.0},
            "median":{"confidence_interval":{"lower_bound":2.0},"point_estimate":4.5,"x":1}}"#;
        assert_eq!(median_estimate(estimates), Some(4.5));
    }

    #[test]
    fn ratios_compare_cellar_with_the_best_peer_and_the_floor() {
        let m = |function: &str, ns: f64| Measurement {
            group: "simple_iter".into(),
            function: function.into(),
            parameter: Some("10".into()),
            median_ns: ns,
            written: SystemTime::UNIX_EPOCH,
        };
        let t = table(&[
            m("hecs", 300.0),
            m("cellar", 150.0),
            m("bevy_ecs", 200.0),
            m("floor-vec", 100.0),
        ]);
        let row = t.lines().nth(2).unwrap();
        assert_eq!(
            row,
            "| simple_iter/10 | 150 ns | 300 ns | 200 ns | 100 ns | bevy_ecs | 0.75 | 1.50 |"
        );
        assert!(t.starts_with("| benchmark | cellar | hecs | bevy_ecs | floor-vec | best peer |"));
    }

    #[test]
    fn a_suffixed_peer_is_compared_with_its_own_variant_only() {
        let m = |function: &str, ns: f64| Measurement {
            group: "schedule".into(),
            function: function.into(),
            parameter: None,
            median_ns: ns,
            written: SystemTime::UNIX_EPOCH,
        };
        let t = table(&[
            m("cellar", 26.0),
            m("cellar-single", 8.0),
            m("bevy_ecs", 100.0),
            m("bevy_ecs-single", 2.0),
        ]);
        let row = t.lines().nth(2).unwrap();
        assert_eq!(
            row,
            "| schedule | 26.0 ns | 8.00 ns | 100 ns | 2.00 ns | bevy_ecs | 0.26 | 4.00 |"
        );
        let bars = ratio_bars(
            "schedule",
            &[
                m("cellar", 26.0),
                m("bevy_ecs", 100.0),
                m("bevy_ecs-single", 2.0),
                m("cellar-single", 8.0),
            ],
        );
        assert_eq!(bars.len(), 1);
        assert!((bars[0].ratio - 0.26).abs() < 1e-9);
    }
}
