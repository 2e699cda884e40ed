//! Save and load (the `serde` feature): a loaded world is the saved one (rows, order, ids,
//! the free list, resources); bytes that are not a good save are an `Err` that leaves the
//! world as it was: a proptest mutates and truncates saves (10,000 cases) and checks that
//! loading never panics, never leaks a value, and never makes a world that breaks its own
//! invariants.

use std::cell::Cell;

use cellar_store::{Entity, Snapshot, SnapshotError, World};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct Pos(f32, f32);
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct Vel(i16);
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct Stunned(u8);
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Score(Vec<u32>);

thread_local! {
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

fn live() -> i64 {
    LIVE.with(Cell::get)
}

/// A value that counts how many of it are alive on this thread (to catch leaks).
#[derive(Debug, PartialEq, Serialize)]
struct Name(String);

impl Name {
    fn new(s: impl Into<String>) -> Self {
        LIVE.with(|n| n.set(n.get() + 1));
        Name(s.into())
    }
}

impl Clone for Name {
    fn clone(&self) -> Self {
        Name::new(self.0.clone())
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        LIVE.with(|n| n.set(n.get() - 1));
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Name::new)
    }
}

fn registered() -> World {
    let mut world = World::new();
    world.register_sparse::<Stunned>().unwrap();
    world.register_snapshot_copy::<Pos>();
    world.register_save::<Pos>();
    world.register_save::<Vel>();
    world.register_save::<Name>();
    world.register_save::<Stunned>();
    world.register_save_resource::<Score>();
    world
}

fn populated() -> World {
    let mut world = registered();
    let mut es = Vec::new();
    for i in 0..12 {
        let e = match i % 3 {
            0 => world.spawn((Pos(i as f32, 0.5),)),
            1 => world.spawn((Pos(i as f32, 1.5), Vel(-(i as i16)))),
            _ => world.spawn((Name::new(format!("e{i}")), Vel(i as i16))),
        };
        if i % 4 == 0 {
            world.insert(e, (Stunned(i as u8),)).unwrap();
        }
        es.push(e);
    }
    world.despawn(es[2]).unwrap();
    world.despawn(es[7]).unwrap();
    world.despawn(es[4]).unwrap();
    world.insert_resource(Score(vec![1, 2, 3]));
    world
}

type Row = (u64, Option<Pos>, Option<Vel>, Option<Name>, Option<Stunned>);

/// Everything observable, entities by bits, checking the world's invariants on the way.
fn observe(world: &World) -> (Vec<Row>, Option<Score>) {
    let rows: Vec<Row> = world
        .query::<(Entity, Option<&Pos>, Option<&Vel>, Option<&Name>, Option<&Stunned>)>()
        .map(|(e, p, v, n, s)| (e.to_bits(), p.copied(), v.copied(), n.cloned(), s.copied()))
        .collect();
    assert_eq!(rows.len(), world.len());
    for (bits, p, v, n, s) in &rows {
        let e = world.entity_from_bits(*bits).expect("a row's entity is alive");
        assert_eq!(world.get::<Pos>(e).ok(), p.as_ref());
        assert_eq!(world.get::<Vel>(e).ok(), v.as_ref());
        assert_eq!(world.get::<Name>(e).ok(), n.as_ref());
        assert_eq!(world.get::<Stunned>(e).ok(), s.as_ref());
    }
    (rows, world.resource::<Score>().ok().cloned())
}

#[test]
fn a_loaded_world_is_the_saved_one() {
    let mut world = populated();
    let bytes = world.save().unwrap();
    let mut loaded = registered();
    loaded.load(&bytes).unwrap();
    assert_eq!(observe(&loaded), observe(&world));
    // The free list came along: both spawn the same ids next.
    for _ in 0..5 {
        assert_eq!(world.spawn(()).to_bits(), loaded.spawn(()).to_bits());
    }
    // And a loaded world saves to the same bytes (after the same spawns).
    assert_eq!(world.save().unwrap(), loaded.save().unwrap());
}

#[test]
fn bad_bytes_are_errors_that_leave_the_world_as_it_was() {
    let bytes = populated().save().unwrap();
    let mut world = registered();
    world.spawn((Pos(9.0, 9.0),));
    let before = observe(&world);

    let mut wrong_version = bytes.clone();
    wrong_version[8] ^= 0xff;
    assert!(matches!(world.load(&wrong_version), Err(SnapshotError::Version { .. })));
    assert!(matches!(world.load(&bytes[..bytes.len() - 1]), Err(SnapshotError::Malformed { .. })));
    assert!(matches!(world.load(b"cellar\0s"), Err(SnapshotError::Malformed { .. })));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(matches!(world.load(&trailing), Err(SnapshotError::Malformed { .. })));
    assert_eq!(observe(&world), before);

    // A world without the types refuses the snapshot, and a build without them the bytes.
    let mut bare = World::new();
    assert!(matches!(bare.load(&bytes), Err(SnapshotError::MissingType { .. })));
    assert!(bare.is_empty());
}

#[test]
fn saving_a_type_without_a_serializer_is_an_error_naming_it() {
    #[derive(Clone)]
    struct Unsaved;
    let mut world = registered();
    world.register_snapshot::<Unsaved>();
    world.spawn((Unsaved,));
    let err = world.save().unwrap_err();
    assert!(
        matches!(&err, SnapshotError::Serialize { type_name, .. } if type_name.contains("Unsaved"))
    );
    assert_eq!(Snapshot::new().to_bytes(), Err(SnapshotError::Empty));
}

/// One way to damage a save.
#[derive(Clone, Debug)]
enum Damage {
    Truncate(usize),
    Set(usize, u8),
    Flip(usize, u8),
    Insert(usize, u8),
    Remove(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0..4096usize).prop_map(Damage::Truncate),
        (0..4096usize, any::<u8>()).prop_map(|(i, b)| Damage::Set(i, b)),
        (0..4096usize, 0..8u8).prop_map(|(i, bit)| Damage::Flip(i, bit)),
        (0..4096usize, any::<u8>()).prop_map(|(i, b)| Damage::Insert(i, b)),
        (0..4096usize).prop_map(Damage::Remove),
    ]
}

fn apply(bytes: &mut Vec<u8>, damage: &Damage) {
    let len = bytes.len();
    match *damage {
        Damage::Truncate(n) => bytes.truncate(n % (len + 1)),
        Damage::Set(i, b) if len > 0 => bytes[i % len] = b,
        Damage::Flip(i, bit) if len > 0 => bytes[i % len] ^= 1 << bit,
        Damage::Insert(i, b) => bytes.insert(i % (len + 1), b),
        Damage::Remove(i) if len > 0 => {
            bytes.remove(i % len);
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn damaged_saves_never_panic_leak_or_break_a_world(
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let baseline = live();
        {
            let mut bytes = populated().save().unwrap();
            for d in &damages {
                apply(&mut bytes, d);
            }
            let mut world = registered();
            world.spawn((Name::new("before"), Vel(1)));
            let before = observe(&world);
            match world.load(&bytes) {
                Err(_) => prop_assert_eq!(observe(&world), before),
                Ok(()) => {
                    // A world that keeps its invariants through use.
                    let (rows, _) = observe(&world);
                    let fresh = world.spawn((Pos(0.0, 0.0),));
                    prop_assert!(rows.iter().all(|row| row.0 != fresh.to_bits()));
                    for (bits, ..) in rows {
                        let e = world.entity_from_bits(bits).unwrap();
                        world.despawn(e).unwrap();
                    }
                    prop_assert_eq!(world.len(), 1);
                    observe(&world);
                }
            }
        }
        prop_assert_eq!(live(), baseline, "every value dropped exactly once");
    }
}
