//! `#[derive(Bundle)]` used from a direct dependency on `cellar_store`, which names itself with
//! `#[bundle(crate = cellar_store)]`: spawn, get, insert and remove through derived bundles.

use std::sync::Arc;

use cellar_store::BundleTypes;
use cellar_store::prelude::*;

#[derive(Debug, PartialEq, Clone, Copy)]
struct Position(f32, f32);
#[derive(Debug, PartialEq, Clone, Copy)]
struct Velocity(f32, f32);
#[derive(Debug, PartialEq)]
struct Name(String);
#[derive(Debug, PartialEq, Clone, Copy)]
struct Player; // zero-sized

#[derive(Debug, PartialEq, Clone, Copy, Bundle)]
#[bundle(crate = cellar_store)]
struct Body {
    position: Position,
    velocity: Velocity,
    player: Player,
}

#[derive(Debug, PartialEq, Bundle)]
#[bundle(crate = cellar_store)]
struct Labelled(Name, Position);

#[derive(Debug, PartialEq, Bundle)]
#[bundle(crate = cellar_store)]
struct Tagged<T, const N: usize>
where
    T: Clone,
{
    tag: T,
    values: [u8; N],
}

#[derive(Debug, PartialEq, Bundle)]
#[bundle(crate = cellar_store)]
struct Borrowed<'a> {
    label: &'a str,
}

#[derive(Debug, PartialEq, Bundle)]
#[bundle(crate = cellar_store)]
struct Empty;

#[derive(Debug, PartialEq, Bundle)]
#[bundle(crate = cellar_store)]
struct EmptyBraces {}

#[derive(Bundle)]
#[bundle(crate = cellar_store)]
struct Twice(u8, u8);

#[test]
fn named_fields_round_trip() {
    let mut world = World::new();
    let body = Body { position: Position(1.0, 2.0), velocity: Velocity(0.5, 0.0), player: Player };
    let e = world.spawn(body);
    assert_eq!(world.get::<Position>(e), Ok(&Position(1.0, 2.0)));
    assert_eq!(world.get::<Velocity>(e), Ok(&Velocity(0.5, 0.0)));
    assert!(world.has::<Player>(e));

    assert_eq!(world.remove::<Body>(e), Ok(body));
    assert!(!world.has::<Position>(e) && !world.has::<Player>(e));
    assert!(world.remove::<Body>(e).is_err());
}

#[test]
fn declares_fields_in_order() {
    let names = BundleTypes::of::<Labelled>();
    assert_eq!(names.names(), [std::any::type_name::<Name>(), std::any::type_name::<Position>()]);
    assert!(BundleTypes::of::<Empty>().names().is_empty());
    assert_eq!(BundleTypes::of::<Tagged<char, 2>>().names(), ["char", "[u8; 2]"]);
}

#[test]
fn tuple_struct_insert_and_remove() {
    let mut world = World::new();
    let e = world.spawn((Velocity(1.0, 1.0),));
    world.insert(e, Labelled(Name("rock".into()), Position(3.0, 0.0))).unwrap();
    assert_eq!(world.get::<Name>(e), Ok(&Name("rock".into())));
    // Inserting again overwrites, as with a tuple.
    world.insert(e, Labelled(Name("stone".into()), Position(4.0, 0.0))).unwrap();
    let back = world.remove::<Labelled>(e).unwrap();
    assert_eq!(back, Labelled(Name("stone".into()), Position(4.0, 0.0)));
    assert_eq!(world.get::<Velocity>(e), Ok(&Velocity(1.0, 1.0)));
}

#[test]
fn generic_and_lifetime_parameters() {
    let mut world = World::new();
    let a = world.spawn(Tagged { tag: 'x', values: [1, 2] });
    let b = world.spawn(Tagged { tag: 7u64, values: [] });
    let c = world.spawn(Borrowed { label: "static" });
    assert_eq!(world.get::<char>(a), Ok(&'x'));
    assert_eq!(world.get::<[u8; 0]>(b), Ok(&[]));
    assert_eq!(world.remove::<Tagged<char, 2>>(a), Ok(Tagged { tag: 'x', values: [1, 2] }));
    assert_eq!(world.remove::<Borrowed<'static>>(c), Ok(Borrowed { label: "static" }));
    // Another instantiation is another bundle: `b` has no `char`.
    assert!(world.remove::<Tagged<char, 0>>(b).is_err());
    assert_eq!(world.get::<u64>(b), Ok(&7));
}

#[test]
fn unit_structs_are_empty_bundles() {
    let mut world = World::new();
    let e = world.spawn(Empty);
    let f = world.spawn(EmptyBraces {});
    assert!(world.contains(e) && world.contains(f));
    world.insert(e, (1u8,)).unwrap();
    assert_eq!(world.remove::<Empty>(e), Ok(Empty));
    assert_eq!(world.get::<u8>(e), Ok(&1));
}

#[test]
fn spawn_batch_of_derived_bundles() {
    let mut world = World::new();
    let all = world
        .spawn_batch((0..100).map(|i| Labelled(Name(i.to_string()), Position(i as f32, 0.0))))
        .to_vec();
    assert_eq!(all.len(), 100);
    assert_eq!(world.get::<Name>(all[42]), Ok(&Name("42".into())));
}

#[test]
fn every_value_dropped_once() {
    #[derive(Bundle)]
    #[bundle(crate = cellar_store)]
    struct Counted(Arc<()>, Position);

    let drops = Arc::new(());
    let mut world = World::new();
    let a = world.spawn(Counted(Arc::clone(&drops), Position(0.0, 0.0)));
    let b = world.spawn(Counted(Arc::clone(&drops), Position(1.0, 0.0)));
    assert_eq!(Arc::strong_count(&drops), 3);
    let taken = world.remove::<Counted>(a).unwrap();
    assert_eq!(Arc::strong_count(&drops), 3);
    drop(taken);
    world.despawn(b).unwrap();
    assert_eq!(Arc::strong_count(&drops), 1);
}

#[test]
#[should_panic(expected = "holds u8 twice")]
fn two_fields_of_one_type_panic() {
    let mut world = World::new();
    world.spawn(Twice(1, 2));
}

#[test]
fn a_failed_remove_removes_nothing() {
    let mut world = World::new();
    let e = world.spawn((Position(0.0, 0.0), Player));
    assert!(world.remove::<Body>(e).is_err());
    assert!(world.has::<Position>(e) && world.has::<Player>(e));
}
