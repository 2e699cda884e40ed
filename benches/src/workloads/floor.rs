//! The floors: hand-written `Vec` loops that no ECS can beat, one column per component, as an
//! archetype table keeps them but without entities, tables or queries.

use rayon::prelude::*;

use crate::components::{Position, Transform, Velocity, position, transform, velocity};
use crate::{Observation, Workload, heavy_step};

/// simple_iter over two plain columns.
#[derive(Debug)]
pub struct SimpleIter {
    positions: Vec<Position>,
    velocities: Vec<Velocity>,
}

impl SimpleIter {
    /// Columns of `n` positions and velocities.
    pub fn new(n: usize) -> Self {
        Self {
            positions: (0..n).map(position).collect(),
            velocities: (0..n).map(velocity).collect(),
        }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        for (p, v) in self.positions.iter_mut().zip(&self.velocities) {
            p.0 += v.0;
        }
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.positions.iter().zip(&self.velocities).for_each(|(p, v)| o.add_motion(p, v));
        o
    }
}

/// heavy_compute over two plain columns, split across rayon's threads.
#[derive(Debug)]
pub struct HeavyCompute {
    transforms: Vec<Transform>,
    positions: Vec<Position>,
}

impl HeavyCompute {
    /// Columns of `n` transforms and positions.
    pub fn new(n: usize) -> Self {
        Self {
            transforms: (0..n).map(transform).collect(),
            positions: (0..n).map(position).collect(),
        }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.transforms
            .par_iter_mut()
            .zip(self.positions.par_iter_mut())
            .for_each(|(t, p)| heavy_step(t, p));
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.transforms.iter().zip(&self.positions).for_each(|(t, p)| o.add_heavy(t, p));
        o
    }
}
