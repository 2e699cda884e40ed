//! The snapshot model test: random operations on a world, snapshots into a ring at random
//! points (incremental after the first take of a slot), restores from random slots, and after
//! every restore and at the end two comparisons:
//!
//! - with what the world looked like when the snapshot was taken: every row in query order;
//! - with a model: a fresh world that replays the operations that led to the current state
//!   (the history, cut back at each restore). The two must agree on the rows (entities by
//!   their bits; sorted, since the tested world's tables were made in the order of timelines
//!   since abandoned), the resources, whether each operation succeeded, and the id of every
//!   entity spawned.

use cellar_store::{Entity, Snapshot, World};
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Pos(u32);
#[derive(Clone, Copy, Debug, PartialEq)]
struct Vel(u32);
#[derive(Clone, Debug, PartialEq)]
struct Name(String);
#[derive(Clone, Copy, Debug, PartialEq)]
struct Stun(u8);
#[derive(Clone, Debug, PartialEq)]
struct Score(u64);

const SLOTS: usize = 4;

#[derive(Clone, Debug)]
enum Op {
    Spawn(u8, u32),
    Despawn(usize),
    InsertVel(usize, u32),
    InsertName(usize, u32),
    InsertStun(usize, u8),
    RemoveVel(usize),
    RemoveName(usize),
    RemoveStun(usize),
    SetPos(usize, u32),
    BumpAll,
    SetScore(u64),
    RemoveScore,
    Take(usize),
    Restore(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let e = 0..64usize;
    prop_oneof![
        4 => (0..4u8, any::<u32>()).prop_map(|(k, v)| Op::Spawn(k, v)),
        2 => e.clone().prop_map(Op::Despawn),
        1 => (e.clone(), any::<u32>()).prop_map(|(e, v)| Op::InsertVel(e, v)),
        1 => (e.clone(), any::<u32>()).prop_map(|(e, v)| Op::InsertName(e, v)),
        1 => (e.clone(), any::<u8>()).prop_map(|(e, v)| Op::InsertStun(e, v)),
        1 => e.clone().prop_map(Op::RemoveVel),
        1 => e.clone().prop_map(Op::RemoveName),
        1 => e.clone().prop_map(Op::RemoveStun),
        3 => (e.clone(), any::<u32>()).prop_map(|(e, v)| Op::SetPos(e, v)),
        1 => Just(Op::BumpAll),
        1 => any::<u64>().prop_map(Op::SetScore),
        1 => Just(Op::RemoveScore),
        3 => (0..SLOTS).prop_map(Op::Take),
        2 => (0..SLOTS).prop_map(Op::Restore),
    ]
}

/// An operation of the history, with the entity it was applied to named by its bits, and
/// what it did.
#[derive(Clone, Debug)]
struct Step {
    op: Op,
    /// The bits of the entity the operation named (the spawned one for `Spawn`).
    entity: u64,
    ok: bool,
}

fn new_world() -> World {
    let mut world = World::new();
    world.register_sparse::<Stun>().unwrap();
    world.register_snapshot_copy::<Pos>();
    world.register_snapshot_copy::<Vel>();
    world.register_snapshot::<Name>();
    world.register_snapshot_copy::<Stun>();
    world.register_snapshot_resource::<Score>();
    world
}

/// Applies a non-snapshot operation to `e`; returns whether it succeeded and the entity
/// spawned, if any.
fn apply(world: &mut World, op: &Op, e: Option<Entity>) -> (bool, Option<Entity>) {
    let ok = |r: Result<(), cellar_store::EntityError>| r.is_ok();
    let with = |f: &mut dyn FnMut(Entity) -> bool| e.is_some_and(f);
    match *op {
        Op::Spawn(kind, v) => {
            let e = match kind {
                0 => world.spawn((Pos(v),)),
                1 => world.spawn((Pos(v), Vel(v / 2))),
                2 => world.spawn((Name(format!("{v}")), Pos(v))),
                _ => world.spawn((Stun(v as u8),)),
            };
            (true, Some(e))
        }
        Op::Despawn(_) => (with(&mut |e| ok(world.despawn(e))), None),
        Op::InsertVel(_, v) => (with(&mut |e| ok(world.insert(e, (Vel(v),)))), None),
        Op::InsertName(_, v) => {
            (with(&mut |e| ok(world.insert(e, (Name(format!("n{v}")),)))), None)
        }
        Op::InsertStun(_, v) => (with(&mut |e| ok(world.insert(e, (Stun(v),)))), None),
        Op::RemoveVel(_) => (with(&mut |e| world.remove::<(Vel,)>(e).is_ok()), None),
        Op::RemoveName(_) => (with(&mut |e| world.remove::<(Name,)>(e).is_ok()), None),
        Op::RemoveStun(_) => (with(&mut |e| world.remove::<(Stun,)>(e).is_ok()), None),
        Op::SetPos(_, v) => (with(&mut |e| world.get_mut::<Pos>(e).map(|p| p.0 = v).is_ok()), None),
        Op::BumpAll => {
            for p in world.query_mut::<&mut Pos>() {
                p.0 = p.0.wrapping_add(1);
            }
            (true, None)
        }
        Op::SetScore(v) => (world.insert_resource(Score(v)).is_some(), None),
        Op::RemoveScore => (world.remove_resource::<Score>().is_some(), None),
        Op::Take(_) | Op::Restore(_) => unreachable!("not part of a history"),
    }
}

type Row = (u64, Option<Pos>, Option<Vel>, Option<Name>, Option<Stun>);

type Observed = (Vec<Row>, Option<Score>, usize);

/// The observation without the table order.
fn sorted((mut rows, score, len): Observed) -> Observed {
    rows.sort_by_key(|row| row.0);
    (rows, score, len)
}

fn observe(world: &World) -> Observed {
    let rows: Vec<Row> = world
        .query::<(Entity, Option<&Pos>, Option<&Vel>, Option<&Name>, Option<&Stun>)>()
        .map(|(e, p, v, n, s)| (e.to_bits(), p.copied(), v.copied(), n.cloned(), s.copied()))
        .collect();
    assert_eq!(rows.len(), world.len(), "queries and len agree");
    for (bits, pos, _, name, _) in &rows {
        let e = world.entity_from_bits(*bits).expect("every row's entity is alive");
        // Looked up through the entity's slot: its location is the row's.
        assert_eq!(world.get::<Pos>(e).ok(), pos.as_ref(), "the slot says the row");
        assert_eq!(world.get::<Name>(e).ok(), name.as_ref(), "the slot says the row");
    }
    (rows, world.resource::<Score>().ok().cloned(), world.len())
}

/// A fresh world that replays `history`, checking each step does what it did before.
fn replay(history: &[Step]) -> World {
    let mut world = new_world();
    for step in history {
        let e = world.entity_from_bits(step.entity).ok();
        let (ok, spawned) = apply(&mut world, &step.op, e);
        assert_eq!(ok, step.ok, "{:?} succeeds in the model as it did", step.op);
        if let Some(spawned) = spawned {
            assert_eq!(spawned.to_bits(), step.entity, "the model spawns the same id");
        }
    }
    world
}

fn run(ops: Vec<Op>) {
    let mut world = new_world();
    let mut handles: Vec<Entity> = Vec::new();
    let mut history: Vec<Step> = Vec::new();
    let mut ring: Vec<Snapshot> = (0..SLOTS).map(|_| Snapshot::new()).collect();
    let mut saved: Vec<Option<(Vec<Step>, Observed)>> = vec![None; SLOTS];
    for op in ops {
        match op {
            Op::Take(slot) => {
                world.snapshot_into(&mut ring[slot]).unwrap();
                saved[slot] = Some((history.clone(), observe(&world)));
            }
            Op::Restore(slot) => match &saved[slot] {
                Some((steps, seen)) => {
                    world.restore(&ring[slot]).unwrap();
                    history = steps.clone();
                    assert_eq!(&observe(&world), seen, "as when taken, in the same order");
                    assert_eq!(sorted(observe(&world)), sorted(observe(&replay(&history))));
                }
                None => assert!(world.restore(&ring[slot]).is_err()),
            },
            Op::Spawn(..) => {
                let (ok, spawned) = apply(&mut world, &op, None);
                let e = spawned.expect("a spawn spawns");
                handles.push(e);
                history.push(Step { op, entity: e.to_bits(), ok });
            }
            Op::Despawn(i)
            | Op::InsertVel(i, _)
            | Op::InsertName(i, _)
            | Op::InsertStun(i, _)
            | Op::RemoveVel(i)
            | Op::RemoveName(i)
            | Op::RemoveStun(i)
            | Op::SetPos(i, _) => {
                // Handles include entities of abandoned timelines: stale after a restore.
                let e = (!handles.is_empty()).then(|| handles[i % handles.len()]);
                let (ok, _) = apply(&mut world, &op, e);
                history.push(Step { op, entity: e.map_or(0, Entity::to_bits), ok });
            }
            Op::BumpAll | Op::SetScore(_) | Op::RemoveScore => {
                let (ok, _) = apply(&mut world, &op, None);
                history.push(Step { op, entity: 0, ok });
            }
        }
    }
    assert_eq!(sorted(observe(&world)), sorted(observe(&replay(&history))));
    // Restoring every slot still gives what it held when taken.
    for (slot, saved) in saved.iter().enumerate() {
        if let Some((steps, seen)) = saved {
            world.restore(&ring[slot]).unwrap();
            assert_eq!(&observe(&world), seen, "slot {slot}");
            assert_eq!(sorted(observe(&world)), sorted(observe(&replay(steps))), "slot {slot}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn restored_worlds_match_the_replayed_model(ops in prop::collection::vec(op(), 1..120)) {
        run(ops);
    }
}
