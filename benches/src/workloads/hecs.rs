//! hecs 0.11: archetype tables; `spawn_batch`, `PreparedQuery` (a query whose archetype
//! matching is cached), `iter_batched` bridged to rayon for parallel work. hecs has no
//! scheduler: its schedule workload runs the three systems one after another.

use ::hecs::{Entity, PreparedQuery, World};
use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

fn observe_motion(world: &World) -> Observation {
    let mut o = Observation::default();
    for (p, v) in world.query::<(&Position, &Velocity)>().iter() {
        o.add_motion(p, v);
    }
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
        observe_motion(&self.world)
    }
}

/// simple_iter: `position += velocity` through a prepared query.
pub struct SimpleIter {
    world: World,
    query: PreparedQuery<(&'static Velocity, &'static mut Position)>,
}

impl SimpleIter {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.spawn_batch((0..n).map(body));
        Self { world, query: PreparedQuery::new() }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        for (v, p) in self.query.query_mut(&mut self.world) {
            p.0 += v.0;
        }
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// fragmented_iter: double every `Data` across 26 archetypes.
pub struct FragmentedIter {
    world: World,
    query: PreparedQuery<&'static mut Data>,
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
        Self { world, query: PreparedQuery::new() }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        for d in self.query.query_mut(&mut self.world) {
            d.0 *= 2.0;
        }
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        for d in self.world.query::<&Data>().iter() {
            o.count += 1;
            o.add(0, f64::from(d.0));
        }
        o
    }
}

/// heavy_compute: batches of 64 entities handed to rayon.
pub struct HeavyCompute {
    world: World,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.spawn_batch((0..n).map(body));
        Self { world }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.world
            .query_mut::<(&mut Transform, &mut Position)>()
            .into_iter_batched(64)
            .par_bridge()
            .for_each(|batch| {
                for (t, p) in batch {
                    heavy_step(t, p);
                }
            });
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        for (t, p) in self.world.query::<(&Transform, &Position)>().iter() {
            o.add_heavy(t, p);
        }
        o
    }
}

/// schedule: hecs has no scheduler, so the three systems run in turn on this thread.
pub struct Schedule {
    world: World,
    ab: PreparedQuery<(&'static mut A, &'static mut B)>,
    cd: PreparedQuery<(&'static mut C, &'static mut D)>,
    ce: PreparedQuery<(&'static mut C, &'static mut E)>,
}

impl Schedule {
    /// `n` entities each of (A, B), (A, B, C), (A, B, C, D) and (A, B, C, E).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let v = letter_value;
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), D(v(i, 4)))));
        world.spawn_batch((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), E(v(i, 5)))));
        Self { world, ab: PreparedQuery::new(), cd: PreparedQuery::new(), ce: PreparedQuery::new() }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        for (a, b) in self.ab.query_mut(&mut self.world) {
            std::mem::swap(&mut a.0, &mut b.0);
        }
        for (c, d) in self.cd.query_mut(&mut self.world) {
            std::mem::swap(&mut c.0, &mut d.0);
        }
        for (c, e) in self.ce.query_mut(&mut self.world) {
            std::mem::swap(&mut c.0, &mut e.0);
        }
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let mut q = self.world.query::<(&A, Option<&B>, Option<&C>, Option<&D>, Option<&E>)>();
        for (a, b, c, d, e) in q.iter() {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, b.map_or(0.0, |x| f64::from(x.0)));
            o.add(2, c.map_or(0.0, |x| f64::from(x.0)));
            o.add(3, d.map_or(0.0, |x| f64::from(x.0)));
            o.add(4, e.map_or(0.0, |x| f64::from(x.0)));
        }
        o
    }
}

/// add_remove: `insert_one` and `remove_one`, entity by entity (each moves it between tables).
pub struct AddRemove {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let entities = world.spawn_batch((0..n).map(|i| (A(data(i).0),))).collect();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        for &e in &self.entities {
            self.world.insert_one(e, B(0.0)).expect("live entity");
        }
    }

    fn remove_b(&mut self) {
        for &e in &self.entities {
            self.world.remove_one::<B>(e).expect("entity has B");
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
        for (a, b) in self.world.query::<(&A, Option<&B>)>().iter() {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, if b.is_some() { 1.0 } else { 0.0 });
        }
        for &e in &self.entities {
            o.add(2, f64::from(self.world.get::<&A>(e).expect("has A").0));
        }
        o
    }
}
