//! Runnable simulations that show the cellar store at work and draw pictures.
//!
//! Each binary in `src/bin` is one demo, a thin `main` over a library function that tests
//! can call with tiny sizes:
//!
//! - [`boids`]: a flock of 10,000 boids; separation, alignment and cohesion are separate
//!   systems that run in parallel, over a spatial grid in a [`ShardedMap`](cellar::ShardedMap).
//!   Writes `boids.gif` and `boids.png`.
//! - [`ecosystem`]: grass, prey and predators that eat, breed and die; entities come and go
//!   every frame through commands. Writes `ecosystem.png`, a chart of the populations.
//! - [`particles`]: particles under gravity wells and drag, run on one thread and on all, with
//!   world hashes that must match. Writes `particles.png`.
//!
//! ```sh
//! cargo run --release -p cellar-demos --bin boids -- --help
//! ```
//!
//! The rest of the crate is what the demos share: [`cli`] flags, a [`progress`] bar,
//! [`timing`] and the end [`summary`], a seeded [`rng`], a software [`canvas`] with
//! [`png_writer`], [`gif_writer`] and a [`chart`], and [`world_hash`] for determinism checks.
#![forbid(unsafe_code)]
// Systems are written as users write them, `Query<&T>` and `Res<T>` without `'_`: they are
// what users copy, and the lifetimes add nothing a reader needs.
#![allow(elided_lifetimes_in_paths)]

pub mod boids;
pub mod canvas;
pub mod chart;
pub mod cli;
pub mod color;
pub mod ecosystem;
pub mod gif_writer;
pub mod particles;
pub mod png_writer;
pub mod progress;
pub mod rng;
pub mod rollback;
pub mod summary;
pub mod timing;
pub mod vec2;
pub mod world_hash;
