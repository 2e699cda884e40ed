//! Cells that never hand out references: `AtomicCell`, `SeqLock`, `SpinLock` against their
//! peers, uncontended and with a second thread writing the same cell meanwhile.
//!
//! Naming, for `report`: one group per operation (`atomic_cell_u64_load`, ...), with the
//! contended twin ending in `_contended`; function ids `cellar`, peers by crate name, and
//! `floor-AtomicU64` (std's atomic integer, the least a cell can cost).
//!
//! ```sh
//! cargo bench -p cellar-benches --bench cells -- --warm-up-time 0.5 --measurement-time 1
//! ```

use std::hint::black_box;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use std::sync::atomic::{AtomicBool, AtomicU64};

use cellar::sync::{AtomicCell, SeqLock, SpinLock};
use criterion::{
    BenchmarkGroup, Criterion, criterion_group, criterion_main, measurement::WallTime,
};

/// A 32-byte value: too big for any lock-free path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Big([u64; 4]);

/// Runs `measure` while another thread calls `hammer` in a loop (when `contended`).
fn maybe_contended(contended: bool, hammer: impl Fn(u64) + Sync, measure: impl FnOnce()) {
    if !contended {
        measure();
        return;
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut i = 0u64;
            // Relaxed: a stop flag; nothing is published through it.
            while !stop.load(Relaxed) {
                hammer(black_box(i));
                i = i.wrapping_add(1);
            }
        });
        measure();
        stop.store(true, Relaxed);
    });
}

fn group_name(base: &str, contended: bool) -> String {
    if contended { format!("{base}_contended") } else { base.to_string() }
}

fn atomic_cell_u64(c: &mut Criterion, contended: bool) {
    let cellar = AtomicCell::new(0u64);
    let crossbeam = crossbeam_utils::atomic::AtomicCell::new(0u64);
    let floor = AtomicU64::new(0);

    let mut g = c.benchmark_group(group_name("atomic_cell_u64_load", contended));
    run(&mut g, "cellar", contended, |i| cellar.store(i), || black_box(&cellar).load());
    run(&mut g, "crossbeam", contended, |i| crossbeam.store(i), || black_box(&crossbeam).load());
    // Acquire/Release: the orderings both cells use.
    run(
        &mut g,
        "floor-AtomicU64",
        contended,
        |i| floor.store(i, Release),
        || black_box(&floor).load(Acquire),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("atomic_cell_u64_store", contended));
    run(
        &mut g,
        "cellar",
        contended,
        |i| cellar.store(i),
        || black_box(&cellar).store(black_box(1)),
    );
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(i),
        || black_box(&crossbeam).store(black_box(1)),
    );
    run(
        &mut g,
        "floor-AtomicU64",
        contended,
        |i| floor.store(i, Release),
        || black_box(&floor).store(black_box(1), Release),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("atomic_cell_u64_swap", contended));
    run(&mut g, "cellar", contended, |i| cellar.store(i), || black_box(&cellar).swap(black_box(1)));
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(i),
        || black_box(&crossbeam).swap(black_box(1)),
    );
    run(
        &mut g,
        "floor-AtomicU64",
        contended,
        |i| floor.store(i, Release),
        || black_box(&floor).swap(black_box(1), AcqRel),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("atomic_cell_u64_fetch_add", contended));
    run(
        &mut g,
        "cellar",
        contended,
        |_| {
            cellar.fetch_add(1);
        },
        || black_box(&cellar).fetch_add(black_box(1)),
    );
    run(
        &mut g,
        "crossbeam",
        contended,
        |_| {
            crossbeam.fetch_add(1);
        },
        || black_box(&crossbeam).fetch_add(black_box(1)),
    );
    run(
        &mut g,
        "floor-AtomicU64",
        contended,
        |_| {
            floor.fetch_add(1, AcqRel);
        },
        || black_box(&floor).fetch_add(black_box(1), AcqRel),
    );
    g.finish();
}

fn atomic_cell_32b(c: &mut Criterion, contended: bool) {
    let cellar = AtomicCell::new(Big::default());
    let crossbeam = crossbeam_utils::atomic::AtomicCell::new(Big::default());

    let mut g = c.benchmark_group(group_name("atomic_cell_32b_load", contended));
    run(&mut g, "cellar", contended, |i| cellar.store(Big([i; 4])), || black_box(&cellar).load());
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(Big([i; 4])),
        || black_box(&crossbeam).load(),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("atomic_cell_32b_store", contended));
    run(
        &mut g,
        "cellar",
        contended,
        |i| cellar.store(Big([i; 4])),
        || black_box(&cellar).store(black_box(Big([1; 4]))),
    );
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(Big([i; 4])),
        || black_box(&crossbeam).store(black_box(Big([1; 4]))),
    );
    g.finish();
}

fn seq_lock_32b(c: &mut Criterion, contended: bool) {
    let cellar = SeqLock::new(Big::default());
    let crossbeam = crossbeam_utils::atomic::AtomicCell::new(Big::default());
    let std_rw = std::sync::RwLock::new(Big::default());

    let mut g = c.benchmark_group(group_name("seq_lock_32b_get", contended));
    run(&mut g, "cellar", contended, |i| cellar.set(Big([i; 4])), || black_box(&cellar).get());
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(Big([i; 4])),
        || black_box(&crossbeam).load(),
    );
    run(
        &mut g,
        "std-RwLock",
        contended,
        |i| *std_rw.write().unwrap() = Big([i; 4]),
        || *black_box(&std_rw).read().unwrap(),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("seq_lock_32b_set", contended));
    run(
        &mut g,
        "cellar",
        contended,
        |i| cellar.set(Big([i; 4])),
        || black_box(&cellar).set(black_box(Big([1; 4]))),
    );
    run(
        &mut g,
        "crossbeam",
        contended,
        |i| crossbeam.store(Big([i; 4])),
        || black_box(&crossbeam).store(black_box(Big([1; 4]))),
    );
    run(
        &mut g,
        "std-RwLock",
        contended,
        |i| *std_rw.write().unwrap() = Big([i; 4]),
        || *black_box(&std_rw).write().unwrap() = black_box(Big([1; 4])),
    );
    g.finish();
}

fn spin_lock(c: &mut Criterion, contended: bool) {
    let cellar = SpinLock::new(0u64);
    let std_mutex = std::sync::Mutex::new(0u64);
    let parking_lot = parking_lot::Mutex::new(0u64);

    let mut g = c.benchmark_group(group_name("spin_lock_get", contended));
    run(&mut g, "cellar", contended, |i| cellar.set(i), || black_box(&cellar).get());
    run(
        &mut g,
        "std-Mutex",
        contended,
        |i| *std_mutex.lock().unwrap() = i,
        || *black_box(&std_mutex).lock().unwrap(),
    );
    run(
        &mut g,
        "parking_lot-Mutex",
        contended,
        |i| *parking_lot.lock() = i,
        || *black_box(&parking_lot).lock(),
    );
    g.finish();

    let mut g = c.benchmark_group(group_name("spin_lock_set", contended));
    run(&mut g, "cellar", contended, |i| cellar.set(i), || black_box(&cellar).set(black_box(1)));
    run(
        &mut g,
        "std-Mutex",
        contended,
        |i| *std_mutex.lock().unwrap() = i,
        || *black_box(&std_mutex).lock().unwrap() = black_box(1),
    );
    run(
        &mut g,
        "parking_lot-Mutex",
        contended,
        |i| *parking_lot.lock() = i,
        || *black_box(&parking_lot).lock() = black_box(1),
    );
    g.finish();
}

/// One benchmark: `op` measured, with `hammer` running on another thread if `contended`.
fn run<R>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    contended: bool,
    hammer: impl Fn(u64) + Sync,
    op: impl Fn() -> R,
) {
    maybe_contended(contended, hammer, || {
        g.bench_function(id, |b| b.iter(&op));
    });
}

fn cells(c: &mut Criterion) {
    for contended in [false, true] {
        atomic_cell_u64(c, contended);
        atomic_cell_32b(c, contended);
        seq_lock_32b(c, contended);
        spin_lock(c, contended);
    }
}

criterion_group!(benches, cells);
criterion_main!(benches);
