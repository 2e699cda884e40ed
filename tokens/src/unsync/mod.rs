//! Single-threaded interior mutability: initialize once, then share.
//!
//! [`OnceCell`] and [`Lazy`] are the `!Sync` twins of [`crate::sync::OnceCell`] and
//! [`crate::sync::Lazy`]: the same API without atomics, for values that stay on one thread
//! (or in a `thread_local!`). Initializing a cell from inside its own initializer panics.

mod lazy;
mod once_cell;

pub use lazy::Lazy;
pub use once_cell::OnceCell;
