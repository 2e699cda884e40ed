//! cellar: archetype tables whose columns sit in token cells; `spawn_batch`, a `QueryState`
//! kept between runs (one owner check per column per run, then typed slices),
//! `par_for_each_mut` on rayon, cellar's `Schedule` lending each system its tokens, and
//! `insert`/`remove` entity by entity.

use cellar::prelude::*;

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

fn observe_motion(world: &World) -> Observation {
    let mut o = Observation::default();
    world.query::<(&Position, &Velocity)>().for_each(|(p, v)| o.add_motion(p, v));
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
        let query = QueryState::new(&mut world);
        Self { world, query }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        self.query.for_each_mut(&mut self.world, |(v, p)| p.0 += v.0);
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// simple_iter written as the README shows it: a plain `for` loop over `iter_mut()`.
pub struct SimpleIterLoop(SimpleIter);

impl SimpleIterLoop {
    /// As [`SimpleIter::new`].
    pub fn new(n: usize) -> Self {
        Self(SimpleIter::new(n))
    }
}

impl Workload for SimpleIterLoop {
    fn run(&mut self) {
        for (v, p) in self.0.query.iter_mut(&mut self.0.world) {
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
        let query = QueryState::new(&mut world);
        Self { world, query }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        self.query.for_each_mut(&mut self.world, |d| d.0 *= 2.0);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.query::<&Data>().for_each(|d| {
            o.count += 1;
            o.add(0, f64::from(d.0));
        });
        o
    }
}

/// fragmented_iter written as a plain `for` loop over `iter_mut()`.
pub struct FragmentedIterLoop(FragmentedIter);

impl FragmentedIterLoop {
    /// As [`FragmentedIter::new`].
    pub fn new(n: usize) -> Self {
        Self(FragmentedIter::new(n))
    }
}

impl Workload for FragmentedIterLoop {
    fn run(&mut self) {
        for d in self.0.query.iter_mut(&mut self.0.world) {
            d.0 *= 2.0;
        }
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}

/// heavy_compute: `par_for_each_mut` on rayon.
pub struct HeavyCompute {
    world: World,
    query: QueryState<(&'static mut Transform, &'static mut Position)>,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.spawn_batch((0..n).map(body));
        let query = QueryState::new(&mut world);
        Self { world, query }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.query.par_for_each_mut(&mut self.world, |(t, p)| heavy_step(t, p));
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.query::<(&Transform, &Position)>().for_each(|(t, p)| o.add_heavy(t, p));
        o
    }
}

fn ab(mut query: Query<'_, '_, (&mut A, &mut B)>) {
    query.for_each_mut(|(a, b)| std::mem::swap(&mut a.0, &mut b.0));
}

fn cd(mut query: Query<'_, '_, (&mut C, &mut D)>) {
    query.for_each_mut(|(c, d)| std::mem::swap(&mut c.0, &mut d.0));
}

fn ce(mut query: Query<'_, '_, (&mut C, &mut E)>) {
    query.for_each_mut(|(c, e)| std::mem::swap(&mut c.0, &mut e.0));
}

/// schedule: three systems on cellar's `Schedule`, which lends each its tokens and runs the
/// batches of non-conflicting systems on rayon.
pub struct Schedule {
    world: World,
    schedule: cellar::prelude::Schedule,
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
        let mut schedule = cellar::prelude::Schedule::new();
        schedule.add_system(ab);
        schedule.add_system(cd);
        schedule.add_system(ce);
        Self { world, schedule }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        self.schedule.run(&mut self.world);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let q = self.world.query::<(&A, Option<&B>, Option<&C>, Option<&D>, Option<&E>)>();
        q.for_each(|(a, b, c, d, e)| {
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

/// schedule, single-threaded (`set_multithreaded(false)`): what the default schedule is
/// compared with on small batches.
pub struct ScheduleSingle(Schedule);

impl ScheduleSingle {
    /// As [`Schedule::new`], every batch on the caller's thread.
    pub fn new(n: usize) -> Self {
        let mut inner = Schedule::new(n);
        inner.schedule.set_multithreaded(false);
        Self(inner)
    }
}

impl Workload for ScheduleSingle {
    fn run(&mut self) {
        self.0.run();
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}

/// add_remove: `insert` and `remove` entity by entity (each moves it between tables).
pub struct AddRemove {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let entities = world.spawn_batch((0..n).map(|i| (A(data(i).0),))).to_vec();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        for &e in &self.entities {
            self.world.insert(e, (B(0.0),)).expect("live entity");
        }
    }

    fn remove_b(&mut self) {
        for &e in &self.entities {
            self.world.remove::<(B,)>(e).expect("entity has B");
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
        self.world.query::<(&A, Option<&B>)>().for_each(|(a, b)| {
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

/// add_remove with `B` a sparse-set component (`register_sparse::<B>()`): adding and removing
/// it moves no row.
pub struct AddRemoveSparse(AddRemove);

impl AddRemoveSparse {
    /// `n` entities with A; `B` registered sparse.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.register_sparse::<B>().expect("B is not used yet");
        let entities = world.spawn_batch((0..n).map(|i| (A(data(i).0),))).to_vec();
        Self(AddRemove { world, entities })
    }
}

impl AddRemoveSteps for AddRemoveSparse {
    fn add_b(&mut self) {
        self.0.add_b();
    }

    fn remove_b(&mut self) {
        self.0.remove_b();
    }
}

impl Workload for AddRemoveSparse {
    fn run(&mut self) {
        self.0.run();
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}

/// fragmented_iter with `Data` a sparse-set component: the query walks the sparse set's
/// dense array.
pub struct FragmentedIterSparse(FragmentedIter);

impl FragmentedIterSparse {
    /// `n` entities of (letter, Data) for each letter A..Z, `Data` registered sparse.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.register_sparse::<Data>().expect("Data is not used yet");
        macro_rules! spawn {
            ($($letter:ident)*) => {$(
                world.spawn_batch((0..n).map(|i| ($letter(0.0), data(i))));
            )*};
        }
        spawn!(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z);
        let query = QueryState::new(&mut world);
        Self(FragmentedIter { world, query })
    }
}

impl Workload for FragmentedIterSparse {
    fn run(&mut self) {
        self.0.run();
    }

    fn observe(&mut self) -> Observation {
        self.0.observe()
    }
}
