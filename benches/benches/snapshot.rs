//! Snapshot and restore of a world of `n` entities with the standard four components
//! (`Transform`, `Position`, `Rotation`, `Velocity`: 100 bytes an entity): cellar against the
//! `memcpy` floor of the same component bytes and against each peer's fastest documented way
//! to copy a world out and back, in the same run.
//!
//! Groups `snapshot_take` and `snapshot_restore`; function = the crate or variant; parameter =
//! `n`. The whole copies (`memcpy`, `cellar`, `hecs`, `hecs-whole`, `bevy_ecs`, `shipyard`) are
//! `cellar_benches::snapshot`, where each is described (and what cellar copies beyond the
//! floor); the `icount` driver runs the same code under callgrind. Besides them:
//!
//! - `cellar-1%`, `cellar-10%`: incremental, after that share of the entities changed one
//!   component (the change itself is not timed).
//!
//! ```sh
//! cargo bench -p cellar-benches --bench snapshot -- --warm-up-time 0.5 --measurement-time 1
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use cellar::{Entity, World};
use cellar_benches::components::Position;
use cellar_benches::snapshot::{self, CRATES, cellar_world};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn samples_for(n: usize) -> usize {
    if n >= 100_000 { 20 } else { 50 }
}

/// Changes `Position` of `share` (a fraction) of the entities, spread evenly.
fn change(world: &mut World, es: &[Entity], share: f64, round: usize) {
    let k = ((es.len() as f64 * share) as usize).max(1);
    let stride = es.len() / k;
    for i in 0..k {
        let e = es[(i * stride + round) % es.len()];
        world.get_mut::<Position>(e).unwrap().0.x += 1.0;
    }
}

fn take(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot_take");
    for n in SIZES {
        group.sample_size(samples_for(n));
        let id = |name| BenchmarkId::new(name, n);
        for name in CRATES {
            group.bench_function(id(name), |b| {
                let mut copy = snapshot::make(name, n).expect("a known crate");
                b.iter(|| copy.take());
            });
        }
        for (name, share) in [("cellar-1%", 0.01), ("cellar-10%", 0.1)] {
            group.bench_function(id(name), |b| {
                let (mut world, es) = cellar_world(n);
                let mut snapshot = world.snapshot().unwrap();
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for i in 0..iters {
                        change(&mut world, &es, share, i as usize);
                        let start = Instant::now();
                        world.snapshot_into(&mut snapshot).unwrap();
                        total += start.elapsed();
                    }
                    total
                });
            });
        }
    }
    group.finish();
}

fn restore(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot_restore");
    for n in SIZES {
        group.sample_size(samples_for(n));
        let id = |name| BenchmarkId::new(name, n);
        for name in CRATES {
            group.bench_function(id(name), |b| {
                let mut copy = snapshot::make(name, n).expect("a known crate");
                b.iter(|| copy.restore());
            });
        }
        for (name, share) in [("cellar-1%", 0.01), ("cellar-10%", 0.1)] {
            group.bench_function(id(name), |b| {
                let (mut world, es) = cellar_world(n);
                let snapshot = world.snapshot().unwrap();
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for i in 0..iters {
                        change(&mut world, &es, share, i as usize);
                        let start = Instant::now();
                        black_box(world.restore(&snapshot).unwrap());
                        total += start.elapsed();
                    }
                    total
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, take, restore);
criterion_main!(benches);
