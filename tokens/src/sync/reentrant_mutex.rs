//! `ReentrantMutex<T>`: a mutex that the thread holding it may lock again.
//!
//! It records which thread owns it and how many guards that thread holds. A `lock` from the
//! owner only bumps the count; a `lock` from any other thread waits on the inner
//! [`RawMutex`] like a [`Mutex`](super::Mutex). Since several guards of one thread may be
//! alive at once, a guard gives only `&T`: put a `RefCell` (or `Cell`) inside for
//! mutation, whose own check then catches overlapping borrows on the one thread.
#![allow(unsafe_code)] // The owner's count lives in an UnsafeCell; the raw mutex is unsafe to unlock.

use core::fmt;
use core::marker::PhantomData;
use core::ops::Deref;

use super::mutex::RawMutex;
use crate::primitive::{AtomicUsize, Ordering::Relaxed, UnsafeCell, thread_id};

/// A mutex that the thread holding it can lock again; guards give `&T`.
///
/// Other threads wait (spinning briefly, then sleeping in the OS) until the owner has
/// dropped all its guards. Re-entrant locking is for code that may be called with the lock
/// already held, such as a logger that formats values which log themselves; it often means
/// a lock is held longer than it needs to be, so prefer a [`Mutex`](super::Mutex) where the
/// design allows.
///
/// As with `Mutex`: no poisoning (a panic drops its guards, so the lock is released as the
/// panic unwinds), `new` is `const` (usable in a `static`), and an unlocked mutex can be
/// moved. More than `u32::MAX` guards alive at once on one thread is a panic.
///
/// # Examples
///
/// ```
/// use cellar::sync::ReentrantMutex;
/// use std::cell::RefCell;
///
/// static LOG: ReentrantMutex<RefCell<Vec<String>>> = ReentrantMutex::new(RefCell::new(Vec::new()));
///
/// fn log(line: &str) {
///     LOG.lock().borrow_mut().push(line.to_owned());
/// }
///
/// let held = LOG.lock(); // this thread holds the lock...
/// log("nested"); // ...and may lock it again
/// assert_eq!(held.borrow().len(), 1);
/// ```
///
/// # Invariants
///
/// - `owner` is 0 while nobody holds `raw`, and the owning thread's id while it does (a
///   per-thread number from the crate's `primitive::thread_id`, never reused). Only the
///   owner stores a non-zero id (its own, right after locking `raw`) and 0 (right before
///   unlocking it), so a thread that loads its own id is the owner.
/// - `count` is the number of live guards of the owner; only the owner reads or writes it.
pub struct ReentrantMutex<T: ?Sized> {
    raw: RawMutex,
    /// The owning thread's id; 0: no owner.
    owner: AtomicUsize,
    /// The owner's number of live guards (meaningful only to the owner).
    count: UnsafeCell<u32>,
    data: T,
}

// SAFETY:
// - Moving the mutex moves the T inside it, so it may cross threads when T can.
unsafe impl<T: ?Sized + Send> Send for ReentrantMutex<T> {}
// SAFETY:
// - Only the owning thread gets `&T`, and ownership passes between threads through the raw
//   mutex's Release/Acquire, so T is used by one thread at a time: T: Send suffices.
unsafe impl<T: ?Sized + Send> Sync for ReentrantMutex<T> {}

impl<T> ReentrantMutex<T> {
    /// A new, unlocked mutex holding `value`. Usable in a `static`.
    ///
    /// ```
    /// use cellar::sync::ReentrantMutex;
    ///
    /// static DEPTH: ReentrantMutex<u8> = ReentrantMutex::new(3);
    /// assert_eq!(*DEPTH.lock(), 3);
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self {
            raw: RawMutex::new(),
            owner: AtomicUsize::new(0),
            count: UnsafeCell::new(0),
            data: value,
        }
    }

    /// A new, unlocked mutex holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self {
            raw: RawMutex::new(),
            owner: AtomicUsize::new(0),
            count: UnsafeCell::new(0),
            data: value,
        }
    }

    /// Consumes the mutex and returns its value.
    ///
    /// ```
    /// use cellar::sync::ReentrantMutex;
    ///
    /// assert_eq!(ReentrantMutex::new(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.data
    }
}

impl<T: ?Sized> ReentrantMutex<T> {
    /// Locks the mutex: at once if this thread already holds it, else after waiting for the
    /// owner to drop all its guards.
    ///
    /// # Panics
    ///
    /// If this thread already holds `u32::MAX` guards of it.
    ///
    /// ```
    /// use cellar::sync::ReentrantMutex;
    ///
    /// let mutex = ReentrantMutex::new(1);
    /// let a = mutex.lock();
    /// let b = mutex.lock(); // same thread: no deadlock
    /// assert_eq!(*a + *b, 2);
    /// ```
    #[inline]
    pub fn lock(&self) -> ReentrantMutexGuard<'_, T> {
        let me = thread_id().get();
        if self.is_owned_by(me) {
            self.bump_count();
        } else {
            self.raw.lock();
            self.take_ownership(me);
        }
        // SAFETY:
        // - This thread owns the lock and has counted this guard.
        unsafe { ReentrantMutexGuard::new(self) }
    }

    /// Locks the mutex if that needs no waiting: always when this thread already holds it,
    /// `None` when another thread does.
    ///
    /// # Panics
    ///
    /// If this thread already holds `u32::MAX` guards of it.
    ///
    /// ```
    /// use cellar::sync::ReentrantMutex;
    ///
    /// let mutex = ReentrantMutex::new(());
    /// let guard = mutex.lock();
    /// assert!(mutex.try_lock().is_some()); // the owner may always re-lock
    /// std::thread::scope(|s| {
    ///     s.spawn(|| assert!(mutex.try_lock().is_none())); // another thread may not
    /// });
    /// drop(guard);
    /// ```
    #[inline]
    pub fn try_lock(&self) -> Option<ReentrantMutexGuard<'_, T>> {
        let me = thread_id().get();
        if self.is_owned_by(me) {
            self.bump_count();
        } else if self.raw.try_lock() {
            self.take_ownership(me);
        } else {
            return None;
        }
        // SAFETY:
        // - This thread owns the lock and has counted this guard.
        Some(unsafe { ReentrantMutexGuard::new(self) })
    }

    /// The value, through `&mut self`: no locking is needed, since the borrow is unique.
    ///
    /// ```
    /// use cellar::sync::ReentrantMutex;
    ///
    /// let mut mutex = ReentrantMutex::new(1);
    /// *mutex.get_mut() += 1;
    /// assert_eq!(*mutex.lock(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.data
    }

    /// Whether thread `me` owns the lock.
    fn is_owned_by(&self, me: usize) -> bool {
        // Relaxed: only this thread ever stores `me` here, so seeing it means this thread
        // stored it and has not yet cleared it (a thread always sees its own latest store).
        self.owner.load(Relaxed) == me
    }

    /// Counts one more guard of the owner. Only for the owning thread.
    fn bump_count(&self) {
        self.count.with_mut(|count| {
            // SAFETY:
            // - Only the owner touches `count` (invariant), and the caller is the owner;
            //   the reference lives only for this closure.
            let count = unsafe { &mut *count };
            *count = count.checked_add(1).expect(
                "ReentrantMutex: more than u32::MAX guards held at once by one thread \
                 (a guard leaked in a loop?)",
            );
        });
    }

    /// Records thread `me` as the owner of the raw lock it just took, with one guard.
    fn take_ownership(&self, me: usize) {
        // Relaxed: read by other threads only to compare with their own ids (which this
        // never equals) and by this thread itself.
        self.owner.store(me, Relaxed);
        // SAFETY:
        // - This thread owns the raw lock, which orders this write after the previous
        //   owner's last access (its unlock released, our lock acquired).
        self.count.with_mut(|count| unsafe { *count = 1 });
    }
}

impl<T: Default> Default for ReentrantMutex<T> {
    /// A mutex holding `T::default()`.
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for ReentrantMutex<T> {
    /// A mutex holding `value`.
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for ReentrantMutex<T> {
    /// Shows the value unless another thread holds the lock (then `<locked>`); it never
    /// waits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("ReentrantMutex");
        match self.try_lock() {
            Some(guard) => out.field("data", &&*guard),
            None => out.field("data", &format_args!("<locked>")),
        };
        out.finish_non_exhaustive()
    }
}

/// One of the owner's holds on a [`ReentrantMutex`]: derefs to `&T`; the lock is released
/// when the owner's last guard drops.
///
/// `!Send`: the lock belongs to the thread that took it. `Sync` when `T: Sync`.
///
/// ```
/// use cellar::sync::{ReentrantMutex, ReentrantMutexGuard};
/// use std::cell::Cell;
///
/// let mutex = ReentrantMutex::new(Cell::new(0));
/// let guard: ReentrantMutexGuard<'_, Cell<i32>> = mutex.lock();
/// guard.set(guard.get() + 1);
/// assert_eq!(mutex.lock().get(), 1);
/// ```
#[must_use = "the guard's hold ends as soon as it is dropped"]
pub struct ReentrantMutexGuard<'a, T: ?Sized> {
    mutex: &'a ReentrantMutex<T>,
    /// Makes the guard `!Send`.
    _not_send: PhantomData<*const ()>,
}

// SAFETY:
// - A shared guard only gives `&T` to the threads it is shared with: needs T: Sync.
unsafe impl<T: ?Sized + Sync> Sync for ReentrantMutexGuard<'_, T> {}

impl<'a, T: ?Sized> ReentrantMutexGuard<'a, T> {
    /// # Safety
    ///
    /// - The current thread owns `mutex` and has counted this guard in `mutex.count`.
    unsafe fn new(mutex: &'a ReentrantMutex<T>) -> Self {
        Self { mutex, _not_send: PhantomData }
    }
}

impl<T: ?Sized> Deref for ReentrantMutexGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        &self.mutex.data
    }
}

impl<T: ?Sized> Drop for ReentrantMutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        let mutex = self.mutex;
        let remaining = mutex.count.with_mut(|count| {
            // SAFETY:
            // - This guard's thread owns the lock (guards are `!Send`), and only the owner
            //   touches `count`; the reference lives only for this closure.
            let count = unsafe { &mut *count };
            *count -= 1;
            *count
        });
        if remaining == 0 {
            // Relaxed: ordered before the unlock's Release, which the next owner acquires.
            mutex.owner.store(0, Relaxed);
            // SAFETY:
            // - This thread owns the raw lock, and this was its last guard, so it gives the
            //   lock up exactly once.
            unsafe { mutex.raw.unlock() };
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for ReentrantMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for ReentrantMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Guards are `!Send` and give no `&mut T`; the mutex is `Sync` only for `T: Send`.
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<cellar::sync::ReentrantMutexGuard<'static, u32>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::ReentrantMutex<std::rc::Rc<u32>>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::ReentrantMutexGuard<'static, core::cell::Cell<u32>>>();
/// ```
/// ```compile_fail,E0594
/// let mutex = cellar::sync::ReentrantMutex::new(0);
/// *mutex.lock() += 1;
/// ```
#[cfg(doctest)]
mod doctest_auto_traits {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use core::cell::{Cell, RefCell};

    fn assert_send<T: Send>() {}
    fn assert_sync<T: Sync>() {}

    fn count<T: ?Sized>(mutex: &ReentrantMutex<T>) -> u32 {
        // SAFETY:
        // - Test-only peek by the owning thread (or with no owner, so no writer).
        mutex.count.with(|count| unsafe { *count })
    }

    #[test]
    fn auto_traits_are_as_documented() {
        assert_send::<ReentrantMutex<Cell<u32>>>();
        // RefCell is Send + !Sync: the reentrant mutex makes it shareable.
        assert_sync::<ReentrantMutex<RefCell<u32>>>();
        assert_sync::<ReentrantMutexGuard<'static, u32>>();
    }

    static STATIC: ReentrantMutex<Cell<u32>> = ReentrantMutex::new(Cell::new(0));

    #[test]
    fn works_in_a_static_and_recursion_counts() {
        fn depth(n: u32) -> u32 {
            let guard = STATIC.lock();
            guard.set(guard.get() + 1);
            if n == 0 { count(&STATIC) } else { depth(n - 1) }
        }
        assert_eq!(depth(9), 10);
        assert_eq!(STATIC.lock().get(), 10);
        assert_eq!(STATIC.owner.load(Relaxed), 0);
        assert!(!STATIC.raw.is_locked());
    }

    #[test]
    fn the_last_guard_releases_the_lock() {
        let mutex = ReentrantMutex::new(0);
        let a = mutex.lock();
        let b = mutex.try_lock().expect("the owner re-locks");
        assert_eq!(count(&mutex), 2);
        std::thread::scope(|s| {
            s.spawn(|| assert!(mutex.try_lock().is_none()));
        });
        drop(a);
        assert_eq!(count(&mutex), 1);
        std::thread::scope(|s| {
            s.spawn(|| assert!(mutex.try_lock().is_none(), "still held by b"));
        });
        drop(b);
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(*mutex.try_lock().expect("free now"), 0));
        });
        assert_eq!(mutex.owner.load(Relaxed), 0);
    }

    #[test]
    fn other_threads_wait_for_the_owner() {
        let mutex = ReentrantMutex::new(RefCell::new(Vec::new()));
        std::thread::scope(|s| {
            for t in 0..4 {
                let mutex = &mutex;
                s.spawn(move || {
                    for i in 0..crate::rounds(1_000) {
                        let outer = mutex.lock();
                        let inner = mutex.lock();
                        inner.borrow_mut().push((t, i));
                        let len = outer.borrow().len();
                        drop(inner);
                        assert_eq!(outer.borrow().len(), len, "nobody else got in");
                    }
                });
            }
        });
        assert_eq!(mutex.into_inner().into_inner().len(), 4 * crate::rounds(1_000));
    }

    #[test]
    fn moved_while_unlocked_and_get_mut() {
        let mut mutex = ReentrantMutex::from(String::from("a"));
        mutex.get_mut().push('b');
        let mutex = std::thread::spawn(move || {
            drop(mutex.lock());
            mutex
        })
        .join()
        .unwrap();
        let boxed = Box::new(mutex);
        assert_eq!(boxed.lock().as_str(), "ab");
        assert_eq!(boxed.into_inner(), "ab");
        assert_eq!(ReentrantMutex::<u8>::default().into_inner(), 0);
        let unsized_mutex: &ReentrantMutex<[u8]> = &ReentrantMutex::new([1, 2]);
        assert_eq!(unsized_mutex.lock().len(), 2);
    }

    #[test]
    fn a_panic_while_locked_releases_every_hold() {
        let mutex = ReentrantMutex::new(Cell::new(0));
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let a = mutex.lock();
            let _b = mutex.lock();
            a.set(1);
            panic!("two guards deep");
        }));
        assert!(result.is_err());
        assert!(!mutex.raw.is_locked());
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(mutex.try_lock().expect("released").get(), 1));
        });
    }

    #[test]
    fn debug_shows_the_value_to_the_owner_and_hides_it_from_others() {
        let mutex = ReentrantMutex::new(5);
        let guard = mutex.lock();
        assert_eq!(format!("{mutex:?}"), "ReentrantMutex { data: 5, .. }");
        assert_eq!(format!("{guard:?} {guard}"), "5 5");
        std::thread::scope(|s| {
            s.spawn(|| assert_eq!(format!("{mutex:?}"), "ReentrantMutex { data: <locked>, .. }"));
        });
    }

    #[test]
    #[should_panic(expected = "more than u32::MAX guards")]
    fn count_overflow_panics() {
        let mutex = ReentrantMutex::new(());
        let _guard = mutex.lock();
        // SAFETY:
        // - This thread owns the lock; pretend it holds u32::MAX guards.
        mutex.count.with_mut(|count| unsafe { *count = u32::MAX });
        let _one_more = mutex.lock();
    }
}
