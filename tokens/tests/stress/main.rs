//! Stress tests: several threads, a million operations or more per primitive, invariants checked.
//!
//! `CELLAR_STRESS_SCALE=N` multiplies the work (default 1) for longer runs.

mod cells;
mod locks;
mod once;

/// How many times the default amount of work to do, from `CELLAR_STRESS_SCALE`.
pub fn scale() -> usize {
    std::env::var("CELLAR_STRESS_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}
