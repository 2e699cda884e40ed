//! The ECS workloads of the public ECS benchmark suite: cellar against hecs, bevy_ecs, legion,
//! shipyard and specs in the same run, with a hand-written `Vec` floor where one exists.
//!
//! Criterion group = the workload, function = the crate (`cellar`, the peer's name,
//! `floor-vec`), parameter = the entity count where the workload is measured at several sizes:
//! `simple_iter/hecs/10000`. The workloads themselves live in the library
//! (`cellar_benches::workloads`), where the equivalence tests check them.
//!
//! ```sh
//! cargo bench -p cellar-benches --bench ecs -- --warm-up-time 0.5 --measurement-time 1
//! ```

use std::hint::black_box;

use cellar_benches::{
    ADD_REMOVE_ENTITIES, FRAGMENTED_PER_LETTER, Factory, HEAVY_ENTITIES, SCALING_SIZES,
    SCHEDULE_PER_ARCHETYPE, Workload, registry,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Every crate's version of one workload: (function id, factory).
type Versions<W> = Vec<(&'static str, fn(usize) -> Box<W>)>;

/// Fewer samples where one iteration takes milliseconds, so a short run stays short.
fn samples_for(entities: usize) -> usize {
    if entities >= 100_000 { 10 } else { 50 }
}

/// Benchmarks every version of one workload at one size. A world is built only when its
/// benchmark runs (not when a filter skips it), outside the measured part.
fn bench_versions<W: Workload + ?Sized>(
    c: &mut Criterion,
    workload: &str,
    size: Option<usize>,
    samples: usize,
    versions: Versions<W>,
    default_size: usize,
) {
    let mut group = c.benchmark_group(workload);
    group.sample_size(samples);
    let n = size.unwrap_or(default_size);
    for (id, make) in versions {
        let mut built: Option<Box<W>> = None;
        let mut routine = |b: &mut criterion::Bencher<'_>| {
            let w = built.get_or_insert_with(|| make(n));
            b.iter(|| {
                w.run();
                black_box(&mut *w);
            });
        };
        match size {
            Some(n) => group.bench_function(BenchmarkId::new(id, n), &mut routine),
            None => group.bench_function(id, &mut routine),
        };
    }
    group.finish();
}

fn sized(c: &mut Criterion, workload: &str, versions: fn() -> Vec<(&'static str, Factory)>) {
    for n in SCALING_SIZES {
        bench_versions(c, workload, Some(n), samples_for(n), versions(), n);
    }
}

fn simple_insert(c: &mut Criterion) {
    sized(c, "simple_insert", registry::simple_insert);
}

fn simple_iter(c: &mut Criterion) {
    sized(c, "simple_iter", registry::simple_iter);
}

fn fragmented_iter(c: &mut Criterion) {
    let versions = registry::fragmented_iter();
    bench_versions(c, "fragmented_iter", None, 100, versions, FRAGMENTED_PER_LETTER);
}

fn heavy_compute(c: &mut Criterion) {
    let versions = registry::heavy_compute();
    bench_versions(c, "heavy_compute", None, 20, versions, HEAVY_ENTITIES);
}

fn schedule(c: &mut Criterion) {
    let versions = registry::schedule();
    bench_versions(c, "schedule", None, 50, versions, SCHEDULE_PER_ARCHETYPE);
}

fn add_remove(c: &mut Criterion) {
    let versions = registry::add_remove();
    bench_versions(c, "add_remove", None, 20, versions, ADD_REMOVE_ENTITIES);
}

criterion_group!(
    ecs,
    simple_insert,
    simple_iter,
    fragmented_iter,
    heavy_compute,
    schedule,
    add_remove
);
criterion_main!(ecs);
