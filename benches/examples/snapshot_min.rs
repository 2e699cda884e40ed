//! The fastest of many runs of each whole snapshot take and restore (`cellar_benches::snapshot`),
//! as a ratio to the `memcpy` floor: on a machine shared with other work the minimum is what
//! load disturbs least, where criterion's mean moves with it.
//!
//! ```sh
//! cargo run --release -p cellar-benches --example snapshot_min -- 100000 200
//! ```
//!
//! Arguments: the entity count (100k) and runs per crate and half (200), in rounds of
//! `BLOCK` runs of one crate's take, then of its restore, so that a burst of load hits every
//! crate alike.

use std::time::{Duration, Instant};

use cellar_benches::snapshot::{self, CRATES};

/// Runs of one half of one crate in a row.
const BLOCK: usize = 10;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().expect("a number")).collect();
    let n = args.first().copied().unwrap_or(100_000);
    let runs = args.get(1).copied().unwrap_or(200);
    let mut copies: Vec<_> =
        CRATES.iter().map(|id| snapshot::make(id, n).expect("a known crate")).collect();
    let mut best = vec![[Duration::MAX; 2]; CRATES.len()];
    // Runs of one half back to back, as criterion makes them (the data stays in cache as
    // much as it can), in rounds of `BLOCK`.
    for _ in 0..runs.div_ceil(BLOCK) {
        for (copy, best) in copies.iter_mut().zip(&mut best) {
            for _ in 0..BLOCK {
                let start = Instant::now();
                copy.take();
                best[0] = best[0].min(start.elapsed());
            }
            for _ in 0..BLOCK {
                let start = Instant::now();
                copy.restore();
                best[1] = best[1].min(start.elapsed());
            }
        }
    }
    println!("n = {n}, fastest of {runs} runs; ratio to memcpy");
    println!("{:<10} {:>12} {:>7} {:>12} {:>7}", "crate", "take", "ratio", "restore", "ratio");
    for (id, [take, restore]) in CRATES.iter().zip(&best) {
        let ratio = |t: &Duration, i: usize| t.as_secs_f64() / best[0][i].as_secs_f64();
        println!(
            "{id:<10} {:>12.1?} {:>7.2} {:>12.1?} {:>7.2}",
            take,
            ratio(take, 0),
            restore,
            ratio(restore, 1)
        );
    }
}
