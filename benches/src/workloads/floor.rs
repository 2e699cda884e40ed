//! The floors: hand-written `Vec` loops that no ECS can beat, one column per component, as an
//! archetype table keeps them but without entities, tables or queries.

use rayon::prelude::*;

use crate::components::{Data, Position, Transform, Velocity, data, position, transform, velocity};
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

/// fragmented_iter over 26 plain columns of `Data`, one per letter, as 26 archetype tables
/// keep them: `for_each` over the columns flattened.
///
/// With its plain-`for` twin [`FragmentedIterLoop`] it measures what any item iterator pays
/// on short tables, ECS or not: `for_each` runs each column as a counted loop (vectorized),
/// a `for` loop steps one item at a time through a loop shared with the switch to the next
/// column.
#[derive(Debug)]
pub struct FragmentedIter {
    columns: Vec<Vec<Data>>,
}

impl FragmentedIter {
    /// 26 columns of `n` values each.
    pub fn new(n: usize) -> Self {
        Self { columns: (0..26).map(|_| (0..n).map(data).collect()).collect() }
    }

    fn observe_columns(&self) -> Observation {
        let mut o = Observation::default();
        self.columns.iter().flatten().for_each(|d| {
            o.count += 1;
            o.add(0, f64::from(d.0));
        });
        o
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        self.columns.iter_mut().flatten().for_each(|d| d.0 *= 2.0);
    }

    fn observe(&mut self) -> Observation {
        self.observe_columns()
    }
}

/// [`FragmentedIter`] written as a plain `for` loop over the flattened columns.
#[derive(Debug)]
pub struct FragmentedIterLoop(FragmentedIter);

impl FragmentedIterLoop {
    /// As [`FragmentedIter::new`].
    pub fn new(n: usize) -> Self {
        Self(FragmentedIter::new(n))
    }
}

impl Workload for FragmentedIterLoop {
    fn run(&mut self) {
        for d in self.0.columns.iter_mut().flatten() {
            d.0 *= 2.0;
        }
    }

    fn observe(&mut self) -> Observation {
        self.0.observe_columns()
    }
}
