//! shipyard 0.11: sparse sets; `bulk_add_entity`, views borrowed once per run and iterated
//! with `for_each`, `par_iter` on rayon, and a shipyard `Workload` for the schedule.

use ::shipyard::{
    Delete, EntitiesView, EntityId, Get, IntoIter, View, ViewMut, Workload as ShipyardWorkload,
    World,
};
use rayon::iter::ParallelIterator;

use crate::components::*;
use crate::{AddRemoveSteps, Observation, Workload, heavy_step};

fn observe_motion(world: &World) -> Observation {
    let mut o = Observation::default();
    world.run(|p: View<'_, Position>, v: View<'_, Velocity>| {
        (&p, &v).iter().for_each(|(p, v)| o.add_motion(p, v));
    });
    o
}

/// simple_insert: a new world, `n` entities added in bulk.
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
        world.bulk_add_entity((0..self.n).map(body));
        self.world = world;
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// simple_iter: `position += velocity` over two views.
pub struct SimpleIter {
    world: World,
}

impl SimpleIter {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.bulk_add_entity((0..n).map(body));
        Self { world }
    }
}

impl Workload for SimpleIter {
    fn run(&mut self) {
        self.world.run(|v: View<'_, Velocity>, mut p: ViewMut<'_, Position>| {
            (&v, &mut p).iter().for_each(|(v, p)| p.0 += v.0);
        });
    }

    fn observe(&mut self) -> Observation {
        observe_motion(&self.world)
    }
}

/// fragmented_iter: double every `Data` (one sparse set, whatever the letters).
pub struct FragmentedIter {
    world: World,
}

impl FragmentedIter {
    /// `n` entities of (letter, Data) for each letter A..Z.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        macro_rules! spawn {
            ($($letter:ident)*) => {$(
                world.bulk_add_entity((0..n).map(|i| ($letter(0.0), data(i))));
            )*};
        }
        spawn!(A B C D E F G H I J K L M N O P Q R S T U V W X Y Z);
        Self { world }
    }
}

impl Workload for FragmentedIter {
    fn run(&mut self) {
        self.world.run(|mut d: ViewMut<'_, Data>| {
            (&mut d).iter().for_each(|d| d.0 *= 2.0);
        });
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.run(|d: View<'_, Data>| {
            d.iter().for_each(|d| {
                o.count += 1;
                o.add(0, f64::from(d.0));
            });
        });
        o
    }
}

/// heavy_compute: `par_iter` on rayon.
pub struct HeavyCompute {
    world: World,
}

impl HeavyCompute {
    /// `n` entities of (Transform, Position, Rotation, Velocity).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        world.bulk_add_entity((0..n).map(body));
        Self { world }
    }
}

impl Workload for HeavyCompute {
    fn run(&mut self) {
        self.world.run(|mut t: ViewMut<'_, Transform>, mut p: ViewMut<'_, Position>| {
            (&mut t, &mut p).par_iter().for_each(|(t, p)| heavy_step(t, p));
        });
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.run(|t: View<'_, Transform>, p: View<'_, Position>| {
            (&t, &p).iter().for_each(|(t, p)| o.add_heavy(t, p));
        });
        o
    }
}

fn ab(mut a: ViewMut<'_, A>, mut b: ViewMut<'_, B>) {
    (&mut a, &mut b).iter().for_each(|(a, b)| std::mem::swap(&mut a.0, &mut b.0));
}

fn cd(mut c: ViewMut<'_, C>, mut d: ViewMut<'_, D>) {
    (&mut c, &mut d).iter().for_each(|(c, d)| std::mem::swap(&mut c.0, &mut d.0));
}

fn ce(mut c: ViewMut<'_, C>, mut e: ViewMut<'_, E>) {
    (&mut c, &mut e).iter().for_each(|(c, e)| std::mem::swap(&mut c.0, &mut e.0));
}

/// schedule: three systems in a shipyard workload (parallel where their views allow).
pub struct Schedule {
    world: World,
}

impl Schedule {
    /// `n` entities each of (A, B), (A, B, C), (A, B, C, D) and (A, B, C, E).
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let v = letter_value;
        world.bulk_add_entity((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)))));
        world.bulk_add_entity((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)))));
        world.bulk_add_entity((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), D(v(i, 4)))));
        world.bulk_add_entity((0..n).map(|i| (A(v(i, 1)), B(v(i, 2)), C(v(i, 3)), E(v(i, 5)))));
        ShipyardWorkload::new("schedule")
            .with_system(ab)
            .with_system(cd)
            .with_system(ce)
            .add_to_world(&world)
            .expect("a new workload name");
        Self { world }
    }
}

impl Workload for Schedule {
    fn run(&mut self) {
        self.world.run_workload("schedule").expect("the workload exists");
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.run(
            |a: View<'_, A>, b: View<'_, B>, c: View<'_, C>, d: View<'_, D>, e: View<'_, E>| {
                let value = |x: Result<&f32, _>| x.map_or(0.0, |&x| f64::from(x));
                for (id, a) in a.iter().with_id() {
                    o.count += 1;
                    o.add(0, f64::from(a.0));
                    o.add(1, value((&b).get(id).map(|x| &x.0)));
                    o.add(2, value((&c).get(id).map(|x| &x.0)));
                    o.add(3, value((&d).get(id).map(|x| &x.0)));
                    o.add(4, value((&e).get(id).map(|x| &x.0)));
                }
            },
        );
        o
    }
}

/// add_remove: views borrowed once, `add_component` and `delete` entity by entity.
pub struct AddRemove {
    world: World,
    entities: Vec<EntityId>,
}

impl AddRemove {
    /// `n` entities with A.
    pub fn new(n: usize) -> Self {
        let mut world = World::new();
        let entities = world.bulk_add_entity((0..n).map(|i| (A(data(i).0),))).collect();
        Self { world, entities }
    }
}

impl AddRemoveSteps for AddRemove {
    fn add_b(&mut self) {
        self.world.run(|entities: EntitiesView<'_>, mut b: ViewMut<'_, B>| {
            for &e in &self.entities {
                entities.add_component(e, &mut b, B(0.0));
            }
        });
    }

    fn remove_b(&mut self) {
        self.world.run(|mut b: ViewMut<'_, B>| {
            for &e in &self.entities {
                b.delete(e);
            }
        });
    }
}

impl Workload for AddRemove {
    fn run(&mut self) {
        self.add_b();
        self.remove_b();
    }

    fn observe(&mut self) -> Observation {
        let mut o = Observation::default();
        self.world.run(|a: View<'_, A>, b: View<'_, B>| {
            for (id, a) in a.iter().with_id() {
                o.count += 1;
                o.add(0, f64::from(a.0));
                o.add(1, if (&b).get(id).is_ok() { 1.0 } else { 0.0 });
            }
            for &e in &self.entities {
                o.add(2, f64::from((&a).get(e).expect("has A").0));
            }
        });
        o
    }
}
