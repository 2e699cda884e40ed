//! `Mutex<T>`: one thread at a time gets `&mut T`, through a guard; the others wait.
//!
//! The lock is one 32-bit word, so a `Mutex` can be built in a `const` context, sit in a
//! `static`, and be moved while nobody holds it (nothing points into it). Locking is one
//! compare-and-swap when the lock is free; unlocking is one swap, plus a system call only
//! when the word says someone is asleep. A thread that finds the lock taken spins briefly
//! (a critical section on another core is usually shorter than a system call), then sleeps
//! on the word in the OS until an unlocker wakes it.
//!
//! The raw lock ([`RawMutex`]) is crate-visible on its own: [`ReentrantMutex`] is built on it.
//!
//! [`ReentrantMutex`]: super::ReentrantMutex
#![allow(unsafe_code)] // A lock hands out `&mut T` from `&self`: the point of the type.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

use crate::primitive::{
    AtomicU32,
    Ordering::{Acquire, Relaxed, Release},
    UnsafeCell, futex,
};
use crate::sync::backoff::Backoff;

/// Whether waiters spin before they sleep. Not under loom: there spinning is only a string
/// of yields that hides schedules (the spinner never gets past its loop before the others
/// move), while the futex path, which correctness rests on, is what needs checking.
const SPIN: bool = !cfg!(loom);

/// The word is free.
const UNLOCKED: u32 = 0;
/// The word is held and nobody is (known to be) asleep on it.
const LOCKED: u32 = 1;
/// The word is held and a thread may be asleep on it: the unlocker must wake one.
const CONTENDED: u32 = 2;

/// The lock word of a [`Mutex`], without data: lock, try_lock, unlock.
///
/// # Invariants
///
/// - `state` is `UNLOCKED`, `LOCKED` or `CONTENDED`. A thread owns the lock exactly from a
///   successful change of the word away from `UNLOCKED` (with `Acquire`) to its change back
///   (with `Release`); while `UNLOCKED` no thread owns it.
/// - A thread sleeps in `futex::wait(&state, CONTENDED)` only after it has stored
///   `CONTENDED` itself or seen it, so the unlocker that replaces `CONTENDED` by `UNLOCKED`
///   knows that it has to call `futex::wake_one`.
#[derive(Debug)]
pub(crate) struct RawMutex {
    /// 0: unlocked; 1: locked, no sleepers; 2: locked, maybe sleepers.
    state: AtomicU32,
}

impl RawMutex {
    /// An unlocked lock.
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Self { state: AtomicU32::new(UNLOCKED) }
    }

    /// An unlocked lock (loom's atomics cannot be built in a `const fn`).
    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Self { state: AtomicU32::new(UNLOCKED) }
    }

    /// Takes the lock if it is free, without waiting.
    #[inline]
    pub(crate) fn try_lock(&self) -> bool {
        // Acquire: pairs with the Release of the previous unlock, so the last owner's writes
        // are visible to this one.
        self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed).is_ok()
    }

    /// Takes the lock, waiting as long as it takes.
    #[inline]
    pub(crate) fn lock(&self) {
        if !self.try_lock() {
            self.lock_contended();
        }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut state = self.spin();
        if state == UNLOCKED {
            // Acquire: as in `try_lock`.
            match self.state.compare_exchange(UNLOCKED, LOCKED, Acquire, Relaxed) {
                Ok(_) => return,
                Err(now) => state = now,
            }
        }
        loop {
            // Mark the word contended before sleeping, and take the lock if the swap finds it
            // free: from here on this thread cannot tell whether others sleep, so it keeps
            // the conservative `CONTENDED`, which costs at most one needless wake.
            // Acquire: as in `try_lock`.
            if state != CONTENDED && self.state.swap(CONTENDED, Acquire) == UNLOCKED {
                return;
            }
            futex::wait(&self.state, CONTENDED);
            state = self.spin();
        }
    }

    /// Spins while the lock is held by a running thread and nobody sleeps, for at most the
    /// backoff's spinning phase; returns the last state seen.
    fn spin(&self) -> u32 {
        let mut backoff = Backoff::new();
        loop {
            // Relaxed: only a hint for when to try; the taking read-modify-write acquires.
            let state = self.state.load(Relaxed);
            if state != LOCKED || !SPIN || backoff.is_spinning_done() {
                return state;
            }
            backoff.spin();
        }
    }

    /// Releases the lock.
    ///
    /// # Safety
    ///
    /// - The calling context owns the lock (it took it with `lock` or a successful
    ///   `try_lock` and has not released it since).
    #[inline]
    pub(crate) unsafe fn unlock(&self) {
        // Release: pairs with the Acquire of the next owner's lock.
        if self.state.swap(UNLOCKED, Release) == CONTENDED {
            futex::wake_one(&self.state);
        }
    }

    /// Whether some thread holds the lock right now (a snapshot, for `Debug` and tests).
    pub(crate) fn is_locked(&self) -> bool {
        self.state.load(Relaxed) != UNLOCKED
    }
}

/// A mutual-exclusion lock: `&mut T` for one thread at a time, through a [`MutexGuard`].
///
/// `lock` waits until the lock is free (spinning briefly, then sleeping in the OS) and
/// returns the guard itself; `try_lock` never waits. `new` is a `const fn`, so a `Mutex`
/// can be a `static`, and an unlocked `Mutex` can be moved like any value.
///
/// # No poisoning
///
/// If a thread panics while it holds the guard, the guard's drop unlocks the mutex as the
/// panic unwinds, and the next `lock` succeeds as usual: there is no poisoned state and no
/// `Result` to unwrap. The data may then be half-updated (the panic may have struck between
/// two writes that belong together). Code that can panic in the middle of an update should
/// either keep the data valid at every step (build the new value aside, then assign it), or
/// catch the panic and repair or reset the value before the guard goes, or let the panic end
/// the program. std's `Mutex` reports such a panic as poisoning instead.
///
/// # Locking twice on one thread deadlocks
///
/// A thread that calls `lock` on a mutex it already holds waits for itself forever (and so
/// does every other thread that then calls `lock`). The mutex does not detect this. Use
/// [`try_lock`](Self::try_lock) where the current thread might already hold the lock, or a
/// [`ReentrantMutex`](super::ReentrantMutex) when re-locking from the same thread is the
/// design.
///
/// # Examples
///
/// ```
/// use cellar::sync::Mutex;
///
/// static LOG: Mutex<Vec<&str>> = Mutex::new(Vec::new());
///
/// std::thread::scope(|s| {
///     s.spawn(|| LOG.lock().push("spawned"));
///     LOG.lock().push("main");
/// });
/// assert_eq!(LOG.lock().len(), 2);
/// ```
///
/// # Invariants
///
/// - `data` is accessed only through a [`MutexGuard`] (which exists only while its creator
///   owns `raw`) or through `&mut self` / `self`.
pub struct Mutex<T: ?Sized> {
    raw: RawMutex,
    data: UnsafeCell<T>,
}

// SAFETY:
// - Moving a Mutex moves the T inside it, so it may cross threads when T can.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY:
// - `&Mutex<T>` gives `&mut T` to one thread at a time, so T moves between threads in effect
//   but is never shared: T: Send suffices (as for std's Mutex).
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    /// A new, unlocked mutex holding `value`. Usable in a `static`.
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// static COUNT: Mutex<u32> = Mutex::new(0);
    /// *COUNT.lock() += 1;
    /// assert_eq!(*COUNT.lock(), 1);
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { raw: RawMutex::new(), data: UnsafeCell::new(value) }
    }

    /// A new, unlocked mutex holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { raw: RawMutex::new(), data: UnsafeCell::new(value) }
    }

    /// Consumes the mutex and returns its value; no locking is needed, since nobody else
    /// can hold it.
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// let mutex = Mutex::new(String::from("owned"));
    /// assert_eq!(mutex.into_inner(), "owned");
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks the mutex, waiting until it is free, and returns a guard that unlocks on drop.
    ///
    /// Calling `lock` on a mutex the current thread already holds deadlocks (see the type's
    /// docs).
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// let mutex = Mutex::new(vec![1]);
    /// mutex.lock().push(2);
    /// assert_eq!(*mutex.lock(), [1, 2]);
    /// ```
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        self.raw.lock();
        // SAFETY:
        // - The lock was just taken by this thread.
        unsafe { MutexGuard::new(self) }
    }

    /// Locks the mutex if it is free right now; `None` if anyone (this thread included)
    /// holds it.
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// let mutex = Mutex::new(0);
    /// let guard = mutex.lock();
    /// assert!(mutex.try_lock().is_none());
    /// drop(guard);
    /// assert!(mutex.try_lock().is_some());
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        if self.raw.try_lock() {
            // SAFETY:
            // - The lock was just taken by this thread.
            Some(unsafe { MutexGuard::new(self) })
        } else {
            None
        }
    }

    /// The value, through `&mut self`: no locking is needed, since the borrow is unique.
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// let mut mutex = Mutex::new(1);
    /// *mutex.get_mut() += 1;
    /// assert_eq!(*mutex.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY:
        // - `&mut self` rules out every guard (guards borrow `self`), so this is the only
        //   access to the data for the returned lifetime.
        self.data.with_mut(|data| unsafe { &mut *data })
    }

    /// Whether some thread holds the lock at this moment. Only a snapshot: by the time it
    /// returns, the answer may have changed.
    ///
    /// ```
    /// use cellar::sync::Mutex;
    ///
    /// let mutex = Mutex::new(());
    /// let guard = mutex.lock();
    /// assert!(mutex.is_locked());
    /// drop(guard);
    /// assert!(!mutex.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.raw.is_locked()
    }
}

impl<T: Default> Default for Mutex<T> {
    /// A mutex holding `T::default()`.
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    /// A mutex holding `value`.
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    /// Shows the value if the lock is free, `<locked>` otherwise (it never waits, so
    /// formatting a mutex that this thread holds does not deadlock).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Mutex");
        match self.try_lock() {
            Some(guard) => out.field("data", &&*guard),
            None => out.field("data", &format_args!("<locked>")),
        };
        out.finish_non_exhaustive()
    }
}

/// Proof that the current thread holds a [`Mutex`]: derefs to the value, unlocks on drop.
///
/// `!Send`: the lock is released on the thread that took it. `Sync` when `T: Sync`, since
/// sharing the guard shares only `&T`.
///
/// ```
/// use cellar::sync::{Mutex, MutexGuard};
///
/// fn bump(guard: &mut MutexGuard<'_, u32>) {
///     **guard += 1;
/// }
/// let mutex = Mutex::new(0);
/// bump(&mut mutex.lock());
/// assert_eq!(*mutex.lock(), 1);
/// ```
#[must_use = "the mutex unlocks as soon as the guard is dropped"]
pub struct MutexGuard<'a, T: ?Sized> {
    mutex: &'a Mutex<T>,
    /// Makes the guard `!Send`.
    _not_send: PhantomData<*const ()>,
}

// SAFETY:
// - A shared guard only gives `&T` (Deref), so sharing it is sharing `&T`: needs T: Sync.
unsafe impl<T: ?Sized + Sync> Sync for MutexGuard<'_, T> {}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// # Safety
    ///
    /// - The current thread owns `mutex.raw`, and this guard becomes responsible for
    ///   releasing it.
    unsafe fn new(mutex: &'a Mutex<T>) -> Self {
        Self { mutex, _not_send: PhantomData }
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY:
        // - The guard's existence means this thread owns the lock (invariant of `Mutex`), so
        //   no other reference to the data exists but those derived from this guard, and the
        //   borrow of `self` keeps `&mut` ones from being made meanwhile.
        self.mutex.data.with(|data| unsafe { &*data })
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY:
        // - The guard owns the lock, and `&mut self` makes this the only reference derived
        //   from it for the returned lifetime.
        self.mutex.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY:
        // - The guard owns the lock (it was created with it) and releases it once, here.
        unsafe { self.mutex.raw.unlock() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// The guard is `!Send` and needs `T: Sync` to be `Sync`; the mutex needs `T: Send`.
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<cellar::sync::MutexGuard<'static, u32>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::MutexGuard<'static, core::cell::Cell<u32>>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::Mutex<std::rc::Rc<u32>>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<cellar::sync::Mutex<std::rc::Rc<u32>>>();
/// ```
#[cfg(doctest)]
mod doctest_auto_traits {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

    fn assert_send<T: Send>() {}
    fn assert_sync<T: Sync>() {}

    #[test]
    fn auto_traits_are_as_documented() {
        assert_send::<Mutex<u32>>();
        assert_sync::<Mutex<u32>>();
        // T: Send but !Sync (Cell) still makes a Sync mutex.
        assert_sync::<Mutex<core::cell::Cell<u32>>>();
        assert_send::<Mutex<core::cell::Cell<u32>>>();
        assert_sync::<MutexGuard<'static, u32>>();
    }

    static STATIC: Mutex<Vec<u32>> = Mutex::new(Vec::new());

    #[test]
    fn works_in_a_static() {
        STATIC.lock().push(7);
        assert_eq!(STATIC.lock().pop(), Some(7));
    }

    #[test]
    fn try_lock_fails_while_held_and_drop_unlocks() {
        let mutex = Mutex::new(1);
        let mut guard = mutex.lock();
        *guard += 1;
        assert!(mutex.is_locked());
        assert!(mutex.try_lock().is_none());
        drop(guard);
        assert!(!mutex.is_locked());
        assert_eq!(*mutex.try_lock().expect("free after the guard dropped"), 2);
    }

    #[test]
    fn an_unlocked_mutex_can_be_moved() {
        let mutex = Mutex::new(vec![1, 2]);
        mutex.lock().push(3);
        let boxed = Box::new(mutex);
        let moved = *boxed;
        moved.lock().push(4);
        let handle = std::thread::spawn(move || {
            moved.lock().push(5);
            moved
        });
        let moved = handle.join().unwrap();
        assert_eq!(moved.into_inner(), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn get_mut_and_into_inner_need_no_lock() {
        let mut mutex = Mutex::new(String::from("a"));
        mutex.get_mut().push('b');
        assert_eq!(mutex.into_inner(), "ab");
    }

    #[test]
    fn unsized_values() {
        let mutex: &Mutex<[u32]> = &Mutex::new([1, 2, 3]);
        mutex.lock()[0] = 9;
        assert_eq!(&*mutex.lock(), &[9, 2, 3]);
        let boxed: Box<Mutex<dyn fmt::Debug + Send>> = Box::new(Mutex::new(5u8));
        assert_eq!(format!("{:?}", boxed.lock()), "5");
    }

    #[test]
    fn a_panic_while_locked_unlocks_without_poisoning() {
        let mutex = Mutex::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut guard = mutex.lock();
            *guard = 1;
            panic!("in the critical section");
        }));
        assert!(result.is_err());
        assert!(!mutex.is_locked());
        // The write before the panic stays: the value may be half-updated.
        assert_eq!(*mutex.lock(), 1);
    }

    #[test]
    fn debug_while_locked_does_not_deadlock() {
        let mutex = Mutex::new(3);
        assert_eq!(format!("{mutex:?}"), "Mutex { data: 3, .. }");
        let guard = mutex.lock();
        assert_eq!(format!("{mutex:?}"), "Mutex { data: <locked>, .. }");
        assert_eq!(format!("{guard:?} {guard}"), "3 3");
    }

    #[test]
    fn default_and_from() {
        assert_eq!(Mutex::<u8>::default().into_inner(), 0);
        assert_eq!(Mutex::from(4).into_inner(), 4);
    }

    #[test]
    fn a_waiter_sleeps_and_is_woken() {
        let mutex = Mutex::new(0);
        let guard = mutex.lock();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| *mutex.lock() += 1);
            // The waiter marks the word contended before it sleeps.
            while mutex.raw.state.load(SeqCst) != CONTENDED {
                std::thread::yield_now();
            }
            drop(guard);
            waiter.join().unwrap();
        });
        assert_eq!(mutex.into_inner(), 1);
    }

    #[test]
    fn threads_never_lose_an_update() {
        let mutex = Mutex::new(0usize);
        let inside = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..crate::rounds(10_000) {
                        let mut guard = mutex.lock();
                        assert_eq!(inside.fetch_add(1, SeqCst), 0, "two threads inside");
                        *guard += 1;
                        inside.fetch_sub(1, SeqCst);
                    }
                });
            }
        });
        assert_eq!(mutex.into_inner(), 4 * crate::rounds(10_000));
    }
}
