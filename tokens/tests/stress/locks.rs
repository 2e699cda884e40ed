//! Stress tests of `Mutex`, `RwLock` and `ReentrantMutex`: many threads, a million
//! operations or more per lock at scale 1, invariants checked inside and at the end.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::thread;

use cellar_tokens::sync::{Mutex, ReentrantMutex, RwLock, RwLockWriteGuard};

use crate::scale;

const THREADS: usize = 4;

/// Two counters that belong together: a thread that sees them differ saw another thread
/// inside the critical section.
#[derive(Default)]
struct Pair {
    a: u64,
    b: u64,
}

#[test]
fn mutex_counter_equals_increments() {
    let per_thread = 250_000 * scale();
    let mutex = Mutex::new(Pair::default());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..per_thread {
                    let mut pair = mutex.lock();
                    assert_eq!(pair.a, pair.b, "two threads inside the mutex");
                    pair.a += 1;
                    pair.b += 1;
                }
            });
        }
    });
    let pair = mutex.into_inner();
    assert_eq!(pair.a, (THREADS * per_thread) as u64);
    assert_eq!(pair.b, pair.a);
}

#[test]
fn mutex_try_lock_and_lock_mixed() {
    let per_thread = 100_000 * scale();
    let mutex = Mutex::new(0u64);
    let taken = AtomicU64::new(0);
    thread::scope(|s| {
        for t in 0..THREADS {
            let (mutex, taken) = (&mutex, &taken);
            s.spawn(move || {
                for i in 0..per_thread {
                    if (t + i) % 2 == 0 {
                        *mutex.lock() += 1;
                        taken.fetch_add(1, SeqCst);
                    } else if let Some(mut guard) = mutex.try_lock() {
                        *guard += 1;
                        taken.fetch_add(1, SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(mutex.into_inner(), taken.into_inner());
}

#[test]
fn rwlock_readers_never_see_a_half_write() {
    let per_thread = 250_000 * scale();
    let lock = RwLock::new([0u64; 4]);
    let writes = AtomicU64::new(0);
    thread::scope(|s| {
        for t in 0..THREADS {
            let (lock, writes) = (&lock, &writes);
            s.spawn(move || {
                for i in 0..per_thread {
                    // One write in eight; every fourth write downgrades and re-checks.
                    if (i + t) % 8 == 0 {
                        let mut w = lock.write();
                        let x = w[0] + 1;
                        for word in w.iter_mut() {
                            *word = x;
                        }
                        writes.fetch_add(1, SeqCst);
                        if i % 32 == 0 {
                            let r = RwLockWriteGuard::downgrade(w);
                            assert_eq!(*r, [x; 4], "a writer got in during a downgrade");
                        }
                    } else {
                        let r = lock.read();
                        assert!(r.iter().all(|&w| w == r[0]), "torn read: {:?}", *r);
                    }
                }
            });
        }
    });
    assert_eq!(lock.into_inner(), [writes.into_inner(); 4]);
}

/// Readers that always overlap (each takes its next read lock before it lets go of the
/// last) would keep a reader-preferring lock busy forever. Here the writer must still get
/// all its turns while they run: a queued writer makes `try_read` fail, the readers then
/// let go, and the writer goes in.
#[test]
fn rwlock_writer_gets_in_while_readers_keep_arriving() {
    const WRITES: u64 = 100;
    const READERS: usize = 2;
    // Far more reads than honest runs need; hit only if the writer is starved.
    let read_cap = 20_000_000 * scale() as u64;
    let lock = RwLock::new(0u64);
    let writer_done = AtomicBool::new(false);
    let capped = AtomicBool::new(false);
    thread::scope(|s| {
        for _ in 0..READERS {
            s.spawn(|| {
                let mut held = lock.read();
                let mut reads = 0u64;
                while !writer_done.load(SeqCst) {
                    if reads == read_cap {
                        capped.store(true, SeqCst);
                        return;
                    }
                    reads += 1;
                    let seen = *held;
                    held = match lock.try_read() {
                        Some(next) => next,
                        None => {
                            // A writer waits: let go, then queue behind it.
                            drop(held);
                            lock.read()
                        }
                    };
                    assert!(*held >= seen, "values only grow");
                }
            });
        }
        s.spawn(|| {
            for _ in 0..WRITES {
                *lock.write() += 1;
            }
            writer_done.store(true, SeqCst);
        });
    });
    assert!(!capped.load(SeqCst), "readers kept the writer out for {read_cap} reads");
    assert_eq!(lock.into_inner(), WRITES);
}

#[test]
fn reentrant_mutex_counts_nested_holds() {
    let per_thread = 250_000 * scale();
    let mutex = ReentrantMutex::new(Cell::new(0u64));
    thread::scope(|s| {
        for t in 0..THREADS {
            let mutex = &mutex;
            s.spawn(move || {
                for i in 0..per_thread {
                    let outer = mutex.lock();
                    let before = outer.get();
                    // Nest one to three deep; nobody else may get in meanwhile.
                    let depth = 1 + (i + t) % 3;
                    let guards: Vec<_> = (0..depth).map(|_| mutex.lock()).collect();
                    guards[0].set(before + 1);
                    drop(guards);
                    assert_eq!(outer.get(), before + 1, "another thread got in");
                }
            });
        }
    });
    assert_eq!(mutex.into_inner().get(), (THREADS * per_thread) as u64);
}
