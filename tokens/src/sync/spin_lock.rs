//! A spin lock with a `Cell`-like API: the lock is held only inside a method call.
//!
//! Every operation takes the lock, copies or moves a value in or out, and releases it, so
//! the critical section is as long as a `memcpy` and waiting threads spin (with bounded
//! exponential backoff, then yielding) rather than sleep in the OS. No guard and no reference
//! to the value outlives a call; [`with`](SpinLock::with) lends `&mut T` to a closure only.
#![allow(unsafe_code)] // The value behind the lock is reached through an `UnsafeCell`.

use core::fmt;

use super::backoff::Backoff;
use crate::primitive::{
    AtomicBool,
    Ordering::{Acquire, Relaxed, Release},
    UnsafeCell,
};

/// A value that threads share, reading and writing it whole under a spin lock.
///
/// Unlike [`SeqLock`](super::SeqLock) it works for any `T`, `Copy` or not (`replace` and
/// `take` move values), but readers exclude each other. Unlike a `Mutex` it
/// never blocks in the OS; it suits values touched briefly and rarely contended.
///
/// # Examples
///
/// ```
/// use cellar::sync::SpinLock;
///
/// let log = SpinLock::new(Vec::new());
/// std::thread::scope(|s| {
///     for i in 0..4 {
///         let log = &log;
///         s.spawn(move || log.with(|v| v.push(i)));
///     }
/// });
/// let mut entries = log.take();
/// entries.sort();
/// assert_eq!(entries, [0, 1, 2, 3]);
/// ```
///
/// # Thread safety
///
/// `SpinLock<T>` is `Send` when `T` is, and `Sync` when `T: Send`: values cross threads only
/// whole, never as `&T`. Contents that may not move between threads make it neither:
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>() {}
/// shared::<cellar::sync::SpinLock<std::rc::Rc<u8>>>();
/// ```
///
/// # Invariants
///
/// - `value` is accessed only by the thread that changed `locked` from `false` to `true`,
///   until it stores `false` again (or through `&mut self`).
pub struct SpinLock<T> {
    /// `true` while a thread is inside a critical section.
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY:
// - the lock gives one thread at a time access to the value, which may thus move between
//   threads: `T: Send` suffices, as for `Mutex`.
unsafe impl<T: Send> Sync for SpinLock<T> {}

/// Proof of holding the lock; releases it on drop, also when a closure panics.
struct Guard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Drop for Guard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // Release: pairs with the Acquire of the next `lock`, handing it our writes.
        self.lock.locked.store(false, Release);
    }
}

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`. `const`, so it can initialize a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// static NAME: SpinLock<&str> = SpinLock::new("unnamed");
    /// NAME.set("world");
    /// assert_eq!(NAME.get(), "world");
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    /// An unlocked lock holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { locked: AtomicBool::new(false), value: UnsafeCell::new(value) }
    }

    #[inline]
    fn lock(&self) -> Guard<'_, T> {
        // Acquire: pairs with the Release of the previous unlock.
        if self.locked.compare_exchange_weak(false, true, Acquire, Relaxed).is_err() {
            self.lock_contended();
        }
        Guard { lock: self }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut backoff = Backoff::new();
        loop {
            // Relaxed: wait on a shared read of the line, not on failing writes to it.
            while self.locked.load(Relaxed) {
                backoff.snooze();
            }
            // Acquire: as in `lock`.
            if self.locked.compare_exchange_weak(false, true, Acquire, Relaxed).is_ok() {
                return;
            }
        }
    }

    /// Replaces the value, dropping the old one after the lock is released.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new(String::from("a"));
    /// lock.set(String::from("b"));
    /// assert_eq!(lock.into_inner(), "b");
    /// ```
    #[inline]
    pub fn set(&self, value: T) {
        drop(self.replace(value));
    }

    /// Replaces the value and returns the old one.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new(1);
    /// assert_eq!(lock.replace(2), 1);
    /// assert_eq!(lock.get(), 2);
    /// ```
    #[inline]
    pub fn replace(&self, value: T) -> T {
        let guard = self.lock();
        // SAFETY:
        // - we hold the lock, so nothing else accesses the value (type invariants).
        let old = self.value.with_mut(|p| unsafe { core::ptr::replace(p, value) });
        drop(guard);
        old
    }

    /// Runs `f` with exclusive access to the value and returns its result.
    ///
    /// The reference lives only inside `f`. Other threads spin while `f` runs, so keep it
    /// short; calling this lock's own methods from `f` spins forever (a deadlock).
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new(vec![1, 2]);
    /// let len = lock.with(|v| {
    ///     v.push(3);
    ///     v.len()
    /// });
    /// assert_eq!(len, 3);
    /// ```
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let _guard = self.lock();
        // SAFETY:
        // - we hold the lock until `_guard` drops after `f` returns or unwinds, so the
        //   `&mut T` is unique while it lives, and `f`'s signature keeps it from escaping.
        self.value.with_mut(|p| f(unsafe { &mut *p }))
    }

    /// Takes the value out of the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// assert_eq!(SpinLock::new('x').into_inner(), 'x');
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// The value, through a unique borrow: no lock needed.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let mut lock = SpinLock::new(1);
    /// *lock.get_mut() = 5;
    /// assert_eq!(lock.get(), 5);
    /// ```
    #[cfg(not(loom))]
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY:
        // - `&mut self` proves no other thread holds the lock or a reference.
        self.value.with_mut(|p| unsafe { &mut *p })
    }
}

impl<T: Copy> SpinLock<T> {
    /// A copy of the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new([1u64; 4]);
    /// assert_eq!(lock.get(), [1; 4]);
    /// ```
    #[inline]
    pub fn get(&self) -> T {
        let _guard = self.lock();
        // SAFETY:
        // - we hold the lock, so no write races this read (type invariants).
        self.value.with(|p| unsafe { *p })
    }

    /// Replaces the value with `f(value)` in one critical section.
    ///
    /// `f` runs under the lock: keep it short, and do not touch this lock from it.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new((0u32, 0u32));
    /// lock.update(|(a, b)| (a + 1, b + 2));
    /// assert_eq!(lock.get(), (1, 2));
    /// ```
    #[inline]
    pub fn update(&self, f: impl FnOnce(T) -> T) {
        self.with(|v| *v = f(*v));
    }
}

impl<T: Default> SpinLock<T> {
    /// Takes the value, leaving `T::default()` in its place.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SpinLock;
    ///
    /// let lock = SpinLock::new(Some(3));
    /// assert_eq!(lock.take(), Some(3));
    /// assert_eq!(lock.take(), None);
    /// ```
    #[inline]
    pub fn take(&self) -> T {
        // `default()` runs before the lock is taken: user code stays outside it.
        self.replace(T::default())
    }
}

impl<T: Default> Default for SpinLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for SpinLock<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for SpinLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpinLock").field("value", &self.get()).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::SpinLock;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    #[test]
    fn every_method() {
        let lock = SpinLock::new(1u32);
        assert_eq!(lock.get(), 1);
        lock.set(2);
        assert_eq!(lock.replace(3), 2);
        lock.update(|x| x * 10);
        assert_eq!(lock.get(), 30);
        assert_eq!(lock.with(|x| std::mem::replace(x, 4)), 30);
        assert_eq!(lock.take(), 4);
        assert_eq!(lock.get(), 0);
        assert_eq!(format!("{lock:?}"), "SpinLock { value: 0 }");
        let mut lock = SpinLock::from([1u64; 4]);
        lock.get_mut()[0] = 9;
        assert_eq!(lock.into_inner(), [9, 1, 1, 1]);
        assert_eq!(SpinLock::<String>::default().into_inner(), "");
        let unit = SpinLock::new(());
        unit.set(());
        assert_eq!(unit.get(), ());
    }

    #[derive(Debug, Default)]
    struct Counted(Option<Arc<AtomicUsize>>);
    impl Drop for Counted {
        fn drop(&mut self) {
            if let Some(count) = &self.0 {
                count.fetch_add(1, SeqCst);
            }
        }
    }

    #[test]
    fn values_drop_exactly_once() {
        let count = Arc::new(AtomicUsize::new(0));
        let counted = || Counted(Some(count.clone()));
        let lock = SpinLock::new(counted());
        lock.set(counted());
        assert_eq!(count.load(SeqCst), 1);
        drop(lock.replace(counted()));
        assert_eq!(count.load(SeqCst), 2);
        drop(lock.take());
        assert_eq!(count.load(SeqCst), 3);
        lock.set(counted());
        drop(lock.into_inner());
        assert_eq!(count.load(SeqCst), 4);
        drop(SpinLock::new(counted()));
        assert_eq!(count.load(SeqCst), 5);
    }

    #[test]
    fn a_panicking_closure_releases_the_lock() {
        let lock = SpinLock::new(1);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            lock.with(|_| panic!("inside the lock"));
        }));
        assert!(result.is_err());
        lock.set(2); // would spin forever if the lock were still held
        assert_eq!(lock.get(), 2);
    }

    #[test]
    fn mutual_exclusion_under_contention() {
        let lock = SpinLock::new((0u64, 0u64));
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for _ in 0..crate::rounds(10_000) {
                        lock.with(|(a, b)| {
                            *a += 1;
                            *b += 1;
                        });
                    }
                });
            }
        });
        let n = 3 * crate::rounds(10_000) as u64;
        assert_eq!(lock.get(), (n, n));
    }

    #[test]
    fn auto_traits_are_as_documented() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SpinLock<Vec<u8>>>();
        send_sync::<SpinLock<std::cell::Cell<u8>>>();
    }
}
