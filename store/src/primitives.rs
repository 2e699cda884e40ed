//! The in-tree primitives the store is built on, in one place.
//!
//! `cellar_tokens::sync` provides `AtomicCell`, `RwLock` and `Lazy`; until they land this file
//! holds minimal stand-ins with the same method names, so the rest of the store is written
//! against the final API and switching is a one-line change here.

pub(crate) use cellar_tokens::sync::{Lazy, RwLock};
pub(crate) use shim::AtomicCell;

mod shim {
    #![allow(dead_code)]
    use std::sync::atomic::AtomicU32;
    use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};

    /// Stand-in for `cellar_tokens::sync::AtomicCell<u32>`.
    #[derive(Debug, Default)]
    pub(crate) struct AtomicCell<T>(AtomicU32, std::marker::PhantomData<T>);

    impl AtomicCell<u32> {
        pub(crate) const fn new(v: u32) -> Self {
            AtomicCell(AtomicU32::new(v), std::marker::PhantomData)
        }
        #[inline(always)]
        pub(crate) fn load(&self) -> u32 {
            // Acquire: pairs with the Release of `store`.
            self.0.load(Acquire)
        }
        #[inline(always)]
        pub(crate) fn store(&self, v: u32) {
            // Release: pairs with the Acquire of `load`.
            self.0.store(v, Release)
        }
        #[inline(always)]
        pub(crate) fn fetch_add(&self, v: u32) -> u32 {
            // AcqRel: a read-modify-write that both publishes and observes.
            self.0.fetch_add(v, AcqRel)
        }
    }
}
