//! `cargo run --release -p cellar-demos --bin boids -- --help`
#![forbid(unsafe_code)]

use std::process::ExitCode;

use cellar_demos::boids;
use cellar_demos::cli::Config;

fn main() -> ExitCode {
    let config = Config::parse(&boids::DEMO);
    match boids::run(&config) {
        Ok(report) => {
            print!("{}", report.summary);
            println!(
                "  {} animation frames; world hash {:016x}; {:.2} s in all",
                report.gif_frames,
                report.hash,
                report.wall.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("boids: {err}");
            ExitCode::FAILURE
        }
    }
}
