//! Loom models of `Mutex`, `RwLock` and `ReentrantMutex`.
//!
//! The protected data sits in loom's own `UnsafeCell` ([`Checked`]), so loom reports any two
//! accesses that the lock fails to order, not only wrong final values. Under loom the futex
//! has a real wait queue (`primitive::futex`): a waiter that no `wake` takes off the queue
//! stays blocked, so a lost wake-up is a deadlock that loom reports.

use cellar_tokens::sync::{Mutex, ReentrantMutex, RwLock, RwLockWriteGuard};
use loom::sync::Arc;
use loom::thread;

/// A value whose every access loom checks for a data race.
struct Checked(loom::cell::UnsafeCell<u64>);

// SAFETY:
// - Accesses go through `get`/`set`, whose callers hold a lock that orders them; loom
//   checks exactly that, and fails the model if they are not ordered.
unsafe impl Sync for Checked {}

impl Checked {
    fn new(value: u64) -> Self {
        Self(loom::cell::UnsafeCell::new(value))
    }

    fn get(&self) -> u64 {
        // SAFETY:
        // - Loom tracks this read and fails the model if a write is not ordered with it.
        self.0.with(|p| unsafe { *p })
    }

    fn set(&self, value: u64) {
        // SAFETY:
        // - Loom tracks this write and fails the model if another access is not ordered.
        self.0.with_mut(|p| unsafe { *p = value })
    }
}

#[test]
fn mutex_excludes_and_loses_no_update() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(Checked::new(0)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let mutex = mutex.clone();
                thread::spawn(move || {
                    let guard = mutex.lock();
                    guard.set(guard.get() + 1);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(mutex.lock().get(), 2);
    });
}

#[test]
fn mutex_try_lock_and_lock_exclude() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(Checked::new(0)));
        let other = mutex.clone();
        let t = thread::spawn(move || {
            if let Some(guard) = other.try_lock() {
                guard.set(guard.get() + 1);
            }
        });
        {
            let guard = mutex.lock();
            guard.set(guard.get() + 10);
        }
        t.join().unwrap();
        let total = mutex.lock().get();
        assert!(total == 10 || total == 11);
    });
}

/// A thread blocked in `lock` gets the lock once the holder lets go.
#[test]
fn mutex_wakes_a_blocked_waiter() {
    loom::model(|| {
        let mutex = Arc::new(Mutex::new(Checked::new(0)));
        let guard = mutex.lock();
        let other = mutex.clone();
        let t = thread::spawn(move || {
            let guard = other.lock();
            assert_eq!(guard.get(), 1, "the waiter sees the holder's write");
            guard.set(2);
        });
        guard.set(1);
        drop(guard);
        t.join().unwrap();
        assert_eq!(mutex.lock().get(), 2);
    });
}

/// Kept to two threads: with a third, the waiting loops make the schedule space too large
/// for CI.
#[test]
fn rwlock_readers_and_writers_exclude() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new((Checked::new(0), Checked::new(0))));
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || {
                let w = lock.write();
                w.0.set(1);
                w.1.set(1);
            })
        };
        let r = lock.read();
        assert_eq!(r.0.get(), r.1.get(), "a reader saw half a write");
        drop(r);
        writer.join().unwrap();
        assert_eq!(lock.read().0.get(), 1);
    });
}

#[test]
fn rwlock_writers_lose_no_update() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(Checked::new(0)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let lock = lock.clone();
                thread::spawn(move || {
                    let w = lock.write();
                    w.set(w.get() + 1);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(lock.read().get(), 2);
    });
}

/// No writer gets in between a write and its downgrade; readers then share.
#[test]
fn rwlock_downgrade_is_atomic() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(Checked::new(0)));
        let other = lock.clone();
        let writer = thread::spawn(move || {
            let w = other.write();
            w.set(2);
        });
        let w = lock.write();
        w.set(1);
        let r = RwLockWriteGuard::downgrade(w);
        assert_eq!(r.get(), 1, "a writer got in during the downgrade");
        drop(r);
        writer.join().unwrap();
    });
}

/// Readers blocked behind a writer enter after it downgrades.
#[test]
fn rwlock_downgrade_lets_waiting_readers_in() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(Checked::new(0)));
        let w = lock.write();
        let other = lock.clone();
        let reader = thread::spawn(move || other.read().get());
        w.set(5);
        let r = RwLockWriteGuard::downgrade(w);
        // The reader may finish while this read lock is still held.
        assert_eq!(reader.join().unwrap(), 5);
        drop(r);
    });
}

/// Once a reader has seen a writer queued (`try_read` fails while only readers hold the
/// lock), the writer goes before any later reader.
#[test]
fn rwlock_queued_writer_goes_before_later_readers() {
    loom::model(|| {
        let lock = Arc::new(RwLock::new(Checked::new(0)));
        let r = lock.read();
        let other = lock.clone();
        let writer = thread::spawn(move || {
            let w = other.write();
            w.set(1);
        });
        let writer_queued = lock.try_read().is_none();
        drop(r);
        let seen = lock.read().get();
        if writer_queued {
            assert_eq!(seen, 1, "a reader got in before the queued writer");
        }
        writer.join().unwrap();
    });
}

#[test]
fn reentrant_mutex_nests_and_excludes() {
    loom::model(|| {
        let mutex = Arc::new(ReentrantMutex::new(Checked::new(0)));
        let other = mutex.clone();
        let t = thread::spawn(move || {
            let outer = other.lock();
            let inner = other.lock();
            inner.set(inner.get() + 1);
            drop(outer);
            inner.set(inner.get() + 1);
        });
        {
            let outer = mutex.lock();
            let inner = mutex.try_lock().expect("the owner may re-lock");
            outer.set(outer.get() + 10);
            drop(inner);
        }
        t.join().unwrap();
        assert_eq!(mutex.lock().get(), 12);
    });
}

/// Three threads: with more than one waiter, every unlock must still wake someone. Bounded
/// to one preemption so the model stays small.
fn three_thread_model(f: impl Fn() + Sync + Send + 'static) {
    let mut model = loom::model::Builder::new();
    model.preemption_bound = Some(1);
    model.check(f);
}

#[test]
fn mutex_three_threads_all_get_in() {
    three_thread_model(|| {
        let mutex = Arc::new(Mutex::new(Checked::new(0)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let mutex = mutex.clone();
                thread::spawn(move || {
                    let guard = mutex.lock();
                    guard.set(guard.get() + 1);
                })
            })
            .collect();
        {
            let guard = mutex.lock();
            guard.set(guard.get() + 1);
        }
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(mutex.lock().get(), 3);
    });
}

#[test]
fn rwlock_two_readers_and_a_writer() {
    three_thread_model(|| {
        let lock = Arc::new(RwLock::new((Checked::new(0), Checked::new(0))));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let lock = lock.clone();
                thread::spawn(move || {
                    let r = lock.read();
                    assert_eq!(r.0.get(), r.1.get(), "a reader saw half a write");
                })
            })
            .collect();
        {
            let w = lock.write();
            w.0.set(1);
            w.1.set(1);
        }
        for t in readers {
            t.join().unwrap();
        }
        assert_eq!(lock.read().1.get(), 1);
    });
}
