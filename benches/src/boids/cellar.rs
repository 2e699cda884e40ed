//! cellar: the demo's own world and schedule (`cellar_demos::boids::{setup, schedule}`),
//! run in a rayon pool of the chosen size: the three rules share a batch and run side by
//! side, each a `par_iter_mut`.

use cellar::prelude::*;
use cellar_demos::boids::{self, Position, Velocity};
use cellar_demos::cli::Config;
use glam::Vec2;

use super::{BoidsApp, SEED, pool};

/// The boids demo as it ships.
pub struct CellarBoids {
    world: World,
    schedule: Schedule,
    pool: rayon::ThreadPool,
}

impl BoidsApp for CellarBoids {
    fn new(n: usize, threads: usize) -> Self {
        let config = Config { seed: SEED, threads, ..Config::new(n, 1) };
        CellarBoids {
            world: boids::setup(&config),
            schedule: boids::schedule(),
            pool: pool(threads),
        }
    }

    fn frame(&mut self) {
        self.schedule.run_in(&self.pool, &mut self.world);
    }

    fn observe(&mut self) -> Vec<(Vec2, Vec2)> {
        let mut boids: Vec<(Entity, Vec2, Vec2)> = self
            .world
            .query::<(Entity, &Position, &Velocity)>()
            .map(|(e, p, v)| (e, p.0, v.0))
            .collect();
        boids.sort_by_key(|(e, ..)| e.index());
        boids.into_iter().map(|(_, p, v)| (p, v)).collect()
    }
}

/// The same frame with the systems written as plain loops (`iter_mut`), cellar's idiom on
/// one thread, as the bevy_ecs and hecs versions use on one thread: on a one-thread pool the
/// demo's `par_iter_mut` still pays for rayon's splitting. On more threads the three rules
/// still run side by side, each on a thread of its own.
pub struct CellarSequential {
    world: World,
    schedule: Schedule,
    pool: rayon::ThreadPool,
}

mod sequential {
    use cellar::prelude::*;
    use cellar_demos::boids::{
        Alignment, Cohesion, Grid, Neighbour, Position, Rules, Separation, Velocity,
    };

    pub fn fill_grid(grid: Res<'_, Grid>, boids: Query<'_, '_, (Entity, &Position, &Velocity)>) {
        grid.clear();
        for (e, p, v) in boids.iter() {
            grid.insert(Neighbour { id: e.index(), position: p.0, velocity: v.0 });
        }
        grid.sort();
    }

    pub fn separation(
        rules: Res<'_, Rules>,
        grid: Res<'_, Grid>,
        mut boids: Query<'_, '_, (Entity, &Position, &mut Separation)>,
    ) {
        for (e, p, s) in boids.iter_mut() {
            s.0 = rules.separation(&grid, e.index(), p.0);
        }
    }

    pub fn alignment(
        rules: Res<'_, Rules>,
        grid: Res<'_, Grid>,
        mut boids: Query<'_, '_, (Entity, &Position, &Velocity, &mut Alignment)>,
    ) {
        for (e, p, v, a) in boids.iter_mut() {
            a.0 = rules.alignment(&grid, e.index(), p.0, v.0);
        }
    }

    pub fn cohesion(
        rules: Res<'_, Rules>,
        grid: Res<'_, Grid>,
        mut boids: Query<'_, '_, (Entity, &Position, &mut Cohesion)>,
    ) {
        for (e, p, c) in boids.iter_mut() {
            c.0 = rules.cohesion(&grid, e.index(), p.0);
        }
    }

    type Move<'a> =
        (&'a mut Position, &'a mut Velocity, &'a Separation, &'a Alignment, &'a Cohesion);

    pub fn integrate(rules: Res<'_, Rules>, mut boids: Query<'_, '_, Move<'_>>) {
        for (p, v, s, a, c) in boids.iter_mut() {
            rules.integrate(&mut p.0, &mut v.0, [s.0, a.0, c.0]);
        }
    }

    /// The demo's order: the grid, the three rules after it, then the move.
    pub fn schedule() -> Schedule {
        let mut schedule = Schedule::new();
        schedule.add_system(fill_grid);
        schedule.add_system(separation.after(fill_grid));
        schedule.add_system(alignment.after(fill_grid));
        schedule.add_system(cohesion.after(fill_grid));
        schedule.add_system(integrate);
        schedule
    }
}

impl BoidsApp for CellarSequential {
    fn new(n: usize, threads: usize) -> Self {
        let config = Config { seed: SEED, threads, ..Config::new(n, 1) };
        CellarSequential {
            world: boids::setup(&config),
            schedule: sequential::schedule(),
            pool: pool(threads),
        }
    }

    fn frame(&mut self) {
        self.schedule.run_in(&self.pool, &mut self.world);
    }

    fn observe(&mut self) -> Vec<(Vec2, Vec2)> {
        let mut boids: Vec<(Entity, Vec2, Vec2)> = self
            .world
            .query::<(Entity, &Position, &Velocity)>()
            .map(|(e, p, v)| (e, p.0, v.0))
            .collect();
        boids.sort_by_key(|(e, ..)| e.index());
        boids.into_iter().map(|(_, p, v)| (p, v)).collect()
    }
}
