//! Thread-safe interior mutability, written in-tree on std atomics.
//!
//! The four families of the crate docs' table live here: cells that never hand out
//! references ([`AtomicCell`], [`SeqLock`], [`SpinLock`]), locks that check uniqueness at run
//! time ([`Mutex`], [`RwLock`], [`ReentrantMutex`]) and cells written once ([`OnceCell`],
//! [`Lazy`]). Every waiting loop goes through one bounded backoff, and every blocking wait
//! through the one futex door in the crate's `primitive` module.

mod atomic_cell;
mod atomic_copy;
pub(crate) mod backoff;
mod lazy;
mod mutex;
mod once_cell;
mod reentrant_mutex;
mod rw_lock;
mod seq_lock;
mod spin_lock;

pub use atomic_cell::AtomicCell;
pub use lazy::Lazy;
pub use mutex::{Mutex, MutexGuard};
pub use once_cell::OnceCell;
pub use reentrant_mutex::{ReentrantMutex, ReentrantMutexGuard};
pub use rw_lock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use seq_lock::SeqLock;
pub use spin_lock::SpinLock;
