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
/// `wait` may return spuriously, so every caller re-checks its condition in a loop. On Linux
/// it is the futex; under loom, a wait queue of loom's own mutex and condition variable with
/// the futex's rules (so a lost wake-up is a deadlock loom reports); elsewhere it is a yield
/// to the OS scheduler.
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

    /// Under loom: a futex with a real wait queue. A waiter stays blocked until a `wake` on
    /// its word takes it off the queue, so a model that forgets a wake ends in a deadlock
    /// that loom reports, instead of passing because the waiter re-read a changed word.
    #[cfg(loom)]
    mod imp {
        use super::super::Ordering::Relaxed;
        use super::AtomicU32;
        use loom::sync::{Condvar, Mutex};

        /// The threads blocked in `wait`, as (word address, ticket), oldest first.
        #[derive(Default)]
        struct Queues {
            next_ticket: u64,
            waiting: Vec<(usize, u64)>,
        }

        loom::lazy_static! {
            static ref QUEUES: (Mutex<Queues>, Condvar) = (Mutex::default(), Condvar::new());
        }

        pub(super) fn wait(word: &AtomicU32, expected: u32) {
            let address = core::ptr::from_ref(word) as usize;
            let (lock, woken) = &*QUEUES;
            let mut queues = lock.lock().unwrap();
            // Checked under the queue lock, as the kernel checks under its bucket lock: a
            // wake that follows a change of the word cannot fall between check and enqueue.
            // Relaxed: the queue lock orders this load after any earlier `wake`.
            if word.load(Relaxed) != expected {
                return;
            }
            queues.next_ticket += 1;
            let ticket = (address, queues.next_ticket);
            queues.waiting.push(ticket);
            while queues.waiting.contains(&ticket) {
                queues = woken.wait(queues).unwrap();
            }
        }

        pub(super) fn wake(word: &AtomicU32, count: i32) {
            let address = core::ptr::from_ref(word) as usize;
            let (lock, woken) = &*QUEUES;
            let mut queues = lock.lock().unwrap();
            let mut left = usize::try_from(count).unwrap_or(0);
            queues.waiting.retain(|&(waiting_on, _)| {
                let wakes = waiting_on == address && left > 0;
                left -= usize::from(wakes);
                !wakes
            });
            drop(queues);
            woken.notify_all();
        }
    }

    #[cfg(all(not(loom), not(target_os = "linux")))]
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
