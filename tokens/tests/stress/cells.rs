//! Stress: `AtomicCell`, `SeqLock` and `SpinLock` under several threads, invariants checked.

use cellar_tokens::sync::{AtomicCell, SeqLock, SpinLock};

const THREADS: u64 = 4;

/// Operations per thread, so that each primitive sees at least a million in all.
fn per_thread() -> u64 {
    1_000_000 / THREADS * super::scale() as u64
}

fn is_uniform([a, b, c, d]: [u64; 4]) -> bool {
    a == b && b == c && c == d
}

#[test]
fn atomic_cell_counters_are_exact() {
    let n = per_thread();
    let wide = AtomicCell::new(0u64);
    let narrow = AtomicCell::new(0u32);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..n / 2 {
                    wide.fetch_add(1);
                    narrow.fetch_add(1);
                }
            });
        }
    });
    assert_eq!(wide.load(), THREADS * (n / 2));
    assert_eq!(u64::from(narrow.load()), THREADS * (n / 2));
}

#[test]
fn atomic_cell_wide_values_are_never_torn() {
    let n = per_thread();
    let cell = AtomicCell::new([0u64; 4]);
    let bumps = AtomicCell::new(0u64);
    std::thread::scope(|s| {
        // Two writers store whole values; two threads compare-exchange x -> x + 1.
        for t in 0..2u64 {
            let cell = &cell;
            s.spawn(move || {
                for i in 0..n / 2 {
                    cell.store([(t << 40) | i; 4]);
                    assert!(is_uniform(cell.load()), "torn read");
                }
            });
        }
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..n / 2 {
                    let seen = cell.load();
                    assert!(is_uniform(seen), "torn read {seen:?}");
                    if cell.compare_exchange(seen, [seen[0] + 1; 4]).is_ok() {
                        bumps.fetch_add(1);
                    }
                }
            });
        }
    });
    assert!(is_uniform(cell.load()));
    assert!(bumps.load() > 0, "some compare-exchange must win against two writers");
}

#[test]
fn atomic_cell_compare_exchange_counts_exactly() {
    let n = per_thread() / 4;
    let cell = AtomicCell::new([0u64; 4]);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..n {
                    let mut current = cell.load();
                    while let Err(actual) = cell.compare_exchange(current, [current[0] + 1; 4]) {
                        assert!(is_uniform(actual), "torn value {actual:?}");
                        current = actual;
                    }
                }
            });
        }
    });
    assert_eq!(cell.load(), [THREADS * n; 4]);
}

#[test]
fn seq_lock_reads_are_never_torn_nor_stale() {
    let n = per_thread();
    let lock = SeqLock::new([0u64; 4]);
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 1..=n {
                lock.set([i; 4]);
            }
        });
        for _ in 0..THREADS - 1 {
            s.spawn(|| {
                let mut last = 0;
                for _ in 0..n {
                    let seen = lock.get();
                    assert!(is_uniform(seen), "torn read {seen:?}");
                    assert!(seen[0] >= last, "went back from {last} to {}", seen[0]);
                    last = seen[0];
                }
            });
        }
    });
    assert_eq!(lock.get(), [n; 4]);
}

#[test]
fn seq_lock_replace_hands_out_each_value_once() {
    let n = per_thread() / 4;
    let lock = SeqLock::new(0u64);
    let sums: Vec<u64> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let lock = &lock;
                s.spawn(move || {
                    // Each thread puts in distinct tokens and sums what it takes out: every
                    // token put in comes out exactly once (or stays in the lock at the end).
                    (0..n).map(|i| lock.replace(1 + t * n + i)).sum::<u64>()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let tokens = THREADS * n;
    let put_in: u64 = (1..=tokens).sum();
    assert_eq!(sums.iter().sum::<u64>() + lock.get(), put_in);
}

#[test]
fn spin_lock_counts_exactly() {
    let n = per_thread();
    let lock = SpinLock::new((0u64, 0u64));
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for i in 0..n {
                    if i % 2 == 0 {
                        lock.update(|(a, b)| (a + 1, b + 1));
                    } else {
                        let (a, b) = lock.get();
                        assert_eq!(a, b, "a reader saw half an update");
                    }
                }
            });
        }
    });
    assert_eq!(lock.get(), (THREADS * (n / 2), THREADS * (n / 2)));
}
