//! The one place that chooses between std's and loom's atomics, `UnsafeCell` and spin hints.
//!
//! Every primitive imports these names from here, never from `std` directly, so that
//! `RUSTFLAGS="--cfg loom"` swaps the whole crate onto loom's model checker at once.
//! [`UnsafeCell`] has loom's `with`/`with_mut` shape in both builds, and [`futex`] is the
//! one door to the operating system's wait queue.
#![allow(unused_imports)]

#[cfg(loom)]
pub(crate) use loom::{
    cell::UnsafeCell,
    hint::spin_loop,
    sync::atomic::{
        AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16,
        AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    },
    thread::yield_now,
};

#[cfg(not(loom))]
pub(crate) use core::{
    hint::spin_loop,
    sync::atomic::{
        AtomicBool, AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16,
        AtomicU32, AtomicU64, AtomicUsize, Ordering, fence,
    },
};
#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;

/// `core::cell::UnsafeCell` with loom's access shape: the pointer is only reachable inside a
/// closure, so loom can track every read and write when the crate is built for it.
#[cfg(not(loom))]
#[derive(Debug, Default)]
#[repr(transparent)]
pub(crate) struct UnsafeCell<T: ?Sized>(core::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    #[inline(always)]
    pub(crate) const fn new(value: T) -> Self {
        Self(core::cell::UnsafeCell::new(value))
    }

    #[inline(always)]
    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[cfg(not(loom))]
impl<T: ?Sized> UnsafeCell<T> {
    /// Calls `f` with a pointer for reading the value.
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Calls `f` with a pointer for writing the value.
    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// Blocking on a 32-bit word: the operating system's wait queue where there is one.
///
/// `wait` may return spuriously, so every caller re-checks its condition in a loop. Under
/// loom, waiting is a yield (loom explores the schedules in which the waker runs next); on
/// Linux it is the futex; elsewhere it is a yield to the OS scheduler.
pub(crate) mod futex {
    use super::AtomicU32;

    /// Blocks while `*word == expected`, or until woken; may return early.
    #[inline]
    pub(crate) fn wait(word: &AtomicU32, expected: u32) {
        imp::wait(word, expected)
    }

    /// Wakes at most one thread blocked in [`wait`] on `word`.
    #[inline]
    pub(crate) fn wake_one(word: &AtomicU32) {
        imp::wake(word, 1)
    }

    /// Wakes every thread blocked in [`wait`] on `word`.
    #[inline]
    pub(crate) fn wake_all(word: &AtomicU32) {
        imp::wake(word, i32::MAX)
    }

    #[cfg(all(not(loom), target_os = "linux"))]
    mod imp {
        #![allow(unsafe_code)] // The futex system call has no safe wrapper in std.

        use super::AtomicU32;

        pub(super) fn wait(word: &AtomicU32, expected: u32) {
            // SAFETY:
            // - `word.as_ptr()` points to a live, aligned u32 for the whole call, because `word`
            //   is borrowed for it; the kernel only reads it atomically.
            // - FUTEX_WAIT with a null timeout takes no other pointers.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    word.as_ptr(),
                    libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                    expected,
                    core::ptr::null::<libc::timespec>(),
                );
            }
        }

        pub(super) fn wake(word: &AtomicU32, count: i32) {
            // SAFETY:
            // - `word.as_ptr()` points to a live, aligned u32; FUTEX_WAKE does not dereference
            //   it, it only names the wait queue.
            unsafe {
                libc::syscall(
                    libc::SYS_futex,
                    word.as_ptr(),
                    libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                    count,
                );
            }
        }
    }

    #[cfg(any(loom, not(target_os = "linux")))]
    mod imp {
        use super::super::{Ordering::Relaxed, yield_now};
        use super::AtomicU32;

        pub(super) fn wait(word: &AtomicU32, expected: u32) {
            // Relaxed: only a hint; the caller re-checks its condition with its own ordering.
            if word.load(Relaxed) == expected {
                yield_now();
            }
        }

        pub(super) fn wake(_word: &AtomicU32, _count: i32) {}
    }
}

/// A number for the calling thread, unique among all threads of the process for its whole
/// run (a counter, so not reused when a thread exits), never zero. Under loom, one per loom
/// thread. For locks that record their owner (`ReentrantMutex`).
#[inline]
pub(crate) fn thread_id() -> core::num::NonZeroUsize {
    use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    // Relaxed: only uniqueness matters, which the read-modify-write gives by itself.
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    fn next() -> usize {
        let id = NEXT.fetch_add(1, Relaxed);
        // Counting to usize::MAX threads takes centuries; wrapping would reuse ids.
        assert!(id != usize::MAX, "thread id counter overflowed");
        id
    }

    #[cfg(not(loom))]
    {
        use core::cell::Cell;
        std::thread_local! { static ID: Cell<usize> = const { Cell::new(0) }; }
        let id = ID.get();
        let id = if id != 0 {
            id
        } else {
            let id = next();
            ID.set(id);
            id
        };
        core::num::NonZeroUsize::new(id).expect("ids start at 1")
    }
    #[cfg(loom)]
    {
        loom::thread_local! { static ID: usize = next(); }
        core::num::NonZeroUsize::new(ID.with(|id| *id)).expect("ids start at 1")
    }
}
