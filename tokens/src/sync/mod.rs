//! Thread-safe interior mutability, written in-tree on std atomics.
//!
//! The four families of the crate docs' table live here: cells that never hand out
//! references ([`AtomicCell`], [`SeqLock`], [`SpinLock`]), locks that check uniqueness at run
//! time ([`Mutex`], [`RwLock`], [`ReentrantMutex`]) and cells written once ([`OnceCell`],
//! [`Lazy`]). Every waiting loop goes through one bounded backoff, and every blocking wait
//! through the one futex door in the crate's `primitive` module.

#![allow(dead_code)] // Until every primitive that uses the backoff has landed.

pub(crate) mod backoff;

mod lazy;
mod mutex;
mod once_cell;
mod reentrant_mutex;
mod rw_lock;

pub use lazy::Lazy;
pub use mutex::{Mutex, MutexGuard};
pub use once_cell::OnceCell;
pub use reentrant_mutex::{ReentrantMutex, ReentrantMutexGuard};
pub use rw_lock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
