//! A sequence lock: readers copy the value without writing anything, and retry if a writer
//! got in the way.
//!
//! A reader loads the stamp, copies the value with atomic word loads, and loads the stamp
//! again: if it was even and has not changed, no write overlapped the copy. Writers take the
//! lock by making the stamp odd and release it by adding one more, so every completed write
//! moves the stamp on by two. Readers never store to shared memory, so any number of them
//! read in parallel without bouncing a cache line between cores.
//!
//! A reader that keeps losing to writers gives up after [`READ_TRIES`] optimistic tries and
//! takes the lock itself, so a stream of writes cannot starve it forever.
#![allow(unsafe_code)] // Racy reads validated by a stamp, through `atomic_copy`.

use core::fmt;

use super::atomic_copy::RacyCell;
use super::backoff::Backoff;
use crate::primitive::{
    AtomicUsize,
    Ordering::{Acquire, Relaxed, Release},
    fence,
};

/// Optimistic copies a reader attempts before it takes the lock.
#[cfg(all(
    not(any(miri, cellar_sanitize)),
    any(loom, target_arch = "x86_64", target_arch = "aarch64")
))]
const READ_TRIES: u32 = 8;

/// The stamp of a sequence lock, without the data it guards.
///
/// # Invariants
///
/// - A thread that changed `state` from even to odd holds the write lock until it stores an
///   even value again; nobody else changes `state` meanwhile.
/// - Data guarded by the stamp is written only by the lock holder, after the stamp turned
///   odd (ordered by the `Release` fence in [`write`](Self::write)).
pub(crate) struct SeqStamp {
    /// Even: unlocked, and the value has been written `state / 2` times (wrapping). Odd: a
    /// thread holds the lock.
    state: AtomicUsize,
}

impl SeqStamp {
    /// An unlocked stamp.
    #[cfg(not(loom))]
    pub(crate) const fn new() -> Self {
        Self { state: AtomicUsize::new(0) }
    }

    /// An unlocked stamp.
    #[cfg(loom)]
    pub(crate) fn new() -> Self {
        Self { state: AtomicUsize::new(0) }
    }

    /// The stamp to validate a copy against, or `None` while a writer holds the lock.
    #[cfg(all(
        not(any(miri, cellar_sanitize)),
        any(loom, target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[inline(always)]
    pub(crate) fn optimistic_read(&self) -> Option<usize> {
        // Acquire: pairs with the Release store that unlocked, so the copy sees at least the
        // writes of that critical section.
        let stamp = self.state.load(Acquire);
        (stamp & 1 == 0).then_some(stamp)
    }

    /// Whether no write overlapped the copy made since [`optimistic_read`] returned `stamp`.
    ///
    /// [`optimistic_read`]: Self::optimistic_read
    #[cfg(all(
        not(any(miri, cellar_sanitize)),
        any(loom, target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[inline(always)]
    pub(crate) fn validate_read(&self, stamp: usize) -> bool {
        // Acquire fence: pairs with the writer's Release fence; if the copy read any word a
        // writer stored, the load below sees that writer's odd stamp (or a later one).
        fence(Acquire);
        // Relaxed: ordered by the fence above.
        self.state.load(Relaxed) == stamp
    }

    /// Takes the lock, spinning with backoff while another thread holds it.
    #[inline]
    pub(crate) fn write(&self) -> SeqWriteGuard<'_> {
        let mut backoff = Backoff::new();
        loop {
            // Relaxed: only a guess; the compare-exchange below decides.
            let stamp = self.state.load(Relaxed);
            // Acquire: pairs with the Release store of the previous unlock, so this critical
            // section comes after that one.
            if stamp & 1 == 0
                && self.state.compare_exchange_weak(stamp, stamp + 1, Acquire, Relaxed).is_ok()
            {
                // Release fence: orders the odd stamp before the data stores that follow
                // (pairs with the Acquire fence of `validate_read`).
                fence(Release);
                return SeqWriteGuard { lock: self, stamp };
            }
            backoff.snooze();
        }
    }
}

impl SeqStamp {
    /// Takes the lock only if no write happened since [`optimistic_read`] returned `stamp`
    /// (and nobody holds the lock): a value validated against `stamp` is then still the
    /// current one for the whole critical section.
    ///
    /// [`optimistic_read`]: Self::optimistic_read
    #[cfg(all(
        not(any(miri, cellar_sanitize)),
        any(loom, target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[inline]
    pub(crate) fn try_upgrade(&self, stamp: usize) -> Option<SeqWriteGuard<'_>> {
        // Acquire: as in `write`.
        self.state.compare_exchange(stamp, stamp + 1, Acquire, Relaxed).ok()?;
        // Release fence: as in `write`.
        fence(Release);
        Some(SeqWriteGuard { lock: self, stamp })
    }
}

impl fmt::Debug for SeqStamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Relaxed: a diagnostic snapshot.
        f.debug_struct("SeqStamp").field("state", &self.state.load(Relaxed)).finish()
    }
}

/// Proof of holding a [`SeqStamp`]'s lock; unlocks on drop, recording a write.
pub(crate) struct SeqWriteGuard<'a> {
    lock: &'a SeqStamp,
    /// The even stamp from before locking.
    stamp: usize,
}

impl SeqWriteGuard<'_> {
    /// Unlocks without recording a write: for a lock holder that only read. Optimistic
    /// readers that started before the lock was taken still validate, rightly.
    #[inline]
    pub(crate) fn abort(self) {
        let this = core::mem::ManuallyDrop::new(self);
        // Release: pairs with the Acquire of the next locker and of optimistic readers.
        this.lock.state.store(this.stamp, Release);
    }
}

impl Drop for SeqWriteGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // Release: publishes the data stores to readers whose Acquire load sees this stamp.
        self.lock.state.store(self.stamp.wrapping_add(2), Release);
    }
}

/// A `Copy` value that any number of threads read and write whole, readers never blocking
/// each other.
///
/// Readers copy the value optimistically with atomic word loads and check a sequence stamp
/// to see whether a writer overlapped them; writers serialize on the stamp as a spin lock.
/// Reads cost two loads of the stamp and the copy, and write nothing, so they scale across
/// cores; writes cost one compare-and-swap and a store. After a bounded number of failed
/// optimistic tries a reader takes the lock, so writers cannot starve it.
///
/// No reference into the lock is ever handed out: [`get`](Self::get) returns a copy and
/// [`set`](Self::set) takes one. Use it for small, often-read, seldom-written values too big
/// for [`AtomicCell`](super::AtomicCell)'s lock-free path: a transform, a bounding box, a
/// configuration record.
///
/// # Examples
///
/// ```
/// use cellar::sync::SeqLock;
///
/// #[derive(Clone, Copy, Debug, PartialEq)]
/// struct Bounds { min: [f64; 2], max: [f64; 2] }
///
/// static BOUNDS: SeqLock<Bounds> = SeqLock::new(Bounds { min: [0.0; 2], max: [1.0; 2] });
///
/// std::thread::scope(|s| {
///     s.spawn(|| BOUNDS.set(Bounds { min: [-1.0; 2], max: [2.0; 2] }));
///     s.spawn(|| {
///         let b = BOUNDS.get(); // the old value or the new one, never a mix
///         assert!(b.min[0] == 0.0 || b.min[0] == -1.0);
///     });
/// });
/// assert_eq!(BOUNDS.get().max, [2.0; 2]);
/// ```
///
/// # Values that hold pointers
///
/// Any `Copy` value works, references included: words move as `MaybeUninit` operands of
/// `asm!` (or by a plain copy under the lock), never through integers, so a pointer inside
/// `T` keeps its provenance.
///
/// ```
/// use cellar::sync::SeqLock;
///
/// let lock = SeqLock::new(("name", &[1u8, 2][..]));
/// lock.set(("other", &[3][..]));
/// assert_eq!(lock.get(), ("other", &[3u8][..]));
/// ```
///
/// # Thread safety
///
/// `SeqLock<T>` is `Send` when `T` is, and `Sync` when `T: Send`: values cross threads only
/// whole, never as `&T`. Contents that may not move between threads make it neither:
///
/// ```compile_fail,E0277
/// fn shared<T: Sync>() {}
/// shared::<cellar::sync::SeqLock<std::rc::Rc<u8>>>();
/// ```
///
/// # Invariants
///
/// - `value` follows the invariants of its type, with `stamp` as its lock: it is written only
///   by the thread holding `stamp`'s lock, and every optimistic copy is validated against the
///   stamp before it is used.
pub struct SeqLock<T> {
    stamp: SeqStamp,
    value: RacyCell<T>,
}

// SAFETY:
// - values cross threads only as whole copies moved in and out (never `&T`), so `T: Send`
//   suffices, as for `Mutex`.
unsafe impl<T: Send> Sync for SeqLock<T> {}

impl<T: Copy> SeqLock<T> {
    /// A lock holding `value`. `const`, so it can initialize a `static`.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// static ORIGIN: SeqLock<(f32, f32)> = SeqLock::new((0.0, 0.0));
    /// assert_eq!(ORIGIN.get(), (0.0, 0.0));
    /// ```
    #[cfg(not(loom))]
    pub const fn new(value: T) -> Self {
        Self { stamp: SeqStamp::new(), value: RacyCell::new(value) }
    }

    /// A lock holding `value` (not `const` under loom).
    #[cfg(loom)]
    pub fn new(value: T) -> Self {
        Self { stamp: SeqStamp::new(), value: RacyCell::new(value) }
    }

    /// A copy of the value: the one some `set` wrote, never a mix of two.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// let lock = SeqLock::new([1u64, 2, 3, 4]);
    /// assert_eq!(lock.get(), [1, 2, 3, 4]);
    /// ```
    #[inline]
    pub fn get(&self) -> T {
        #[cfg(all(
            not(any(miri, cellar_sanitize)),
            any(loom, target_arch = "x86_64", target_arch = "aarch64")
        ))]
        {
            let mut backoff = Backoff::new();
            for _ in 0..READ_TRIES {
                if let Some(stamp) = self.stamp.optimistic_read() {
                    // SAFETY:
                    // - writers follow `RacyCell`'s rules with `stamp` as the lock (type
                    //   invariants); the copy is used only once validated below.
                    let copy = unsafe { self.value.load_racy() };
                    if self.stamp.validate_read(stamp) {
                        // SAFETY:
                        // - no write overlapped the copy (validated), so it holds the bytes of
                        //   a `T` written whole by `set`, which is valid.
                        return unsafe { copy.assume_init() };
                    }
                }
                backoff.snooze();
            }
        }
        let guard = self.stamp.write();
        // SAFETY:
        // - we hold the lock; `T: Copy`, so reading leaves a valid value behind.
        let value = unsafe { self.value.read_locked() };
        guard.abort();
        value
    }

    /// Replaces the value.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// let lock = SeqLock::new(1u8);
    /// lock.set(2);
    /// assert_eq!(lock.get(), 2);
    /// ```
    #[inline]
    pub fn set(&self, value: T) {
        let guard = self.stamp.write();
        // SAFETY:
        // - we hold the lock; the old value is `Copy` and needs no drop.
        unsafe { self.value.write_locked(value) };
        drop(guard);
    }

    /// Replaces the value and returns the old one, in one critical section.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// let lock = SeqLock::new((1, 'a'));
    /// assert_eq!(lock.replace((2, 'b')), (1, 'a'));
    /// assert_eq!(lock.get(), (2, 'b'));
    /// ```
    #[inline]
    pub fn replace(&self, value: T) -> T {
        let guard = self.stamp.write();
        // SAFETY:
        // - we hold the lock, and overwrite the old `Copy` value right after.
        let old = unsafe { self.value.read_locked() };
        // SAFETY:
        // - we hold the lock; the old value has been copied out.
        unsafe { self.value.write_locked(value) };
        drop(guard);
        old
    }

    /// Takes the value out of the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// assert_eq!(SeqLock::new(7).into_inner(), 7);
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    /// The value, through a unique borrow: no other thread can be reading or writing it.
    ///
    /// Not available under loom, whose model keeps the value in atomic words.
    ///
    /// # Examples
    ///
    /// ```
    /// use cellar::sync::SeqLock;
    ///
    /// let mut lock = SeqLock::new(1);
    /// *lock.get_mut() += 1;
    /// assert_eq!(lock.get(), 2);
    /// ```
    #[cfg(not(loom))]
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

impl<T: Copy + Default> Default for SeqLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Copy> From<T> for SeqLock<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for SeqLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeqLock").field("value", &self.get()).finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::SeqLock;

    #[derive(Clone, Copy, Debug, PartialEq, Default)]
    struct Padded {
        a: u8,
        b: u64,
        c: u16,
    }

    fn round_trip<T: Copy + PartialEq + std::fmt::Debug + Default>(a: T, b: T, c: T) {
        let lock = SeqLock::new(a);
        assert_eq!(lock.get(), a);
        lock.set(b);
        assert_eq!(lock.get(), b);
        assert_eq!(lock.replace(c), b);
        assert_eq!(lock.get(), c);
        assert_eq!(format!("{lock:?}"), format!("SeqLock {{ value: {c:?} }}"));
        let mut lock = SeqLock::from(a);
        *lock.get_mut() = b;
        assert_eq!(lock.into_inner(), b);
        assert_eq!(SeqLock::<T>::default().get(), T::default());
    }

    #[test]
    fn every_method_on_every_width() {
        round_trip((), (), ());
        round_trip(1u8, 2, 3);
        round_trip([1u8; 3], [2; 3], [3; 3]);
        round_trip(1u16, 2, 3);
        round_trip(1u32, 2, 3);
        round_trip(1u64, 2, 3);
        round_trip(1u128, u128::MAX, 3);
        round_trip([1u64; 4], [2; 4], [3; 4]);
        round_trip(Padded { a: 1, b: 2, c: 3 }, Padded { a: 4, b: 5, c: 6 }, Padded::default());
        round_trip(Some(1u32), None, Some(3));
    }

    #[test]
    fn readers_never_see_a_mix() {
        let lock = SeqLock::new([0u64; 4]);
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 1..=crate::rounds(20_000) as u64 {
                    lock.set([i; 4]);
                }
            });
            for _ in 0..2 {
                s.spawn(|| {
                    let mut last = 0;
                    for _ in 0..crate::rounds(20_000) {
                        let [a, b, c, d] = lock.get();
                        assert!(a == b && b == c && c == d, "torn read {a} {b} {c} {d}");
                        assert!(a >= last, "values go back in time: {a} after {last}");
                        last = a;
                    }
                });
            }
        });
        assert_eq!(lock.get(), [crate::rounds(20_000) as u64; 4]);
    }

    #[test]
    fn replace_is_one_critical_section() {
        let lock = SeqLock::new(0u64);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..crate::rounds(5000) {
                        // A lost update would show as a value returned twice.
                        let _ = lock.replace(lock.get() + 1);
                    }
                });
            }
        });
        assert!(lock.get() >= crate::rounds(5000) as u64);
    }

    #[test]
    fn auto_traits_are_as_documented() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<SeqLock<[u64; 4]>>();
        send_sync::<SeqLock<&'static str>>();
    }
}
