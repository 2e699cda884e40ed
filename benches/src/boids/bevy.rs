//! bevy_ecs 0.20: components and resources derived, the frame a `Schedule` of five systems
//! chained as grid, then the three rules (unordered among themselves, so the multi-threaded
//! executor runs them side by side), then the move. On one thread, the single-threaded
//! executor and `iter_mut` loops; on more, the multi-threaded executor and `par_iter_mut`
//! on bevy's compute task pool.
//!
//! bevy's compute task pool is global to the process: it is set up once, with two threads
//! (the documented machine's cores), and the one-thread version does not use it.

// Systems written as bevy users write them, without `'_` in `Query` and `Res`.
#![allow(elided_lifetimes_in_paths)]

use ::bevy_ecs::prelude::*;
use ::bevy_ecs::schedule::{MultiThreadedExecutor, SingleThreadedExecutor};
use ::bevy_tasks::{ComputeTaskPool, TaskPoolBuilder};
use glam::Vec2;

use super::{BoidsApp, Grid, Neighbour, Rules, SEED, flock};

/// A boid's position.
#[derive(Component, Clone, Copy, Debug)]
pub struct Position(pub Vec2);
/// A boid's velocity.
#[derive(Component, Clone, Copy, Debug)]
pub struct Velocity(pub Vec2);
/// Written by `separation`.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Separation(pub Vec2);
/// Written by `alignment`.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Alignment(pub Vec2);
/// Written by `cohesion`.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Cohesion(pub Vec2);

/// The rules, as a resource.
#[derive(Resource)]
pub struct FlockRules(pub Rules);
/// The grid, as a resource.
#[derive(Resource)]
pub struct FlockGrid(pub Grid);
/// Whether the systems loop in parallel (`par_iter_mut`) or not (`iter_mut`).
#[derive(Resource, Clone, Copy)]
pub struct Parallel(pub bool);

fn fill_grid(
    parallel: Res<Parallel>,
    grid: Res<FlockGrid>,
    boids: Query<(Entity, &Position, &Velocity)>,
) {
    let grid = &grid.0;
    grid.clear();
    let insert = |(e, p, v): (Entity, &Position, &Velocity)| {
        grid.insert(Neighbour { id: e.index_u32(), position: p.0, velocity: v.0 });
    };
    if parallel.0 {
        boids.par_iter().for_each(insert)
    } else {
        boids.iter().for_each(insert)
    }
    grid.sort();
}

fn separation(
    parallel: Res<Parallel>,
    rules: Res<FlockRules>,
    grid: Res<FlockGrid>,
    mut boids: Query<(Entity, &Position, &mut Separation)>,
) {
    let step = |(e, p, mut s): (Entity, &Position, Mut<Separation>)| {
        s.0 = rules.0.separation(&grid.0, e.index_u32(), p.0);
    };
    if parallel.0 { boids.par_iter_mut().for_each(step) } else { boids.iter_mut().for_each(step) }
}

fn alignment(
    parallel: Res<Parallel>,
    rules: Res<FlockRules>,
    grid: Res<FlockGrid>,
    mut boids: Query<(Entity, &Position, &Velocity, &mut Alignment)>,
) {
    let step = |(e, p, v, mut a): (Entity, &Position, &Velocity, Mut<Alignment>)| {
        a.0 = rules.0.alignment(&grid.0, e.index_u32(), p.0, v.0);
    };
    if parallel.0 { boids.par_iter_mut().for_each(step) } else { boids.iter_mut().for_each(step) }
}

fn cohesion(
    parallel: Res<Parallel>,
    rules: Res<FlockRules>,
    grid: Res<FlockGrid>,
    mut boids: Query<(Entity, &Position, &mut Cohesion)>,
) {
    let step = |(e, p, mut c): (Entity, &Position, Mut<Cohesion>)| {
        c.0 = rules.0.cohesion(&grid.0, e.index_u32(), p.0);
    };
    if parallel.0 { boids.par_iter_mut().for_each(step) } else { boids.iter_mut().for_each(step) }
}

type Move<'a> = (Mut<'a, Position>, Mut<'a, Velocity>, &'a Separation, &'a Alignment, &'a Cohesion);

fn integrate(
    parallel: Res<Parallel>,
    rules: Res<FlockRules>,
    mut boids: Query<(&mut Position, &mut Velocity, &Separation, &Alignment, &Cohesion)>,
) {
    let step = |(mut p, mut v, s, a, c): Move<'_>| {
        rules.0.integrate(&mut p.0, &mut v.0, [s.0, a.0, c.0]);
    };
    if parallel.0 { boids.par_iter_mut().for_each(step) } else { boids.iter_mut().for_each(step) }
}

/// The boids frame on bevy_ecs.
pub struct BevyBoids {
    world: World,
    schedule: Schedule,
}

impl BoidsApp for BevyBoids {
    fn new(n: usize, threads: usize) -> Self {
        ComputeTaskPool::get_or_init(|| TaskPoolBuilder::new().num_threads(2).build());
        let mut world = World::new();
        world.spawn_batch(flock(n, SEED).into_iter().map(|(p, v)| {
            (
                Position(p),
                Velocity(v),
                Separation::default(),
                Alignment::default(),
                Cohesion::default(),
            )
        }));
        let rules = Rules::for_flock(n);
        world.insert_resource(FlockGrid(Grid::new(&rules)));
        world.insert_resource(FlockRules(rules));
        world.insert_resource(Parallel(threads > 1));
        let mut schedule = Schedule::default();
        if threads > 1 {
            schedule.set_executor(MultiThreadedExecutor::new());
        } else {
            schedule.set_executor(SingleThreadedExecutor::new());
        }
        schedule.add_systems((fill_grid, (separation, alignment, cohesion), integrate).chain());
        BevyBoids { world, schedule }
    }

    fn frame(&mut self) {
        self.schedule.run(&mut self.world);
    }

    fn observe(&mut self) -> Vec<(Vec2, Vec2)> {
        let mut query = self.world.query::<(Entity, &Position, &Velocity)>();
        let mut boids: Vec<(u32, Vec2, Vec2)> =
            query.iter(&self.world).map(|(e, p, v)| (e.index_u32(), p.0, v.0)).collect();
        boids.sort_by_key(|(id, ..)| *id);
        boids.into_iter().map(|(_, p, v)| (p, v)).collect()
    }
}
