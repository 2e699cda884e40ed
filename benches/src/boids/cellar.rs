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
