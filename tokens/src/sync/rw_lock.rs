//! `RwLock<T>`: any number of readers (`&T`) or one writer (`&mut T`) at a time.
//!
//! One 32-bit word holds the reader count (or the write-locked mark) and two flags: readers
//! asleep, writers waiting. A second word is the writers' wake-up counter, so that waking a
//! writer never wakes the readers sleeping on the first word, and a third counts the queued
//! writers, so that the writers' flag is dropped only when no writer is left. Read and
//! write locking are one
//! compare-and-swap when nobody waits; unlocking is one subtraction, plus a system call only
//! when a flag says someone sleeps.
//!
//! The lock is *write-preferring*: once a writer waits, new readers wait too, so a stream of
//! overlapping readers cannot keep a writer out forever. When a writer unlocks and both
//! kinds wait, it wakes a writer first; the readers go when no writer is left.
//!
//! The state machine follows the shape of std's futex `RwLock` (library/std/src/sys/sync/
//! rwlock/futex.rs), written afresh here with cellar's backoff and futex door.
#![allow(unsafe_code)] // A lock hands out `&T`/`&mut T` from `&self`: the point of the type.

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};

use crate::primitive::{
    AtomicU32,
    Ordering::{Acquire, Relaxed, Release, SeqCst},
    UnsafeCell, fence, futex,
};
use crate::sync::backoff::Backoff;

/// Whether waiters spin before they sleep. Not under loom: there spinning is only a string
/// of yields that hides schedules (the spinner never gets past its loop before the others
/// move), while the futex path, which correctness rests on, is what needs checking.
const SPIN: bool = !cfg!(loom);

/// One reader, in the count bits.
const READ_LOCKED: u32 = 1;
/// The count bits: the number of readers, or `WRITE_LOCKED`.
const MASK: u32 = (1 << 30) - 1;
/// All count bits set: one writer holds the lock.
const WRITE_LOCKED: u32 = MASK;
/// The most readers at once; one more is a panic, not an overflow into `WRITE_LOCKED`.
const MAX_READERS: u32 = MASK - 1;
/// Some reader sleeps on `state` (or is about to) and must be woken.
const READERS_WAITING: u32 = 1 << 30;
/// Some writer waits for the lock; new readers must not enter.
const WRITERS_WAITING: u32 = 1 << 31;

fn is_unlocked(state: u32) -> bool {
    state & MASK == 0
}

fn is_write_locked(state: u32) -> bool {
    state & MASK == WRITE_LOCKED
}

fn has_readers_waiting(state: u32) -> bool {
    state & READERS_WAITING != 0
}

fn has_writers_waiting(state: u32) -> bool {
    state & WRITERS_WAITING != 0
}

/// A new reader may enter: no flag set (a waiting writer keeps readers out; sleeping readers
/// are let in by whoever clears their flag) and room in the count. Both flags are above the
/// count bits, so this is one comparison.
fn is_read_lockable(state: u32) -> bool {
    state < MAX_READERS
}

/// The three words of an [`RwLock`], without data.
///
/// # Invariants
///
/// - The count bits of `state` are 0 (unlocked), 1..=`MAX_READERS` (that many read locks
///   held) or `WRITE_LOCKED` (one write lock held). A lock is held from the change of the
///   count that took it (with `Acquire`) to the change that gives it back (with `Release`).
/// - `READERS_WAITING` is set before any reader sleeps on `state`, and cleared only by a
///   thread that then wakes all sleeping readers.
/// - `writers_queued` counts the writers inside `write_contended` (from before they raise
///   `WRITERS_WAITING` to after they take the lock). `WRITERS_WAITING` is set before any
///   writer sleeps on `writer_wake`. A queued writer keeps the flag when it takes the lock
///   (others may still wait behind it); the flag is cleared only with the count bits at 0
///   and `writers_queued` at 0, so no writer can be asleep behind a cleared flag.
/// - New readers enter only while neither flag is set (write preference).
#[derive(Debug)]
struct RawRwLock {
    /// Bits 0..30: reader count, or all ones for a writer; bit 30: readers sleep on this
    /// word; bit 31: writers wait, new readers stay out.
    state: AtomicU32,
    /// Bumped (with `Release`) before each wake of a writer, so that a writer that read it
    /// (with `Acquire`) before its last look at `state` cannot miss the wake.
    writer_wake: AtomicU32,
    /// The number of writers waiting in `write_contended`.
    writers_queued: AtomicU32,
}

impl RawRwLock {
    #[cfg(not(loom))]
    const fn new() -> Self {
        Self {
            state: AtomicU32::new(0),
            writer_wake: AtomicU32::new(0),
            writers_queued: AtomicU32::new(0),
        }
    }

    #[cfg(loom)]
    fn new() -> Self {
        Self {
            state: AtomicU32::new(0),
            writer_wake: AtomicU32::new(0),
            writers_queued: AtomicU32::new(0),
        }
    }

    #[inline]
    fn try_read(&self) -> bool {
        // Relaxed: the CAS below acquires.
        let mut state = self.state.load(Relaxed);
        while is_read_lockable(state) {
            // Acquire: pairs with the Release of the last write unlock (or downgrade).
            match self.state.compare_exchange_weak(state, state + READ_LOCKED, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    #[inline]
    fn read(&self) {
        // Relaxed: the CAS acquires.
        let state = self.state.load(Relaxed);
        // Acquire: pairs with the Release of the last write unlock (or downgrade).
        if !is_read_lockable(state)
            || self
                .state
                .compare_exchange_weak(state, state + READ_LOCKED, Acquire, Relaxed)
                .is_err()
        {
            self.read_contended();
        }
    }

    #[cold]
    fn read_contended(&self) {
        let mut state = self.spin_read();
        loop {
            if is_read_lockable(state) {
                // Acquire: as in `read`.
                match self.state.compare_exchange_weak(state, state + READ_LOCKED, Acquire, Relaxed)
                {
                    Ok(_) => return,
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            assert!(state & MASK != MAX_READERS, "RwLock: too many read locks held at once");
            // Raise the flag so that the thread that lets readers in again wakes us.
            // Relaxed: the flag orders nothing; the futex compare re-checks the word.
            if !has_readers_waiting(state)
                && let Err(now) =
                    self.state.compare_exchange(state, state | READERS_WAITING, Relaxed, Relaxed)
            {
                state = now;
                continue;
            }
            futex::wait(&self.state, state | READERS_WAITING);
            state = self.spin_read();
        }
    }

    /// Spins while a writer holds the lock and nobody waits, within the backoff's spinning
    /// phase; returns the last state seen.
    fn spin_read(&self) -> u32 {
        self.spin_until(|state| !is_write_locked(state) || state & !MASK != 0)
    }

    /// Spins while the lock is held and no writer waits yet, within the spinning phase.
    fn spin_write(&self) -> u32 {
        self.spin_until(|state| is_unlocked(state) || has_writers_waiting(state))
    }

    fn spin_until(&self, stop: impl Fn(u32) -> bool) -> u32 {
        let mut backoff = Backoff::new();
        loop {
            // Relaxed: a hint for when to try; taking the lock acquires.
            let state = self.state.load(Relaxed);
            if stop(state) || !SPIN || backoff.is_spinning_done() {
                return state;
            }
            backoff.spin();
        }
    }

    /// # Safety
    ///
    /// - The calling context holds one read lock and gives it up.
    #[inline]
    unsafe fn read_unlock(&self) {
        // Release: pairs with the Acquire of the next writer's lock.
        let state = self.state.fetch_sub(READ_LOCKED, Release) - READ_LOCKED;
        // The last reader out wakes whoever waits (readers only wait behind a writer).
        if is_unlocked(state) && state != 0 {
            self.wake_writer_or_readers(state);
        }
    }

    #[inline]
    fn try_write(&self) -> bool {
        // Relaxed: the CAS acquires.
        let mut state = self.state.load(Relaxed);
        while is_unlocked(state) {
            // Acquire: pairs with the Release of the last unlock.
            match self.state.compare_exchange_weak(state, state | WRITE_LOCKED, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    #[inline]
    fn write(&self) {
        // Acquire: pairs with the Release of the last unlock.
        if self.state.compare_exchange(0, WRITE_LOCKED, Acquire, Relaxed).is_err() {
            self.write_contended();
        }
    }

    #[cold]
    fn write_contended(&self) {
        let mut state = self.spin_write();
        let mut queued = false;
        loop {
            if is_unlocked(state) {
                // A queued writer keeps the flag: others may still wait behind it.
                let flag = if queued { WRITERS_WAITING } else { 0 };
                // Acquire: as in `write`.
                match self.state.compare_exchange_weak(
                    state,
                    state | WRITE_LOCKED | flag,
                    Acquire,
                    Relaxed,
                ) {
                    Ok(_) => {
                        if queued {
                            // Relaxed: read by unlockers of this lock, which we now hold.
                            self.writers_queued.fetch_sub(1, Relaxed);
                        }
                        return;
                    }
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            if !queued {
                // Relaxed: published to unlockers by the Release flag below, or by the SeqCst
                // fences here and in `wake_writer_or_readers`.
                self.writers_queued.fetch_add(1, Relaxed);
                queued = true;
            }
            // Raise the flag: from now on no new reader enters.
            // Release: publishes our count in `writers_queued` to the unlocker that sees the
            // flag (its SeqCst fence acquires), so it wakes us instead of the readers.
            if !has_writers_waiting(state)
                && let Err(now) =
                    self.state.compare_exchange(state, state | WRITERS_WAITING, Release, Relaxed)
            {
                state = now;
                continue;
            }
            // Read the wake counter before the last look at `state`. Acquire: pairs with the
            // Release bump in `wake_writer`; if the bump is seen, the unlock before it is too.
            let seen = self.writer_wake.load(Acquire);
            // SeqCst fence: pairs with the one in `wake_writer_or_readers`. Either the
            // unlocker sees `writers_queued` counting us (and wakes a writer), or the load
            // below sees its unlock (and we do not sleep).
            fence(SeqCst);
            // Relaxed: ordered by the fence.
            state = self.state.load(Relaxed);
            if is_unlocked(state) || !has_writers_waiting(state) {
                continue;
            }
            futex::wait(&self.writer_wake, seen);
            state = self.spin_write();
        }
    }

    /// # Safety
    ///
    /// - The calling context holds the write lock and gives it up.
    #[inline]
    unsafe fn write_unlock(&self) {
        // Release: pairs with the Acquire of the next lock, read or write.
        let state = self.state.fetch_sub(WRITE_LOCKED, Release) - WRITE_LOCKED;
        if state != 0 {
            self.wake_writer_or_readers(state);
        }
    }

    /// Turns the write lock into one read lock without letting anyone in between.
    ///
    /// # Safety
    ///
    /// - The calling context holds the write lock; it holds a read lock afterwards.
    unsafe fn downgrade(&self) {
        // Release: readers that enter from now on must see the writer's changes.
        let state = self.state.fetch_sub(WRITE_LOCKED - READ_LOCKED, Release)
            - (WRITE_LOCKED - READ_LOCKED);
        // Readers asleep behind this writer may now share the lock, unless a writer waits:
        // then they keep waiting, for write preference. (A stale writers' flag is left for
        // the read unlock to clear: clearing it while the lock is held could strand a
        // writer that just went to sleep behind it.)
        if has_readers_waiting(state) && !has_writers_waiting(state) {
            // Relaxed: those readers acquire through their own CAS on `state`, which reads
            // from the release sequence of the subtraction above.
            self.state.fetch_and(!READERS_WAITING, Relaxed);
            futex::wake_all(&self.state);
        }
    }

    /// Called after an unlock that left the count at 0 with a flag set: wakes one writer if
    /// any is queued (readers keep waiting), or else clears the flags and wakes the readers.
    #[cold]
    fn wake_writer_or_readers(&self, mut state: u32) {
        // Relaxed on every CAS here: the caller's unlock released the lock; the flags order
        // nothing, and the woken re-check the words.
        loop {
            if !is_unlocked(state) {
                // Someone took the lock meanwhile; its unlock will look at the flags.
                return;
            }
            if has_writers_waiting(state) {
                // SeqCst fence: acquires the flag setter's `writers_queued` count (its CAS
                // released it), and pairs with the fence in `write_contended` (see there).
                fence(SeqCst);
                // Relaxed: ordered by the fence.
                if self.writers_queued.load(Relaxed) != 0 {
                    // Both flags stay: readers stay out until the writer has been in.
                    self.wake_writer();
                    return;
                }
                // The flag is stale (its writer took the lock and left). A writer that
                // queues from now on sees the lock free and does not sleep.
                match self.state.compare_exchange(state, state & !WRITERS_WAITING, Relaxed, Relaxed)
                {
                    Ok(_) => state &= !WRITERS_WAITING,
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            if has_readers_waiting(state) {
                match self.state.compare_exchange(state, state & !READERS_WAITING, Relaxed, Relaxed)
                {
                    Ok(_) => futex::wake_all(&self.state),
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            return;
        }
    }

    /// Bumps the wake counter and wakes one writer asleep on it.
    fn wake_writer(&self) {
        // Release: pairs with the Acquire load in `write_contended`.
        self.writer_wake.fetch_add(1, Release);
        futex::wake_one(&self.writer_wake);
    }
}

/// A reader-writer lock: shared `&T` for any number of readers, or `&mut T` for one writer.
///
/// `read` and `write` wait (spinning briefly, then sleeping in the OS) and return the guard
/// itself; `try_read` and `try_write` never wait. `new` is a `const fn` (usable in a
/// `static`), and an unlocked lock can be moved.
///
/// # Write preference
///
/// A writer that has to wait stops new readers from entering until it has had its turn, so
/// readers that keep arriving cannot starve it. The flip side: a thread that takes a second
/// read lock while it already holds one can deadlock if a writer queued in between.
///
/// # No poisoning, no re-locking
///
/// As with [`Mutex`](super::Mutex): a panic while a guard is held releases the lock during
/// unwinding and leaves the data as the panic found it, and a thread that asks for a lock it
/// cannot get because it holds the conflicting one itself (write after read, read or write
/// after write) waits forever.
///
/// # Readers share a word
///
/// Every read lock and unlock writes the lock word, so two threads reading through one
/// `RwLock` at once pass its cache line back and forth even though neither waits for the
/// other. Spread hot data over several locks on different cache lines (cellar's
/// `ShardedMap` does, one lock per shard) when many threads read at once.
///
/// # Examples
///
/// ```
/// use cellar::sync::RwLock;
///
/// let config = RwLock::new(String::from("fast"));
/// {
///     let a = config.read();
///     let b = config.read(); // many readers at once
///     assert_eq!(*a, *b);
/// }
/// config.write().push_str("er");
/// assert_eq!(*config.read(), "faster");
/// ```
///
/// # Invariants
///
/// - `data` is read only through read or write guards and written only through a write
///   guard, each of which exists only while its lock is held in `raw` (or through
///   `&mut self` / `self`).
pub struct RwLock<T: ?Sized> {
    raw: RawRwLock,
    data: UnsafeCell<T>,
}

// SAFETY:
// - Moving the lock moves the T inside it, so it may cross threads when T can.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY:
// - Sharing the lock hands `&mut T` to one thread at a time (T: Send) and `&T` to many
//   threads at once (T: Sync), as for std's RwLock.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T> RwLock<T> {
    /// A new, unlocked lock holding `value`. Usable in a `static`.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// static NAMES: RwLock<Vec<&str>> = RwLock::new(Vec::new());
    /// NAMES.write().push("fox");
    /// assert_eq!(NAMES.read()[0], "fox");
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { raw: RawRwLock::new(), data: UnsafeCell::new(value) }
    }

    /// A new, unlocked lock holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { raw: RawRwLock::new(), data: UnsafeCell::new(value) }
    }

    /// Consumes the lock and returns its value.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// assert_eq!(RwLock::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Takes a read lock, waiting while a writer holds the lock or waits for it.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let (a, b) = (lock.read(), lock.read());
    /// assert_eq!(*a + *b, 2);
    /// ```
    #[inline]
    pub fn read(&self) -> RwLockReadGuard<'_, T> {
        self.raw.read();
        // SAFETY:
        // - This thread just took a read lock.
        unsafe { RwLockReadGuard::new(self) }
    }

    /// Takes a read lock if that is possible without waiting: `None` while a writer holds
    /// the lock or waits for it.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let writer = lock.write();
    /// assert!(lock.try_read().is_none());
    /// drop(writer);
    /// assert_eq!(*lock.try_read().unwrap(), 1);
    /// ```
    #[inline]
    pub fn try_read(&self) -> Option<RwLockReadGuard<'_, T>> {
        if self.raw.try_read() {
            // SAFETY:
            // - This thread just took a read lock.
            Some(unsafe { RwLockReadGuard::new(self) })
        } else {
            None
        }
    }

    /// Takes the write lock, waiting until no reader or writer holds it.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// let lock = RwLock::new(vec![1]);
    /// lock.write().push(2);
    /// assert_eq!(*lock.read(), [1, 2]);
    /// ```
    #[inline]
    pub fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.raw.write();
        // SAFETY:
        // - This thread just took the write lock.
        unsafe { RwLockWriteGuard::new(self) }
    }

    /// Takes the write lock if nobody holds the lock right now.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// let lock = RwLock::new(0);
    /// let reader = lock.read();
    /// assert!(lock.try_write().is_none());
    /// drop(reader);
    /// *lock.try_write().unwrap() += 1;
    /// assert_eq!(*lock.read(), 1);
    /// ```
    #[inline]
    pub fn try_write(&self) -> Option<RwLockWriteGuard<'_, T>> {
        if self.raw.try_write() {
            // SAFETY:
            // - This thread just took the write lock.
            Some(unsafe { RwLockWriteGuard::new(self) })
        } else {
            None
        }
    }

    /// The value, through `&mut self`: no locking is needed, since the borrow is unique.
    ///
    /// ```
    /// use cellar::sync::RwLock;
    ///
    /// let mut lock = RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(*lock.read(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY:
        // - `&mut self` rules out every guard (guards borrow `self`), so this is the only
        //   access to the data for the returned lifetime.
        self.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T: Default> Default for RwLock<T> {
    /// A lock holding `T::default()`.
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    /// A lock holding `value`.
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    /// Shows the value if a read lock is free to take, `<locked>` otherwise; it never waits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("RwLock");
        match self.try_read() {
            Some(guard) => out.field("data", &&*guard),
            None => out.field("data", &format_args!("<locked>")),
        };
        out.finish_non_exhaustive()
    }
}

/// A held read lock of an [`RwLock`]: derefs to `&T`, unlocks on drop.
///
/// `!Send` (the lock is released on the thread that took it); `Sync` when `T: Sync`.
///
/// ```
/// use cellar::sync::{RwLock, RwLockReadGuard};
///
/// let lock = RwLock::new(3);
/// let guard: RwLockReadGuard<'_, i32> = lock.read();
/// assert_eq!(*guard, 3);
/// ```
#[must_use = "the read lock is released as soon as the guard is dropped"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    /// Makes the guard `!Send`.
    _not_send: PhantomData<*const ()>,
}

// SAFETY:
// - A shared read guard gives only `&T` to the threads it is shared with: needs T: Sync.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// # Safety
    ///
    /// - The current thread holds a read lock of `lock.raw`, which this guard will release.
    unsafe fn new(lock: &'a RwLock<T>) -> Self {
        Self { lock, _not_send: PhantomData }
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY:
        // - A read lock is held, so no write guard exists and nobody can make `&mut T`
        //   until it is released, which needs this guard gone.
        self.lock.data.with(|data| unsafe { &*data })
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY:
        // - The guard holds one read lock and gives it up once, here.
        unsafe { self.lock.raw.read_unlock() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockReadGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// The held write lock of an [`RwLock`]: derefs to `&mut T`, unlocks on drop, and can be
/// [downgraded](Self::downgrade) to a read lock.
///
/// `!Send`; `Sync` when `T: Sync`.
///
/// ```
/// use cellar::sync::{RwLock, RwLockWriteGuard};
///
/// let lock = RwLock::new(3);
/// let mut guard: RwLockWriteGuard<'_, i32> = lock.write();
/// *guard += 1;
/// drop(guard);
/// assert_eq!(*lock.read(), 4);
/// ```
#[must_use = "the write lock is released as soon as the guard is dropped"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    lock: &'a RwLock<T>,
    /// Makes the guard `!Send`.
    _not_send: PhantomData<*const ()>,
}

// SAFETY:
// - A shared write guard gives only `&T` (Deref needs `&self`; DerefMut needs `&mut self`,
//   which sharing rules out): needs T: Sync.
unsafe impl<T: ?Sized + Sync> Sync for RwLockWriteGuard<'_, T> {}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    /// # Safety
    ///
    /// - The current thread holds the write lock of `lock.raw`, which this guard will
    ///   release.
    unsafe fn new(lock: &'a RwLock<T>) -> Self {
        Self { lock, _not_send: PhantomData }
    }

    /// Turns the write lock into a read lock, atomically: no writer can get in between, so
    /// the reader sees exactly what it wrote. Readers that were waiting only for this writer
    /// may enter alongside.
    ///
    /// ```
    /// use cellar::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(0);
    /// let mut writer = lock.write();
    /// *writer = 42;
    /// let reader = RwLockWriteGuard::downgrade(writer);
    /// assert_eq!(*reader, 42);
    /// assert_eq!(*lock.try_read().unwrap(), 42); // other readers may share it now
    /// assert!(lock.try_write().is_none());
    /// ```
    pub fn downgrade(guard: Self) -> RwLockReadGuard<'a, T> {
        // The write guard must not run its Drop: its lock becomes the read guard's.
        let guard = ManuallyDrop::new(guard);
        let lock = guard.lock;
        // SAFETY:
        // - The guard held the write lock; downgrade turns it into the read lock that the
        //   returned guard now holds (the write guard's Drop will not run).
        unsafe { lock.raw.downgrade() };
        // SAFETY:
        // - This thread now holds a read lock of `lock.raw`.
        unsafe { RwLockReadGuard::new(lock) }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY:
        // - The write lock is held: no other guard exists, and `&mut T` can be made only
        //   through `&mut self` of this guard, which the borrow of `self` excludes.
        self.lock.data.with(|data| unsafe { &*data })
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY:
        // - The write lock is held and `&mut self` makes this the only reference derived
        //   from the guard for the returned lifetime.
        self.lock.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY:
        // - The guard holds the write lock and gives it up once, here.
        unsafe { self.lock.raw.write_unlock() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

/// Guards are `!Send`, `Sync` only for `T: Sync`; the lock is `Sync` only for
/// `T: Send + Sync`.
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<cellar::sync::RwLockReadGuard<'static, u32>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_send<T: Send>() {}
/// assert_send::<cellar::sync::RwLockWriteGuard<'static, u32>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::RwLockReadGuard<'static, core::cell::Cell<u32>>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::RwLockWriteGuard<'static, core::cell::Cell<u32>>>();
/// ```
/// ```compile_fail,E0277
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<cellar::sync::RwLock<core::cell::Cell<u32>>>();
/// ```
#[cfg(doctest)]
mod doctest_auto_traits {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    fn assert_send<T: Send>() {}
    fn assert_sync<T: Sync>() {}

    #[test]
    fn auto_traits_are_as_documented() {
        assert_send::<RwLock<u32>>();
        assert_sync::<RwLock<u32>>();
        assert_send::<RwLock<core::cell::Cell<u32>>>();
        assert_sync::<RwLockReadGuard<'static, u32>>();
        assert_sync::<RwLockWriteGuard<'static, u32>>();
    }

    #[test]
    fn state_constants_do_not_overlap() {
        assert_eq!(MASK & (READERS_WAITING | WRITERS_WAITING), 0);
        assert!(is_write_locked(WRITE_LOCKED | READERS_WAITING));
        assert!(!is_read_lockable(3 | WRITERS_WAITING));
        assert!(!is_read_lockable(READERS_WAITING));
        assert!(is_read_lockable(MAX_READERS - 1));
        assert!(!is_read_lockable(MAX_READERS));
    }

    static STATIC: RwLock<u32> = RwLock::new(1);

    #[test]
    fn works_in_a_static() {
        *STATIC.write() += 1;
        assert_eq!(*STATIC.read(), 2);
    }

    #[test]
    fn readers_share_and_exclude_writers() {
        let lock = RwLock::new(5);
        let a = lock.read();
        let b = lock.try_read().expect("readers share");
        assert!(lock.try_write().is_none());
        drop(a);
        assert!(lock.try_write().is_none());
        drop(b);
        let mut w = lock.try_write().expect("free once the readers left");
        assert!(lock.try_read().is_none());
        assert!(lock.try_write().is_none());
        *w = 6;
        drop(w);
        assert_eq!(lock.raw.state.load(SeqCst), 0);
        assert_eq!(*lock.read(), 6);
    }

    #[test]
    fn downgrade_keeps_writers_out_and_lets_readers_in() {
        let lock = RwLock::new(vec![1]);
        let mut w = lock.write();
        w.push(2);
        let r = RwLockWriteGuard::downgrade(w);
        assert_eq!(*r, [1, 2]);
        assert!(lock.try_write().is_none());
        assert_eq!(lock.try_read().expect("shared after downgrade").len(), 2);
        drop(r);
        assert_eq!(lock.raw.state.load(SeqCst), 0);
        lock.write().push(3);
    }

    #[test]
    fn downgrade_wakes_sleeping_readers() {
        let lock = RwLock::new(0);
        let mut w = lock.write();
        std::thread::scope(|s| {
            let reader = s.spawn(|| *lock.read());
            while !has_readers_waiting(lock.raw.state.load(SeqCst)) {
                std::thread::yield_now();
            }
            *w = 7;
            let r = RwLockWriteGuard::downgrade(w);
            // The reader can finish while this read lock is still held.
            assert_eq!(reader.join().unwrap(), 7);
            drop(r);
        });
    }

    #[test]
    fn an_unlocked_lock_can_be_moved() {
        let lock = RwLock::new(String::from("a"));
        lock.write().push('b');
        let moved = std::thread::spawn(move || {
            lock.write().push('c');
            lock
        })
        .join()
        .unwrap();
        let boxed = Box::new(moved);
        assert_eq!(boxed.read().as_str(), "abc");
        assert_eq!(boxed.into_inner(), "abc");
    }

    #[test]
    fn get_mut_into_inner_default_from() {
        let mut lock = RwLock::from(1);
        *lock.get_mut() += 1;
        assert_eq!(lock.into_inner(), 2);
        assert_eq!(RwLock::<u8>::default().into_inner(), 0);
        let unsized_lock: &RwLock<[u8]> = &RwLock::new([1, 2]);
        unsized_lock.write()[1] = 3;
        assert_eq!(&*unsized_lock.read(), &[1, 3]);
    }

    #[test]
    fn a_panic_while_locked_releases_the_lock() {
        let lock = RwLock::new(0);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut w = lock.write();
            *w = 1;
            panic!("while writing");
        }));
        assert!(result.is_err());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _r = lock.read();
            panic!("while reading");
        }));
        assert!(result.is_err());
        assert_eq!(lock.raw.state.load(SeqCst), 0);
        assert_eq!(*lock.write(), 1);
    }

    #[test]
    fn debug_while_locked_does_not_deadlock() {
        let lock = RwLock::new(1);
        let r = lock.read();
        assert_eq!(format!("{lock:?}"), "RwLock { data: 1, .. }");
        drop(r);
        let w = lock.write();
        assert_eq!(format!("{lock:?}"), "RwLock { data: <locked>, .. }");
        assert_eq!(format!("{w:?} {w}"), "1 1");
        let r = RwLockWriteGuard::downgrade(w);
        assert_eq!(format!("{r:?} {r}"), "1 1");
    }

    /// A queued writer stops new readers, and goes before the reader that queued after it.
    #[test]
    fn a_waiting_writer_goes_before_later_readers() {
        let lock = RwLock::new(0);
        let order = StdMutex::new(Vec::new());
        let first_reader = lock.read();
        std::thread::scope(|s| {
            s.spawn(|| {
                let mut w = lock.write();
                *w += 1;
                order.lock().unwrap().push("writer");
            });
            // The writer cannot get in past the read lock; once it queues, new readers fail.
            while lock.try_read().is_some() {
                std::thread::yield_now();
            }
            assert!(has_writers_waiting(lock.raw.state.load(SeqCst)));
            s.spawn(|| {
                let r = lock.read();
                order.lock().unwrap().push("reader");
                assert_eq!(*r, 1, "the reader queued after the writer sees its write");
            });
            // Wait until that reader sleeps behind the writer, then let both go.
            while !has_readers_waiting(lock.raw.state.load(SeqCst)) {
                std::thread::yield_now();
            }
            assert!(lock.try_read().is_none());
            drop(first_reader);
        });
        assert_eq!(*order.lock().unwrap(), ["writer", "reader"]);
        assert_eq!(lock.raw.state.load(SeqCst) & MASK, 0);
    }

    #[test]
    fn writers_wake_each_other() {
        let lock = RwLock::new(0u32);
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..crate::rounds(2_000) {
                        *lock.write() += 1;
                        let r = lock.read();
                        assert!(*r >= 1);
                    }
                });
            }
        });
        assert_eq!(lock.into_inner() as usize, 4 * crate::rounds(2_000));
    }

    #[test]
    #[should_panic(expected = "too many read locks")]
    fn too_many_readers_panics() {
        let lock = RwLock::new(());
        // Pretend MAX_READERS readers hold it, then ask for one more.
        lock.raw.state.store(MAX_READERS, SeqCst);
        let _r = lock.read();
    }
}
