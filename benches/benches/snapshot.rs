//! Snapshot and restore of a world of `n` entities with the standard four components
//! (`Transform`, `Position`, `Rotation`, `Velocity`: 100 bytes an entity): cellar against the
//! `memcpy` floor of the same component bytes and against each peer's fastest documented way
//! to copy a world out and back, in the same run.
//!
//! Groups `snapshot_take` and `snapshot_restore`; function = the crate or variant; parameter =
//! `n`. The variants:
//!
//! - `memcpy`: four `copy_from_slice` of plain `Vec`s, the component bytes and nothing else
//!   (no entities, no change ticks): the floor;
//! - `cellar`: a whole copy (`Snapshot::detach` first, so nothing is skipped as unchanged):
//!   entities, generations and free list, columns, change ticks;
//! - `cellar-1%`, `cellar-10%`: incremental, after that share of the entities changed one
//!   component (the change itself is not timed);
//! - `hecs`: per archetype, the columns (`Archetype::get::<&T>()`) copied out and back into
//!   the same archetypes (`get::<&mut T>()`), with the entity ids;
//! - `bevy_ecs`: a cached `QueryState` copying the four components out, and back in place;
//! - `shipyard`: `AllStorages::clone_storages_to` into a second world and back (its
//!   documented world copy, with `register_clone`).
//!
//! hecs's and bevy_ecs's "restore" write values back into an unchanged set of entities: their
//! fastest path, not a general restore (they bring back no despawned entity). cellar and
//! shipyard restore whole storages.
//!
//! ```sh
//! cargo bench -p cellar-benches --bench snapshot -- --warm-up-time 0.5 --measurement-time 1
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

use cellar::{Entity, World};
use cellar_benches::components::{Position, Rotation, Transform, Velocity, body};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

fn samples_for(n: usize) -> usize {
    if n >= 100_000 { 20 } else { 50 }
}

/// Four columns of plain values and a second set to copy them to.
struct Floor {
    src: (Vec<Transform>, Vec<Position>, Vec<Rotation>, Vec<Velocity>),
    dst: (Vec<Transform>, Vec<Position>, Vec<Rotation>, Vec<Velocity>),
}

impl Floor {
    fn new(n: usize) -> Self {
        let cols = || {
            let bodies: Vec<_> = (0..n).map(body).collect();
            (
                bodies.iter().map(|b| b.0).collect(),
                bodies.iter().map(|b| b.1).collect(),
                bodies.iter().map(|b| b.2).collect(),
                bodies.iter().map(|b| b.3).collect(),
            )
        };
        Floor { src: cols(), dst: cols() }
    }

    fn copy(&mut self) {
        self.dst.0.copy_from_slice(&self.src.0);
        self.dst.1.copy_from_slice(&self.src.1);
        self.dst.2.copy_from_slice(&self.src.2);
        self.dst.3.copy_from_slice(&self.src.3);
    }
}

fn cellar_world(n: usize) -> (World, Vec<Entity>) {
    let mut world = World::new();
    world.register_snapshot_copy::<Transform>();
    world.register_snapshot_copy::<Position>();
    world.register_snapshot_copy::<Rotation>();
    world.register_snapshot_copy::<Velocity>();
    let es = world.spawn_batch((0..n).map(body)).to_vec();
    (world, es)
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

/// hecs: the columns of every archetype, and the entity ids.
#[derive(Default)]
struct HecsCopy {
    ids: Vec<u32>,
    cols: (Vec<Transform>, Vec<Position>, Vec<Rotation>, Vec<Velocity>),
}

fn hecs_take(world: &hecs::World, copy: &mut HecsCopy) {
    copy.ids.clear();
    copy.cols.0.clear();
    copy.cols.1.clear();
    copy.cols.2.clear();
    copy.cols.3.clear();
    for arch in world.archetypes().filter(|a| !a.is_empty()) {
        copy.ids.extend_from_slice(arch.ids());
        copy.cols.0.extend_from_slice(&arch.get::<&Transform>().expect("column"));
        copy.cols.1.extend_from_slice(&arch.get::<&Position>().expect("column"));
        copy.cols.2.extend_from_slice(&arch.get::<&Rotation>().expect("column"));
        copy.cols.3.extend_from_slice(&arch.get::<&Velocity>().expect("column"));
    }
}

fn hecs_restore(world: &mut hecs::World, copy: &HecsCopy) {
    let mut at = 0;
    for arch in world.archetypes().filter(|a| !a.is_empty()) {
        let n = arch.len() as usize;
        let range = at..at + n;
        arch.get::<&mut Transform>().expect("column").copy_from_slice(&copy.cols.0[range.clone()]);
        arch.get::<&mut Position>().expect("column").copy_from_slice(&copy.cols.1[range.clone()]);
        arch.get::<&mut Rotation>().expect("column").copy_from_slice(&copy.cols.2[range.clone()]);
        arch.get::<&mut Velocity>().expect("column").copy_from_slice(&copy.cols.3[range]);
        at += n;
    }
}

type BevyQuery = bevy_ecs::query::QueryState<(
    &'static Transform,
    &'static Position,
    &'static Rotation,
    &'static Velocity,
)>;
type BevyQueryMut = bevy_ecs::query::QueryState<(
    &'static mut Transform,
    &'static mut Position,
    &'static mut Rotation,
    &'static mut Velocity,
)>;

struct Bevy {
    world: bevy_ecs::world::World,
    read: BevyQuery,
    write: BevyQueryMut,
    cols: (Vec<Transform>, Vec<Position>, Vec<Rotation>, Vec<Velocity>),
}

impl Bevy {
    fn new(n: usize) -> Self {
        let mut world = bevy_ecs::world::World::new();
        world.spawn_batch((0..n).map(body));
        let read = world.query();
        let write = world.query();
        let mut bevy = Bevy { world, read, write, cols: Default::default() };
        bevy.take();
        bevy
    }

    fn take(&mut self) {
        let cols = &mut self.cols;
        cols.0.clear();
        cols.1.clear();
        cols.2.clear();
        cols.3.clear();
        for (t, p, r, v) in self.read.iter(&self.world) {
            cols.0.push(*t);
            cols.1.push(*p);
            cols.2.push(*r);
            cols.3.push(*v);
        }
    }

    fn restore(&mut self) {
        let cols = &self.cols;
        for (i, (mut t, mut p, mut r, mut v)) in self.write.iter_mut(&mut self.world).enumerate() {
            *t = cols.0[i];
            *p = cols.1[i];
            *r = cols.2[i];
            *v = cols.3[i];
        }
    }
}

/// Lets `clone_storages_to` copy the four storages (a cloned storage does not keep this).
fn register_clones(world: &mut shipyard::World) {
    world.register_clone::<(
        shipyard::sparse_set::SparseSet<Transform>,
        shipyard::sparse_set::SparseSet<Position>,
        shipyard::sparse_set::SparseSet<Rotation>,
        shipyard::sparse_set::SparseSet<Velocity>,
    )>();
}

fn shipyard_world(n: usize) -> shipyard::World {
    let mut world = shipyard::World::new();
    world.bulk_add_entity((0..n).map(body));
    register_clones(&mut world);
    world
}

fn shipyard_copy(from: &shipyard::World, to: &shipyard::World) {
    let src = from.all_storages().expect("not borrowed");
    let mut dst = to.all_storages_mut().expect("not borrowed");
    src.clone_storages_to(&mut dst);
}

fn take(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot_take");
    for n in SIZES {
        group.sample_size(samples_for(n));
        let id = |name| BenchmarkId::new(name, n);
        group.bench_function(id("memcpy"), |b| {
            let mut floor = Floor::new(n);
            b.iter(|| floor.copy());
        });
        group.bench_function(id("cellar"), |b| {
            let (world, _) = cellar_world(n);
            let mut snapshot = world.snapshot().unwrap();
            b.iter(|| {
                snapshot.detach();
                world.snapshot_into(&mut snapshot).unwrap();
            });
            black_box(&snapshot);
        });
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
        group.bench_function(id("hecs"), |b| {
            let mut world = hecs::World::new();
            world.spawn_batch((0..n).map(body));
            let mut copy = HecsCopy::default();
            b.iter(|| hecs_take(&world, &mut copy));
            black_box(&copy.ids);
        });
        group.bench_function(id("bevy_ecs"), |b| {
            let mut bevy = Bevy::new(n);
            b.iter(|| bevy.take());
        });
        group.bench_function(id("shipyard"), |b| {
            let world = shipyard_world(n);
            let copy = shipyard::World::new();
            b.iter(|| shipyard_copy(&world, &copy));
        });
    }
    group.finish();
}

fn restore(c: &mut Criterion) {
    let mut group = c.benchmark_group("snapshot_restore");
    for n in SIZES {
        group.sample_size(samples_for(n));
        let id = |name| BenchmarkId::new(name, n);
        group.bench_function(id("memcpy"), |b| {
            let mut floor = Floor::new(n);
            b.iter(|| floor.copy());
        });
        group.bench_function(id("cellar"), |b| {
            let (mut world, _) = cellar_world(n);
            let mut snapshot = world.snapshot().unwrap();
            b.iter(|| {
                snapshot.detach();
                world.restore(&snapshot).unwrap()
            });
        });
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
        group.bench_function(id("hecs"), |b| {
            let mut world = hecs::World::new();
            world.spawn_batch((0..n).map(body));
            let mut copy = HecsCopy::default();
            hecs_take(&world, &mut copy);
            b.iter(|| hecs_restore(&mut world, &copy));
        });
        group.bench_function(id("bevy_ecs"), |b| {
            let mut bevy = Bevy::new(n);
            b.iter(|| bevy.restore());
        });
        group.bench_function(id("shipyard"), |b| {
            let world = shipyard_world(n);
            let mut copy = shipyard::World::new();
            shipyard_copy(&world, &copy);
            register_clones(&mut copy);
            b.iter(|| shipyard_copy(&copy, &world));
        });
    }
    group.finish();
}

criterion_group!(benches, take, restore);
criterion_main!(benches);
