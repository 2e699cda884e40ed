//! The schedule: per-run overhead and parallel speed-up.
//!
//! - `schedule/overhead_100_noop`: one run of a schedule of 100 systems that do nothing, so
//!   what is measured is the schedule itself (conditions, token lending, task spawning,
//!   command application). cellar on rayon's global pool (`cellar`), inside a 1-thread pool
//!   (`cellar-1thread`) and on the caller's thread (`cellar-single`, `set_multithreaded(false)`),
//!   against bevy_ecs's multi-threaded (`bevy_ecs`) and single-threaded (`bevy_ecs-single`)
//!   executors.
//! - `schedule/heavy_two_systems`: two systems that do not conflict, each doing real math over
//!   10,000 entities, on a 1-thread rayon pool (`cellar-1thread`) and a 2-thread pool
//!   (`cellar-2threads`) and on rayon's global pool (`cellar-all-threads`): the ratio is the
//!   speed-up from running them side by side, at most 2 with two systems.
//! - `schedule/heavy_four_systems`: four systems that do not conflict, each turning 1,000
//!   bodies 16 times (a few hundred microseconds of floating-point work per system per run),
//!   under the default schedule (`cellar`, rayon's global pool: what a user gets), the same
//!   schedule single-threaded (`cellar-single`), and legion's parallel schedule on the
//!   global pool (`legion`) and on a 1-thread pool (`legion-1thread`). The default must keep
//!   the parallel speed-up here, where the inline rule for cheap batches
//!   (`Schedule::set_inline_below`) must not fire.
//!
//! Run: `cargo bench -p cellar-benches --bench schedule -- --warm-up-time 0.5 --measurement-time 1`

// Systems name their parameters as users do, `Query<Q>` rather than `Query<'_, '_, Q>`.
#![allow(elided_lifetimes_in_paths)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use cellar::prelude::*;
use cellar_benches::heavy_four::{self, Rate, Turn, turn_step};

const NOOP_SYSTEMS: usize = 100;
const HEAVY_ENTITIES: usize = 10_000;

fn overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule/overhead_100_noop");

    let mut world = World::new();
    let mut schedule = Schedule::new();
    for i in 0..NOOP_SYSTEMS {
        schedule.add_system((|| {}).named(format!("noop{i}")));
    }
    schedule.run(&mut world);
    group.bench_function("cellar", |b| b.iter(|| schedule.run(black_box(&mut world))));

    let pool = cellar::rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    group.bench_function("cellar-1thread", |b| {
        b.iter(|| schedule.run_in(&pool, black_box(&mut world)))
    });

    schedule.set_multithreaded(false);
    group.bench_function("cellar-single", |b| b.iter(|| schedule.run(black_box(&mut world))));

    bevy_tasks::ComputeTaskPool::get_or_init(bevy_tasks::TaskPool::default);
    for id in ["bevy_ecs", "bevy_ecs-single"] {
        let mut world = bevy_ecs::world::World::new();
        let mut schedule = bevy_ecs::schedule::Schedule::default();
        if id == "bevy_ecs" {
            schedule.set_executor(bevy_ecs::schedule::MultiThreadedExecutor::new());
        } else {
            schedule.set_executor(bevy_ecs::schedule::SingleThreadedExecutor::new());
        }
        for _ in 0..NOOP_SYSTEMS {
            schedule.add_systems(|| {});
        }
        schedule.run(&mut world);
        group.bench_function(id, |b| b.iter(|| schedule.run(black_box(&mut world))));
    }
    group.finish();
}

struct Body {
    x: f64,
    y: f64,
}
struct Spin(f64);
struct Charge {
    q: f64,
    acc: f64,
}
struct Field(f64);

/// A few hundred floating-point operations per entity: enough that the work dwarfs the
/// schedule and the two systems can really overlap.
fn orbit(mut query: Query<(&mut Body, &Spin)>) {
    for (body, spin) in query.iter_mut() {
        for _ in 0..16 {
            let (s, c) = (spin.0 * 0.01).sin_cos();
            let (x, y) = (body.x * c - body.y * s, body.x * s + body.y * c);
            let r = (x * x + y * y).sqrt().max(1e-9);
            body.x = x / r;
            body.y = y / r;
        }
    }
}

fn charge(mut query: Query<(&mut Charge, &Field)>) {
    for (charge, field) in query.iter_mut() {
        for _ in 0..10 {
            charge.acc = (charge.acc + field.0 * charge.q).tanh() + (charge.q * 0.5).exp().ln_1p();
        }
    }
}

fn heavy(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule/heavy_two_systems");
    let mut world = World::new();
    for i in 0..HEAVY_ENTITIES {
        let f = i as f64;
        world.spawn((Body { x: 1.0, y: f * 0.001 }, Spin(f * 0.1)));
        world.spawn((Charge { q: (f * 0.37).sin(), acc: 0.0 }, Field(1.0 / (1.0 + f))));
    }
    let mut schedule = Schedule::new();
    schedule.add_system(orbit);
    schedule.add_system(charge);
    schedule.build().unwrap();
    assert_eq!(schedule.batches().len(), 1, "the two systems must share a batch");
    for (id, threads) in [("cellar-1thread", 1), ("cellar-2threads", 2)] {
        let pool = cellar::rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        schedule.run_in(&pool, &mut world);
        group.bench_function(id, |b| b.iter(|| schedule.run_in(&pool, black_box(&mut world))));
    }
    // rayon's global pool: all cores. Two systems can use at most two of them, so the
    // speed-up over one thread is bounded by 2 however many cores there are.
    group.bench_function("cellar-all-threads", |b| b.iter(|| schedule.run(black_box(&mut world))));
    group.finish();
}

fn turn<const I: usize>(mut query: Query<(&mut Turn<I>, &Rate<I>)>) {
    for (body, rate) in query.iter_mut() {
        turn_step(&mut body.x, &mut body.y, rate.0);
    }
}

fn legion_turn<const I: usize>() -> impl legion::systems::ParallelRunnable {
    use legion::IntoQuery;
    legion::SystemBuilder::new(format!("turn{I}"))
        .with_query(<(legion::Write<Turn<I>>, legion::Read<Rate<I>>)>::query())
        .build(|_, world, _, query| {
            query.for_each_mut(world, |(body, rate)| turn_step(&mut body.x, &mut body.y, rate.0));
        })
}

fn heavy_four(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule/heavy_four_systems");

    let mut world = heavy_four::cellar_world();
    let mut schedule = Schedule::new();
    schedule.add_system(turn::<0>);
    schedule.add_system(turn::<1>);
    schedule.add_system(turn::<2>);
    schedule.add_system(turn::<3>);
    schedule.build().unwrap();
    assert_eq!(schedule.batches().len(), 1, "the four systems must share a batch");
    schedule.run(&mut world);
    group.bench_function("cellar", |b| b.iter(|| schedule.run(black_box(&mut world))));
    schedule.set_multithreaded(false);
    group.bench_function("cellar-single", |b| b.iter(|| schedule.run(black_box(&mut world))));

    let mut world = heavy_four::legion_world();
    let mut resources = legion::Resources::default();
    let mut schedule = legion::Schedule::builder()
        .add_system(legion_turn::<0>())
        .add_system(legion_turn::<1>())
        .add_system(legion_turn::<2>())
        .add_system(legion_turn::<3>())
        .build();
    schedule.execute(&mut world, &mut resources);
    group.bench_function("legion", |b| {
        b.iter(|| schedule.execute(black_box(&mut world), &mut resources))
    });
    let pool = cellar::rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    group.bench_function("legion-1thread", |b| {
        b.iter(|| schedule.execute_in_thread_pool(black_box(&mut world), &mut resources, &pool))
    });
    group.finish();
}

criterion_group!(benches, overhead, heavy, heavy_four);
criterion_main!(benches);
