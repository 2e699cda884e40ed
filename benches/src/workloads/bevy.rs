//! bevy_ecs 0.20: archetype tables; `spawn_batch`, cached `QueryState`s iterated with
//! `for_each`, `par_iter_mut` on bevy's compute task pool, and bevy's multi-threaded schedule
//! executor.

use ::bevy_ecs::entity::Entity;
use ::bevy_ecs::query::QueryState;
use ::bevy_ecs::schedule::Schedule as BevySchedule;
use ::bevy_ecs::system::Query;
use ::bevy_ecs::world::World;
use ::bevy_tasks::{ComputeTaskPool, TaskPool};

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

fn observe_motion(world: &mut World) -> Observation {
    let mut o = Observation::default();
    let mut q = world.query::<(&Position, &Velocity)>();
    q.iter(world).for_each(|(p, v)| o.add_motion(p, v));
    o
}

/// simple_insert: a new world, `n` entities spawned as one batch.
pub struct SimpleInsert {
    n: usize,
    world: World,
}

impl SimpleInsert {
    /// Nothing to set up: `run` builds the world.
    pub fn new(n: usize) -> Self {
        Self { n, world: World::new() }
    }
}

impl Workload for SimpleInsert {
    fn run(&mut self) {
        let mut world = World::new();
        world.spawn_batch((0..self.n).map(body));
        self.world = world;
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&mut self.world)
    }
}

/// simple_iter: `position += velocity` through a cached query state.
pub struct SimpleIter {
    world: World,
    query: QueryState<(&'static Velocity, &'static mut Position)>,
}

impl SimpleIter {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.spawn_batch((0..n).map(body));
        let query = world.query();
        Self { world, query }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        self.query.iter_mut(&mut self.world).for_each(|(v, mut p)| p.0 += v.0);
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&mut self.world)
    }
}

/// simple_iter as a plain `for` loop over `iter_mut()` (the like-for-like of `cellar-iter`).
pub struct SimpleIterLoop(SimpleIter);

impl SimpleIterLoop {
    /// As [`SimpleIter::new`].
    pub fn new(n: usize) -> Self {
        Self(SimpleIter::new(n))
    }
}

impl Workload for SimpleIterLoop {
    fn run(&mut self) {
        for (v, mut p) in self.0.query.iter_mut(&mut self.0.world) {
            p.0 += v.0;
        }
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}

/// fragmented_iter: double every `Data` across 26 archetypes.
pub struct FragmentedIter {
    world: World,
    query: QueryState<&'static mut Data>,
}

impl FragmentedIter {
    /// `n` entities of (letter, Data) for each letter A..Z.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        macro_rules! spawn {
            ($($letter:ident)*) => {$(
                world.spawn_batch((0..n).map(|i| ($letter(0.0), data(i))));
            )*};
        }
        spawn!(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z);
        let query = world.query();
        Self { world, query }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        self.query.iter_mut(&mut self.world).for_each(|mut d| d.0 *= 2.0);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<&Data>();
        q.iter(&self.world).for_each(|d| {
            o.count += 1;
            o.add(0, f64::from(d.0));
        });
        o
    }
}

/// fragmented_iter as a plain `for` loop over `iter_mut()`.
pub struct FragmentedIterLoop(FragmentedIter);

impl FragmentedIterLoop {
    /// As [`FragmentedIter::new`].
    pub fn new(n: usize) -> Self {
        Self(FragmentedIter::new(n))
    }
}

impl Workload for FragmentedIterLoop {
    fn run(&mut self) {
        for mut d in self.0.query.iter_mut(&mut self.0.world) {
            d.0 *= 2.0;
        }
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}

/// heavy_compute: `par_iter_mut` on bevy's compute task pool (one thread per core).
pub struct HeavyCompute {
    world: World,
    query: QueryState<(&'static mut Transform, &'static mut Position)>,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        ComputeTaskPool::get_or_init(TaskPool::default);
        let mut world = World::new();
        world.spawn_batch((0..n).map(body));
        let query = world.query();
        Self { world, query }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.query
            .par_iter_mut(&mut self.world)
            .for_each(|(mut t, mut p)| heavy_step(&mut t, &mut p));
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<(&Transform, &Position)>();
        q.iter(&self.world).for_each(|(t, p)| o.add_heavy(t, p));
        o
    }
}

fn ab(mut query: Query<'_, '_, (&mut A, &mut B)>) {
    query.iter_mut().for_each(|(mut a, mut b)| std::mem::swap(&mut a.0, &mut b.0));
}

fn cd(mut query: Query<'_, '_, (&mut C, &mut D)>) {
    query.iter_mut().for_each(|(mut c, mut d)| std::mem::swap(&mut c.0, &mut d.0));
}

fn ce(mut query: Query<'_, '_, (&mut C, &mut E)>) {
    query.iter_mut().for_each(|(mut c, mut e)| std::mem::swap(&mut c.0, &mut e.0));
}

/// schedule: three systems on bevy's multi-threaded executor.
pub struct Schedule {
    world: World,
    schedule: BevySchedule,
}

impl Schedule {
    /// `n` entities each of (A, B), (A, B, C), (A, B, C, D) and (A, B, C, E).
    pub fn new(n: usize) -> Self {
        ComputeTaskPool::get_or_init(TaskPool::default);
        let mut world = World::new();
        let v = letter_value;
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), D(v(i, 4)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), E(v(i, 5)))));
        let mut schedule = BevySchedule::default();
        schedule.add_systems((ab, cd, ce));
        Self { world, schedule }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        self.schedule.run(&mut self.world);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<(&A, Option<&B>, Option<&C>, Option<&D>, Option<&E>)>();
        q.iter(&self.world).for_each(|(a, b, c, d, e)| {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, b.map_or(0.0, |x| f64::from(x.0)));
            o.add(2, c.map_or(0.0, |x| f64::from(x.0)));
            o.add(3, d.map_or(0.0, |x| f64::from(x.0)));
            o.add(4, e.map_or(0.0, |x| f64::from(x.0)));
        });
        o
    }
}

/// add_remove: `insert_batch` to add, `remove` entity by entity (bevy has no batch remove).
pub struct AddRemove {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let entities = world.spawn_batch((0..n).map(|i| A(data(i).0))).collect();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        self.world.insert_batch(self.entities.iter().map(|&e| (e, B(0.0))));
    }

    fn remove_b(&mut self) {
        for &e in &self.entities {
            self.world.entity_mut(e).remove::<B>();
        }
    }
}

impl Workload for AddRemove {
    fn run(&mut self) {
        self.add_b();
        self.remove_b();
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<(&A, Option<&B>)>();
        q.iter(&self.world).for_each(|(a, b)| {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, if b.is_some() { 1.0 } else { 0.0 });
        });
        for &e in &self.entities {
            o.add(2, f64::from(self.world.get::<A>(e).expect("has A").0));
        }
        o
    }
}

/// add_remove with a sparse-set `B` (`SparseB`: bevy_ecs fixes storage per type).
pub struct AddRemoveSparse {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemoveSparse {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let entities = world.spawn_batch((0..n).map(|i| A(data(i).0))).collect();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemoveSparse {
    fn add_b(&mut self) {
        self.world.insert_batch(self.entities.iter().map(|&e| (e, SparseB(0.0))));
    }

    fn remove_b(&mut self) {
        for &e in &self.entities {
            self.world.entity_mut(e).remove::<SparseB>();
        }
    }
}

impl Workload for AddRemoveSparse {
    fn run(&mut self) {
        self.add_b();
        self.remove_b();
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<(&A, Option<&SparseB>)>();
        q.iter(&self.world).for_each(|(a, b)| {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, if b.is_some() { 1.0 } else { 0.0 });
        });
        for &e in &self.entities {
            o.add(2, f64::from(self.world.get::<A>(e).expect("has A").0));
        }
        o
    }
}
