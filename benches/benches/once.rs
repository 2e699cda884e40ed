//! Once cells and lazies: cellar's `sync`/`unsync` `OnceCell` and `Lazy` against std's
//! `OnceLock`, `LazyLock`, `cell::OnceCell`, `LazyCell` and the `once_cell` crate, in one run.
//!
//! Every measurement reads an already initialized cell: that is the path a program takes
//! millions of times, while initialization happens once. Function ids follow the report's
//! convention (`cellar`, peers by crate, `floor-*` for a bare atomic load), so
//! `cargo run --release -p cellar-benches --bin report -- once` prints cellar / best peer.

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

/// `sync::OnceCell::get` on a full cell: one `Acquire` load and a compare.
fn sync_get(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync_get");
    let cellar = cellar::sync::OnceCell::from(7u64);
    group.bench_function("cellar", |b| b.iter(|| *black_box(&cellar).get().unwrap()));
    let std = std::sync::OnceLock::from(7u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).get().unwrap()));
    let once_cell = once_cell::sync::OnceCell::from(7u64);
    group.bench_function("once_cell", |b| b.iter(|| *black_box(&once_cell).get().unwrap()));
    let floor = AtomicU32::new(2);
    group.bench_function("floor-acquire_load", |b| {
        b.iter(|| black_box(&floor).load(Ordering::Acquire) == 2)
    });
    group.finish();
}

/// `get_or_init` on a full cell: the fast path of the call sites that initialize lazily.
fn sync_get_or_init(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync_get_or_init");
    let cellar = cellar::sync::OnceCell::from(7u64);
    group.bench_function("cellar", |b| b.iter(|| *black_box(&cellar).get_or_init(|| 8)));
    let std = std::sync::OnceLock::from(7u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).get_or_init(|| 8)));
    let once_cell = once_cell::sync::OnceCell::from(7u64);
    group.bench_function("once_cell", |b| b.iter(|| *black_box(&once_cell).get_or_init(|| 8)));
    group.finish();
}

/// Deref of a forced `sync::Lazy` (`fn` pointer initializer, as in a `static`).
fn sync_lazy_deref(c: &mut Criterion) {
    fn make() -> u64 {
        7
    }
    let mut group = c.benchmark_group("sync_lazy_deref");
    let cellar: cellar::sync::Lazy<u64> = cellar::sync::Lazy::new(make);
    let std: std::sync::LazyLock<u64> = std::sync::LazyLock::new(make);
    let once_cell: once_cell::sync::Lazy<u64> = once_cell::sync::Lazy::new(make);
    group.bench_function("cellar", |b| b.iter(|| **black_box(&cellar)));
    group.bench_function("std", |b| b.iter(|| **black_box(&std)));
    group.bench_function("once_cell", |b| b.iter(|| **black_box(&once_cell)));
    group.finish();
}

/// `unsync::OnceCell::get` on a full cell.
fn unsync_get(c: &mut Criterion) {
    let mut group = c.benchmark_group("unsync_get");
    let cellar = cellar::unsync::OnceCell::from(7u64);
    group.bench_function("cellar", |b| b.iter(|| *black_box(&cellar).get().unwrap()));
    let std = std::cell::OnceCell::from(7u64);
    group.bench_function("std", |b| b.iter(|| *black_box(&std).get().unwrap()));
    let once_cell = once_cell::unsync::OnceCell::from(7u64);
    group.bench_function("once_cell", |b| b.iter(|| *black_box(&once_cell).get().unwrap()));
    group.finish();
}

/// Deref of a forced `unsync::Lazy`.
fn unsync_lazy_deref(c: &mut Criterion) {
    fn make() -> u64 {
        7
    }
    let mut group = c.benchmark_group("unsync_lazy_deref");
    let cellar: cellar::unsync::Lazy<u64> = cellar::unsync::Lazy::new(make);
    let std: std::cell::LazyCell<u64> = std::cell::LazyCell::new(make);
    let once_cell: once_cell::unsync::Lazy<u64> = once_cell::unsync::Lazy::new(make);
    group.bench_function("cellar", |b| b.iter(|| **black_box(&cellar)));
    group.bench_function("std", |b| b.iter(|| **black_box(&std)));
    group.bench_function("once_cell", |b| b.iter(|| **black_box(&once_cell)));
    group.finish();
}

/// Times `iters` reads by this thread while a second thread reads the same cell nonstop: two
/// readers at once. Readers only load the state word, so neither slows the other.
fn read_beside_a_reader<C: Sync>(
    iters: u64,
    cell: &C,
    read: impl Fn(&C) -> u64 + Sync,
) -> Duration {
    let stop = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                for _ in 0..64 {
                    black_box(read(black_box(cell)));
                }
            }
        });
        let start = Instant::now();
        for _ in 0..iters {
            black_box(read(black_box(cell)));
        }
        let elapsed = start.elapsed();
        stop.store(true, Ordering::Relaxed);
        elapsed
    })
}

/// `get` with two threads reading the same cell at once.
fn sync_get_two_readers(c: &mut Criterion) {
    let mut group = c.benchmark_group("sync_get_two_readers");
    let cellar = cellar::sync::OnceCell::from(7u64);
    group.bench_function("cellar", |b| {
        b.iter_custom(|iters| read_beside_a_reader(iters, &cellar, |c| *c.get().unwrap()))
    });
    let std = std::sync::OnceLock::from(7u64);
    group.bench_function("std", |b| {
        b.iter_custom(|iters| read_beside_a_reader(iters, &std, |c| *c.get().unwrap()))
    });
    let once_cell = once_cell::sync::OnceCell::from(7u64);
    group.bench_function("once_cell", |b| {
        b.iter_custom(|iters| read_beside_a_reader(iters, &once_cell, |c| *c.get().unwrap()))
    });
    group.finish();
}

criterion_group!(
    once,
    sync_get,
    sync_get_or_init,
    sync_lazy_deref,
    unsync_get,
    unsync_lazy_deref,
    sync_get_two_readers
);
criterion_main!(once);
