//! The primitives under cellar: in-tree synchronization types and token-cell arenas.
//!
//! `cellar-tokens` holds the interior-mutability building blocks that the
//! [`cellar-store`](https://docs.rs/cellar-store) ECS is made of. Each one follows one of four
//! patterns for mutating through a shared reference safely:
//!
//! | pattern | types | how aliasing is ruled out |
//! | --- | --- | --- |
//! | never hand out references | [`sync::AtomicCell`], [`sync::SeqLock`], [`sync::SpinLock`] | values are copied in and out whole |
//! | check uniqueness at run time | [`sync::Mutex`], [`sync::RwLock`], [`sync::ReentrantMutex`] | a lock word counts the guards |
//! | mutable only while initializing | [`sync::OnceCell`], [`sync::Lazy`], [`unsync::OnceCell`], [`unsync::Lazy`] | written once, then only shared |
//! | a separate owner (token) | [`arena::QArena`], [`arena::TArena`], [`arena::LArena`] | `&owner` to read, `&mut owner` to write |
//!
//! The synchronization primitives are written here on std atomics (and the Linux futex where
//! there is one), not taken from crates.io, so that every line of unsafe code under the store
//! is this project's own and is model-checked with [loom](https://docs.rs/loom). The arenas
//! wrap the cells of the [`qcell`] crate in generational-key maps.
//!
//! # Why this is sound
//!
//! Every type here that owns an `UnsafeCell` or atomics states its invariants in an
//! `# Invariants` section, and every `unsafe` block says which of them it relies on. The
//! arguments share one shape:
//!
//! - *Never handing out references*: no `&T` or `&mut T` into the cell ever leaves a method,
//!   so the only accesses are the method's own copies in and out, which are made exclusive by
//!   an atomic instruction (lock-free cells) or by a lock or sequence counter (the rest).
//! - *Checking at run time*: a guard exists only while the lock word records it; a write guard
//!   only while the word says "one writer, no readers". Guards borrow the lock, so they cannot
//!   outlive it, and they are `!Send` where releasing on another thread would be wrong.
//! - *Once only*: a cell's value is written exactly once, before the state word says
//!   "initialized" with `Release`; readers see that state with `Acquire` before they make a
//!   `&T`, and nothing writes the value again until `&mut self` proves no `&T` is left.
//! - *Tokens*: qcell's cells give `&T` only for `&owner` and `&mut T` only for `&mut owner`, and
//!   check (at run time for `QCell`, at compile time for `TCell` and `LCell`) that the owner is
//!   the cell's own. The arenas add no unsafe code of their own on top of that.
#![deny(unsafe_code, unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

/// `assert_not_impl!(T: Trait)` compiles only if `T` does *not* implement `Trait`: with the
/// trait, both impls of `Ambiguous` apply and the call is ambiguous. For the static
/// assertions beside each type (defined before the modules, so all of them see it).
#[cfg(test)]
macro_rules! assert_not_impl {
    ($ty:ty: $tr:path) => {
        const _: fn() = || {
            trait Ambiguous<A> {
                fn some_item() {}
            }
            impl<T: ?Sized> Ambiguous<()> for T {}
            impl<T: ?Sized + $tr> Ambiguous<u8> for T {}
            let _ = <$ty as Ambiguous<_>>::some_item;
        };
    };
}

pub(crate) mod primitive;

pub mod arena;
pub mod sync;
pub mod unsync;

/// How many rounds a threaded unit test runs: `native` natively, a hundredth (at least 10)
/// under miri, which interprets every step; the interleavings it explores matter more there
/// than the count.
#[cfg(test)]
pub(crate) const fn rounds(native: usize) -> usize {
    if cfg!(miri) { if native / 100 > 10 { native / 100 } else { 10 } } else { native }
}
