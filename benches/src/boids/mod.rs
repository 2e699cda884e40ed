//! The boids application benchmark: the boids demo's frame (the same algorithm, spatial grid,
//! parameters and starting flock) under cellar, bevy_ecs and hecs, each written in its own
//! fastest idiom, at 1 and 2 threads.
//!
//! What every version shares is the demo's own code: [`Rules`]' per-boid steering
//! (`separation`, `alignment`, `cohesion`, `integrate`), the [`Grid`] (a `ShardedMap` from
//! cell to the boids in it, filled in parallel and sorted), and [`flock`], the starting
//! positions and velocities. What differs is only what an ECS does: storing the components,
//! iterating them (in parallel or not), running the systems in order or side by side. So
//! the ratios measure the ECS in a real frame, not a micro-benchmark.
//!
//! Because the per-boid arithmetic is literally the same code, run in the same order over
//! sorted grid cells, all three worlds stay bit-identical frame after frame; the equivalence
//! test checks that.
//!
//! ```
//! use cellar_benches::boids::{BoidsApp, cellar::CellarBoids, hecs::HecsBoids};
//!
//! let mut a = CellarBoids::new(300, 2);
//! let mut b = HecsBoids::new(300, 1);
//! a.frame();
//! b.frame();
//! assert_eq!(a.observe(), b.observe());
//! ```

pub mod bevy;
pub mod cellar;
pub mod hecs;

pub use cellar_demos::boids::{Grid, Neighbour, Rules, flock};
use glam::Vec2;

/// The flock sizes of the benchmark.
pub const SIZES: [usize; 3] = [2_000, 10_000, 50_000];
/// The thread counts of the benchmark (the documented machine has two cores).
pub const THREADS: [usize; 2] = [1, 2];
/// The seed of the starting flock.
pub const SEED: u64 = 1;

/// One ECS's version of the boids frame.
pub trait BoidsApp {
    /// A world with the starting flock of `n` boids, to run on `threads` threads.
    fn new(n: usize, threads: usize) -> Self
    where
        Self: Sized;
    /// One frame: fill the grid, the three rules, integrate.
    fn frame(&mut self);
    /// Every boid's position and velocity, in spawn order (not measured).
    fn observe(&mut self) -> Vec<(Vec2, Vec2)>;
}

/// Makes one crate's version for a size and a thread count.
pub type Factory = fn(usize, usize) -> Box<dyn BoidsApp>;

/// Every version, as (function id, factory) pairs in the order the bench lists them.
pub fn versions() -> Vec<(&'static str, Factory)> {
    vec![
        ("cellar", |n, t| Box::new(cellar::CellarBoids::new(n, t))),
        ("bevy_ecs", |n, t| Box::new(bevy::BevyBoids::new(n, t))),
        ("hecs", |n, t| Box::new(hecs::HecsBoids::new(n, t))),
    ]
}

/// A rayon pool of `threads` threads for the versions that use rayon.
///
/// # Panics
///
/// Where the operating system refuses to start the threads.
pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("could not start the rayon threads")
}

/// A batch size for `n` entities on `threads` threads: a few batches per thread, so work
/// stealing can even out cells of different density.
pub fn batch_size(n: usize, threads: usize) -> u32 {
    (n / (threads * 8)).clamp(64, 4_096) as u32
}
