//! Every component value is dropped exactly once: on despawn, on remove (moved out to the
//! caller), on overwrite, on clear, on world drop, and when a panic unwinds out of a query
//! loop. Each value carries a unique id; a drop records it, and a second drop of one id fails.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use cellar_store::{QueryState, World};

/// Records the ids of dropped values; panics on a double drop.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<HashSet<u64>>>);

impl Log {
    fn dropped(&self) -> usize {
        self.0.lock().unwrap().len()
    }
    fn has(&self, id: u64) -> bool {
        self.0.lock().unwrap().contains(&id)
    }
}

struct Tracked<const K: u8> {
    id: u64,
    log: Log,
}

impl<const K: u8> Drop for Tracked<K> {
    fn drop(&mut self) {
        assert!(self.log.0.lock().unwrap().insert(self.id), "value {} dropped twice", self.id);
    }
}

#[repr(align(32))]
struct Big<const K: u8>(#[allow(dead_code)] Tracked<K>);

fn t<const K: u8>(log: &Log, id: u64) -> Tracked<K> {
    Tracked { id, log: log.clone() }
}

#[test]
fn despawn_drops_every_component_once() {
    let log = Log::default();
    let mut world = World::new();
    world.register_sparse::<Tracked<9>>().unwrap();
    let a = world.spawn((t::<0>(&log, 1), t::<1>(&log, 2), t::<9>(&log, 3)));
    let b = world.spawn((t::<0>(&log, 4),));
    world.despawn(a).unwrap();
    assert_eq!(log.dropped(), 3);
    assert!(!log.has(4));
    assert!(world.despawn(a).is_err());
    assert_eq!(log.dropped(), 3);
    drop(world);
    assert_eq!(log.dropped(), 4);
    let _ = b;
}

#[test]
fn remove_moves_out_without_dropping() {
    let log = Log::default();
    let mut world = World::new();
    world.register_sparse::<Tracked<9>>().unwrap();
    let a = world.spawn((t::<0>(&log, 1), t::<1>(&log, 2), t::<9>(&log, 3)));
    let (one, sparse) = world.remove::<(Tracked<1>, Tracked<9>)>(a).unwrap();
    assert_eq!(log.dropped(), 0, "moved to the caller, not dropped");
    assert_eq!((one.id, sparse.id), (2, 3));
    drop((one, sparse));
    assert_eq!(log.dropped(), 2);
    // A failed remove takes nothing.
    assert!(world.remove::<(Tracked<0>, Tracked<1>)>(a).is_err());
    assert_eq!(log.dropped(), 2);
    drop(world);
    assert_eq!(log.dropped(), 3);
}

#[test]
fn overwrite_drops_the_old_value() {
    let log = Log::default();
    let mut world = World::new();
    world.register_sparse::<Tracked<9>>().unwrap();
    let a = world.spawn((t::<0>(&log, 1), t::<9>(&log, 2)));
    world.insert(a, (t::<0>(&log, 3), t::<1>(&log, 4), t::<9>(&log, 5))).unwrap();
    assert!(log.has(1) && log.has(2) && log.dropped() == 2);
    // Insert into a dead entity: the bundle is dropped, nothing else.
    world.despawn(a).unwrap();
    assert_eq!(log.dropped(), 5);
    assert!(world.insert(a, (t::<0>(&log, 6),)).is_err());
    assert_eq!(log.dropped(), 6);
}

#[test]
fn clear_and_world_drop_drop_everything_once() {
    let log = Log::default();
    let mut world = World::new();
    world.spawn_batch((0..100).map(|i| (t::<0>(&log, i), Big(t::<1>(&log, 1000 + i)))));
    world.clear();
    assert_eq!(log.dropped(), 200);
    world.spawn_batch((0..10).map(|i| (t::<0>(&log, 2000 + i),)));
    world.insert_resource(t::<5>(&log, 3000));
    world.insert_resource(t::<5>(&log, 3001));
    assert!(log.has(3000));
    drop(world);
    assert_eq!(log.dropped(), 212);
}

#[test]
fn table_moves_drop_nothing() {
    let log = Log::default();
    let mut world = World::new();
    let es = world.spawn_batch((0..50).map(|i| (t::<0>(&log, i),))).to_vec();
    for (i, e) in es.iter().enumerate() {
        world.insert(*e, (t::<1>(&log, 100 + i as u64),)).unwrap();
    }
    for e in &es {
        drop(world.remove::<(Tracked<1>,)>(*e).unwrap());
    }
    assert_eq!(log.dropped(), 50);
    assert!((0..50).all(|i| !log.has(i)));
    drop(world);
    assert_eq!(log.dropped(), 100);
}

#[test]
fn a_panic_in_a_query_loop_drops_nothing_twice() {
    let log = Log::default();
    let mut world = World::new();
    world.register_sparse::<Tracked<9>>().unwrap();
    world.spawn_batch((0..100).map(|i| (t::<0>(&log, i), t::<9>(&log, 500 + i))));
    let result = catch_unwind(AssertUnwindSafe(|| {
        for (n, (a, _)) in world.query_mut::<(&mut Tracked<0>, &mut Tracked<9>)>().enumerate() {
            if n == 40 {
                panic!("boom");
            }
            // Swapping ids through &mut is fine; nothing is dropped by the loop.
            a.id += 0;
        }
    }));
    assert!(result.is_err());
    let mut state = QueryState::<&mut Tracked<0>>::new(&mut world);
    let result = catch_unwind(AssertUnwindSafe(|| {
        state.par_for_each_mut(&mut world, |a| {
            if a.id == 77 {
                panic!("boom in parallel");
            }
        })
    }));
    assert!(result.is_err());
    assert_eq!(log.dropped(), 0);
    assert_eq!(world.len(), 100);
    drop(world);
    assert_eq!(log.dropped(), 200);
}

#[test]
fn replaced_values_written_through_queries_drop_once() {
    let log = Log::default();
    let mut world = World::new();
    world.spawn_batch((0..10).map(|i| (t::<0>(&log, i),)));
    for (i, a) in world.query_mut::<&mut Tracked<0>>().enumerate() {
        *a = t::<0>(&log, 100 + i as u64);
    }
    assert_eq!(log.dropped(), 10);
    drop(world);
    assert_eq!(log.dropped(), 20);
}
