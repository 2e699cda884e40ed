//! The one place that chooses between std's and loom's atomics, `UnsafeCell` and spin hints.
//!
//! Every primitive imports these names from here, never from `std` directly, so that
//! `RUSTFLAGS="--cfg loom"` swaps the whole crate onto loom's model checker at once.
//! `UnsafeCell` has loom's `with`/`with_mut` shape in both builds.
