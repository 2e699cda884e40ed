//! Panic safety of every structural change: a component `Drop` (or a hand-written bundle's
//! `write`/`take`) that panics in any position of any path leaves a world whose every live
//! entity reads its own values, whose queries agree with `len()`, and whose values are each
//! dropped exactly once.
//!
//! The values are `D<K>` (K = 0, 1, 2 in tables, K = 3 sparse) with a unique id; one of them
//! can be armed to panic when dropped. Each test arms each position in turn.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use cellar_store::{Bundle, BundleReader, BundleTypes, BundleWriter, Entity, World};

/// Every drop, by id.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u64>>>);

impl Log {
    fn drops(&self) -> Vec<u64> {
        let mut v = self.0.lock().unwrap().clone();
        v.sort_unstable();
        v
    }
    /// Asserts that exactly `ids` were dropped, each once.
    fn assert_dropped(&self, ids: &[u64]) {
        let mut want = ids.to_vec();
        want.sort_unstable();
        assert_eq!(self.drops(), want, "dropped values (each exactly once)");
    }
}

struct D<const K: u8> {
    id: u64,
    armed: bool,
    log: Log,
}

impl<const K: u8> Drop for D<K> {
    fn drop(&mut self) {
        self.log.0.lock().unwrap().push(self.id);
        if self.armed {
            panic!("bomb {}", self.id);
        }
    }
}

/// What each live entity should read: the id of its `D<K>`, by K.
type Expected = HashMap<Entity, [Option<u64>; 4]>;

struct Fixture {
    world: World,
    log: Log,
    expected: Expected,
    next: u64,
}

impl Fixture {
    fn new() -> Self {
        let mut world = World::new();
        world.register_sparse::<D<3>>().unwrap();
        Fixture { world, log: Log::default(), expected: HashMap::new(), next: 1 }
    }

    fn d<const K: u8>(&mut self, armed: bool) -> D<K> {
        self.next += 1;
        D { id: self.next, armed, log: self.log.clone() }
    }

    /// Spawns an entity with all four kinds, recording them.
    fn spawn_full(&mut self) -> Entity {
        let (a, b, c, s) =
            (self.d::<0>(false), self.d::<1>(false), self.d::<2>(false), self.d::<3>(false));
        let ids = [Some(a.id), Some(b.id), Some(c.id), Some(s.id)];
        let e = self.world.spawn((a, b, c, s));
        self.expected.insert(e, ids);
        e
    }

    /// A few entities around the one under test, so that swap-removes move someone.
    fn crowd(&mut self) -> Vec<Entity> {
        (0..3).map(|_| self.spawn_full()).collect()
    }

    fn arm<const K: u8>(&mut self, e: Entity) {
        self.world.get_mut::<D<K>>(e).unwrap().armed = true;
    }

    /// Every live entity reads its own values; queries agree with `len()`.
    fn check(&mut self) {
        let w = &self.world;
        assert_eq!(w.len(), self.expected.len(), "len");
        for (&e, ids) in &self.expected {
            assert!(w.contains(e));
            let got = [
                w.get::<D<0>>(e).ok().map(|d| d.id),
                w.get::<D<1>>(e).ok().map(|d| d.id),
                w.get::<D<2>>(e).ok().map(|d| d.id),
                w.get::<D<3>>(e).ok().map(|d| d.id),
            ];
            assert_eq!(&got, ids, "entity {e:?}");
        }
        assert_eq!(w.query::<Entity>().count(), w.len(), "queries see every entity once");
        fn pairs<const K: u8>(w: &World) -> HashMap<Entity, u64> {
            w.query::<(Entity, &D<K>)>().map(|(e, d)| (e, d.id)).collect()
        }
        fn want(expected: &Expected, k: usize) -> HashMap<Entity, u64> {
            expected.iter().filter_map(|(&e, ids)| Some((e, ids[k]?))).collect()
        }
        assert_eq!(pairs::<0>(w), want(&self.expected, 0));
        assert_eq!(pairs::<1>(w), want(&self.expected, 1));
        assert_eq!(pairs::<2>(w), want(&self.expected, 2));
        assert_eq!(pairs::<3>(w), want(&self.expected, 3));
        // The world still works: a fresh entity in the busiest table reads its own values.
        let probe = self.spawn_full();
        self.check_one(probe);
    }

    fn check_one(&self, e: Entity) {
        let ids = self.expected[&e];
        assert_eq!(self.world.get::<D<0>>(e).ok().map(|d| d.id), ids[0]);
        assert_eq!(self.world.get::<D<3>>(e).ok().map(|d| d.id), ids[3]);
    }

    /// Every id handed out that is not alive in `expected` was dropped exactly once.
    fn check_drops(&self) {
        let alive: Vec<u64> = self.expected.values().flatten().flatten().copied().collect();
        let dead: Vec<u64> = (2..=self.next).filter(|id| !alive.contains(id)).collect();
        self.log.assert_dropped(&dead);
    }

    /// Drops the world and checks that every value was dropped exactly once.
    fn finish(self) {
        let (log, next) = (self.log.clone(), self.next);
        drop(self.world);
        log.assert_dropped(&(2..=next).collect::<Vec<_>>());
    }
}

fn boom(f: impl FnOnce()) {
    assert!(catch_unwind(AssertUnwindSafe(f)).is_err(), "expected a panic");
}

#[test]
fn insert_over_a_panicking_value_keeps_the_row_consistent() {
    // The old value of a table (K = 0) or sparse (K = 3) component panics when replaced; the
    // bundle adds a new table component before or after it, so the panic comes before or
    // after a push into the new table.
    for sparse in [false, true] {
        for added_first in [false, true] {
            let mut f = Fixture::new();
            f.crowd();
            let (a, s) = (f.d::<0>(false), f.d::<3>(false));
            let mut ids = [Some(a.id), None, None, Some(s.id)];
            let e = f.world.spawn((a, s));
            f.crowd();
            let added = f.d::<1>(false);
            if sparse {
                f.arm::<3>(e);
                let new = f.d::<3>(false);
                ids[3] = Some(new.id);
                boom(|| match added_first {
                    true => f.world.insert(e, (added, new)).unwrap(),
                    false => f.world.insert(e, (new, added)).unwrap(),
                });
            } else {
                f.arm::<0>(e);
                let new = f.d::<0>(false);
                ids[0] = Some(new.id);
                boom(|| match added_first {
                    true => f.world.insert(e, (added, new)).unwrap(),
                    false => f.world.insert(e, (new, added)).unwrap(),
                });
            }
            // The replaced value is in; the added component was taken back out (dropped).
            f.expected.insert(e, ids);
            f.check();
            f.check_drops();
            f.finish();
        }
    }
}

#[test]
fn one_component_insert_over_a_panicking_value() {
    // The typed path of `(T,)`: the old table (K = 0) or sparse (K = 3) value panics when
    // replaced; the new one is in, and counted, before the old one's `Drop` runs.
    for sparse in [false, true] {
        let mut f = Fixture::new();
        f.crowd();
        let e = f.spawn_full();
        f.crowd();
        let mut ids = f.expected[&e];
        if sparse {
            f.arm::<3>(e);
            let new = f.d::<3>(false);
            ids[3] = Some(new.id);
            boom(|| f.world.insert(e, (new,)).unwrap());
        } else {
            f.arm::<0>(e);
            let new = f.d::<0>(false);
            ids[0] = Some(new.id);
            boom(|| f.world.insert(e, (new,)).unwrap());
        }
        f.expected.insert(e, ids);
        f.check();
        f.check_drops();
        f.finish();
    }
}

#[test]
fn one_component_remove_then_insert_moves_rows_consistently() {
    // The typed path moves rows both ways among a crowd, then a removed value that panics
    // when the caller drops it leaves the world consistent.
    let mut f = Fixture::new();
    let crowd = f.crowd();
    let e = f.spawn_full();
    f.crowd();
    for &c in &crowd {
        let (b,) = f.world.remove::<(D<1>,)>(c).unwrap();
        assert_eq!(Some(b.id), f.expected.get_mut(&c).unwrap()[1].take());
        let (s,) = f.world.remove::<(D<3>,)>(c).unwrap();
        assert_eq!(Some(s.id), f.expected.get_mut(&c).unwrap()[3].take());
        f.check();
        let again = f.d::<1>(false);
        f.expected.get_mut(&c).unwrap()[1] = Some(again.id);
        f.world.insert(c, (again,)).unwrap();
        f.check();
    }
    f.arm::<2>(e);
    boom(|| drop(f.world.remove::<(D<2>,)>(e).unwrap()));
    f.expected.get_mut(&e).unwrap()[2] = None;
    f.check();
    f.check_drops();
    f.finish();
}

#[test]
fn despawn_with_a_panicking_value_in_any_column() {
    for k in 0..4u8 {
        let mut f = Fixture::new();
        f.crowd();
        let e = f.spawn_full();
        f.crowd();
        match k {
            0 => f.arm::<0>(e),
            1 => f.arm::<1>(e),
            2 => f.arm::<2>(e),
            _ => f.arm::<3>(e),
        }
        boom(|| f.world.despawn(e).unwrap());
        f.expected.remove(&e);
        assert!(!f.world.contains(e));
        f.check();
        f.check_drops(); // the other three values of `e` were dropped too
        f.finish();
    }
}

#[test]
fn take_with_a_panicking_leftover() {
    for k in [1u8, 3] {
        let mut f = Fixture::new();
        f.crowd();
        let e = f.spawn_full();
        f.crowd();
        match k {
            1 => f.arm::<1>(e),
            _ => f.arm::<3>(e),
        }
        let mut kept = None;
        boom(|| kept = Some(f.world.take::<(D<0>, D<2>)>(e)));
        assert!(kept.is_none(), "the panic came from a leftover's drop, after the take");
        f.expected.remove(&e);
        f.check();
        f.check_drops();
        f.finish();
    }
}

#[test]
fn clear_with_a_panicking_value() {
    for k in 0..4u8 {
        let mut f = Fixture::new();
        let es = f.crowd();
        match k {
            0 => f.arm::<0>(es[1]),
            1 => f.arm::<1>(es[1]),
            2 => f.arm::<2>(es[1]),
            _ => f.arm::<3>(es[1]),
        }
        boom(|| f.world.clear());
        f.expected.clear();
        for e in es {
            assert!(!f.world.contains(e));
        }
        f.check();
        f.check_drops();
        f.finish();
    }
}

#[test]
fn world_drop_with_a_panicking_value_drops_the_rest() {
    for k in 0..4u8 {
        let mut f = Fixture::new();
        let es = f.crowd();
        match k {
            0 => f.arm::<0>(es[2]),
            1 => f.arm::<1>(es[0]),
            2 => f.arm::<2>(es[1]),
            _ => f.arm::<3>(es[1]),
        }
        let (log, next) = (f.log.clone(), f.next);
        boom(move || drop(f.world));
        log.assert_dropped(&(2..=next).collect::<Vec<_>>());
    }
}

#[test]
fn remove_batch_and_insert_batch_with_a_panicking_value() {
    let mut f = Fixture::new();
    let es: Vec<Entity> = (0..6).map(|_| f.spawn_full()).collect();
    // Replacing D<2> on es[3] panics: es[0..3] got their new values, es[3] too (the value
    // is replaced before the old one drops), es[4..] were not reached.
    f.arm::<2>(es[3]);
    let news: Vec<D<2>> = (0..6).map(|_| f.d::<2>(false)).collect();
    let new_ids: Vec<u64> = news.iter().map(|d| d.id).collect();
    boom(|| {
        let items = es.iter().copied().zip(news).map(|(e, d)| (e, (d,)));
        f.world.insert_batch(items).unwrap();
    });
    for i in 0..4 {
        f.expected.get_mut(&es[i]).unwrap()[2] = Some(new_ids[i]);
    }
    f.check();
    f.check_drops();
    // Removing D<1> from all: the values are dropped, es[2]'s panics; the entities before
    // it lost D<1>, es[2] too (the row moved before the drop), the rest kept it.
    f.arm::<1>(es[2]);
    boom(|| {
        f.world.remove_batch::<(D<1>,), _>(es.iter().copied());
    });
    for e in &es[..3] {
        f.expected.get_mut(e).unwrap()[1] = None;
    }
    f.check();
    f.check_drops();
    f.finish();
}

#[test]
fn a_panicking_iterator_in_spawn_batch_keeps_what_was_spawned() {
    let mut f = Fixture::new();
    f.crowd();
    let log = f.log.clone();
    let mut next = f.next;
    let mut made = Vec::new();
    boom(|| {
        let bundles = (0..10).map(|i| {
            assert!(i != 6, "iterator panics");
            next += 1;
            made.push(next);
            (D::<0> { id: next, armed: false, log: log.clone() },)
        });
        f.world.spawn_batch(bundles);
    });
    f.next = next;
    // The six spawned entities are alive with their values and their ticks.
    let spawned: Vec<(Entity, u64)> = f
        .world
        .query_filtered::<(Entity, &D<0>), cellar_store::Without<D<1>>>()
        .map(|(e, d)| (e, d.id))
        .collect();
    assert_eq!(spawned.len(), 6);
    for (e, id) in spawned {
        assert!(made.contains(&id));
        f.expected.insert(e, [Some(id), None, None, None]);
    }
    f.check();
    f.check_drops();
    f.finish();
}

/// A hand-written bundle that declares two values and can be made to write or take wrong.
struct Faulty {
    a: D<0>,
    b: D<1>,
    mode: Mode,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Fine,
    WriteOne,
    WriteThree,
    WriteWrongType,
    PanicAfterOne,
}

static TAKE_MODE: Mutex<Mode> = Mutex::new(Mode::Fine);

impl Bundle for Faulty {
    fn visit(types: &mut BundleTypes) {
        types.add::<D<0>>();
        types.add::<D<1>>();
    }
    fn write(self, w: &mut BundleWriter<'_>) {
        let Faulty { a, b, mode } = self;
        match mode {
            Mode::Fine => {
                w.put(a);
                w.put(b);
            }
            Mode::WriteOne => w.put(a),
            Mode::WriteThree => {
                w.put(a);
                w.put(b);
                w.put(7u8);
            }
            Mode::WriteWrongType => {
                w.put(a);
                w.put(7u8);
            }
            Mode::PanicAfterOne => {
                w.put(a);
                panic!("write panics");
            }
        }
    }
    fn take(r: &mut BundleReader<'_>) -> Self {
        let mode = *TAKE_MODE.lock().unwrap();
        let a = r.take::<D<0>>();
        match mode {
            Mode::WriteOne => Faulty { a, b: ghost(), mode },
            Mode::PanicAfterOne => panic!("take panics"),
            _ => Faulty { a, b: r.take(), mode },
        }
    }
}

/// A value outside the world's accounting (id 0, never armed, logged nowhere).
fn ghost<const K: u8>() -> D<K> {
    D { id: 0, armed: false, log: Log::default() }
}

#[test]
fn a_wrong_bundle_write_leaves_the_world_as_before() {
    for mode in [Mode::WriteOne, Mode::WriteThree, Mode::WriteWrongType, Mode::PanicAfterOne] {
        // Spawn.
        let mut f = Fixture::new();
        f.crowd();
        let (a, b) = (f.d::<0>(false), f.d::<1>(false));
        boom(|| {
            f.world.spawn(Faulty { a, b, mode });
        });
        f.check();
        f.check_drops();
        // Insert into an entity that has neither: it keeps its row and values.
        let (a, s) = (f.d::<2>(false), f.d::<3>(false));
        let ids = [None, None, Some(a.id), Some(s.id)];
        let e = f.world.spawn((a, s));
        f.expected.insert(e, ids);
        let (a, b) = (f.d::<0>(false), f.d::<1>(false));
        boom(|| f.world.insert(e, Faulty { a, b, mode }).unwrap());
        f.check();
        f.check_drops();
        // Batches: the entities before the faulty one are spawned.
        let (a, b) = (f.d::<0>(false), f.d::<1>(false));
        let (c, d) = (f.d::<0>(false), f.d::<1>(false));
        let first = [Some(a.id), Some(b.id), None, None];
        boom(|| {
            f.world.spawn_batch([Faulty { a, b, mode: Mode::Fine }, Faulty { a: c, b: d, mode }]);
        });
        let e = f.world.query::<(Entity, &D<0>)>().find(|(_, d)| Some(d.id) == first[0]).unwrap().0;
        f.expected.insert(e, first);
        f.check();
        f.check_drops();
        f.finish();
    }
}

#[test]
fn a_wrong_bundle_take_finishes_the_remove() {
    for mode in [Mode::WriteOne, Mode::PanicAfterOne] {
        let mut f = Fixture::new();
        f.crowd();
        let e = f.spawn_full();
        f.crowd();
        *TAKE_MODE.lock().unwrap() = mode;
        boom(|| {
            let _ = f.world.remove::<Faulty>(e);
        });
        *TAKE_MODE.lock().unwrap() = Mode::Fine;
        // The remove finished: `e` lost both components, and both values were dropped
        // once (the taken one by its taker, the other by the world).
        let ids = f.expected.get_mut(&e).unwrap();
        ids[0] = None;
        ids[1] = None;
        f.check();
        f.check_drops();
        f.finish();
    }
}
