//! legion 0.4: archetype tables; `extend` from an iterator, cached `Query`s with
//! `for_each_mut`, `par_for_each_mut` on rayon, and legion's parallel `Schedule` of
//! `#[system(for_each)]` systems.

use ::legion::{
    Entity, EntityStore, IntoQuery, Query, Read, Resources, Schedule as LegionSchedule, TryRead,
    World, Write, system,
};

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

fn observe_motion(world: &World) -> Observation {
    let mut o = Observation::default();
    <(Read<Position>, Read<Velocity>)>::query().for_each(world, |(p, v)| o.add_motion(p, v));
    o
}

/// simple_insert: a new world, `n` entities from one `extend`.
pub struct SimpleInsert {
    n: usize,
    world: World,
}

impl SimpleInsert {
    /// Nothing to set up: `run` builds the world.
    pub fn new(n: usize) -> Self {
        Self { n, world: World::default() }
    }
}

impl Workload for SimpleInsert {
    fn run(&mut self) {
        let mut world = World::default();
        world.extend((0..self.n).map(body));
        self.world = world;
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// simple_iter: `position += velocity` through a cached query.
pub struct SimpleIter {
    world: World,
    query: Query<(Read<Velocity>, Write<Position>)>,
}

impl SimpleIter {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::default();
        world.extend((0..n).map(body));
        Self { world, query: <(Read<Velocity>, Write<Position>)>::query() }
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

/// fragmented_iter: double every `Data` across 26 archetypes.
pub struct FragmentedIter {
    world: World,
    query: Query<Write<Data>>,
}

impl FragmentedIter {
    /// `n` entities of (letter, Data) for each letter A..Z.
    pub fn new(n: usize) -> Self {
        let mut world = World::default();
        macro_rules! spawn {
            ($($letter:ident)*) => {$(
                world.extend((0..n).map(|i| ($letter(0.0), data(i))));
            )*};
        }
        spawn!(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z);
        Self { world, query: <Write<Data>>::query() }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        self.query.for_each_mut(&mut self.world, |d| d.0 *= 2.0);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        <Read<Data>>::query().for_each(&self.world, |d| {
            o.count += 1;
            o.add(0, f64::from(d.0));
        });
        o
    }
}

/// heavy_compute: `par_for_each_mut` on rayon.
pub struct HeavyCompute {
    world: World,
    query: Query<(Write<Transform>, Write<Position>)>,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::default();
        world.extend((0..n).map(body));
        Self { world, query: <(Write<Transform>, Write<Position>)>::query() }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.query.par_for_each_mut(&mut self.world, |(t, p)| heavy_step(t, p));
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        <(Read<Transform>, Read<Position>)>::query()
            .for_each(&self.world, |(t, p)| o.add_heavy(t, p));
        o
    }
}

#[system(for_each)]
fn ab(a: &mut A, b: &mut B) {
    std::mem::swap(&mut a.0, &mut b.0);
}

#[system(for_each)]
fn cd(c: &mut C, d: &mut D) {
    std::mem::swap(&mut c.0, &mut d.0);
}

#[system(for_each)]
fn ce(c: &mut C, e: &mut E) {
    std::mem::swap(&mut c.0, &mut e.0);
}

/// schedule: three systems on legion's parallel schedule.
pub struct Schedule {
    world: World,
    resources: Resources,
    schedule: LegionSchedule,
}

impl Schedule {
    /// `n` entities each of (A, B), (A, B, C), (A, B, C, D) and (A, B, C, E).
    pub fn new(n: usize) -> Self {
        let mut world = World::default();
        let v = letter_value;
        world.extend((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)))));
        world.extend((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)))));
        world.extend((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), D(v(i, 4)))));
        world.extend((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), E(v(i, 5)))));
        let schedule = LegionSchedule::builder()
            .add_system(ab_system())
            .add_system(cd_system())
            .add_system(ce_system())
            .build();
        Self { world, resources: Resources::default(), schedule }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        self.schedule.execute(&mut self.world, &mut self.resources);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        <(Read<A>, TryRead<B>, TryRead<C>, TryRead<D>, TryRead<E>)>::query().for_each(
            &self.world,
            |(a, b, c, d, e)| {
                o.count += 1;
                o.add(0, f64::from(a.0));
                o.add(1, b.map_or(0.0, |x| f64::from(x.0)));
                o.add(2, c.map_or(0.0, |x| f64::from(x.0)));
                o.add(3, d.map_or(0.0, |x| f64::from(x.0)));
                o.add(4, e.map_or(0.0, |x| f64::from(x.0)));
            },
        );
        o
    }
}

/// add_remove: `add_component` and `remove_component` through each entity's `Entry`.
pub struct AddRemove {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::default();
        let entities = world.extend((0..n).map(|i| (A(data(i).0),))).to_vec();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        for &e in &self.entities {
            self.world.entry(e).expect("live entity").add_component(B(0.0));
        }
    }

    fn remove_b(&mut self) {
        for &e in &self.entities {
            self.world.entry(e).expect("live entity").remove_component::<B>();
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
        <(Read<A>, TryRead<B>)>::query().for_each(&self.world, |(a, b)| {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, if b.is_some() { 1.0 } else { 0.0 });
        });
        // Entries are reached by entity id: check the ids still lead to A.
        for &e in &self.entities {
            let entry = self.world.entry_ref(e).expect("live entity");
            o.add(2, f64::from(entry.get_component::<A>().expect("has A").0));
        }
        o
    }
}
