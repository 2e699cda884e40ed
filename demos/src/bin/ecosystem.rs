//! `cargo run --release -p cellar-demos --bin ecosystem -- --help`
#![forbid(unsafe_code)]

use std::process::ExitCode;

use cellar_demos::cli::Config;
use cellar_demos::ecosystem;

fn main() -> ExitCode {
    let config = Config::parse(&ecosystem::DEMO);
    match ecosystem::run(&config) {
        Ok(report) => {
            print!("{}", report.summary);
            for (k, name) in ["grass", "rabbits", "foxes"].into_iter().enumerate() {
                let series = report.populations.iter().map(|p| p[k]);
                let (lo, hi) = (series.clone().min().unwrap_or(0), series.max().unwrap_or(0));
                let last = report.populations.last().map_or(0, |p| p[k]);
                println!("  {name:>8}: between {lo} and {hi}, {last} at the end");
            }
            println!(
                "  {} commands applied, {} skipped; world hash {:016x}; {:.2} s in all",
                report.commands_applied,
                report.commands_skipped,
                report.hash,
                report.wall.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("ecosystem: {err}");
            ExitCode::FAILURE
        }
    }
}
