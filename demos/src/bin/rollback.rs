//! `cargo run --release -p cellar-demos --bin rollback -- --help`
#![forbid(unsafe_code)]

use std::process::ExitCode;

use cellar_demos::cli::{Config, group};
use cellar_demos::rollback::{self, DELAY, JITTER, RING};

fn micros(d: std::time::Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n.max(1) as f64
}

fn main() -> ExitCode {
    let config = Config::parse(&rollback::DEMO);
    let report = match rollback::run(&config) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("rollback: {err}");
            return ExitCode::FAILURE;
        }
    };
    let frames = report.frames;
    println!(
        "rollback: 2 peers, {} orbs, {} frames, delay {DELAY} + up to {JITTER} frames, a ring of {RING} snapshots",
        group(config.entities),
        group(frames)
    );
    for (i, peer) in report.peers.iter().enumerate() {
        let takes = frames + peer.resimulated;
        let extra = peer.snapshot_time
            + peer.restore_time
            + peer.step_time.saturating_sub(report.plain_frame * frames as u32);
        println!(
            "  peer {i}: {} rollbacks, {} frames re-simulated ({:.2} a frame); snapshot {:.1} µs a take ({:.0} rows), restore {:.1} µs each ({:.0} rows); rollback cost {:.1} µs a frame",
            peer.rollbacks,
            peer.resimulated,
            peer.resimulated as f64 / frames as f64,
            micros(peer.snapshot_time, takes),
            peer.rows_copied as f64 / takes as f64,
            micros(peer.restore_time, peer.rollbacks),
            peer.rows_restored as f64 / peer.rollbacks.max(1) as f64,
            micros(extra, frames),
        );
    }
    println!(
        "  a plain frame (no snapshots, no rollback): {:.1} µs",
        micros(report.plain_frame, 1)
    );
    println!("  reference world hash: {:016x}", report.reference);
    println!("  peer world hashes:    {:016x} {:016x}", report.hashes[0], report.hashes[1]);
    let written: Vec<String> = report.outputs.iter().map(|p| p.display().to_string()).collect();
    println!("  wrote {}; {:.2} s in all", written.join(" and "), report.wall.as_secs_f64());
    if report.converged() {
        println!("  converged: both peers end at the zero-latency world");
        ExitCode::SUCCESS
    } else {
        eprintln!("rollback: the peers' worlds differ from the zero-latency reference");
        ExitCode::FAILURE
    }
}
