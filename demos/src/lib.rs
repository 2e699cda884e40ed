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
//! - [`rollback`]: two peers play one game over a laggy channel, predicting each other's
//!   inputs and rolling back on snapshots when a prediction was wrong; both must end at the
//!   zero-latency world hash. Writes `rollback.png` and `rollback-timeline.png`.
//!
//! ```sh
//! cargo run --release -p cellar-demos --bin boids -- --help
//! ```
//!
//! Every demo starts the same way: [`cli::Config::parse`] reads and checks the flags, refuses
//! a run longer than ten minutes, warns about threads beyond the cores, prepares the
//! [`output`] directory (so a bad `--out` fails before the first frame, naming the path), and
//! says on stderr what it will do and about how long it will take. A new demo declares a
//! [`cli::Demo`] and calls it.
//!
//! The rest of the crate is what the demos share: a [`progress`] bar, [`timing`] and the
//! end [`summary`], [`world_hash`] for determinism checks, and the pictures. For those the
//! demos use what Rust game code uses: [glam]'s `Vec2` (as bevy does) with the wrap-around
//! world in [`torus`]; the `rand` family's seedable, portable PCG generator, with keyed
//! streams per entity in [`rng`]; [tiny-skia]'s anti-aliased shapes in the [`canvas`];
//! [ab_glyph] text in a font shipped by a crate ([`text`]), for the [`chart`]'s title, axes
//! and legend; and the `png` and `gif` crates ([`png_writer`], [`gif_writer`]).
//!
//! [glam]: https://docs.rs/glam
//! [tiny-skia]: https://docs.rs/tiny-skia
//! [ab_glyph]: https://docs.rs/ab_glyph
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
pub mod output;
pub mod particles;
pub mod png_writer;
pub mod progress;
pub mod rng;
pub mod rollback;
pub mod summary;
pub mod text;
pub mod timing;
pub mod torus;
pub mod world_hash;
