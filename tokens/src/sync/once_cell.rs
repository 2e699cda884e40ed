//! [`OnceCell`]: a thread-safe cell that is written at most once, then only shared.
//!
//! One 32-bit state word says whether the value exists. Readers pay one `Acquire` load and a
//! compare; everything else (racing initializers, waiting, failed initializers) sits in one
//! out-of-line cold function. The thread that moves the word from empty to running is the
//! only one that writes the value; the others spin briefly and then sleep on the word with the
//! futex until the runner publishes the value (or gives up, when one of them takes over).
#![allow(unsafe_code)] // The value is written through `&self` once, while the state word excludes readers.

use core::convert::Infallible;
use core::fmt;
use core::mem::{self, MaybeUninit};
use core::panic::{RefUnwindSafe, UnwindSafe};

use super::backoff::Backoff;
use crate::primitive::Ordering::{Acquire, Relaxed, Release};
use crate::primitive::{AtomicU32, AtomicUsize, UnsafeCell, futex, thread_id};

/// No value, and no initializer running.
const EMPTY: u32 = 0;
/// One thread runs the initializer; the value is not written yet.
const RUNNING: u32 = 1;
/// Set beside `RUNNING` by a thread that is about to sleep on the word: the runner must wake it.
const WAITERS: u32 = 2;
/// The value is written and published; the word never changes again through `&self`.
const COMPLETE: u32 = 4;

/// The message of the panic when an initializer initializes its own cell.
const RECURSIVE: &str = "sync::OnceCell initialized recursively: the initializer of this cell \
                         tried to initialize (or set) the same cell on the same thread, which \
                         would wait for itself forever";

/// A cell for one value that is set at most once, by any thread, then read through shared
/// references by all of them.
///
/// This is cellar's `std::sync::OnceLock`: [`get`](Self::get) is one `Acquire` load and a
/// compare. When several threads race to initialize an empty cell, exactly one runs its
/// initializer; the others block (a short spin, then the OS wait queue) until the value is
/// there, and then return it without running theirs.
///
/// - An initializer that panics, or returns `Err` from
///   [`get_or_try_init`](Self::get_or_try_init), leaves the cell empty and wakes the blocked
///   threads; one of them then runs *its* initializer.
/// - An initializer that initializes (or [`set`](Self::set)s) its own cell on its own thread
///   panics with a message that says so, instead of waiting for itself forever. Another
///   thread initializing the same cell from inside an initializer can still deadlock, as
///   with any two locks taken in opposite orders.
///
/// # Invariants
///
/// - `state` moves `EMPTY -> RUNNING -> COMPLETE` or `EMPTY -> RUNNING -> EMPTY` through
///   `&self`, and only `&mut self` moves it from `COMPLETE` back to `EMPTY`.
/// - `value` is initialized exactly when `state` is `COMPLETE`. It is written only by the thread
///   that moved `state` from `EMPTY` to `RUNNING`, before it stores `COMPLETE` with `Release`;
///   a `&T` is made only after `COMPLETE` is seen with `Acquire` (or through `&mut self`).
/// - `owner` is the `thread_id()` of the running initializer while `state` is `RUNNING`, and 0
///   otherwise (possibly briefly 0 while `RUNNING`).
///
/// # Examples
///
/// ```
/// use cellar::sync::OnceCell;
///
/// static CONFIG: OnceCell<String> = OnceCell::new();
///
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| assert_eq!(CONFIG.get_or_init(|| "loaded".into()), "loaded"));
///     }
/// });
/// assert_eq!(CONFIG.get().map(String::as_str), Some("loaded"));
/// ```
// `repr(C)` with the value first: `get` then returns the cell's own address, one instruction
// fewer than an offset (the layout `OnceLock` has too).
#[repr(C)]
pub struct OnceCell<T> {
    /// The value; initialized exactly when `state` is `COMPLETE`.
    value: UnsafeCell<MaybeUninit<T>>,
    /// `EMPTY` (0), `RUNNING` (1) with the `WAITERS` bit (2) set once a thread may be asleep
    /// on this word, or `COMPLETE` (4).
    state: AtomicU32,
    /// `thread_id()` of the thread running the initializer, or 0; for catching recursion.
    owner: AtomicUsize,
}

// SAFETY:
// - A shared cell hands out `&T` on every thread that shares it, which needs `T: Sync`, and
//   the value made by whichever thread initializes it is later dropped or taken by the owner
//   of the cell, which needs `T: Send`. These are `std::sync::OnceLock`'s bounds.
unsafe impl<T: Send + Sync> Sync for OnceCell<T> {}

// A panicking initializer leaves the cell empty, never half-written: as `OnceLock`.
impl<T: RefUnwindSafe + UnwindSafe> RefUnwindSafe for OnceCell<T> {}

impl<T> OnceCell<T> {
    /// An empty cell. `const`, so it can be the value of a `static`.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// static ID: OnceCell<u64> = OnceCell::new();
    /// assert_eq!(ID.get(), None);
    /// ```
    #[cfg(not(loom))]
    #[inline]
    #[must_use]
    pub const fn new() -> Self {
        Self {
            state: AtomicU32::new(EMPTY),
            owner: AtomicUsize::new(0),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// An empty cell (not `const` under loom, whose atomics are not).
    #[cfg(loom)]
    #[must_use]
    pub fn new() -> Self {
        Self {
            state: AtomicU32::new(EMPTY),
            owner: AtomicUsize::new(0),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// The value, or `None` if the cell is empty or still being initialized. Never blocks.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(5).unwrap();
    /// assert_eq!(cell.get(), Some(&5));
    /// ```
    #[inline]
    pub fn get(&self) -> Option<&T> {
        if self.is_complete() {
            // SAFETY:
            // - `is_complete` saw `COMPLETE` with `Acquire`.
            Some(unsafe { self.get_unchecked() })
        } else {
            None
        }
    }

    /// Whether the value is there; an `Acquire` load, so that the value is visible after it.
    #[inline]
    fn is_complete(&self) -> bool {
        // Acquire: pairs with the `Release` swap to `COMPLETE` that published the value.
        self.state.load(Acquire) == COMPLETE
    }

    /// The value, without checking that it is there.
    ///
    /// # Safety
    ///
    /// - This thread has seen `state == COMPLETE` with `Acquire` ordering (or holds `&mut`).
    #[inline]
    unsafe fn get_unchecked(&self) -> &T {
        // SAFETY:
        // - `COMPLETE` means the value is initialized (invariants), its write happened before
        //   this read (the caller's `Acquire`), and nothing writes it through `&self` again.
        self.value.with(|slot| unsafe { &*slot.cast::<T>() })
    }

    /// The value, mutably, or `None` if the cell is empty.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(vec![1]);
    /// cell.get_mut().unwrap().push(2);
    /// assert_eq!(cell.get(), Some(&vec![1, 2]));
    /// ```
    #[inline]
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.is_complete_mut() {
            // SAFETY:
            // - The value is initialized (`COMPLETE`), and `&mut self` rules out any other
            //   access to it for the life of the returned reference.
            Some(self.value.with_mut(|slot| unsafe { &mut *slot.cast::<T>() }))
        } else {
            None
        }
    }

    /// `is_complete` for `&mut self`.
    #[inline]
    fn is_complete_mut(&mut self) -> bool {
        // Relaxed: `&mut self` means every write to the word happened before this load.
        self.state.load(Relaxed) == COMPLETE
    }

    /// Stores `value` if the cell is empty; otherwise gives it back as `Err(value)`. If
    /// another thread is initializing the cell, waits for it to finish first.
    ///
    /// # Panics
    ///
    /// If called from inside an initializer of this same cell on the same thread.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.set(1), Ok(()));
    /// assert_eq!(cell.set(2), Err(2));
    /// ```
    pub fn set(&self, value: T) -> Result<(), T> {
        let mut value = Some(value);
        self.get_or_init(|| value.take().expect("an initializer runs at most once"));
        match value {
            None => Ok(()),
            Some(refused) => Err(refused),
        }
    }

    /// The value, after running `f` to make it if the cell is empty. If another thread is
    /// running its initializer, blocks until it is done and returns that value.
    ///
    /// # Panics
    ///
    /// If `f` initializes (or sets) this same cell on the same thread: the message says it was
    /// initialized recursively. If `f` panics, the panic propagates and the cell stays empty.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// assert_eq!(cell.get_or_init(|| 1), &1);
    /// assert_eq!(cell.get_or_init(|| unreachable!()), &1);
    /// ```
    #[inline]
    pub fn get_or_init<F: FnOnce() -> T>(&self, f: F) -> &T {
        match self.get_or_try_init(|| Ok::<T, Infallible>(f())) {
            Ok(value) => value,
            Err(never) => match never {},
        }
    }

    /// The value, after running `f` to make it if the cell is empty; an `Err` from `f` is
    /// returned, leaves the cell empty and lets a waiting thread initialize it instead.
    ///
    /// # Panics
    ///
    /// As [`get_or_init`](Self::get_or_init).
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let cell: OnceCell<u16> = OnceCell::new();
    /// assert!(cell.get_or_try_init(|| "-1".parse::<u16>()).is_err());
    /// assert_eq!(cell.get(), None);
    /// assert_eq!(cell.get_or_try_init(|| "80".parse::<u16>()), Ok(&80));
    /// ```
    #[inline]
    pub fn get_or_try_init<F, E>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Result<T, E>,
    {
        if !self.is_complete() {
            self.initialize(f)?;
        }
        // SAFETY:
        // - Either `is_complete` or `initialize` (returning `Ok`) saw `COMPLETE` with `Acquire`
        //   on this thread, or this thread stored it itself.
        Ok(unsafe { self.get_unchecked() })
    }

    /// The slow path: wins the race to run `f` and publishes its value, or waits for the
    /// thread that won. Returns `Ok` once the cell is `COMPLETE`.
    #[cold]
    #[inline(never)]
    fn initialize<F, E>(&self, f: F) -> Result<(), E>
    where
        F: FnOnce() -> Result<T, E>,
    {
        let me = thread_id().get();
        let mut backoff = Backoff::new();
        // Acquire (here and on every reload): pairs with the `Release` swap to `COMPLETE`.
        let mut state = self.state.load(Acquire);
        loop {
            match state {
                COMPLETE => return Ok(()),
                EMPTY => {
                    // Acquire: pairs with the `Release` reset of an initializer that failed, so
                    // this runner sees everything it did (a `Lazy` taking its function).
                    match self.state.compare_exchange_weak(EMPTY, RUNNING, Acquire, Acquire) {
                        Ok(_) => break,
                        Err(now) => state = now,
                    }
                }
                _running => {
                    // Relaxed: a thread reads its own id here only if it stored it itself and
                    // has not cleared it yet; ids of other live threads differ from it.
                    if self.owner.load(Relaxed) == me {
                        panic!("{RECURSIVE}");
                    }
                    // Under loom, spinning first would only lengthen every explored schedule.
                    if !cfg!(loom) && !backoff.is_completed() {
                        backoff.snooze();
                        state = self.state.load(Acquire);
                        continue;
                    }
                    if state & WAITERS == 0 {
                        // Relaxed: the flag only asks for a wake-up; the value is read after
                        // an `Acquire` load of `COMPLETE`.
                        if let Err(now) = self.state.compare_exchange_weak(
                            RUNNING,
                            RUNNING | WAITERS,
                            Relaxed,
                            Acquire,
                        ) {
                            state = now;
                            continue;
                        }
                    }
                    futex::wait(&self.state, RUNNING | WAITERS);
                    state = self.state.load(Acquire);
                }
            }
        }

        // This thread runs the initializer. If `f` unwinds or fails, `reset` empties the cell
        // and wakes the waiters so that one of them can try.
        struct Reset<'a, T>(&'a OnceCell<T>);
        impl<T> Drop for Reset<'_, T> {
            fn drop(&mut self) {
                self.0.release(EMPTY);
            }
        }
        // Relaxed: read only by this thread for a decision that matters (see above).
        self.owner.store(me, Relaxed);
        let reset = Reset(self);
        let value = f()?;
        mem::forget(reset);
        // SAFETY:
        // - This thread moved `state` from `EMPTY` to `RUNNING`, so it alone writes `value`,
        //   and no thread reads it until `release` below stores `COMPLETE`.
        self.value.with_mut(|slot| unsafe { (*slot).write(value) });
        self.release(COMPLETE);
        Ok(())
    }

    /// Ends this thread's run of the initializer with `EMPTY` or `COMPLETE`, waking sleepers.
    fn release(&self, end: u32) {
        self.owner.store(0, Relaxed);
        // Release: publishes the value (`COMPLETE`) or the runner's other effects (`EMPTY`) to
        // the `Acquire` loads and compare-exchanges of the other threads.
        if self.state.swap(end, Release) & WAITERS != 0 {
            futex::wake_all(&self.state);
        }
    }

    /// Takes the value out, leaving the cell empty (and initializable again).
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let mut cell = OnceCell::from(String::from("a"));
    /// assert_eq!(cell.take().as_deref(), Some("a"));
    /// assert_eq!(cell.get(), None);
    /// ```
    pub fn take(&mut self) -> Option<T> {
        if !self.is_complete_mut() {
            return None;
        }
        // Relaxed: `&mut self` excludes every other access until the next synchronization.
        self.state.store(EMPTY, Relaxed);
        // SAFETY:
        // - The value was initialized (`COMPLETE`); `state` is `EMPTY` now, so this read moves
        //   it out for good: nothing reads or drops it again.
        Some(self.value.with(|slot| unsafe { slot.cast::<T>().read() }))
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// let cell = OnceCell::new();
    /// cell.set(vec![1, 2]).unwrap();
    /// assert_eq!(cell.into_inner(), Some(vec![1, 2]));
    /// ```
    #[inline]
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        if self.is_complete_mut() {
            // SAFETY:
            // - The value is initialized (`COMPLETE`) and dropped only here, once, since the
            //   cell is being dropped.
            self.value.with_mut(|slot| unsafe { slot.cast::<T>().drop_in_place() });
        }
    }
}

impl<T> Default for OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell: cellar::sync::OnceCell<u8> = Default::default();
    /// assert!(cell.get().is_none());
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    /// A cell that already holds `value`.
    ///
    /// ```
    /// let cell = cellar::sync::OnceCell::from('c');
    /// assert_eq!(cell.get(), Some(&'c'));
    /// ```
    fn from(value: T) -> Self {
        Self {
            state: AtomicU32::new(COMPLETE),
            owner: AtomicUsize::new(0),
            value: UnsafeCell::new(MaybeUninit::new(value)),
        }
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    /// A cell with a clone of the value, or an empty cell (also while another thread is
    /// still initializing this one).
    ///
    /// ```
    /// let cell = cellar::sync::OnceCell::from(1);
    /// assert_eq!(cell.clone(), cell);
    /// ```
    fn clone(&self) -> Self {
        match self.get() {
            Some(value) => Self::from(value.clone()),
            None => Self::new(),
        }
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    /// Equal when both are empty, or both hold equal values.
    ///
    /// ```
    /// use cellar::sync::OnceCell;
    ///
    /// assert_eq!(OnceCell::<u8>::new(), OnceCell::new());
    /// assert_ne!(OnceCell::from(1), OnceCell::new());
    /// ```
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut tuple = f.debug_tuple("OnceCell");
        match self.get() {
            Some(value) => tuple.field(value),
            None => tuple.field(&format_args!("<uninit>")),
        };
        tuple.finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::OnceCell;
    use std::cell::Cell;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use std::sync::{Arc, Barrier, MutexGuard};
    use std::thread;
    use std::time::Duration;

    /// Counts its drops in a shared counter.
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Relaxed);
        }
    }

    #[test]
    fn get_or_init_runs_the_initializer_once() {
        let cell = OnceCell::new();
        let runs = Cell::new(0);
        for _ in 0..3 {
            let value = cell.get_or_init(|| {
                runs.set(runs.get() + 1);
                "made"
            });
            assert_eq!(*value, "made");
        }
        assert_eq!(runs.get(), 1);
    }

    #[test]
    fn set_on_a_full_cell_gives_the_value_back() {
        let cell = OnceCell::new();
        assert_eq!(cell.set(String::from("a")), Ok(()));
        assert_eq!(cell.set(String::from("b")), Err(String::from("b")));
        assert_eq!(cell.get().map(String::as_str), Some("a"));
    }

    #[test]
    fn err_from_the_initializer_leaves_the_cell_empty() {
        let cell = OnceCell::new();
        assert_eq!(cell.get_or_try_init(|| Err::<u8, _>("no")), Err("no"));
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_try_init(|| Ok::<_, ()>(4)), Ok(&4));
        assert_eq!(cell.get_or_try_init(|| Err(())), Ok(&4));
    }

    #[test]
    fn a_panicking_initializer_leaves_the_cell_empty_and_initializable() {
        let cell = OnceCell::new();
        let result = catch_unwind(|| cell.get_or_init(|| panic!("boom")));
        assert!(result.is_err());
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_init(|| 9u8), &9);
    }

    #[test]
    fn a_waiter_initializes_the_cell_after_the_runner_panics() {
        let cell = OnceCell::new();
        let running = Barrier::new(2);
        thread::scope(|s| {
            let runner = s.spawn(|| {
                catch_unwind(AssertUnwindSafe(|| {
                    cell.get_or_init(|| {
                        running.wait();
                        // Give the waiter time to block (correct without it, just less tested).
                        thread::sleep(Duration::from_millis(20));
                        panic!("the first initializer fails")
                    })
                }))
                .is_err()
            });
            running.wait();
            let waiter = s.spawn(|| *cell.get_or_init(|| 2));
            assert!(runner.join().unwrap(), "the runner's panic propagates to it");
            assert_eq!(waiter.join().unwrap(), 2, "the waiter made the value");
        });
        assert_eq!(cell.get(), Some(&2));
    }

    #[test]
    fn waiters_get_the_runners_value() {
        let cell = OnceCell::new();
        let runs = AtomicUsize::new(0);
        let start = Barrier::new(8);
        thread::scope(|s| {
            for i in 0..8 {
                let (cell, runs, start) = (&cell, &runs, &start);
                s.spawn(move || {
                    start.wait();
                    let value = *cell.get_or_init(|| {
                        runs.fetch_add(1, Relaxed);
                        thread::sleep(Duration::from_millis(5));
                        i
                    });
                    assert!(value < 8);
                    assert_eq!(Some(&value), cell.get());
                });
            }
        });
        assert_eq!(runs.load(Relaxed), 1);
    }

    #[test]
    #[should_panic(expected = "sync::OnceCell initialized recursively")]
    fn recursive_initialization_panics() {
        let cell = OnceCell::new();
        cell.get_or_init(|| *cell.get_or_init(|| 1) + 1);
    }

    #[test]
    #[should_panic(expected = "sync::OnceCell initialized recursively")]
    fn set_from_the_initializer_panics() {
        let cell = OnceCell::new();
        cell.get_or_init(|| {
            let _ = cell.set(1);
            2
        });
    }

    #[test]
    fn a_cell_that_caught_its_recursion_panic_is_still_usable() {
        let cell = OnceCell::new();
        let result = catch_unwind(|| cell.get_or_init(|| *cell.get_or_init(|| 1) + 1));
        assert!(result.is_err());
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_init(|| 5), &5);
    }

    #[test]
    fn nested_cells_are_not_recursion() {
        let outer = OnceCell::new();
        let inner = OnceCell::new();
        assert_eq!(outer.get_or_init(|| *inner.get_or_init(|| 1) + 1), &2);
    }

    #[test]
    fn take_and_get_mut_and_into_inner() {
        let mut cell = OnceCell::new();
        assert_eq!(cell.get_mut(), None);
        assert_eq!(cell.take(), None);
        cell.set(1).unwrap();
        *cell.get_mut().unwrap() = 2;
        assert_eq!(cell.take(), Some(2));
        assert_eq!(cell.get(), None);
        assert_eq!(cell.get_or_init(|| 3), &3, "a taken cell initializes again");
        assert_eq!(cell.into_inner(), Some(3));
        assert_eq!(OnceCell::<u8>::new().into_inner(), None);
    }

    #[test]
    fn the_value_is_dropped_exactly_once() {
        let drops = Arc::new(AtomicUsize::new(0));
        {
            let cell = OnceCell::new();
            cell.get_or_init(|| Counted(drops.clone()));
            drop(cell.set(Counted(drops.clone())));
            assert_eq!(drops.load(Relaxed), 1, "the refused value, dropped by the caller");
        }
        assert_eq!(drops.load(Relaxed), 2);
        let mut cell = OnceCell::from(Counted(drops.clone()));
        let taken = cell.take();
        drop(cell);
        assert_eq!(drops.load(Relaxed), 2, "an emptied cell drops nothing");
        drop(taken);
        assert_eq!(drops.load(Relaxed), 3);
        drop(OnceCell::<Counted>::new());
        let into = OnceCell::from(Counted(drops.clone())).into_inner();
        assert_eq!(drops.load(Relaxed), 3, "into_inner moves the value out");
        drop(into);
        assert_eq!(drops.load(Relaxed), 4);
    }

    #[test]
    fn zero_sized_values() {
        let cell = OnceCell::new();
        assert_eq!(cell.get(), None);
        assert_eq!(cell.set(()), Ok(()));
        assert_eq!(cell.set(()), Err(()));
        assert_eq!(cell.get(), Some(&()));
    }

    #[test]
    fn statics() {
        static CELL: OnceCell<Vec<u8>> = OnceCell::new();
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(CELL.get_or_init(|| vec![1, 2]), &[1, 2]));
            }
        });
    }

    #[test]
    fn traits() {
        let empty: OnceCell<u8> = OnceCell::default();
        assert_eq!(format!("{empty:?}"), "OnceCell(<uninit>)");
        assert_eq!(format!("{:?}", OnceCell::from(1)), "OnceCell(1)");
        assert_eq!(empty.clone(), OnceCell::new());
        assert_eq!(OnceCell::from(2).clone().get(), Some(&2));
        assert_ne!(OnceCell::from(2), OnceCell::from(3));
    }

    // As `OnceLock`: Send when `T: Send`, Sync when `T: Send + Sync`.
    assert_not_impl!(OnceCell<Cell<u8>>: Sync); // Send + !Sync
    assert_not_impl!(OnceCell<MutexGuard<'static, u8>>: Sync); // !Send + Sync
    assert_not_impl!(OnceCell<MutexGuard<'static, u8>>: Send);
    assert_not_impl!(OnceCell<std::rc::Rc<u8>>: Send);

    #[test]
    fn send_and_sync_as_once_lock() {
        fn is_send<T: Send>() {}
        fn is_sync<T: Sync>() {}
        is_send::<OnceCell<u8>>();
        is_sync::<OnceCell<u8>>();
        is_send::<OnceCell<Cell<u8>>>();
        fn is_unwind_safe<T: std::panic::RefUnwindSafe>() {}
        is_unwind_safe::<OnceCell<u8>>();
    }
}
