//! Runs frames of one version of the boids application benchmark, for instruction counts
//! under callgrind (deterministic, unlike wall-clock time on a shared machine):
//!
//! ```sh
//! cargo build --release -p cellar-benches --example boids_frames
//! valgrind --tool=callgrind --toggle-collect='*measured_frames*' \
//!     target/release/examples/boids_frames cellar 10000 1 10
//! ```
//!
//! (`--toggle-collect` counts only the measured frames, not the set-up and settling.)
//!
//! Arguments: the version (`cellar`, `bevy_ecs`, `hecs`), the flock size, the threads, and
//! how many frames to run after 30 settling frames. Prints the fastest and the median
//! measured frame, and the world's first boid, so the work cannot be optimised away.

use cellar_benches::boids::{BoidsApp, versions};

/// The frames that count: a function of its own, for callgrind's `--toggle-collect`.
/// Returns each frame's wall time: their minimum is what a loaded machine disturbs least.
#[inline(never)]
fn measured_frames(app: &mut dyn BoidsApp, frames: usize) -> Vec<std::time::Duration> {
    (0..frames)
        .map(|_| {
            let start = std::time::Instant::now();
            app.frame();
            start.elapsed()
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [version, n, threads, frames] = &args[..] else {
        eprintln!("usage: boids_frames VERSION N THREADS FRAMES");
        std::process::exit(2);
    };
    let parse = |s: &str| s.parse::<usize>().unwrap_or_else(|_| panic!("`{s}` is not a number"));
    let Some((_, make)) = versions().into_iter().find(|(id, _)| id == version) else {
        eprintln!("unknown version `{version}`: use cellar, bevy_ecs or hecs");
        std::process::exit(2);
    };
    let mut app = make(parse(n), parse(threads));
    for _ in 0..30 {
        app.frame();
    }
    let mut times = measured_frames(&mut *app, parse(frames));
    times.sort();
    let ms = |d: &std::time::Duration| d.as_secs_f64() * 1e3;
    if let (Some(min), Some(median)) = (times.first(), times.get(times.len() / 2)) {
        println!(
            "{version} n={n} threads={threads}: min {:.2} ms, median {:.2} ms",
            ms(min),
            ms(median)
        );
    }
    println!("{version}: first boid {:?}", app.observe()[0]);
}
