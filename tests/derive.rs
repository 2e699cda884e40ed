//! `#[derive(Bundle)]` through the facade, with the derive's default `::cellar` path: the only
//! place that default can be checked, since it names this package.

use cellar::prelude::*;

#[derive(Debug, PartialEq)]
struct Position(f32, f32);
#[derive(Debug, PartialEq)]
struct Health(u32);
#[derive(Debug, PartialEq)]
struct Enemy; // zero-sized

#[derive(Debug, PartialEq, Bundle)]
struct Grunt {
    position: Position,
    health: Health,
    enemy: Enemy,
}

#[derive(Debug, PartialEq, Bundle)]
struct Pair<A, B>(A, B);

/// A plain `use cellar::Bundle;` brings the derive too.
mod one_import {
    use cellar::Bundle;

    #[derive(Bundle)]
    pub struct Score(pub u64);
}

#[test]
fn named_struct_round_trip() {
    let mut world = World::new();
    let e = world.spawn(Grunt { position: Position(1.0, 0.0), health: Health(10), enemy: Enemy });
    assert_eq!(world.get::<Health>(e), Ok(&Health(10)));
    world.get_mut::<Health>(e).unwrap().0 -= 3;
    let back = world.remove::<Grunt>(e).unwrap();
    assert_eq!(back, Grunt { position: Position(1.0, 0.0), health: Health(7), enemy: Enemy });
    assert!(!world.has::<Enemy>(e));
}

#[test]
fn generic_tuple_struct_and_queries() {
    let mut world = World::new();
    world.spawn(Pair(Position(0.0, 0.0), Health(1)));
    world.spawn(Pair(Position(2.0, 0.0), Health(2)));
    world.spawn(one_import::Score(5));
    let mut healths = QueryState::<&Health>::new(&mut world);
    assert_eq!(healths.iter(&world).map(|h| h.0).sum::<u32>(), 3);
    // A derived struct is a set of components, not one: `Score`'s component is its `u64`.
    let mut scores = QueryState::<&u64>::new(&mut world);
    assert_eq!(scores.iter(&world).copied().collect::<Vec<_>>(), [5]);
    let mut structs = QueryState::<&one_import::Score>::new(&mut world);
    assert_eq!(structs.iter(&world).count(), 0);
    let e = world.spawn(Pair(Position(4.0, 0.0), Health(4)));
    let back = world.remove::<Pair<Position, Health>>(e);
    assert_eq!(back, Ok(Pair(Position(4.0, 0.0), Health(4))));
}
