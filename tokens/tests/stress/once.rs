//! Stress of `sync::OnceCell` and `sync::Lazy`: threads race through many fresh cells, and
//! every cell must be initialized exactly once, with every reader seeing the whole value.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::thread;

use cellar_tokens::sync::{Lazy, OnceCell};

const THREADS: usize = 4;

/// Every thread calls `get_or_try_init` on every cell, in the same order, so the threads
/// collide on each fresh cell. A third of the cells fail their first initialization with
/// `Err`; the next attempt must then succeed, and no cell may see more than one success.
#[test]
fn racing_threads_initialize_each_cell_exactly_once() {
    let cells_count = 250_000 * super::scale(); // x 4 threads = 1M operations at scale 1
    let cells: Vec<OnceCell<[u64; 4]>> = (0..cells_count).map(|_| OnceCell::new()).collect();
    let attempts: Vec<AtomicU32> = (0..cells_count).map(|_| AtomicU32::new(0)).collect();
    let start = Barrier::new(THREADS);
    let errors = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let (cells, attempts, start) = (&cells, &attempts, &start);
                s.spawn(move || {
                    start.wait();
                    let mut errors = 0usize;
                    // Odd threads walk backwards, so cells are raced from both ends too.
                    let order: Box<dyn Iterator<Item = usize>> = if t % 2 == 0 {
                        Box::new(0..cells.len())
                    } else {
                        Box::new((0..cells.len()).rev())
                    };
                    for i in order {
                        let x = i as u64;
                        let result = cells[i].get_or_try_init(|| {
                            let attempt = attempts[i].fetch_add(1, Relaxed);
                            if i % 3 == 0 && attempt == 0 { Err(()) } else { Ok([x, x, x, x]) }
                        });
                        match result {
                            Ok(value) => assert_eq!(*value, [x; 4], "a torn or foreign value"),
                            Err(()) => errors += 1,
                        }
                    }
                    errors
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum::<usize>()
    });
    assert_eq!(errors, cells_count.div_ceil(3), "one failed attempt per third cell");
    for (i, (cell, attempts)) in cells.iter().zip(&attempts).enumerate() {
        let expected = if i % 3 == 0 { 2 } else { 1 };
        assert_eq!(attempts.load(Relaxed), expected, "cell {i}: initializers run");
        assert_eq!(cell.get(), Some(&[i as u64; 4]));
    }
}

/// Readers poll `get` while a writer fills cells one by one: a value seen is a whole value.
#[test]
fn readers_never_see_a_partly_written_value() {
    let cells_count = 100_000 * super::scale();
    let cells: Vec<OnceCell<Box<[u64; 4]>>> = (0..cells_count).map(|_| OnceCell::new()).collect();
    thread::scope(|s| {
        s.spawn(|| {
            for (i, cell) in cells.iter().enumerate() {
                let x = i as u64;
                assert!(cell.set(Box::new([x, x, x, x])).is_ok());
            }
        });
        for _ in 0..THREADS - 1 {
            s.spawn(|| {
                let mut seen = 0;
                // Walk until the last cell is set, checking every value that is there.
                while cells[cells_count - 1].get().is_none() || seen < cells_count {
                    seen = 0;
                    for (i, cell) in cells.iter().enumerate() {
                        if let Some(value) = cell.get() {
                            assert_eq!(**value, [i as u64; 4]);
                            seen += 1;
                        }
                    }
                }
            });
        }
    });
}

/// Many `Lazy`s forced by all threads at once: each initializer runs once.
#[test]
fn racing_threads_force_each_lazy_once() {
    let count = 50_000 * super::scale(); // x 4 threads x 5 derefs = 1M operations
    let runs: Vec<AtomicU32> = (0..count).map(|_| AtomicU32::new(0)).collect();
    let lazies: Vec<Lazy<u64, _>> = (0..count)
        .map(|i| {
            let runs = &runs;
            Lazy::new(move || {
                runs[i].fetch_add(1, Relaxed);
                i as u64 * 3
            })
        })
        .collect();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..5 {
                    for (i, lazy) in lazies.iter().enumerate() {
                        assert_eq!(**lazy, i as u64 * 3);
                    }
                }
            });
        }
    });
    assert!(runs.iter().all(|r| r.load(Relaxed) == 1), "every initializer ran exactly once");
}

/// Slow initializers, so that waiters get past spinning and sleep on the futex; some of them
/// panic or fail first, and a sleeping waiter must then be woken to take over. A lost wake-up
/// hangs this test.
#[test]
fn sleeping_waiters_are_woken_after_success_failure_and_panic() {
    const PLANNED: &str = "stress: a planned initializer panic";
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let planned = info.payload().downcast_ref::<&str>().is_some_and(|m| *m == PLANNED);
        if !planned {
            default_hook(info);
        }
    }));
    let cells_count = 5_000 * super::scale();
    let cells: Vec<OnceCell<u64>> = (0..cells_count).map(|_| OnceCell::new()).collect();
    let attempts: Vec<AtomicU32> = (0..cells_count).map(|_| AtomicU32::new(0)).collect();
    let start = Barrier::new(THREADS);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start.wait();
                for (i, cell) in cells.iter().enumerate() {
                    let result = std::panic::catch_unwind(|| {
                        cell.get_or_try_init(|| {
                            let attempt = attempts[i].fetch_add(1, Relaxed);
                            // Long enough for the others to give up spinning.
                            for _ in 0..20 {
                                thread::yield_now();
                            }
                            match (i % 4, attempt) {
                                (1, 0) => Err(()),
                                (2, 0) => panic!("{}", PLANNED),
                                _ => Ok(i as u64),
                            }
                        })
                        .copied()
                    });
                    match result {
                        Ok(Ok(value)) => assert_eq!(value, i as u64),
                        Ok(Err(())) => assert_eq!(i % 4, 1),
                        Err(_) => assert_eq!(i % 4, 2),
                    }
                }
            });
        }
    });
    for (i, attempts) in attempts.iter().enumerate() {
        let expected = if matches!(i % 4, 1 | 2) { 2 } else { 1 };
        assert_eq!(attempts.load(Relaxed), expected, "cell {i}");
        assert_eq!(cells[i].get(), Some(&(i as u64)));
    }
}
