//! `cargo run --release -p cellar-demos --bin particles -- --help`
#![forbid(unsafe_code)]

use std::process::ExitCode;

use cellar_demos::cli::Config;
use cellar_demos::particles;

fn main() -> ExitCode {
    let config = Config::parse(&particles::DEMO);
    let report = match particles::run(&config) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("particles: {err}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report.single.summary);
    print!("{}", report.parallel.summary);
    println!("  world hash on 1 thread:   {:016x}", report.single.hash);
    println!(
        "  world hash on {} thread{}: {:016x}",
        config.threads,
        if config.threads == 1 { " " } else { "s" },
        report.parallel.hash
    );
    println!(
        "  speed-up {:.2}x on {} threads; {:.2} s in all",
        report.speedup,
        config.threads,
        report.wall.as_secs_f64()
    );
    if report.deterministic() {
        println!("  deterministic: the hashes match");
        ExitCode::SUCCESS
    } else {
        eprintln!("particles: the hashes differ: the run depends on the number of threads");
        ExitCode::FAILURE
    }
}
