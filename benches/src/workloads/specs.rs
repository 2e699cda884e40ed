//! specs 0.20: one `VecStorage` per component; storages fetched once and filled entity by
//! entity, `join` for iteration, `par_join` on rayon, and a specs `Dispatcher` running
//! `System`s in parallel for the schedule.

use ::specs::{
    Builder, Dispatcher, DispatcherBuilder, Entities, Entity, Join, LendJoin, ParJoin, ReadStorage,
    System, World, WorldExt, WriteStorage,
};
use rayon::iter::ParallelIterator;

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

type Bodies<'a> = (
    Entities<'a>,
    WriteStorage<'a, Transform>,
    WriteStorage<'a, Position>,
    WriteStorage<'a, Rotation>,
    WriteStorage<'a, Velocity>,
);

/// A world with the four body components registered and `n` entities carrying them.
fn world_of_bodies(n: usize) -> World {
    let mut world = World::new();
    world.register::<Transform>();
    world.register::<Position>();
    world.register::<Rotation>();
    world.register::<Velocity>();
    {
        let (entities, mut ts, mut ps, mut rs, mut vs) = world.system_data::<Bodies<'_>>();
        for i in 0..n {
            let e = entities.create();
            let (t, p, r, v) = body(i);
            ts.insert(e, t).expect("live entity");
            ps.insert(e, p).expect("live entity");
            rs.insert(e, r).expect("live entity");
            vs.insert(e, v).expect("live entity");
        }
    }
    world
}

fn observe_motion(world: &World) -> Observation {
    let mut o = Observation::default();
    let (p, v) = world.system_data::<(ReadStorage<'_, Position>, ReadStorage<'_, Velocity>)>();
    (&p, &v).join().for_each(|(p, v)| o.add_motion(p, v));
    o
}

/// simple_insert: a new world, `n` entities created with the storages fetched once.
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
        self.world = world_of_bodies(self.n);
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// simple_iter: `position += velocity` over a join.
pub struct SimpleIter {
    world: World,
}

impl SimpleIter {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        Self { world: world_of_bodies(n) }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        let (v, mut p) =
            self.world.system_data::<(ReadStorage<'_, Velocity>, WriteStorage<'_, Position>)>();
        (&v, &mut p).join().for_each(|(v, p)| p.0 += v.0);
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// fragmented_iter: double every `Data`.
pub struct FragmentedIter {
    world: World,
}

impl FragmentedIter {
    /// `n` entities of (letter, Data) for each letter A..Z.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.register::<Data>();
        macro_rules! spawn {
            ($($letter:ident)*) => {$(
                world.register::<$letter>();
                {
                    let (entities, mut letters, mut datas) = world.system_data::<(
                        Entities<'_>,
                        WriteStorage<'_, $letter>,
                        WriteStorage<'_, Data>,
                    )>();
                    for i in 0..n {
                        let e = entities.create();
                        letters.insert(e, $letter(0.0)).expect("live entity");
                        datas.insert(e, data(i)).expect("live entity");
                    }
                }
            )*};
        }
        spawn!(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z);
        Self { world }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        let mut d = self.world.write_storage::<Data>();
        (&mut d).join().for_each(|d| d.0 *= 2.0);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let d = self.world.read_storage::<Data>();
        (&d).join().for_each(|d| {
            o.count += 1;
            o.add(0, f64::from(d.0));
        });
        o
    }
}

/// heavy_compute: `par_join` on rayon.
pub struct HeavyCompute {
    world: World,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        Self { world: world_of_bodies(n) }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        let (mut t, mut p) =
            self.world.system_data::<(WriteStorage<'_, Transform>, WriteStorage<'_, Position>)>();
        (&mut t, &mut p).par_join().for_each(|(t, p)| heavy_step(t, p));
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let (t, p) =
            self.world.system_data::<(ReadStorage<'_, Transform>, ReadStorage<'_, Position>)>();
        (&t, &p).join().for_each(|(t, p)| o.add_heavy(t, p));
        o
    }
}

/// Swaps the `f32`s of two components on every entity that has both.
struct Swap<X, Y>(std::marker::PhantomData<(X, Y)>);

macro_rules! swap_system {
    ($x:ident, $y:ident) => {
        impl<'a> System<'a> for Swap<$x, $y> {
            type SystemData = (WriteStorage<'a, $x>, WriteStorage<'a, $y>);

            fn run(&mut self, (mut xs, mut ys): Self::SystemData) {
                (&mut xs, &mut ys).join().for_each(|(x, y)| std::mem::swap(&mut x.0, &mut y.0));
            }
        }
    };
}

swap_system!(A, B);
swap_system!(C, D);
swap_system!(C, E);

fn swap<X, Y>() -> Swap<X, Y> {
    Swap(std::marker::PhantomData)
}

/// schedule: three systems on a specs dispatcher (parallel where their storages allow).
pub struct Schedule {
    world: World,
    dispatcher: Dispatcher<'static, 'static>,
}

impl Schedule {
    /// `n` entities each of (A, B), (A, B, C), (A, B, C, D) and (A, B, C, E).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.register::<A>();
        world.register::<B>();
        world.register::<C>();
        world.register::<D>();
        world.register::<E>();
        let v = letter_value;
        for i in 0..n {
            world.create_entity().with(A(v(i, 1))).with(B(v(i, 2))).build();
        }
        for i in 0..n {
            world.create_entity().with(A(v(i, 1))).with(B(v(i, 2))).with(C(v(i, 3))).build();
        }
        for i in 0..n {
            let (a, b, c, d) = (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), D(v(i, 4)));
            world.create_entity().with(a).with(b).with(c).with(d).build();
        }
        for i in 0..n {
            let (a, b, c, e) = (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), E(v(i, 5)));
            world.create_entity().with(a).with(b).with(c).with(e).build();
        }
        let dispatcher = DispatcherBuilder::new()
            .with(swap::<A, B>(), "ab", &[])
            .with(swap::<C, D>(), "cd", &[])
            .with(swap::<C, E>(), "ce", &[])
            .build();
        Self { world, dispatcher }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        self.dispatcher.dispatch(&self.world);
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        let (a, b, c, d, e) = self.world.system_data::<(
            ReadStorage<'_, A>,
            ReadStorage<'_, B>,
            ReadStorage<'_, C>,
            ReadStorage<'_, D>,
            ReadStorage<'_, E>,
        )>();
        (&a, (&b).maybe(), (&c).maybe(), (&d).maybe(), (&e).maybe()).join().for_each(
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

/// add_remove: the `B` storage fetched once, `insert` and `remove` entity by entity.
pub struct AddRemove {
    world: World,
    entities: Vec<Entity>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.register::<A>();
        world.register::<B>();
        let entities = (0..n).map(|i| world.create_entity().with(A(data(i).0)).build()).collect();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        let mut b = self.world.write_storage::<B>();
        for &e in &self.entities {
            b.insert(e, B(0.0)).expect("live entity");
        }
    }

    fn remove_b(&mut self) {
        let mut b = self.world.write_storage::<B>();
        for &e in &self.entities {
            b.remove(e);
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
        let (a, b) = self.world.system_data::<(ReadStorage<'_, A>, ReadStorage<'_, B>)>();
        (&a, (&b).maybe()).join().for_each(|(a, b)| {
            o.count += 1;
            o.add(0, f64::from(a.0));
            o.add(1, if b.is_some() { 1.0 } else { 0.0 });
        });
        for &e in &self.entities {
            o.add(2, f64::from(a.get(e).expect("has A").0));
        }
        o
    }
}
