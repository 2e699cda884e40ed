//! Loom models of `sync::OnceCell` and `sync::Lazy`: the once-only guarantee, waiters that
//! get the runner's value, and a failed initializer followed by another thread's.
//!
//! Under loom the futex has a real wait queue, so a waiter that is never woken stays blocked
//! and loom reports the deadlock: "woken" here means woken by the runner's `wake`. The models
//! keep to one waiter to stay within CI's time.

use cellar_tokens::sync::{Lazy, OnceCell};
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use loom::thread;

/// Counts its drops, so the models can check the value is dropped exactly once.
struct Counted(u64, Arc<AtomicUsize>);
impl Drop for Counted {
    fn drop(&mut self) {
        self.1.fetch_add(1, Relaxed);
    }
}

#[test]
fn two_threads_initialize_once_and_see_the_same_value() {
    loom::model(|| {
        let cell = Arc::new(OnceCell::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let drops = Arc::new(AtomicUsize::new(0));
        let racer = {
            let (cell, runs, drops) = (cell.clone(), runs.clone(), drops.clone());
            thread::spawn(move || {
                cell.get_or_init(|| {
                    runs.fetch_add(1, Relaxed);
                    Counted(1, drops)
                })
                .0
            })
        };
        let mine = cell
            .get_or_init(|| {
                runs.fetch_add(1, Relaxed);
                Counted(2, drops.clone())
            })
            .0;
        let theirs = racer.join().unwrap();
        assert_eq!(mine, theirs, "both threads see the one value");
        assert_eq!(runs.load(Relaxed), 1, "exactly one initializer ran");
        assert_eq!(drops.load(Relaxed), 0);
        drop(Arc::try_unwrap(cell).ok().expect("the racer is joined"));
        assert_eq!(drops.load(Relaxed), 1, "the value is dropped once, with the cell");
    });
}

#[test]
fn a_reader_that_sees_the_value_sees_all_of_it() {
    loom::model(|| {
        let cell = Arc::new(OnceCell::new());
        let writer = {
            let cell = cell.clone();
            thread::spawn(move || cell.set(Box::new([7u64; 4])).is_ok())
        };
        // Reading the slot concurrently with its write would be a race loom reports.
        if let Some(value) = cell.get() {
            assert_eq!(**value, [7; 4]);
        }
        assert!(writer.join().unwrap());
        assert_eq!(cell.get().map(|v| **v), Some([7; 4]));
    });
}

#[test]
fn set_and_get_or_init_race_for_the_cell() {
    loom::model(|| {
        let cell = Arc::new(OnceCell::new());
        let setter = {
            let cell = cell.clone();
            thread::spawn(move || cell.set(1).is_ok())
        };
        let mine = *cell.get_or_init(|| 2);
        let set_won = setter.join().unwrap();
        assert_eq!(mine, if set_won { 1 } else { 2 });
        assert_eq!(cell.get(), Some(&mine));
    });
}

#[test]
fn after_a_failed_initializer_another_thread_initializes() {
    loom::model(|| {
        let cell = Arc::new(OnceCell::new());
        let attempts = Arc::new(AtomicUsize::new(0));
        let failing = {
            let (cell, attempts) = (cell.clone(), attempts.clone());
            thread::spawn(move || {
                cell.get_or_try_init(|| {
                    attempts.fetch_add(1, Relaxed);
                    Err::<Box<u64>, _>("no")
                })
                .map(|v| **v)
            })
        };
        // Whether it waited for the failing runner or ran first, this thread ends with its
        // own value: a failure never leaves a value behind or a waiter stuck.
        let mine = cell.get_or_try_init(|| {
            attempts.fetch_add(1, Relaxed);
            Ok::<_, &str>(Box::new(7u64))
        });
        assert_eq!(mine.map(|v| **v), Ok(7));
        let theirs = failing.join().unwrap();
        // The failing thread got its error, or (if it came second) the value.
        match theirs {
            Err(e) => {
                assert_eq!(e, "no");
                assert_eq!(attempts.load(Relaxed), 2);
            }
            Ok(v) => {
                assert_eq!(v, 7);
                assert_eq!(attempts.load(Relaxed), 1);
            }
        }
    });
}

#[test]
fn a_lazy_is_made_once() {
    loom::model(|| {
        let runs = Arc::new(AtomicUsize::new(0));
        let lazy = {
            let runs = runs.clone();
            Arc::new(Lazy::new(move || {
                runs.fetch_add(1, Relaxed);
                Box::new(5u64)
            }))
        };
        let other = {
            let lazy = lazy.clone();
            thread::spawn(move || ***lazy)
        };
        assert_eq!(***lazy, 5);
        assert_eq!(other.join().unwrap(), 5);
        assert_eq!(runs.load(Relaxed), 1);
    });
}
