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
//! how many frames to run after 30 settling frames. Prints the world's first boid, so the
//! work cannot be optimised away.

use cellar_benches::boids::{BoidsApp, versions};

/// The frames that count: a function of its own, for callgrind's `--toggle-collect`.
#[inline(never)]
fn measured_frames(app: &mut dyn BoidsApp, frames: usize) {
    for _ in 0..frames {
        app.frame();
    }
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
    measured_frames(&mut *app, parse(frames));
    println!("{version}: first boid {:?}", app.observe()[0]);
}
