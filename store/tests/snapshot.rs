//! Snapshots: a restored world is indistinguishable from the one snapshotted (entities live
//! and dead, values, query order, resources, the ids spawned next), unregistered types and
//! mismatched worlds are errors that change nothing, incremental copies copy what changed,
//! every value is dropped exactly once, and `Added`/`Changed` see after a restore what the
//! module docs say.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering::Relaxed};

use cellar_store::{
    Added, Changed, Entity, QueryFilter, QueryState, Snapshot, SnapshotError, StorageKind, World,
};

#[derive(Clone, Copy, Debug, PartialEq)]
struct Pos(f32, f32);
#[derive(Clone, Copy, Debug, PartialEq)]
struct Vel(f32, f32);
#[derive(Clone, Debug, PartialEq)]
struct Name(String);
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stunned(u8);
#[derive(Clone, Debug, PartialEq)]
struct Score(u64);

type Row = (Entity, Option<Pos>, Option<Vel>, Option<Name>, Option<Stunned>);

/// Everything a query over all components sees, in iteration order.
fn observe(world: &World) -> Vec<Row> {
    world
        .query::<(Entity, Option<&Pos>, Option<&Vel>, Option<&Name>, Option<&Stunned>)>()
        .map(|(e, p, v, n, s)| (e, p.copied(), v.copied(), n.cloned(), s.copied()))
        .collect()
}

fn registered_world() -> World {
    let mut world = World::new();
    world.register_sparse::<Stunned>().unwrap();
    world.register_snapshot_copy::<Pos>();
    world.register_snapshot_copy::<Vel>();
    world.register_snapshot::<Name>();
    world.register_snapshot_copy::<Stunned>();
    world.register_snapshot_resource::<Score>();
    world
}

/// A world with several tables, a sparse set, dead slots and a resource.
fn populated() -> (World, Vec<Entity>) {
    let mut world = registered_world();
    let mut es = Vec::new();
    for i in 0..40 {
        let f = i as f32;
        let e = match i % 4 {
            0 => world.spawn((Pos(f, 0.0),)),
            1 => world.spawn((Pos(f, 1.0), Vel(1.0, f))),
            2 => world.spawn((Pos(f, 2.0), Name(format!("n{i}")))),
            _ => world.spawn((Name(format!("m{i}")), Vel(f, f))),
        };
        if i % 5 == 0 {
            world.insert(e, (Stunned(i as u8),)).unwrap();
        }
        es.push(e);
    }
    for &e in es.iter().step_by(7) {
        world.despawn(e).unwrap();
    }
    world.insert_resource(Score(12));
    (world, es)
}

#[test]
fn restore_brings_back_entities_values_order_and_resources() {
    let (mut world, es) = populated();
    let before = observe(&world);
    let live: Vec<bool> = es.iter().map(|&e| world.contains(e)).collect();
    let snapshot = world.snapshot().unwrap();

    // Change everything a world can change.
    world.despawn(es[1]).unwrap();
    world.despawn(es[2]).unwrap();
    let new = world.spawn((Pos(-1.0, -1.0), Vel(0.0, 0.0), Name("new".into())));
    world.insert(es[3], (Pos(9.0, 9.0),)).unwrap();
    world.remove::<(Vel,)>(es[5]).unwrap();
    world.insert(es[6], (Stunned(77),)).unwrap();
    world.remove::<(Stunned,)>(es[10]).unwrap();
    world.get_mut::<Name>(es[11]).unwrap().0.push_str("-changed");
    for p in world.query_mut::<&mut Pos>() {
        p.0 += 100.0;
    }
    *world.resource_mut::<Score>().unwrap() = Score(99);
    assert_ne!(observe(&world), before);

    world.restore(&snapshot).unwrap();
    assert_eq!(observe(&world), before, "same rows, same order");
    for (&e, &alive) in es.iter().zip(&live) {
        assert_eq!(world.contains(e), alive, "{e:?}");
    }
    assert!(!world.contains(new), "spawned after the snapshot");
    assert_eq!(world.resource::<Score>(), Ok(&Score(12)));
    assert_eq!(world.len(), live.iter().filter(|&&a| a).count());
}

/// The entities `state` yields (sorted), which also makes its last run now.
fn seen<F: QueryFilter>(state: &mut QueryState<Entity, F>, world: &World) -> Vec<Entity> {
    let mut seen: Vec<Entity> = state.iter(world).collect();
    seen.sort();
    seen
}

fn sorted(mut entities: Vec<Entity>) -> Vec<Entity> {
    entities.sort();
    entities
}

#[test]
fn added_and_changed_after_a_restore_are_as_documented() {
    // Incremental (every table and set here changed rows, so whole copies of them), and
    // whole.
    for detach in [false, true] {
        let mut world = registered_world();
        // Pos: a batch added at one tick, then `late` at a later one; Stunned: one batch.
        let batch = world.spawn_batch((0..4u8).map(|i| (Pos(0.0, 0.0), Stunned(i)))).to_vec();
        let mut added = QueryState::<Entity, Added<Pos>>::new(&mut world);
        let mut changed = QueryState::<Entity, Changed<Pos>>::new(&mut world);
        let mut stunned = QueryState::<Entity, Changed<Stunned>>::new(&mut world);
        assert_eq!(seen(&mut added, &world), sorted(batch.clone()));
        assert_eq!(seen(&mut changed, &world), sorted(batch.clone()));
        assert_eq!(seen(&mut stunned, &world), sorted(batch.clone()));
        let late = world.spawn((Pos(9.0, 0.0),));
        let mut snapshot = world.snapshot().unwrap();

        world.get_mut::<Pos>(batch[1]).unwrap().0 = 5.0;
        world.despawn(batch[0]).unwrap();
        world.spawn((Pos(7.0, 0.0), Stunned(7)));
        assert_eq!(seen(&mut changed, &world).len(), 3, "batch[1], late and the new one");
        seen(&mut stunned, &world);
        if detach {
            snapshot.detach();
        }
        world.restore(&snapshot).unwrap();

        // When each row was added comes back as it was: only `late` after `added` last ran.
        assert_eq!(seen(&mut added, &world), [late], "detach {detach}");
        // Every value put back counts as changed at the restore.
        let mut all = batch.clone();
        all.push(late);
        assert_eq!(seen(&mut changed, &world), sorted(all.clone()), "detach {detach}");
        assert_eq!(seen(&mut stunned, &world), sorted(batch.clone()), "detach {detach}");
        assert_eq!(seen(&mut changed, &world), [], "seen once");

        // Rows that arrive after the restore, and rows written after it, are new again;
        // the others are not.
        let next = world.spawn((Pos(1.0, 1.0), Stunned(9)));
        world.get_mut::<Pos>(batch[2]).unwrap().0 = 3.0;
        assert_eq!(seen(&mut added, &world), [next], "detach {detach}");
        assert_eq!(seen(&mut changed, &world), sorted(vec![batch[2], next]), "detach {detach}");
        assert_eq!(seen(&mut stunned, &world), [next], "detach {detach}");
        let mut fresh = QueryState::<Entity, Added<Pos>>::new(&mut world);
        assert_eq!(seen(&mut fresh, &world).len(), 6, "a new state sees every row as added");

        // Into another world, every row counts as added (and changed) at the restore, each
        // time.
        let mut other = registered_world();
        other.spawn_batch((0..2).map(|_| (Pos(0.0, 0.0),)));
        let mut added = QueryState::<Entity, Added<Pos>>::new(&mut other);
        let mut changed = QueryState::<Entity, Changed<Stunned>>::new(&mut other);
        for _ in 0..2 {
            other.restore(&snapshot).unwrap();
            assert_eq!(seen(&mut added, &other).len(), 5);
            assert_eq!(seen(&mut changed, &other).len(), 4);
            assert_eq!(seen(&mut added, &other), []);
        }
    }
}

#[test]
fn the_free_list_is_restored_so_the_next_ids_are_the_same() {
    let (mut world, _) = populated();
    let snapshot = world.snapshot().unwrap();
    let first: Vec<Entity> = (0..10).map(|i| world.spawn((Pos(i as f32, 0.0),))).collect();
    world.restore(&snapshot).unwrap();
    let second: Vec<Entity> = (0..10).map(|i| world.spawn((Vel(i as f32, 0.0),))).collect();
    assert_eq!(first, second);
}

#[test]
fn a_snapshot_can_be_restored_many_times_and_into_a_fresh_world() {
    let (mut world, es) = populated();
    let before = observe(&world);
    let snapshot = world.snapshot().unwrap();
    for round in 0..3 {
        world.spawn((Pos(round as f32, 0.0),));
        world.despawn(es[3]).ok();
        world.restore(&snapshot).unwrap();
        assert_eq!(observe(&world), before);
    }

    let mut fresh = registered_world();
    fresh.restore(&snapshot).unwrap();
    let bits = |rows: Vec<Row>| -> Vec<_> {
        rows.into_iter().map(|(e, p, v, n, s)| (e.to_bits(), p, v, n, s)).collect()
    };
    assert_eq!(bits(observe(&fresh)), bits(before), "same rows, ids of the fresh world");
    let e = fresh.entity_from_bits(es[1].to_bits()).unwrap();
    assert_eq!(e.world_id(), fresh.id());
    assert_eq!(fresh.get::<Pos>(e), Ok(&Pos(1.0, 1.0)));
    assert_eq!(fresh.resource::<Score>(), Ok(&Score(12)));
    // The fresh world spawns what the original would have spawned.
    let a = world.spawn(());
    let b = fresh.spawn(());
    assert_eq!(a.to_bits(), b.to_bits());
}

#[test]
fn an_unregistered_type_is_an_error_naming_it_and_leaves_the_snapshot_empty() {
    struct Opaque;
    let (mut world, es) = populated();
    let mut snapshot = world.snapshot().unwrap();
    world.insert(es[1], (Opaque,)).unwrap();
    let err = world.snapshot_into(&mut snapshot).unwrap_err();
    assert!(
        matches!(&err, SnapshotError::NotRegistered { type_name } if type_name.contains("Opaque"))
    );
    assert!(snapshot.is_empty());
    assert_eq!(world.restore(&snapshot), Err(SnapshotError::Empty));

    // A type that is registered in the world but holds no values is fine.
    world.remove::<(Opaque,)>(es[1]).unwrap();
    world.snapshot_into(&mut snapshot).unwrap();

    // So is an unregistered resource type without a value; with one it is an error.
    struct Secret;
    world.insert_resource(Secret);
    assert!(matches!(world.snapshot(), Err(SnapshotError::NotRegistered { .. })));
}

#[test]
fn restoring_into_a_mismatched_world_is_an_error_and_changes_nothing() {
    let (world, _) = populated();
    let snapshot = world.snapshot().unwrap();

    // A world without the types.
    let mut bare = World::new();
    let e = bare.spawn((Pos(1.0, 1.0),));
    assert!(matches!(bare.restore(&snapshot), Err(SnapshotError::MissingType { .. })));
    assert_eq!(bare.get::<Pos>(e), Ok(&Pos(1.0, 1.0)));

    // Stunned stored in tables instead of a sparse set.
    let mut other_kind = World::new();
    other_kind.register_snapshot_copy::<Stunned>();
    other_kind.register_snapshot_copy::<Pos>();
    other_kind.register_snapshot_copy::<Vel>();
    other_kind.register_snapshot::<Name>();
    other_kind.register_snapshot_resource::<Score>();
    assert_eq!(other_kind.storage_kind::<Stunned>(), Some(StorageKind::Table));
    assert!(matches!(other_kind.restore(&snapshot), Err(SnapshotError::MissingType { .. })));

    // Tables made in another order.
    let mut reordered = registered_world();
    let r = reordered.spawn((Name("first".into()), Vel(0.0, 0.0)));
    assert!(matches!(reordered.restore(&snapshot), Err(SnapshotError::LayoutDiffers { .. })));
    assert_eq!(reordered.get::<Name>(r), Ok(&Name("first".into())));
    assert_eq!(reordered.len(), 1);
}

#[test]
fn extra_component_types_in_the_world_are_emptied() {
    #[derive(Clone, Copy)]
    struct Late(#[allow(dead_code)] u8);
    let (mut world, es) = populated();
    let before = observe(&world);
    let snapshot = world.snapshot().unwrap();
    world.register_snapshot_copy::<Late>();
    world.insert(es[1], (Late(1),)).unwrap();
    world.spawn((Late(2), Pos(0.0, 0.0)));
    world.restore(&snapshot).unwrap();
    assert_eq!(observe(&world), before);
    assert_eq!(world.query::<&Late>().count(), 0);
}

#[test]
fn incremental_takes_and_restores_copy_only_what_changed() {
    let mut world = registered_world();
    let es = world.spawn_batch((0..1000).map(|i| (Pos(i as f32, 0.0), Vel(0.0, 1.0)))).to_vec();
    let mut snapshot = world.snapshot().unwrap();
    assert_eq!(snapshot.copied_rows(), 2000);
    let before = observe(&world);

    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(snapshot.copied_rows(), 0);

    for &e in es.iter().step_by(100) {
        world.get_mut::<Pos>(e).unwrap().1 = 5.0;
    }
    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(snapshot.copied_rows(), 10);
    let changed = observe(&world);

    for &e in es.iter().step_by(50) {
        world.get_mut::<Vel>(e).unwrap().0 = -1.0;
    }
    assert_eq!(world.restore(&snapshot).unwrap(), 20);
    assert_eq!(observe(&world), changed);
    assert_ne!(changed, before);

    // A structural change copies the table whole.
    world.despawn(es[0]).unwrap();
    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(snapshot.copied_rows(), 2 * 999);

    // A write to every row (one mark for the column) copies that column whole.
    for v in world.query_mut::<&mut Vel>() {
        v.1 = 2.0;
    }
    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(snapshot.copied_rows(), 999);
}

#[test]
fn a_ring_of_snapshots_stays_exact_through_rollbacks() {
    // Each slot is taken incrementally; rollbacks must not leave any slot stale.
    let mut world = registered_world();
    let es = world.spawn_batch((0..64).map(|i| (Pos(i as f32, 0.0), Vel(1.0, 0.0)))).to_vec();
    let mut ring: Vec<Snapshot> = (0..4).map(|_| Snapshot::new()).collect();
    let mut expected: Vec<Vec<Row>> = vec![Vec::new(); 4];
    let step = |world: &mut World, frame: usize| {
        let e = es[(frame * 7) % es.len()];
        if let Ok(p) = world.get_mut::<Pos>(e) {
            p.1 += frame as f32;
        }
        if frame.is_multiple_of(5) {
            for (p, v) in world.query_mut::<(&mut Pos, &Vel)>() {
                p.0 += v.0;
            }
        }
        if frame.is_multiple_of(6) {
            world.spawn((Pos(frame as f32, 0.0),));
        }
    };
    let mut frame = 0;
    for round in 0..30 {
        step(&mut world, frame);
        let slot = frame % 4;
        world.snapshot_into(&mut ring[slot]).unwrap();
        expected[slot] = observe(&world);
        frame += 1;
        if round % 3 == 2 {
            // Roll back two frames and re-simulate them differently.
            let back = (frame - 2) % 4;
            world.restore(&ring[back]).unwrap();
            assert_eq!(observe(&world), expected[back]);
            frame -= 1;
            step(&mut world, frame + 1000);
            let slot = frame % 4;
            world.snapshot_into(&mut ring[slot]).unwrap();
            expected[slot] = observe(&world);
            frame += 1;
        }
    }
    for (slot, snapshot) in ring.iter().enumerate() {
        world.restore(snapshot).unwrap();
        assert_eq!(observe(&world), expected[slot], "slot {slot}");
    }
}

static LIVE: AtomicI64 = AtomicI64::new(0);

/// A value that counts how many of it are alive.
#[derive(Debug, PartialEq)]
struct Counted(u32);

impl Counted {
    fn new(v: u32) -> Self {
        LIVE.fetch_add(1, Relaxed);
        Counted(v)
    }
}

impl Clone for Counted {
    fn clone(&self) -> Self {
        Counted::new(self.0)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        LIVE.fetch_sub(1, Relaxed);
    }
}

#[test]
fn drop_counts_are_exact_through_snapshot_restore_and_drop() {
    let mut world = World::new();
    world.register_snapshot::<Counted>();
    world.register_snapshot_resource::<Vec<Counted>>();
    let es: Vec<Entity> = (0..50).map(|i| world.spawn((Counted::new(i),))).collect();
    world.insert_resource(vec![Counted::new(100), Counted::new(101)]);
    assert_eq!(LIVE.load(Relaxed), 52);

    let mut snapshot = world.snapshot().unwrap();
    assert_eq!(LIVE.load(Relaxed), 104, "the snapshot holds one copy of each");
    for &e in &es[..10] {
        world.despawn(e).unwrap();
    }
    world.spawn((Counted::new(500),));
    world.resource_mut::<Vec<Counted>>().unwrap().push(Counted::new(102));
    assert_eq!(LIVE.load(Relaxed), 104 - 10 + 2);

    world.restore(&snapshot).unwrap();
    assert_eq!(LIVE.load(Relaxed), 104);
    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(LIVE.load(Relaxed), 104);
    world.remove_resource::<Vec<Counted>>();
    world.snapshot_into(&mut snapshot).unwrap();
    assert_eq!(LIVE.load(Relaxed), 50 + 50);
    drop(snapshot);
    assert_eq!(LIVE.load(Relaxed), 50);
    let values: HashMap<u32, usize> = world.query::<&Counted>().fold(HashMap::new(), |mut m, c| {
        *m.entry(c.0).or_default() += 1;
        m
    });
    assert_eq!(values.len(), 50);
    drop(world);
    assert_eq!(LIVE.load(Relaxed), 0);
}

#[test]
fn entity_bits_round_trip_and_refuse_stale_or_foreign_bits() {
    let mut world = World::new();
    let e = world.spawn(());
    assert_eq!(world.entity_from_bits(e.to_bits()), Ok(e));
    let bits = e.to_bits();
    world.despawn(e).unwrap();
    let f = world.spawn(());
    assert_eq!(f.index(), e.index());
    assert!(world.entity_from_bits(bits).is_err(), "stale");
    assert_eq!(world.entity_from_bits(f.to_bits()), Ok(f));
    // An even generation is no entity's, even where the odd one next to it is alive.
    assert!(world.entity_from_bits(f.to_bits() - (1 << 32)).is_err());
    assert!(world.entity_from_bits(u64::MAX).is_err());
    assert!(world.entity_from_bits(0).is_err());
    let other = World::new();
    assert!(other.entity_from_bits(f.to_bits()).is_err(), "not alive there");
}

#[test]
fn spawn_at_makes_the_named_entity_and_refuses_what_it_cannot() {
    use cellar_store::snapshot::{MAX_GENERATION_SKIP, SpawnAtError};

    let mut server = World::new();
    let mut es: Vec<Entity> = (0..20).map(|i| server.spawn((i as u32,))).collect();
    for i in [3, 7, 8, 15] {
        server.despawn(es[i]).unwrap();
    }
    for i in 0..3 {
        es.push(server.spawn((100 + i as u32,)));
    }
    // A client that hears of the live entities in slot order.
    let mut client = World::new();
    let mut live: Vec<Entity> = es.iter().copied().filter(|&e| server.contains(e)).collect();
    live.sort_by_key(|e| e.index());
    for &e in &live {
        let value = *server.get::<u32>(e).unwrap();
        let here = client.spawn_at(e.to_bits(), (value,)).unwrap();
        assert_eq!(here.to_bits(), e.to_bits());
        assert_eq!(client.get::<u32>(here), Ok(&value));
    }
    assert_eq!(client.len(), server.len());

    // A slot the server reused: generation 3.
    let e = *live.iter().max_by_key(|e| e.generation()).unwrap();
    assert_eq!(e.generation(), 3);
    let here = client.entity_from_bits(e.to_bits()).unwrap();
    assert_eq!(client.spawn_at(e.to_bits(), (0u32,)), Err(SpawnAtError::Alive(here)));
    let older = e.to_bits() - (2 << 32);
    assert_eq!(client.spawn_at(older, (0u32,)), Err(SpawnAtError::Occupied(here)));
    assert_eq!(client.spawn_at(0, ()), Err(SpawnAtError::Malformed(0)));
    assert_eq!(client.spawn_at(2 << 32 | 5, ()), Err(SpawnAtError::Malformed(2 << 32 | 5)));

    // A stale id: the slot was used by that generation already.
    client.despawn(here).unwrap();
    assert_eq!(client.spawn_at(e.to_bits(), ()), Err(SpawnAtError::Stale(e.to_bits())));
    let far = u64::from(2 * MAX_GENERATION_SKIP + 5) << 32 | 1000;
    assert_eq!(client.spawn_at(far, ()), Err(SpawnAtError::TooFarAhead(far)));
    assert_eq!(client.len(), server.len() - 1, "no error spawned anything");
}

#[test]
fn spawn_at_keeps_the_free_list_order() {
    let mut world = World::new();
    let es: Vec<Entity> = (0..10).map(|_| world.spawn(())).collect();
    for &e in &[es[2], es[6], es[4], es[8]] {
        world.despawn(e).unwrap();
    }
    // The free list hands out 8, 4, 6, 2 next; take 6 out of the middle at a later generation.
    let wanted = es[6].to_bits() + (4 << 32);
    let six = world.spawn_at(wanted, ()).unwrap();
    assert_eq!((six.index(), six.generation()), (6, es[6].generation() + 4));
    let next: Vec<u32> = (0..3).map(|_| world.spawn(()).index()).collect();
    assert_eq!(next, [8, 4, 2]);
    // Beyond the slots used so far: the slots between become free.
    let far = world.spawn_at(1 << 32 | 15, ()).unwrap();
    assert_eq!(far.index(), 14);
    assert_eq!(world.len(), 11);
    let more: Vec<u32> = (0..5).map(|_| world.spawn(()).index()).collect();
    let mut sorted = more.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [10, 11, 12, 13, 15]);
}

#[test]
fn snapshots_can_move_between_threads_and_be_shared() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Snapshot>();
    send_sync::<SnapshotError>();
    let (world, _) = populated();
    let snapshot = world.snapshot().unwrap();
    let len = std::thread::spawn(move || snapshot.len()).join().unwrap();
    assert_eq!(len, world.len());
}
