//! cellar's `Mutex`, `RwLock` and `ReentrantMutex` against std's and parking_lot's, in the
//! same run.
//!
//! ```sh
//! cargo bench -p cellar-benches --bench locks -- --warm-up-time 0.5 --measurement-time 1
//! cargo run --release -p cellar-benches --bin report -- locks   # the ratio table
//! ```
//!
//! Criterion group = the workload, function = the implementation (`cellar`, `std`,
//! `parking_lot`; `cellar-two-locks` is cellar's answer to two readers colliding on one lock;
//! `floor-fetch-add` is one locked read-modify-write, the least any lock can cost).
//!
//! Uncontended: one thread locks, bumps a counter, unlocks; the time is per lock-unlock.
//! Two threads: both run the same loop at once from a common start, and the time is the
//! wall time for each thread to finish `iters` rounds, divided by `iters`: the cost of one
//! round when two threads want the lock (or the read lock) all the time.

use std::cell::Cell;
use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use cellar::sync::{Mutex, ReentrantMutex, RwLock};
use criterion::{Criterion, criterion_group, criterion_main};

/// Runs `round` `iters` times on each of two threads started together; the wall time.
fn two_threads(iters: u64, round: impl Fn() + Sync) -> Duration {
    let start = Barrier::new(3);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                start.wait();
                for _ in 0..iters {
                    round();
                }
            });
        }
        start.wait();
        Instant::now()
    })
    // The scope has joined both threads when it returns.
    .elapsed()
}

fn mutex(c: &mut Criterion) {
    let mut g = c.benchmark_group("mutex/uncontended");
    let ours = Mutex::new(0u64);
    let std_ = std::sync::Mutex::new(0u64);
    let pl = parking_lot::Mutex::new(0u64);
    let floor = AtomicU64::new(0);
    g.bench_function("cellar", |b| b.iter(|| *black_box(&ours).lock() += 1));
    g.bench_function("std", |b| b.iter(|| *black_box(&std_).lock().unwrap() += 1));
    g.bench_function("parking_lot", |b| b.iter(|| *black_box(&pl).lock() += 1));
    g.bench_function("floor-fetch-add", |b| b.iter(|| black_box(&floor).fetch_add(1, Relaxed)));
    g.finish();

    let mut g = c.benchmark_group("mutex/2_threads");
    g.bench_function("cellar", |b| {
        b.iter_custom(|iters| two_threads(iters, || *black_box(&ours).lock() += 1))
    });
    g.bench_function("std", |b| {
        b.iter_custom(|iters| two_threads(iters, || *black_box(&std_).lock().unwrap() += 1))
    });
    g.bench_function("parking_lot", |b| {
        b.iter_custom(|iters| two_threads(iters, || *black_box(&pl).lock() += 1))
    });
    g.finish();
}

/// Two values on different cache lines, so that two locks in them do not share one.
#[repr(align(128))]
struct Padded<T>(T);

fn rwlock(c: &mut Criterion) {
    let ours = RwLock::new(0u64);
    let std_ = std::sync::RwLock::new(0u64);
    let pl = parking_lot::RwLock::new(0u64);

    let mut g = c.benchmark_group("rwlock/read_uncontended");
    g.bench_function("cellar", |b| b.iter(|| *black_box(&ours).read()));
    g.bench_function("std", |b| b.iter(|| *black_box(&std_).read().unwrap()));
    g.bench_function("parking_lot", |b| b.iter(|| *black_box(&pl).read()));
    g.finish();

    let mut g = c.benchmark_group("rwlock/write_uncontended");
    g.bench_function("cellar", |b| b.iter(|| *black_box(&ours).write() += 1));
    g.bench_function("std", |b| b.iter(|| *black_box(&std_).write().unwrap() += 1));
    g.bench_function("parking_lot", |b| b.iter(|| *black_box(&pl).write() += 1));
    g.finish();

    // Two readers on one lock: neither waits, but both write the lock word, so its cache
    // line moves between the cores on every read. `cellar-two-locks` gives each reader its
    // own lock on its own cache line, as `ShardedMap` does for keys in different shards.
    let mut g = c.benchmark_group("rwlock/read_2_threads");
    g.bench_function("cellar", |b| {
        b.iter_custom(|iters| two_threads(iters, || _ = black_box(*black_box(&ours).read())))
    });
    let shards = [Padded(RwLock::new(0u64)), Padded(RwLock::new(0u64))];
    let next_shard = AtomicU64::new(0);
    g.bench_function("cellar-two-locks", |b| {
        b.iter_custom(|iters| {
            next_shard.store(0, Relaxed);
            let start = Barrier::new(3);
            thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        let shard = &shards[next_shard.fetch_add(1, Relaxed) as usize].0;
                        start.wait();
                        for _ in 0..iters {
                            black_box(*black_box(shard).read());
                        }
                    });
                }
                start.wait();
                Instant::now()
            })
            .elapsed()
        })
    });
    g.bench_function("std", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, || _ = black_box(*black_box(&std_).read().unwrap()))
        })
    });
    g.bench_function("parking_lot", |b| {
        b.iter_custom(|iters| two_threads(iters, || _ = black_box(*black_box(&pl).read())))
    });
    g.finish();
}

fn reentrant_mutex(c: &mut Criterion) {
    let ours = ReentrantMutex::new(Cell::new(0u64));
    let pl = parking_lot::ReentrantMutex::new(Cell::new(0u64));

    let mut g = c.benchmark_group("reentrant_mutex/uncontended");
    g.bench_function("cellar", |b| {
        b.iter(|| {
            let guard = black_box(&ours).lock();
            guard.set(guard.get() + 1);
        })
    });
    g.bench_function("parking_lot", |b| {
        b.iter(|| {
            let guard = black_box(&pl).lock();
            guard.set(guard.get() + 1);
        })
    });
    g.finish();

    // The lock already held once by this thread: the re-entrant path alone.
    let mut g = c.benchmark_group("reentrant_mutex/nested");
    g.bench_function("cellar", |b| {
        let _outer = ours.lock();
        b.iter(|| {
            let guard = black_box(&ours).lock();
            guard.set(guard.get() + 1);
        })
    });
    g.bench_function("parking_lot", |b| {
        let _outer = pl.lock();
        b.iter(|| {
            let guard = black_box(&pl).lock();
            guard.set(guard.get() + 1);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("reentrant_mutex/2_threads");
    let ours = ReentrantMutex::new(AtomicU64::new(0));
    let pl = parking_lot::ReentrantMutex::new(AtomicU64::new(0));
    g.bench_function("cellar", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, || _ = black_box(&ours).lock().fetch_add(1, Relaxed))
        })
    });
    g.bench_function("parking_lot", |b| {
        b.iter_custom(|iters| {
            two_threads(iters, || _ = black_box(&pl).lock().fetch_add(1, Relaxed))
        })
    });
    g.finish();
}

criterion_group!(benches, mutex, rwlock, reentrant_mutex);
criterion_main!(benches);
