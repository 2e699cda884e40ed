//! hecs 0.11: no scheduler and no resources, so the frame is a function that runs the four
//! steps in turn, with the grid and rules beside the world. On one thread, plain `query_mut`
//! loops; on more, each step is `into_iter_batched` bridged to rayon (hecs's documented way
//! to go parallel), in a rayon pool of the chosen size.

use ::hecs::{Entity, World};
use glam::Vec2;
use rayon::iter::{ParallelBridge, ParallelIterator};

use super::{BoidsApp, Grid, Neighbour, Rules, SEED, batch_size, flock, pool};

/// A boid's position.
#[derive(Clone, Copy, Debug)]
pub struct Position(pub Vec2);
/// A boid's velocity.
#[derive(Clone, Copy, Debug)]
pub struct Velocity(pub Vec2);
/// Written by the separation step.
#[derive(Clone, Copy, Debug, Default)]
pub struct Separation(pub Vec2);
/// Written by the alignment step.
#[derive(Clone, Copy, Debug, Default)]
pub struct Alignment(pub Vec2);
/// Written by the cohesion step.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cohesion(pub Vec2);

/// The boids frame on hecs.
pub struct HecsBoids {
    world: World,
    rules: Rules,
    grid: Grid,
    /// `None` on one thread: sequential loops, no rayon at all.
    pool: Option<rayon::ThreadPool>,
    batch: u32,
}

impl HecsBoids {
    fn step_sequential(&mut self) {
        let (rules, grid) = (&self.rules, &self.grid);
        grid.clear();
        for (e, p, v) in self.world.query_mut::<(Entity, &Position, &Velocity)>() {
            grid.insert(Neighbour { id: e.id(), position: p.0, velocity: v.0 });
        }
        grid.sort();
        for (e, p, s) in self.world.query_mut::<(Entity, &Position, &mut Separation)>() {
            s.0 = rules.separation(grid, e.id(), p.0);
        }
        for (e, p, v, a) in self.world.query_mut::<(Entity, &Position, &Velocity, &mut Alignment)>()
        {
            a.0 = rules.alignment(grid, e.id(), p.0, v.0);
        }
        for (e, p, c) in self.world.query_mut::<(Entity, &Position, &mut Cohesion)>() {
            c.0 = rules.cohesion(grid, e.id(), p.0);
        }
        type Move<'a> =
            (&'a mut Position, &'a mut Velocity, &'a Separation, &'a Alignment, &'a Cohesion);
        for (p, v, s, a, c) in self.world.query_mut::<Move<'_>>() {
            rules.integrate(&mut p.0, &mut v.0, [s.0, a.0, c.0]);
        }
    }

    fn step_parallel(world: &mut World, rules: &Rules, grid: &Grid, batch: u32) {
        grid.clear();
        world
            .query_mut::<(Entity, &Position, &Velocity)>()
            .into_iter_batched(batch)
            .par_bridge()
            .for_each(|boids| {
                for (e, p, v) in boids {
                    grid.insert(Neighbour { id: e.id(), position: p.0, velocity: v.0 });
                }
            });
        grid.sort();
        world
            .query_mut::<(Entity, &Position, &mut Separation)>()
            .into_iter_batched(batch)
            .par_bridge()
            .for_each(|boids| {
                for (e, p, s) in boids {
                    s.0 = rules.separation(grid, e.id(), p.0);
                }
            });
        world
            .query_mut::<(Entity, &Position, &Velocity, &mut Alignment)>()
            .into_iter_batched(batch)
            .par_bridge()
            .for_each(|boids| {
                for (e, p, v, a) in boids {
                    a.0 = rules.alignment(grid, e.id(), p.0, v.0);
                }
            });
        world
            .query_mut::<(Entity, &Position, &mut Cohesion)>()
            .into_iter_batched(batch)
            .par_bridge()
            .for_each(|boids| {
                for (e, p, c) in boids {
                    c.0 = rules.cohesion(grid, e.id(), p.0);
                }
            });
        type Move<'a> =
            (&'a mut Position, &'a mut Velocity, &'a Separation, &'a Alignment, &'a Cohesion);
        world.query_mut::<Move<'_>>().into_iter_batched(batch).par_bridge().for_each(|boids| {
            for (p, v, s, a, c) in boids {
                rules.integrate(&mut p.0, &mut v.0, [s.0, a.0, c.0]);
            }
        });
    }
}

impl BoidsApp for HecsBoids {
    fn new(n: usize, threads: usize) -> Self {
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
        HecsBoids {
            world,
            grid: Grid::new(&rules),
            rules,
            pool: (threads > 1).then(|| pool(threads)),
            batch: batch_size(n, threads),
        }
    }

    fn frame(&mut self) {
        match &self.pool {
            None => self.step_sequential(),
            Some(pool) => {
                let (world, rules, grid, batch) =
                    (&mut self.world, &self.rules, &self.grid, self.batch);
                pool.install(|| Self::step_parallel(world, rules, grid, batch));
            }
        }
    }

    fn observe(&mut self) -> Vec<(Vec2, Vec2)> {
        let mut boids: Vec<(u32, Vec2, Vec2)> = self
            .world
            .query::<(Entity, &Position, &Velocity)>()
            .iter()
            .map(|(e, p, v)| (e.id(), p.0, v.0))
            .collect();
        boids.sort_by_key(|(id, ..)| *id);
        boids.into_iter().map(|(_, p, v)| (p, v)).collect()
    }
}
