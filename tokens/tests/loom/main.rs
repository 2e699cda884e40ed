//! Loom models of every `cellar_tokens::sync` primitive.
//!
//! Run with `LOOM_MAX_PREEMPTIONS=3 RUSTFLAGS="--cfg loom" cargo test -p cellar-tokens --release --test loom`.
//! Without `--cfg loom` this binary is empty.
#![cfg(loom)]

mod cells;
mod locks;
mod once;
