//! Criterion benchmarks of cellar against its peers, in the same run.
//!
//! The library holds the ECS workloads of the public ECS benchmark suite, written once per
//! crate in that crate's fastest idiom (`workloads::{cellar, hecs, bevy, legion, shipyard,
//! specs}`, plus the hand-written `Vec` floor in `workloads::floor`), so that the criterion
//! bench `benches/ecs.rs` and the equivalence tests `tests/equivalence.rs` run the very same
//! code. Every workload is a struct: `new(size)` builds the world (not measured), `run()` is
//! the measured part, `observe()` reads the results back for the tests.
//!
//! ```
//! use cellar_benches::{Workload, workloads};
//!
//! let mut hecs = workloads::hecs::SimpleIter::new(100);
//! let mut floor = workloads::floor::SimpleIter::new(100);
//! hecs.run();
//! floor.run();
//! assert_eq!(hecs.observe(), floor.observe());
//! ```
//!
//! The `report` binary runs the bench targets with short criterion settings and prints one
//! table per target: `cargo run --release -p cellar-benches --bin report`.

// The peers' worlds do not implement `Debug`, so neither can the workloads that hold them.
#![allow(missing_debug_implementations)]

pub mod boids;
pub mod components;
pub mod heavy_four;
pub mod snapshot;
pub mod workloads;

use cgmath::{Matrix4, Vector3};

use components::{Position, Transform, Velocity};

/// One workload written for one crate: built by its `new`, measured by [`Workload::run`].
pub trait Workload {
    /// The measured part: one step of the workload.
    fn run(&mut self);
    /// Reads the results back out of the world (not measured), for the equivalence tests.
    fn observe(&mut self) -> Observation;
}

/// add_remove in its two halves, so that a test can look at the world in between.
pub trait AddRemoveSteps: Workload {
    /// Adds `B` to every entity.
    fn add_b(&mut self);
    /// Removes `B` from every entity.
    fn remove_b(&mut self);
}

/// Makes one crate's version of a workload for a given size.
pub type Factory = fn(usize) -> Box<dyn Workload>;

/// Makes one crate's version of add_remove, whose halves a test can run apart.
pub type AddRemoveFactory = fn(usize) -> Box<dyn AddRemoveSteps>;

/// Entity counts of simple_insert and simple_iter in the benchmark: 1k, 10k, 100k and 1M.
pub const SCALING_SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// Entities per letter in fragmented_iter (26 letters).
pub const FRAGMENTED_PER_LETTER: usize = 20;
/// Entities in heavy_compute.
pub const HEAVY_ENTITIES: usize = 1_000;
/// How many times heavy_compute inverts each matrix per run.
pub const HEAVY_INVERSIONS: usize = 100;
/// Entities of each of the four archetypes in schedule.
pub const SCHEDULE_PER_ARCHETYPE: usize = 10_000;
/// Entities in add_remove.
pub const ADD_REMOVE_ENTITIES: usize = 10_000;

/// What a workload left in its world: an entity count and sums over the entities.
///
/// Sums are taken in `f64` over small-integer `f32` values where the workload keeps them
/// integral, so they do not depend on the order the crate visits entities in; the products
/// (`x * y` and so on) catch a crate that pairs one entity's component with another's.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Observation {
    /// The number of entities the observation visited.
    pub count: usize,
    /// The sums, in the order the workload's `observe` adds them.
    pub sums: Vec<f64>,
}

impl Observation {
    /// Adds `value` to sum number `slot`, growing the list as needed.
    ///
    /// ```
    /// let mut o = cellar_benches::Observation::default();
    /// o.add(2, 1.5);
    /// assert_eq!(o.sums, [0.0, 0.0, 1.5]);
    /// ```
    pub fn add(&mut self, slot: usize, value: f64) {
        if self.sums.len() <= slot {
            self.sums.resize(slot + 1, 0.0);
        }
        self.sums[slot] += value;
    }

    /// Adds a vector's three coordinates and their pairwise products, slots `slot..slot + 6`.
    pub fn add_vector(&mut self, slot: usize, v: Vector3<f32>) {
        let (x, y, z) = (f64::from(v.x), f64::from(v.y), f64::from(v.z));
        for (k, value) in [x, y, z, x * y, y * z, z * x].into_iter().enumerate() {
            self.add(slot + k, value);
        }
    }

    /// Adds a matrix's sixteen elements, weighted by their position, slots `slot..slot + 2`.
    pub fn add_matrix(&mut self, slot: usize, m: &Matrix4<f32>) {
        let elements: &[f32; 16] = m.as_ref();
        let plain: f64 = elements.iter().map(|&e| f64::from(e)).sum();
        let weighted: f64 =
            elements.iter().enumerate().map(|(k, &e)| (k + 1) as f64 * f64::from(e)).sum();
        self.add(slot, plain);
        self.add(slot + 1, weighted);
    }

    /// The observation of simple_iter and simple_insert for one entity: its position and
    /// velocity.
    pub fn add_motion(&mut self, position: &Position, velocity: &Velocity) {
        self.count += 1;
        self.add_vector(0, position.0);
        self.add_vector(6, velocity.0);
    }

    /// The observation of heavy_compute for one entity: its matrix and position.
    pub fn add_heavy(&mut self, transform: &Transform, position: &Position) {
        self.count += 1;
        self.add_vector(0, position.0);
        self.add_matrix(6, &transform.0);
    }

    /// Whether two observations agree: same count, sums within `rel_tol` of each other
    /// (relative to the larger magnitude, or absolute below 1).
    ///
    /// ```
    /// use cellar_benches::Observation;
    /// let a = Observation { count: 1, sums: vec![100.0] };
    /// let b = Observation { count: 1, sums: vec![100.001] };
    /// assert!(a.approx_eq(&b, 1e-4));
    /// assert!(!a.approx_eq(&b, 1e-6));
    /// ```
    pub fn approx_eq(&self, other: &Observation, rel_tol: f64) -> bool {
        self.count == other.count
            && self.sums.len() == other.sums.len()
            && self.sums.iter().zip(&other.sums).all(|(a, b)| {
                let scale = a.abs().max(b.abs()).max(1.0);
                (a - b).abs() <= rel_tol * scale
            })
    }
}

/// heavy_compute's work on one entity: invert the matrix [`HEAVY_INVERSIONS`] times in place,
/// then transform the position by it. Shared by every crate so that only the ECS differs.
#[inline]
pub fn heavy_step(transform: &mut Transform, position: &mut Position) {
    use cgmath::{SquareMatrix, Transform as _};
    for _ in 0..HEAVY_INVERSIONS {
        transform.0 = transform.0.invert().expect("heavy_compute's matrices are invertible");
    }
    position.0 = transform.0.transform_vector(position.0);
}

/// Every crate's version of every workload, by workload, as (function id, factory) pairs in
/// the order the bench and the table list them. Function ids follow the bench convention:
/// `cellar`, the peer crate's name, or `floor-<what>`.
pub mod registry {
    use crate::workloads::{bevy, cellar, floor, hecs, legion, shipyard, specs};
    use crate::{AddRemoveFactory, Factory};

    macro_rules! factories {
        ($workload:ident: $($id:literal => $module:ident),* $(,)?) => {
            vec![$(($id, (|n| Box::new($module::$workload::new(n))) as Factory)),*]
        };
    }

    /// simple_insert: spawn `n` entities with (Transform, Position, Rotation, Velocity).
    pub fn simple_insert() -> Vec<(&'static str, Factory)> {
        factories!(SimpleInsert: "cellar" => cellar, "hecs" => hecs, "bevy_ecs" => bevy,
            "legion" => legion, "shipyard" => shipyard, "specs" => specs)
    }

    /// simple_iter: `position += velocity` over `n` entities.
    pub fn simple_iter() -> Vec<(&'static str, Factory)> {
        let mut v = factories!(SimpleIter: "cellar" => cellar, "hecs" => hecs, "bevy_ecs" => bevy,
            "legion" => legion, "shipyard" => shipyard, "specs" => specs, "floor-vec" => floor);
        v.extend(factories!(SimpleIterLoop: "cellar-iter" => cellar, "bevy_ecs-iter" => bevy));
        v
    }

    /// fragmented_iter: 26 letters times `n` entities, double every `Data`.
    pub fn fragmented_iter() -> Vec<(&'static str, Factory)> {
        let mut versions = factories!(FragmentedIter: "cellar" => cellar, "hecs" => hecs,
            "bevy_ecs" => bevy, "legion" => legion, "shipyard" => shipyard, "specs" => specs);
        versions.extend(
            factories!(FragmentedIterLoop: "cellar-iter" => cellar, "bevy_ecs-iter" => bevy),
        );
        versions.extend(factories!(FragmentedIter: "floor-vec" => floor));
        versions.extend(factories!(FragmentedIterLoop: "floor-vec-iter" => floor));
        let sparse = |n| Box::new(cellar::FragmentedIterSparse::new(n)) as Box<dyn crate::Workload>;
        versions.push(("cellar-sparse", sparse as Factory));
        versions
    }

    /// heavy_compute: `n` entities, in parallel invert each matrix 100 times, transform.
    pub fn heavy_compute() -> Vec<(&'static str, Factory)> {
        factories!(HeavyCompute: "cellar" => cellar, "hecs" => hecs, "bevy_ecs" => bevy,
            "legion" => legion, "shipyard" => shipyard, "specs" => specs, "floor-vec" => floor)
    }

    /// schedule: `n` entities per archetype, three swapping systems on the crate's scheduler.
    pub fn schedule() -> Vec<(&'static str, Factory)> {
        let mut v = factories!(Schedule: "cellar" => cellar, "hecs" => hecs, "bevy_ecs" => bevy,
            "legion" => legion, "shipyard" => shipyard, "specs" => specs);
        v.extend(factories!(ScheduleSingle: "cellar-single" => cellar));
        v
    }

    /// add_remove: `n` entities with A; add B to all, remove B from all.
    pub fn add_remove() -> Vec<(&'static str, AddRemoveFactory)> {
        macro_rules! steps {
            ($($id:literal => $module:ident),* $(,)?) => {
                vec![$(($id, (|n| Box::new($module::AddRemove::new(n))) as AddRemoveFactory)),*]
            };
        }
        let mut versions = steps!("cellar" => cellar, "hecs" => hecs, "bevy_ecs" => bevy,
            "legion" => legion, "shipyard" => shipyard, "specs" => specs);
        let sparse =
            |n| Box::new(cellar::AddRemoveSparse::new(n)) as Box<dyn crate::AddRemoveSteps>;
        versions.push(("cellar-sparse", sparse as AddRemoveFactory));
        let sparse = |n| Box::new(bevy::AddRemoveSparse::new(n)) as Box<dyn crate::AddRemoveSteps>;
        versions.push(("bevy_ecs-sparse", sparse as AddRemoveFactory));
        versions
    }
}
