//! A thread-safe `Cell`: values go in and out whole, by atomic instructions where they fit.
//!
//! Two paths, chosen at compile time from `T`'s size and alignment:
//!
//! - **Lock-free.** When `T` is 1, 2, 4 or 8 bytes and aligned at least to its size (or is
//!   zero-sized), the cell's own memory is operated on as one atomic word of that width.
//!   The word is never an integer made from a typed `T`: loads, stores, swaps and
//!   compare-exchanges are single instructions in `asm!` whose operands are
//!   `MaybeUninit<uN>` (see `atomic_copy`), so they move a `T`'s bytes as a copy would.
//!   Structs with padding (a `#[repr(C, align(8))]` pair of `u8` and `u32`), enums whose
//!   payload is uninitialized in some variants, `MaybeUninit` contents, and pointers (a
//!   `Box`, an `Arc`, a reference, which keep their provenance) are all sound here. This path
//!   exists on x86_64 (not under miri, which cannot run `asm!`, nor under
//!   `--cfg cellar_sanitize`, for ThreadSanitizer, which cannot see the synchronization of
//!   an `asm!` block); elsewhere the lock path.
//! - **Striped lock.** Otherwise the cell's address picks one of `STRIPES` global sequence
//!   locks. A load makes one optimistic copy (atomic word loads, validated by the stamp) and
//!   takes the lock only if a writer interfered; every write takes the lock.
//!
//! Orderings: `load` is `Acquire`, `store` is `Release`, and the read-modify-writes (`swap`,
//! `compare_exchange`, `fetch_*`) are `AcqRel`, the same as crossbeam's `AtomicCell`. That is
//! what message passing needs (store a value, another thread loads it and sees what was
//! written before the store), and it keeps `store` a plain `mov` on x86_64 where `SeqCst`
//! would cost an `xchg`. What it does not give is one total order of operations on
//! *different* cells: Dekker-style protocols (store to A, then load B) need std's atomics
//! with `SeqCst`.
#![allow(unsafe_code)] // Reinterpreting a `T`'s bytes as an atomic word, and a striped lock.

use core::fmt;
use core::mem::{align_of, needs_drop, size_of};

use super::atomic_copy::RacyCell;
#[cfg(all(
    not(any(miri, cellar_sanitize)),
    any(loom, target_arch = "x86_64", target_arch = "aarch64")
))]
use super::backoff::Backoff;
use super::seq_lock::SeqStamp;
#[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
use crate::primitive::{
    AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32,
    AtomicU64, AtomicUsize,
    Ordering::{AcqRel, Acquire, Release},
    fence,
};

/// A cell that threads share, moving values in and out whole; no reference to its contents
/// is ever handed out.
///
/// Its methods are those of [`Cell`](core::cell::Cell) under atomic names: `load` (get),
/// `store` (set), `swap` (replace), `take`, plus `compare_exchange` and, for the integer
/// types, `fetch_add`, `fetch_sub`, `fetch_and`, `fetch_or`, `fetch_xor`, `fetch_max`,
/// `fetch_min`. Whether a `T` gets the lock-free path is [`is_lock_free`](Self::is_lock_free).
///
/// `compare_exchange` compares with `T`'s `Eq`, not with raw bytes, so padding bytes never
/// decide the outcome (see its docs).
///
/// # Examples
///
/// ```
/// use cellar::sync::AtomicCell;
///
/// static HITS: AtomicCell<u64> = AtomicCell::new(0);
///
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| {
///             for _ in 0..1000 {
///                 HITS.fetch_add(1);
///             }
///         });
///     }
/// });
/// assert_eq!(HITS.load(), 4000);
/// ```
///
/// # Values that hold pointers
///
/// Any `T` works, pointers included: words move as `MaybeUninit` operands of `asm!` (or by a
/// plain copy under the lock), never through integers, so a `Box`, an `Arc` or a `&str`
/// inside `T` keeps its provenance.
///
/// ```
/// use cellar::sync::AtomicCell;
///
/// let cell = AtomicCell::new(Some(Box::new(1)));
/// let old = cell.swap(Some(Box::new(2)));
/// assert_eq!(old.as_deref(), Some(&1));
/// assert_eq!(cell.take().as_deref(), Some(&2));
/// ```
///
/// # Thread safety
///
/// `AtomicCell<T>` is `Send` when `T` is, and `Sync` when `T: Send`: values cross threads only
/// whole, never as `&T`. Contents that may not move between threads make it neither:
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>() {}
/// shared::<cellar::sync::AtomicCell<std::rc::Rc<u8>>>();
/// ```
///
/// # Invariants
///
/// - Lock-free path: while `&self` is shared, every access to `value`'s memory is one of this
///   module's atomic word operations of width `size_of::<T>()`, and every word stored is
///   frozen. The memory may still hold uninitialized padding written by `new` or through
///   `get_mut`; only the frozen operations in `asm!` ever read it. The one exception is
///   [`load_unsynchronized`](Self::load_unsynchronized): a plain typed copy, made while no
///   thread writes the cell (its caller's guarantee), which races with nothing and copies
///   padding as any typed copy does.
/// - Lock path: `value` follows `RacyCell`'s invariants with the stripe that `stripe` picks for
///   `self`'s address as its lock.
#[repr(transparent)]
pub struct AtomicCell<T> {
    value: RacyCell<T>,
}

// SAFETY:
// - values cross threads only as whole moves or copies (never `&T`), so `T: Send` suffices,
//   as for `Mutex`.
unsafe impl<T: Send> Sync for AtomicCell<T> {}

/// Number of global lock stripes: a prime, so that cells laid out at any power-of-two stride
/// still spread over all of them. Three under loom, to keep the model small.
const STRIPES: usize = if cfg!(loom) { 3 } else { 67 };

/// One stripe on its own cache line, so unrelated cells do not share a line through it.
#[repr(align(64))]
struct Stripe(SeqStamp);

#[cfg(not(loom))]
static LOCKS: [Stripe; STRIPES] = [const { Stripe(SeqStamp::new()) }; STRIPES];

#[cfg(loom)]
loom::lazy_static! {
    static ref LOCKS: Vec<Stripe> = (0..STRIPES).map(|_| Stripe(SeqStamp::new())).collect();
}

/// The stripe that guards the cell at `addr`.
#[inline(always)]
fn stripe(addr: usize) -> &'static SeqStamp {
    &LOCKS[addr % STRIPES].0
}

impl<T> AtomicCell<T> {
    /// Whether this `T` takes the lock-free path here: zero-sized, or 1, 2, 4 or 8 bytes
    /// aligned to its size, on x86_64 (and not under loom, whose model has no such memory).
    const LOCK_FREE: bool = size_of::<T>() == 0
        || (cfg!(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))
            && matches!(size_of::<T>(), 1 | 2 | 4 | 8)
            && align_of::<T>() >= size_of::<T>());

    /// A cell holding `value`. `const`, so it can initialize a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// static NEXT_ID: AtomicCell<u32> = AtomicCell::new(1);
    /// assert_eq!(NEXT_ID.fetch_add(1), 1);
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { value: RacyCell::new(value) }
    }

    /// A cell holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { value: RacyCell::new(value) }
    }

    /// Whether operations on `AtomicCell<T>` are lock-free atomic instructions, known at
    /// compile time from `T`'s size and alignment.
    ///
    /// True for zero-sized types everywhere, and on x86_64 (but not under miri) for types of 1, 2, 4 or 8 bytes
    /// whose alignment is at least their size (`u8`..`u64`, `usize`, `f64`, `char`,
    /// `Option<NonZeroU32>`, `#[repr(align(8))]` structs of up to 8 bytes). Others, like
    /// `(u32, u16)` (8 bytes, aligned to 4) or `u128`, use the striped lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// assert!(AtomicCell::<()>::is_lock_free());
    /// assert!(!AtomicCell::<[u64; 4]>::is_lock_free());
    /// # #[cfg(all(target_arch = "x86_64", not(any(miri, cellar_sanitize))))]
    /// assert!(AtomicCell::<u64>::is_lock_free());
    /// ```
    pub const fn is_lock_free() -> bool {
        Self::LOCK_FREE
    }

    /// Stores `value`, dropping the old one.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(String::from("old"));
    /// cell.store(String::from("new"));
    /// assert_eq!(cell.into_inner(), "new");
    /// ```
    #[inline]
    pub fn store(&self, value: T) {
        if needs_drop::<T>() {
            drop(self.swap(value));
            return;
        }
        #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
        if Self::LOCK_FREE {
            lock_free::store(self.value.as_ptr(), value);
            return;
        }
        if size_of::<T>() == 0 {
            core::mem::forget(value);
            return;
        }
        let guard = self.stripe().write();
        // SAFETY:
        // - we hold the stripe's lock; the old value needs no drop (checked above).
        unsafe { self.value.write_locked(value) };
        drop(guard);
    }

    /// Stores `value` and returns the old one.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(vec![1]);
    /// assert_eq!(cell.swap(vec![2, 3]), [1]);
    /// assert_eq!(cell.into_inner(), [2, 3]);
    /// ```
    #[inline]
    pub fn swap(&self, value: T) -> T {
        #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
        if Self::LOCK_FREE {
            return lock_free::swap(self.value.as_ptr(), value);
        }
        if size_of::<T>() == 0 {
            core::mem::forget(value);
            return conjure_zst();
        }
        let guard = self.stripe().write();
        // SAFETY:
        // - we hold the stripe's lock, and overwrite the moved-out value right below, so it
        //   has one owner.
        let old = unsafe { self.value.read_locked() };
        // SAFETY:
        // - we hold the stripe's lock; the old value was moved out.
        unsafe { self.value.write_locked(value) };
        drop(guard);
        old
    }

    /// Takes the value out of the cell.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(5u16);
    /// assert_eq!(cell.into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// The value, through a unique borrow: no other thread can be using the cell.
    ///
    /// Not available under loom, whose model keeps lock-path values in atomic words.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let mut cell = AtomicCell::new([0u8; 3]);
    /// cell.get_mut()[1] = 7;
    /// assert_eq!(cell.load(), [0, 7, 0]);
    /// ```
    #[cfg(not(loom))]
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// The stripe guarding this cell on the lock path.
    #[inline(always)]
    fn stripe(&self) -> &'static SeqStamp {
        stripe(core::ptr::from_ref(self).addr())
    }
}

/// A value of the zero-sized `T`. Its cell holds one, which this stands for.
#[inline(always)]
fn conjure_zst<T>() -> T {
    debug_assert_eq!(size_of::<T>(), 0);
    // SAFETY:
    // - `T` is zero-sized (all callers check), so reading it reads no memory, and a dangling
    //   aligned pointer is valid for it; the value is inhabited, since a cell holds one.
    unsafe { core::ptr::NonNull::<T>::dangling().read() }
}

impl<T: Copy> AtomicCell<T> {
    /// A copy of the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new((1u32, 2u32, 3u32));
    /// assert_eq!(cell.load(), (1, 2, 3));
    /// ```
    #[inline]
    pub fn load(&self) -> T {
        #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
        if Self::LOCK_FREE {
            return lock_free::load(self.value.as_ptr());
        }
        if size_of::<T>() == 0 {
            return conjure_zst();
        }
        let stripe = self.stripe();
        #[cfg(all(
            not(any(miri, cellar_sanitize)),
            any(loom, target_arch = "x86_64", target_arch = "aarch64")
        ))]
        if let Some(stamp) = stripe.optimistic_read() {
            // SAFETY:
            // - writers hold the stripe and follow `RacyCell`'s rules (type invariants); the
            //   copy is used only once validated.
            let copy = unsafe { self.value.load_racy() };
            if stripe.validate_read(stamp) {
                // SAFETY:
                // - no write overlapped the copy, so it holds a whole `T` as stored.
                return unsafe { copy.assume_init() };
            }
        }
        let guard = stripe.write();
        // SAFETY:
        // - we hold the stripe's lock; `T: Copy`, so the value stays valid in place.
        let value = unsafe { self.value.read_locked() };
        guard.abort();
        value
    }
}

impl<T: Copy> AtomicCell<T> {
    /// A copy of the value made with a plain load, for a caller that knows no thread writes
    /// the cell meanwhile: a loop of these is a loop of ordinary loads, which the compiler
    /// can vectorize, where a loop of [`load`](Self::load)s is one atomic instruction (or one
    /// lock stamp check) per cell. Through `&mut` use [`get_mut`](Self::get_mut) instead.
    ///
    /// Not available under loom, whose model keeps lock-path values in atomic words.
    ///
    /// # Safety
    ///
    /// - No thread writes the cell (with `store`, `swap`, `compare_exchange`, the `fetch_*`
    ///   operations or through `get_mut`) while this runs;
    /// - every earlier write to it happens before this call (as it does when the writer's
    ///   borrow of the cell ended before the caller's began, on this thread or handed over
    ///   through a lock, a channel or a thread join).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let ticks: Vec<AtomicCell<u32>> = (0..4).map(AtomicCell::new).collect();
    /// // SAFETY: `ticks` is not shared with another thread, and nothing here stores into it.
    /// let copy: Vec<u32> = ticks.iter().map(|t| unsafe { t.load_unsynchronized() }).collect();
    /// assert_eq!(copy, [0, 1, 2, 3]);
    /// ```
    #[cfg(not(loom))]
    #[inline(always)]
    pub unsafe fn load_unsynchronized(&self) -> T {
        // SAFETY:
        // - `as_ptr` points to the cell's value, initialized and aligned (a `T` in place);
        // - no write races this read (the caller's first guarantee), and every earlier write,
        //   atomic or locked, happens before it (the second), so it is no data race and sees
        //   the last value stored; `T: Copy`, so the value stays valid in place. Readers
        //   racing it only read.
        unsafe { self.value.as_ptr().read() }
    }
}

impl<T: Default> AtomicCell<T> {
    /// Takes the value, leaving `T::default()` in its place.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(Some(String::from("job")));
    /// assert_eq!(cell.take().as_deref(), Some("job"));
    /// assert_eq!(cell.take(), None);
    /// ```
    #[inline]
    pub fn take(&self) -> T {
        self.swap(T::default())
    }
}

impl<T: Copy + Eq> AtomicCell<T> {
    /// Stores `new` if the value equals `current`; returns the previous value, `Ok` if it was
    /// replaced and `Err` if not.
    ///
    /// Equality is `T`'s `Eq`, never raw bytes: two values that are equal but differ in their
    /// padding bytes compare equal. The lock-free path first compare-exchanges the raw bits
    /// of `current` (frozen); if that fails, it converts the bits it found back to a `T` and
    /// compares by `Eq`; equal means only padding differed, so it retries with the bits it
    /// found. The lock path reads the value optimistically, compares by `Eq` outside any
    /// lock, then takes the lock only if the sequence stamp shows no write since that read,
    /// retrying otherwise. Your `Eq` never runs while a lock is held.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(1u8);
    /// assert_eq!(cell.compare_exchange(1, 2), Ok(1));
    /// assert_eq!(cell.compare_exchange(1, 3), Err(2));
    /// assert_eq!(cell.load(), 2);
    /// ```
    pub fn compare_exchange(&self, current: T, new: T) -> Result<T, T> {
        #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
        if Self::LOCK_FREE {
            return lock_free::compare_exchange(self.value.as_ptr(), current, new);
        }
        if size_of::<T>() == 0 {
            let previous = conjure_zst::<T>();
            return if previous == current { Ok(previous) } else { Err(previous) };
        }
        self.compare_exchange_locked(current, new)
    }

    /// Applies `f` to the value until it stores the result without interference; returns
    /// `Ok(previous)`, or `Err(previous)` if `f` returned `None`.
    ///
    /// `f` may run several times when other threads write concurrently.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::AtomicCell;
    ///
    /// let cell = AtomicCell::new(7u32);
    /// assert_eq!(cell.fetch_update(|x| x.checked_mul(2)), Ok(7));
    /// assert_eq!(cell.fetch_update(|x| x.checked_sub(100)), Err(14));
    /// assert_eq!(cell.load(), 14);
    /// ```
    pub fn fetch_update<F>(&self, mut f: F) -> Result<T, T>
    where
        F: FnMut(T) -> Option<T>,
    {
        let mut previous = self.load();
        while let Some(next) = f(previous) {
            match self.compare_exchange(previous, next) {
                Ok(value) => return Ok(value),
                Err(actual) => previous = actual,
            }
        }
        Err(previous)
    }

    #[cfg(all(
        not(any(miri, cellar_sanitize)),
        any(loom, target_arch = "x86_64", target_arch = "aarch64")
    ))]
    fn compare_exchange_locked(&self, current: T, new: T) -> Result<T, T> {
        let stripe = self.stripe();
        let mut backoff = Backoff::new();
        loop {
            // An optimistic copy, compared by `Eq` outside any lock; then the lock is taken
            // only if the stamp shows no write since the copy, so the value compared is
            // still the current one. Raw bytes (padding) play no part.
            if let Some(stamp) = stripe.optimistic_read() {
                // SAFETY:
                // - as in `load`; validated before use.
                let copy = unsafe { self.value.load_racy() };
                if stripe.validate_read(stamp) {
                    // SAFETY:
                    // - validated: a whole `T` as stored; `T: Copy`.
                    let seen = unsafe { copy.assume_init() };
                    if seen != current {
                        return Err(seen);
                    }
                    if let Some(guard) = stripe.try_upgrade(stamp) {
                        // SAFETY:
                        // - we hold the lock; the old value is `Copy`.
                        unsafe { self.value.write_locked(new) };
                        drop(guard);
                        return Ok(seen);
                    }
                }
            }
            backoff.snooze();
        }
    }

    /// Without frozen loads, the lock path compares under the lock (with `Eq`).
    #[cfg(any(
        miri,
        cellar_sanitize,
        not(any(loom, target_arch = "x86_64", target_arch = "aarch64"))
    ))]
    fn compare_exchange_locked(&self, current: T, new: T) -> Result<T, T> {
        let guard = self.stripe().write();
        // SAFETY:
        // - we hold the lock; `T: Copy`.
        let previous = unsafe { self.value.read_locked() };
        if previous != current {
            guard.abort();
            return Err(previous);
        }
        // SAFETY:
        // - we hold the lock; the old value is `Copy`.
        unsafe { self.value.write_locked(new) };
        drop(guard);
        Ok(previous)
    }
}

impl<T: Default> Default for AtomicCell<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for AtomicCell<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for AtomicCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicCell").field("value", &self.load()).finish()
    }
}

/// The lock-free path: `T`'s memory as one atomic word of `size_of::<T>()` bytes.
///
/// Every function's pointer is `AtomicCell::value`'s, of a `T` with `LOCK_FREE` true: valid,
/// aligned to its size, and accessed only by these functions while shared (type invariants).
/// Values travel as `MaybeUninit` words, never integers (see `atomic_copy`): padding stays
/// padding, pointers keep their provenance, and nothing is frozen or spilled on the way.
#[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
mod lock_free {
    use super::super::atomic_copy::{with_word, word::Word};
    use super::*;
    use core::mem::{ManuallyDrop, MaybeUninit};

    /// `value`'s bytes as the word `W` of its size; `value` is moved in.
    #[inline(always)]
    fn to_word<T, W: Word>(value: T) -> MaybeUninit<W> {
        debug_assert_eq!(size_of::<T>(), size_of::<W>());
        let value = ManuallyDrop::new(value);
        // SAFETY:
        // - `T` is `W`'s size and aligned at least to it (LOCK_FREE), so the local is valid
        //   and aligned for a `MaybeUninit<W>`, which may hold any bytes.
        unsafe { core::ptr::from_ref(&*value).cast::<MaybeUninit<W>>().read() }
    }

    /// The `T` whose bytes are `word`'s.
    ///
    /// # Safety
    ///
    /// - `word` holds a valid `T`'s bytes, and the caller takes ownership of that value.
    #[inline(always)]
    unsafe fn from_word<T, W: Word>(word: MaybeUninit<W>) -> T {
        // SAFETY:
        // - same size; `T`'s alignment equals its size, `W`'s alignment (LOCK_FREE); the
        //   bytes are a valid `T` (caller).
        unsafe { core::ptr::from_ref(&word).cast::<T>().read() }
    }

    #[inline(always)]
    pub(super) fn load<T>(ptr: *mut T) -> T {
        if size_of::<T>() == 0 {
            return conjure_zst();
        }
        with_word!(size_of::<T>(), |W| {
            // SAFETY:
            // - `ptr` is valid, aligned, accessed only atomically (module docs).
            let word = unsafe { W::load(ptr.cast()) };
            // Acquire fence after the (relaxed) load: pairs with the Release of the store
            // whose value we read. Free on x86_64, where the `mov` already has acquire
            // semantics; it keeps the compiler from hoisting later reads above the load.
            fence(Acquire);
            // SAFETY:
            // - the memory holds a valid `T` (type invariants); callers need `T: Copy`.
            unsafe { from_word(word) }
        })
    }

    #[inline(always)]
    pub(super) fn store<T>(ptr: *mut T, value: T) {
        if size_of::<T>() == 0 {
            core::mem::forget(value);
            return;
        }
        with_word!(size_of::<T>(), |W| {
            let word = to_word::<T, W>(value);
            // Release fence before the (relaxed) store: pairs with the Acquire of `load` and
            // of the read-modify-writes. Free on x86_64, where `mov` stores are releases.
            fence(Release);
            // SAFETY:
            // - `ptr` is valid, aligned to the width and only accessed atomically (module
            //   docs); the old value needs no drop (callers check).
            unsafe { W::store(ptr.cast(), word) }
        })
    }

    #[inline(always)]
    pub(super) fn swap<T>(ptr: *mut T, value: T) -> T {
        if size_of::<T>() == 0 {
            core::mem::forget(value);
            return conjure_zst();
        }
        with_word!(size_of::<T>(), |W| {
            // `xchg` is sequentially consistent, so at least AcqRel.
            // SAFETY:
            // - `ptr` is valid, aligned and only accessed atomically (module docs).
            let old = unsafe { W::swap(ptr.cast(), to_word::<T, W>(value)) };
            // SAFETY:
            // - the memory held a valid `T`, now moved out to us (the cell owns `value`).
            unsafe { from_word(old) }
        })
    }

    #[inline(always)]
    pub(super) fn compare_exchange<T: Copy + Eq>(ptr: *mut T, current: T, new: T) -> Result<T, T> {
        if size_of::<T>() == 0 {
            let previous = conjure_zst::<T>();
            return if previous == current { Ok(previous) } else { Err(previous) };
        }
        with_word!(size_of::<T>(), |W| {
            let new = to_word::<T, W>(new);
            let mut expected = to_word::<T, W>(current);
            loop {
                // `lock cmpxchg` is sequentially consistent, so at least AcqRel / Acquire.
                // SAFETY:
                // - `ptr` is valid, aligned and only accessed atomically (module docs).
                let (found, swapped) = unsafe { W::compare_exchange(ptr.cast(), expected, new) };
                // SAFETY:
                // - `found` is the memory's bytes, a valid `T` (type invariants); `T: Copy`.
                let previous = unsafe { from_word::<T, W>(found) };
                if swapped {
                    return Ok(previous);
                }
                if previous != current {
                    return Err(previous);
                }
                // Equal by `Eq` but not bit for bit (padding, or an `Eq` coarser than the
                // bits): try again against exactly what is there.
                expected = found;
            }
        })
    }

    /// The memory as the atomic integer `A` of `T`'s width, for integer `T`.
    ///
    /// # Safety
    ///
    /// - `A` is the atomic type of `T`'s size, and `T` an integer type of that size.
    #[inline(always)]
    pub(super) unsafe fn native<'a, T, A>(ptr: *mut T) -> &'a A {
        debug_assert_eq!(size_of::<A>(), size_of::<T>());
        // SAFETY:
        // - `ptr` is valid and aligned for `T`, hence for `A` of the same size and
        //   alignment (caller); every shared access is atomic (module docs), and the cell
        //   outlives the borrow its caller ties `'a` to.
        unsafe { &*ptr.cast::<A>() }
    }
}

/// One `fetch_*` method: the native atomic instruction on the lock-free path, a locked
/// read-modify-write (of our own arithmetic, never user code) on the lock path.
macro_rules! fetch_op {
    ($int:ty, $name:ident, $native:ident, |$x:ident, $v:ident| $locked:expr,
     $what:literal, $after:literal) => {
        #[doc = concat!($what, " and returns the previous value.")]
        ///
        /// # Examples
        ///
        /// ```
        /// use cellar::sync::AtomicCell;
        ///
        #[doc = concat!("let cell = AtomicCell::<", stringify!($int), ">::new(6);")]
        #[doc = concat!("assert_eq!(cell.", stringify!($name), "(3), 6);")]
        #[doc = concat!("assert_eq!(cell.load(), ", $after, ");")]
        /// ```
        #[inline]
        pub fn $name(&self, $v: $int) -> $int {
            #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
            {
                // AcqRel: a read-modify-write both observes earlier stores (Acquire) and
                // publishes to later loads (Release).
                self.native().$native($v, AcqRel)
            }
            #[cfg(any(loom, miri, cellar_sanitize, not(target_arch = "x86_64")))]
            {
                self.locked_rmw(|$x| $locked)
            }
        }
    };
}

/// The `fetch_*` methods of one integer type.
macro_rules! integer_ops {
    ($($int:ty => $atomic:ident),* $(,)?) => {$(
        impl AtomicCell<$int> {
            /// The cell as std's atomic integer of this type.
            #[cfg(all(not(loom), not(any(miri, cellar_sanitize)), target_arch = "x86_64"))]
            #[inline(always)]
            fn native(&self) -> &$atomic {
                // SAFETY:
                // - the atomic type matches the integer's size and alignment, and integers
                //   are always lock-free on x86_64; the borrow is tied to `&self`.
                unsafe { lock_free::native(self.value.as_ptr()) }
            }

            /// Replaces the value with `op(value)` under the stripe's lock; returns the old.
            #[cfg(any(loom, miri, cellar_sanitize, not(target_arch = "x86_64")))]
            #[inline]
            fn locked_rmw(&self, op: impl FnOnce($int) -> $int) -> $int {
                let guard = self.stripe().write();
                // SAFETY:
                // - we hold the stripe's lock; integers are `Copy`.
                let old = unsafe { self.value.read_locked() };
                // SAFETY:
                // - we hold the stripe's lock; the old integer needs no drop.
                unsafe { self.value.write_locked(op(old)) };
                drop(guard);
                old
            }

            fetch_op!($int, fetch_add, fetch_add, |x, val| x.wrapping_add(val),
                "Adds `val` (wrapping on overflow)", "9");
            fetch_op!($int, fetch_sub, fetch_sub, |x, val| x.wrapping_sub(val),
                "Subtracts `val` (wrapping on overflow)", "3");
            fetch_op!($int, fetch_and, fetch_and, |x, val| x & val,
                "Bitwise-ands the value with `val`", "2");
            fetch_op!($int, fetch_or, fetch_or, |x, val| x | val,
                "Bitwise-ors the value with `val`", "7");
            fetch_op!($int, fetch_xor, fetch_xor, |x, val| x ^ val,
                "Bitwise-xors the value with `val`", "5");
            fetch_op!($int, fetch_max, fetch_max, |x, val| x.max(val),
                "Stores the larger of the value and `val`", "6");
            fetch_op!($int, fetch_min, fetch_min, |x, val| x.min(val),
                "Stores the smaller of the value and `val`", "3");
        }
    )*};
}

integer_ops! {
    u8 => AtomicU8, u16 => AtomicU16, u32 => AtomicU32, u64 => AtomicU64, usize => AtomicUsize,
    i8 => AtomicI8, i16 => AtomicI16, i32 => AtomicI32, i64 => AtomicI64, isize => AtomicIsize,
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::AtomicCell;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    /// 8 bytes aligned to 4: lock path on every target; three padding bytes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    struct P {
        a: u8,
        b: u32,
    }

    /// 8 bytes aligned to 8: lock-free on x86_64, with three padding bytes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    #[repr(C, align(8))]
    struct Q {
        a: u8,
        b: u32,
    }

    /// An enum whose second variant leaves its payload bytes uninitialized.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    #[repr(align(8))]
    enum E {
        Some(u32),
        None,
    }

    /// Equal when `key` is: the bits decide nothing about equality.
    #[derive(Clone, Copy, Debug)]
    #[repr(align(8))]
    struct Loose {
        key: u16,
        noise: u16,
    }
    impl PartialEq for Loose {
        fn eq(&self, other: &Self) -> bool {
            self.key == other.key
        }
    }
    impl Eq for Loose {}

    /// The same, 24 bytes: lock path.
    #[derive(Clone, Copy, Debug)]
    struct LooseBig {
        key: u64,
        noise: [u64; 2],
    }
    impl PartialEq for LooseBig {
        fn eq(&self, other: &Self) -> bool {
            self.key == other.key
        }
    }
    impl Eq for LooseBig {}

    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    struct Big {
        words: [u64; 4],
    }

    #[test]
    fn lock_freedom_follows_size_and_alignment() {
        assert!(AtomicCell::<()>::is_lock_free());
        assert!(AtomicCell::<[u64; 0]>::is_lock_free());
        assert!(!AtomicCell::<[u64; 4]>::is_lock_free());
        assert!(!AtomicCell::<u128>::is_lock_free());
        assert!(!AtomicCell::<P>::is_lock_free(), "8 bytes aligned to 4 is not a u64");
        assert!(!AtomicCell::<[u8; 3]>::is_lock_free());
        assert!(!AtomicCell::<[u8; 2]>::is_lock_free(), "2 bytes aligned to 1");
        let x86 = cfg!(all(target_arch = "x86_64", not(any(miri, cellar_sanitize))));
        assert_eq!(AtomicCell::<u8>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<u16>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<u32>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<u64>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<Q>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<E>::is_lock_free(), x86);
        assert_eq!(AtomicCell::<Box<u8>>::is_lock_free(), x86);
        const CONST_EVALUATED: bool = AtomicCell::<u32>::is_lock_free();
        assert_eq!(CONST_EVALUATED, x86);
    }

    fn round_trip<T: Copy + Eq + std::fmt::Debug + Default>(a: T, b: T, c: T) {
        let cell = AtomicCell::new(a);
        assert_eq!(cell.load(), a);
        cell.store(b);
        assert_eq!(cell.load(), b);
        // SAFETY: the cell is this thread's alone, and nothing stores into it during the call.
        assert_eq!(unsafe { cell.load_unsynchronized() }, b);
        assert_eq!(cell.swap(c), b);
        assert_eq!(cell.compare_exchange(a, b), Err(c));
        assert_eq!(cell.load(), c);
        assert_eq!(cell.compare_exchange(c, a), Ok(c));
        assert_eq!(cell.fetch_update(|_| Some(b)), Ok(a));
        assert_eq!(cell.fetch_update(|_| None), Err(b));
        assert_eq!(cell.take(), b);
        assert_eq!(cell.load(), T::default());
        let mut cell = AtomicCell::from(a);
        *cell.get_mut() = c;
        assert_eq!(cell.load(), c);
        assert_eq!(format!("{cell:?}"), format!("AtomicCell {{ value: {c:?} }}"));
        assert_eq!(cell.into_inner(), c);
        assert_eq!(AtomicCell::<T>::default().into_inner(), T::default());
    }

    #[test]
    fn every_method_on_each_path() {
        round_trip(1u8, 2, 3);
        round_trip(1u16, 2, 3);
        round_trip(1u32, 2, 3);
        round_trip(1u64, u64::MAX, 3);
        round_trip(-1i64, 2, i64::MIN);
        round_trip(1u128, u128::MAX, 3);
        round_trip([1u8; 3], [2; 3], [0; 3]);
        round_trip(P { a: 1, b: 2 }, P { a: 3, b: 4 }, P { a: 5, b: 6 });
        round_trip(Q { a: 1, b: 2 }, Q { a: 3, b: 4 }, Q { a: 5, b: 6 });
        round_trip(Big { words: [1; 4] }, Big { words: [2; 4] }, Big { words: [3; 4] });
        round_trip(Some(1u32), None, Some(3));
        round_trip('a', 'b', 'c');
        let flag = AtomicCell::new(false);
        assert_eq!(flag.compare_exchange(false, true), Ok(false));
        assert!(flag.swap(false));
    }

    #[test]
    fn zero_sized_values_round_trip() {
        let cell = AtomicCell::new(());
        cell.store(());
        assert_eq!(cell.load(), ());
        assert_eq!(cell.swap(()), ());
        assert_eq!(cell.compare_exchange((), ()), Ok(()));
        assert_eq!(cell.fetch_update(|()| Some(())), Ok(()));
        assert_eq!(cell.take(), ());
        assert_eq!(format!("{cell:?}"), "AtomicCell { value: () }");
        assert_eq!(cell.into_inner(), ());
    }

    #[test]
    fn uninitialized_payloads_are_handled() {
        let cell = AtomicCell::new(E::None);
        assert_eq!(cell.load(), E::None);
        assert_eq!(cell.compare_exchange(E::None, E::Some(7)), Ok(E::None));
        assert_eq!(cell.compare_exchange(E::None, E::Some(8)), Err(E::Some(7)));
        assert_eq!(cell.swap(E::None), E::Some(7));
        assert_eq!(cell.compare_exchange(E::None, E::None), Ok(E::None));
    }

    #[test]
    fn compare_exchange_compares_by_eq_not_by_bits() {
        // Lock-free path (on x86_64): the stored bits differ from `current`'s.
        let cell = AtomicCell::new(Loose { key: 1, noise: 9 });
        let swapped = cell.compare_exchange(Loose { key: 1, noise: 5 }, Loose { key: 2, noise: 0 });
        assert_eq!(swapped.map(|l| l.noise), Ok(9), "the previous value is the stored one");
        assert_eq!(cell.load().key, 2);
        assert_eq!(
            cell.compare_exchange(Loose { key: 1, noise: 9 }, Loose { key: 3, noise: 0 })
                .map_err(|l| l.key),
            Err(2)
        );

        // Lock path.
        let cell = AtomicCell::new(LooseBig { key: 1, noise: [9; 2] });
        let current = LooseBig { key: 1, noise: [5; 2] };
        let swapped = cell.compare_exchange(current, LooseBig { key: 2, noise: [0; 2] });
        assert_eq!(swapped.map(|l| l.noise), Ok([9; 2]));
        assert_eq!(cell.load().key, 2);

        // Padding: equal values whatever their padding bytes hold.
        let cell = AtomicCell::new(P { a: 1, b: 2 });
        assert_eq!(cell.compare_exchange(P { a: 1, b: 2 }, P { a: 7, b: 7 }), Ok(P { a: 1, b: 2 }));
        let cell = AtomicCell::new(Q { a: 1, b: 2 });
        assert_eq!(cell.compare_exchange(Q { a: 1, b: 2 }, Q { a: 7, b: 7 }), Ok(Q { a: 1, b: 2 }));
    }

    #[test]
    fn integer_operations_wrap_and_respect_sign() {
        let cell = AtomicCell::new(u8::MAX);
        assert_eq!(cell.fetch_add(1), u8::MAX);
        assert_eq!(cell.load(), 0);
        assert_eq!(cell.fetch_sub(1), 0);
        assert_eq!(cell.load(), u8::MAX);
        let cell = AtomicCell::new(-5i32);
        assert_eq!(cell.fetch_max(-7), -5);
        assert_eq!(cell.fetch_min(-7), -5);
        assert_eq!(cell.load(), -7);
        let cell = AtomicCell::new(0b1100usize);
        assert_eq!(cell.fetch_and(0b1010), 0b1100);
        assert_eq!(cell.fetch_or(0b0001), 0b1000);
        assert_eq!(cell.fetch_xor(0b1111), 0b1001);
        assert_eq!(cell.load(), 0b0110);
        let cell = AtomicCell::new(i64::MAX);
        cell.fetch_add(1);
        assert_eq!(cell.load(), i64::MIN);
    }

    /// Counts drops of its values in a shared counter.
    #[derive(Debug, Default)]
    struct Counted(Option<Arc<AtomicUsize>>);
    impl Drop for Counted {
        fn drop(&mut self) {
            if let Some(count) = &self.0 {
                count.fetch_add(1, SeqCst);
            }
        }
    }

    /// Each value moved through the cell is dropped exactly once, on both paths.
    fn drops_once<T>(wrap: impl Fn(Counted) -> T) {
        let count = Arc::new(AtomicUsize::new(0));
        let counted = || wrap(Counted(Some(count.clone())));
        let cell = AtomicCell::new(counted());
        cell.store(counted());
        assert_eq!(count.load(SeqCst), 1, "store drops the old value");
        drop(cell.swap(counted()));
        assert_eq!(count.load(SeqCst), 2, "swap hands the old value out");
        drop(cell.into_inner());
        assert_eq!(count.load(SeqCst), 3);
        let cell = AtomicCell::new(counted());
        drop(cell);
        assert_eq!(count.load(SeqCst), 4, "dropping the cell drops its value");
    }

    #[test]
    fn non_copy_values_drop_exactly_once() {
        drops_once(|c| c); // 8 bytes, aligned: lock-free on x86_64
        drops_once(|c| (c, [0u64; 3])); // lock path
        let count = Arc::new(AtomicUsize::new(0));
        let cell = AtomicCell::new(Counted(Some(count.clone())));
        assert!(cell.take().0.is_some());
        assert_eq!(count.load(SeqCst), 1);
        assert!(cell.take().0.is_none(), "take left the default");
    }

    static ZST_DROPS: AtomicUsize = AtomicUsize::new(0);
    struct LoudZst;
    impl Drop for LoudZst {
        fn drop(&mut self) {
            ZST_DROPS.fetch_add(1, SeqCst);
        }
    }

    #[test]
    fn zero_sized_values_drop_exactly_once() {
        let cell = AtomicCell::new(LoudZst);
        cell.store(LoudZst);
        assert_eq!(ZST_DROPS.load(SeqCst), 1);
        drop(cell.swap(LoudZst));
        assert_eq!(ZST_DROPS.load(SeqCst), 2);
        drop(cell);
        assert_eq!(ZST_DROPS.load(SeqCst), 3);
    }

    #[test]
    fn threads_see_whole_values_and_exact_counts() {
        let big = AtomicCell::new([0u64; 4]);
        let count = AtomicCell::new(0u32);
        std::thread::scope(|s| {
            for t in 1..=3u64 {
                let (big, count) = (&big, &count);
                s.spawn(move || {
                    for i in 0..crate::rounds(2000) as u64 {
                        big.store([t * 10_000 + i; 4]);
                        let [a, b, c, d] = big.load();
                        assert!(a == b && b == c && c == d, "torn read {a} {b} {c} {d}");
                        count.fetch_add(1);
                    }
                });
            }
        });
        assert_eq!(count.load() as usize, 3 * crate::rounds(2000));
    }

    #[test]
    fn plain_loads_after_the_writers_joined_see_the_last_values() {
        let small: Vec<AtomicCell<u32>> = (0..64).map(|_| AtomicCell::new(0)).collect();
        let big: Vec<AtomicCell<[u64; 4]>> = (0..8).map(|_| AtomicCell::new([0; 4])).collect();
        std::thread::scope(|s| {
            for t in 0..4usize {
                let (small, big) = (&small, &big);
                s.spawn(move || {
                    for round in 1..=crate::rounds(200) as u32 {
                        small[t * 16..(t + 1) * 16].iter().for_each(|c| c.store(round));
                        big[t * 2..(t + 1) * 2].iter().for_each(|c| c.store([round.into(); 4]));
                    }
                });
            }
        });
        // The writers are joined: readers may now copy plainly, beside atomic readers.
        let last = crate::rounds(200) as u32;
        std::thread::scope(|s| {
            for plain in [true, false, true] {
                let (small, big) = (&small, &big);
                s.spawn(move || {
                    for c in small {
                        // SAFETY: no thread writes the cells any more (the writers are joined,
                        // which orders their writes before this read).
                        let v = if plain { unsafe { c.load_unsynchronized() } } else { c.load() };
                        assert_eq!(v, last);
                    }
                    for c in big {
                        // SAFETY: as above.
                        let v = if plain { unsafe { c.load_unsynchronized() } } else { c.load() };
                        assert_eq!(v, [last.into(); 4]);
                    }
                });
            }
        });
    }

    #[test]
    fn auto_traits_are_as_documented() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<AtomicCell<u64>>();
        send_sync::<AtomicCell<[u64; 4]>>();
        send_sync::<AtomicCell<std::cell::Cell<u8>>>(); // Send-only contents suffice
    }
}
