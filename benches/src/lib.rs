//! Criterion benchmarks of cellar against its peers, in the same run.
//!
//! The library holds the workloads, written once per crate, so that tests can check that every
//! crate's version computes the same values as cellar's.
