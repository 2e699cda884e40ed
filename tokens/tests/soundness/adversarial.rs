//! The primitives used the way an attacker would, in safe code: guards forgotten instead of
//! dropped, initializers that recurse or panic, panics while a lock is held, and values whose
//! `Drop` or `Eq` misbehave. Each must end in a clear panic, an `Err`, or a lock that stays
//! held (a leak is safe): never a second `&mut`, a double drop or a torn value.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use cellar_tokens::arena::{QArena, QCellOwner};
use cellar_tokens::sync::{self, AtomicCell, Mutex, ReentrantMutex, RwLock, SeqLock, SpinLock};
use cellar_tokens::unsync;

fn message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn forgotten_lock_guards_keep_the_lock_held() {
    let mutex = Mutex::new(1);
    std::mem::forget(mutex.lock());
    assert!(mutex.try_lock().is_none(), "a forgotten guard leaks the lock, never frees it");

    let lock = RwLock::new(2);
    std::mem::forget(lock.read());
    assert!(lock.try_write().is_none(), "a forgotten reader still counts");
    assert_eq!(*lock.try_read().unwrap(), 2, "other readers still get in");
    let lock = RwLock::new(3);
    std::mem::forget(lock.write());
    assert!(lock.try_read().is_none() && lock.try_write().is_none());

    let reentrant = ReentrantMutex::new(4);
    std::mem::forget(reentrant.lock());
    assert_eq!(*reentrant.lock(), 4, "the owning thread re-enters");
    std::thread::scope(|s| {
        assert!(s.spawn(|| reentrant.try_lock().is_none()).join().unwrap(), "others stay out");
    });

    // `&mut` access needs no lock, so a leaked lock is still recoverable by its owner.
    let mut mutex = mutex;
    *mutex.get_mut() = 5;
    assert_eq!(mutex.into_inner(), 5);
}

#[test]
fn arena_views_leave_nothing_behind() {
    let mut owner = QCellOwner::new();
    let mut arena = QArena::new(&owner);
    let a = arena.insert(1);
    let b = arena.insert(2);
    let mut view = arena.rw(&mut owner).unwrap();
    *view.get_mut(a).unwrap() = 10;
    // Views hold no lock and have no `Drop`: forgetting one is the same as dropping it, and
    // the only thing that ends is the borrow of the owner.
    let _ = view;
    assert_eq!(arena.as_slice(&owner).unwrap(), [10, 2]);
    assert_eq!(arena.get_many_mut(&mut owner, [a, a]).unwrap(), None, "equal keys alias");
    assert!(arena.get_many_mut(&mut owner, [a, b]).unwrap().is_some());
}

#[test]
fn a_panic_while_locked_leaves_every_lock_usable() {
    let mutex = Mutex::new(vec![1]);
    let lock = RwLock::new(vec![1]);
    let spin = SpinLock::new(1);
    let reentrant = ReentrantMutex::new(Cell::new(1));
    let _ = catch_unwind(AssertUnwindSafe(|| {
        mutex.lock().push(2);
        panic!("inside")
    }));
    let _ = catch_unwind(AssertUnwindSafe(|| {
        lock.write().push(2);
        panic!("inside")
    }));
    let _ = catch_unwind(AssertUnwindSafe(|| {
        spin.with(|v| {
            *v = 2;
            panic!("inside")
        })
    }));
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let outer = reentrant.lock();
        let inner = reentrant.lock();
        inner.set(2);
        drop(outer);
        panic!("inside")
    }));
    // No poisoning: the value holds what was written before the panic, and the lock is free.
    assert_eq!(*mutex.try_lock().unwrap(), [1, 2]);
    assert_eq!(*lock.try_write().unwrap(), [1, 2]);
    assert_eq!(spin.get(), 2);
    assert_eq!(reentrant.try_lock().unwrap().get(), 2);
}

#[test]
fn recursive_initializers_panic_with_a_message_and_leave_the_cell_usable() {
    let cell = sync::OnceCell::<u32>::new();
    let payload = catch_unwind(AssertUnwindSafe(|| cell.get_or_init(|| *cell.get_or_init(|| 1))))
        .unwrap_err();
    assert!(message(payload).contains("recursive"), "sync: says why");
    assert_eq!(cell.get(), None);
    assert_eq!(cell.get_or_init(|| 2), &2);

    let cell = unsync::OnceCell::<u32>::new();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        cell.get_or_init(|| {
            let _ = cell.set(1);
            2
        })
    }))
    .unwrap_err();
    assert!(message(payload).contains("recursive"), "unsync: says why");
    assert_eq!(cell.get_or_init(|| 3), &3);

    static LAZY: sync::Lazy<u32> = sync::Lazy::new(|| *LAZY + 1);
    assert!(catch_unwind(|| *LAZY).is_err(), "a lazy that reads itself panics, never deadlocks");
}

#[test]
fn panicking_initializers_leave_the_cell_empty_for_the_next_try() {
    let cell = sync::OnceCell::<String>::new();
    assert!(catch_unwind(AssertUnwindSafe(|| cell.get_or_init(|| panic!("first")))).is_err());
    assert_eq!(cell.get(), None);
    let result: Result<&String, ()> = cell.get_or_try_init(|| Err(()));
    assert!(result.is_err());
    assert_eq!(cell.get_or_init(|| "second".into()), "second");

    // Across threads: racers that lose to a panicking initializer try again themselves.
    let cell = sync::OnceCell::<usize>::new();
    let attempts = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    cell.get_or_init(|| {
                        if attempts.fetch_add(1, SeqCst) == 0 {
                            panic!("the first initializer fails");
                        }
                        7
                    })
                }));
            });
        }
    });
    assert_eq!(cell.get(), Some(&7));

    let lazy = unsync::Lazy::new(|| -> u8 { panic!("never made") });
    assert!(catch_unwind(AssertUnwindSafe(|| *lazy)).is_err());
    let later = message(catch_unwind(AssertUnwindSafe(|| *lazy)).unwrap_err());
    assert!(later.contains("poisoned"), "a failed lazy says so: {later}");
}

/// Counts its drops, and panics in `Drop` when told to.
struct Loud<'a> {
    drops: &'a AtomicUsize,
    panic_on_drop: bool,
}
impl Drop for Loud<'_> {
    fn drop(&mut self) {
        self.drops.fetch_add(1, SeqCst);
        if self.panic_on_drop {
            panic!("drop");
        }
    }
}

#[test]
fn a_panicking_drop_in_a_cell_drops_everything_once() {
    let drops = AtomicUsize::new(0);
    let loud = |panic_on_drop| Loud { drops: &drops, panic_on_drop };
    // 8 bytes: the lock-free path; `store` drops the old value after the new one is in.
    let cell = AtomicCell::new(loud(true));
    assert!(catch_unwind(AssertUnwindSafe(|| cell.store(loud(false)))).is_err());
    assert_eq!(drops.load(SeqCst), 1);
    drop(cell);
    assert_eq!(drops.load(SeqCst), 2);
    // 24 bytes: the lock path; the stripe must not stay locked by the panic.
    let cell = AtomicCell::new((loud(true), 0u64, 0u64));
    assert!(catch_unwind(AssertUnwindSafe(|| cell.store((loud(false), 1, 1)))).is_err());
    assert_eq!(cell.swap((loud(false), 2, 2)).1, 1, "the stripe is free again");
    assert_eq!(drops.load(SeqCst), 4);
    drop(cell);
    assert_eq!(drops.load(SeqCst), 5);
    let mutex = Mutex::new(loud(true));
    assert!(catch_unwind(AssertUnwindSafe(|| *mutex.lock() = loud(false))).is_err());
    assert!(mutex.try_lock().is_some(), "the guard unlocked while unwinding");
    drop(mutex);
    assert_eq!(drops.load(SeqCst), 7);
}

/// An `Eq` that panics (when either side is marked) or lies (never equal, even to itself);
/// no padding, so equal values have equal bits.
#[derive(Clone, Copy, Debug)]
#[repr(align(8))]
struct Touchy(u32, u32);
impl PartialEq for Touchy {
    fn eq(&self, other: &Self) -> bool {
        assert!(self.1 == 0 && other.1 == 0, "eq on a touchy value");
        false
    }
}
impl Eq for Touchy {}

#[test]
fn misbehaving_eq_never_corrupts_a_cell() {
    // Lock-free and lock paths: `compare_exchange` runs `Eq` outside any lock.
    let small = AtomicCell::new(Touchy(1, 0));
    let big = AtomicCell::new([Touchy(1, 0); 3]);
    // Lock-free, the bits match and the exchange succeeds before `Eq` is asked; on the lock
    // path `Eq` decides, and says no.
    let swapped = small.compare_exchange(Touchy(1, 0), Touchy(2, 0)).is_ok();
    assert_eq!(swapped, AtomicCell::<Touchy>::is_lock_free());
    assert!(
        catch_unwind(AssertUnwindSafe(
            || big.compare_exchange([Touchy(1, 1); 3], [Touchy(9, 0); 3])
        ))
        .is_err()
    );
    // The panic left no stripe locked, and a lying `Eq` fails the exchange, nothing more.
    assert!(big.compare_exchange([Touchy(1, 0); 3], [Touchy(9, 0); 3]).is_err());
    assert_eq!(big.load()[2].0, 1);
    let lock = SeqLock::new([Touchy(5, 0); 4]);
    lock.set([Touchy(6, 0); 4]);
    assert_eq!(lock.get()[3].0, 6);
}
