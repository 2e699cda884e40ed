//! [`Lazy`]: a thread-safe value made by its initializer on first use, for `static`s.
//!
//! A [`OnceCell`] and the initializer beside it. The initializer is taken out and run inside
//! the cell's `get_or_init`, so only the one thread that runs the cell's initialization ever
//! touches it, and the cell's blocking, recursion check and panic handling all apply.
#![allow(unsafe_code)] // The initializer is taken through `&self` by the one thread the cell lets run.

use core::fmt;
use core::ops::{Deref, DerefMut};
use core::panic::{RefUnwindSafe, UnwindSafe};

use super::OnceCell;
use crate::primitive::UnsafeCell;

/// A value computed by `F` on first access, by exactly one thread, then shared by all: this is
/// cellar's `std::sync::LazyLock`.
///
/// `Lazy` derefs to `T`. [`Lazy::new`] is `const` and the default `F` is a function pointer,
/// so `static TABLE: Lazy<Table> = Lazy::new(build_table);` works (a closure that captures
/// nothing coerces to it). Threads that access it while another runs the initializer block
/// until the value is there.
///
/// # Panics
///
/// An access from inside the initializer of the same `Lazy`, on the same thread, panics
/// (the cell's "initialized recursively"). If the initializer panics, the `Lazy` is poisoned:
/// that access and every later one, on any thread, panic.
///
/// # Invariants
///
/// - `init` is `Some` until the thread that runs the cell's initialization takes it; it is
///   touched through `&self` only by that thread, while the cell's state is running, which
///   excludes every other thread's initialization. A `None` with an empty cell means the
///   initializer panicked.
///
/// # Examples
///
/// ```
/// use cellar::sync::Lazy;
/// use std::collections::HashMap;
///
/// static PRIMES: Lazy<HashMap<u32, bool>> =
///     Lazy::new(|| [2, 3, 5, 7].into_iter().map(|p| (p, true)).collect());
///
/// std::thread::scope(|s| {
///     s.spawn(|| assert!(PRIMES.contains_key(&5)));
///     s.spawn(|| assert!(!PRIMES.contains_key(&4)));
/// });
/// ```
pub struct Lazy<T, F = fn() -> T> {
    cell: OnceCell<T>,
    /// The initializer, until the running thread takes it (see the invariants).
    init: UnsafeCell<Option<F>>,
}

// SAFETY:
// - `&Lazy` hands out `&T` on every thread (`T: Sync`), and the value made on one thread is
//   dropped by the owner of the `Lazy` (`T: Send`): the cell's own bounds.
// - The initializer is moved out and run by whichever thread wins the cell, one thread at a
//   time and never shared, so `F: Send` is enough. These are `std::sync::LazyLock`'s bounds.
unsafe impl<T: Send + Sync, F: Send> Sync for Lazy<T, F> {}

// A panicking initializer poisons the `Lazy` (later accesses panic), never half-writes it.
impl<T: RefUnwindSafe + UnwindSafe, F: UnwindSafe> RefUnwindSafe for Lazy<T, F> {}

impl<T, F> Lazy<T, F> {
    /// A `Lazy` that will make its value with `init`. `const`, so it can be a `static`.
    ///
    /// ```
    /// use cellar::sync::Lazy;
    ///
    /// fn build() -> Vec<u32> {
    ///     (1..=3).collect()
    /// }
    /// static NUMBERS: Lazy<Vec<u32>> = Lazy::new(build);
    /// assert_eq!(NUMBERS.iter().sum::<u32>(), 6);
    /// ```
    #[cfg(not(loom))]
    #[inline]
    #[must_use]
    pub const fn new(init: F) -> Self {
        Self { cell: OnceCell::new(), init: UnsafeCell::new(Some(init)) }
    }

    /// A `Lazy` that will make its value with `init` (not `const` under loom).
    #[cfg(loom)]
    #[must_use]
    pub fn new(init: F) -> Self {
        Self { cell: OnceCell::new(), init: UnsafeCell::new(Some(init)) }
    }

    /// The value if it has been made, without making it or waiting for it.
    ///
    /// ```
    /// use cellar::sync::Lazy;
    ///
    /// let lazy = Lazy::new(|| 1);
    /// assert_eq!(Lazy::get(&lazy), None);
    /// Lazy::force(&lazy);
    /// assert_eq!(Lazy::get(&lazy), Some(&1));
    /// ```
    #[inline]
    pub fn get(this: &Self) -> Option<&T> {
        this.cell.get()
    }

    /// The value if it has been made, or the initializer if not.
    ///
    /// # Panics
    ///
    /// If the `Lazy` is poisoned.
    ///
    /// ```
    /// use cellar::sync::Lazy;
    ///
    /// let lazy: Lazy<u8, _> = Lazy::new(|| 1);
    /// assert!(Lazy::into_value(lazy).is_err());
    /// let lazy = Lazy::new(|| 1);
    /// Lazy::force(&lazy);
    /// assert_eq!(Lazy::into_value(lazy).ok(), Some(1));
    /// ```
    pub fn into_value(this: Self) -> Result<T, F> {
        let Self { cell, init } = this;
        cell.into_inner().ok_or_else(|| init.into_inner().unwrap_or_else(|| poisoned()))
    }
}

impl<T, F: FnOnce() -> T> Lazy<T, F> {
    /// Makes the value if needed (or waits for the thread making it) and returns it; the same
    /// as `&*this`.
    ///
    /// # Panics
    ///
    /// If the initializer panics, if it accesses this same `Lazy` on the same thread, or if
    /// the `Lazy` is poisoned by an earlier panicking initializer.
    ///
    /// ```
    /// use cellar::sync::Lazy;
    ///
    /// let lazy = Lazy::new(|| 2 + 2);
    /// assert_eq!(Lazy::force(&lazy), &4);
    /// ```
    #[inline]
    pub fn force(this: &Self) -> &T {
        // The made value's path is the cell's `get` alone; the rest stays out of line.
        match this.cell.get() {
            Some(value) => value,
            None => Self::make(this),
        }
    }

    /// Runs (or waits for) the initializer: the cold part of [`force`](Self::force).
    #[cold]
    #[inline(never)]
    fn make(this: &Self) -> &T {
        this.cell.get_or_init(|| {
            // SAFETY:
            // - Only the thread running the cell's initializer gets here, and the cell runs
            //   one initializer at a time; a previous runner's take happened before this one
            //   (the cell's `Release` reset and `Acquire` claim), so this access is exclusive.
            let init = this.init.with_mut(|slot| unsafe { (*slot).take() });
            match init {
                Some(init) => init(),
                None => poisoned(),
            }
        })
    }

    /// Makes the value if needed and returns it mutably.
    ///
    /// # Panics
    ///
    /// As [`force`](Self::force).
    ///
    /// ```
    /// use cellar::sync::Lazy;
    ///
    /// let mut lazy = Lazy::new(|| vec![1]);
    /// Lazy::force_mut(&mut lazy).push(2);
    /// assert_eq!(*lazy, [1, 2]);
    /// ```
    #[inline]
    pub fn force_mut(this: &mut Self) -> &mut T {
        Self::force(this);
        this.cell.get_mut().expect("forced just now")
    }
}

/// Accessing a `Lazy` whose initializer has panicked before.
#[cold]
#[track_caller]
fn poisoned() -> ! {
    panic!("sync::Lazy poisoned: its initializer panicked on an earlier access")
}

impl<T, F: FnOnce() -> T> Deref for Lazy<T, F> {
    type Target = T;

    /// The value, made on first use. See [`Lazy::force`].
    #[inline]
    fn deref(&self) -> &T {
        Self::force(self)
    }
}

impl<T, F: FnOnce() -> T> DerefMut for Lazy<T, F> {
    /// The value, mutably, made on first use. See [`Lazy::force_mut`].
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        Self::force_mut(self)
    }
}

impl<T: Default> Default for Lazy<T> {
    /// A `Lazy` made by `T::default`.
    ///
    /// ```
    /// let lazy: cellar::sync::Lazy<String> = Default::default();
    /// assert!(lazy.is_empty());
    /// ```
    fn default() -> Self {
        Self::new(T::default)
    }
}

impl<T: fmt::Debug, F> fmt::Debug for Lazy<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("Lazy");
        match self.cell.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::Lazy;
    use std::cell::Cell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::{Arc, Barrier};
    use std::thread;

    #[test]
    fn a_static_lazy_is_made_once_for_all_threads() {
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        fn make() -> Vec<u64> {
            RUNS.fetch_add(1, Relaxed);
            (0..100).collect()
        }
        static TABLE: Lazy<Vec<u64>> = Lazy::new(make);
        let start = Barrier::new(4);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    start.wait();
                    assert_eq!(TABLE.iter().sum::<u64>(), 4950);
                });
            }
        });
        assert_eq!(RUNS.load(Relaxed), 1);
    }

    #[test]
    fn deref_mut_and_into_value() {
        let mut lazy = Lazy::new(|| String::from("a"));
        lazy.push('b');
        assert_eq!(Lazy::into_value(lazy).ok().as_deref(), Some("ab"));
    }

    #[test]
    fn a_panicking_initializer_poisons_the_lazy_on_every_thread() {
        let lazy: Lazy<u8> = Lazy::new(|| panic!("boom"));
        assert!(catch_unwind(AssertUnwindSafe(|| *lazy)).is_err());
        let later = thread::scope(|s| s.spawn(|| catch_unwind(AssertUnwindSafe(|| *lazy))).join());
        let payload = later.unwrap().unwrap_err();
        let message = payload.downcast_ref::<&str>().copied().unwrap_or_default();
        assert!(message.contains("sync::Lazy poisoned"), "{message}");
    }

    #[test]
    #[should_panic(expected = "sync::Lazy poisoned")]
    fn into_value_of_a_poisoned_lazy_panics() {
        let lazy: Lazy<u8> = Lazy::new(|| panic!("boom"));
        let _ = catch_unwind(AssertUnwindSafe(|| *lazy));
        let _ = Lazy::into_value(lazy);
    }

    #[test]
    #[should_panic(expected = "sync::OnceCell initialized recursively")]
    fn recursive_access_panics() {
        static SELF_REFERENTIAL: Lazy<u32> = Lazy::new(|| *SELF_REFERENTIAL + 1);
        let _ = *SELF_REFERENTIAL;
    }

    #[test]
    fn the_initializer_and_the_value_are_dropped() {
        let token = Arc::new(());
        let unused: Lazy<Arc<()>, _> = {
            let token = token.clone();
            Lazy::new(move || token)
        };
        assert!(Lazy::get(&unused).is_none());
        assert_eq!(Arc::strong_count(&token), 2);
        drop(unused);
        assert_eq!(Arc::strong_count(&token), 1, "an unused initializer is dropped");
        let used: Lazy<Arc<()>, _> = {
            let token = token.clone();
            Lazy::new(move || token)
        };
        Lazy::force(&used);
        assert_eq!(Arc::strong_count(&token), 2, "the value holds the clone now");
        drop(used);
        assert_eq!(Arc::strong_count(&token), 1);
    }

    #[test]
    fn default_and_debug() {
        let lazy: Lazy<Vec<u8>> = Lazy::default();
        assert_eq!(format!("{lazy:?}"), "Lazy(<uninit>)");
        assert!(lazy.is_empty());
        assert_eq!(format!("{lazy:?}"), "Lazy([])");
    }

    /// A `Sync` but `!Send` initializer.
    type SyncOnlyFn = Box<dyn FnOnce() -> u8 + Sync>;

    // As `LazyLock`: Sync needs `T: Send + Sync` and `F: Send`.
    assert_not_impl!(Lazy<Cell<u8>>: Sync);
    assert_not_impl!(Lazy<u8, SyncOnlyFn>: Sync);
    assert_not_impl!(Lazy<u8, SyncOnlyFn>: Send);
    assert_not_impl!(Lazy<std::rc::Rc<u8>>: Send);

    #[test]
    fn send_and_sync_as_lazy_lock() {
        fn is_send<T: Send>() {}
        fn is_sync<T: Sync>() {}
        is_send::<Lazy<u8>>();
        is_sync::<Lazy<u8>>();
        is_sync::<Lazy<u8, Box<dyn FnOnce() -> u8 + Send>>>();
        is_send::<Lazy<Cell<u8>>>();
    }
}
