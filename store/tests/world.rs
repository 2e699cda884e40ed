//! API tests for `World`: spawning, despawning, inserting, removing, reading and writing
//! components, and the errors for stale and foreign entities.

use cellar_store::{Added, ComponentError, Entity, EntityError, QueryState, StorageKind, World};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Position(f32, f32);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Velocity(f32, f32);
#[derive(Debug, Clone, PartialEq)]
struct Name(String);
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker;
#[repr(align(64))]
#[derive(Debug, Clone, Copy, PartialEq)]
struct Aligned(u64);

#[test]
fn spawn_get_and_move() {
    let mut world = World::new();
    let mover = world.spawn((Position(0.0, 0.0), Velocity(1.0, 2.0)));
    let rock = world.spawn((Position(5.0, 5.0),));
    for (p, v) in world.query_mut::<(&mut Position, &Velocity)>() {
        p.0 += v.0;
        p.1 += v.1;
    }
    assert_eq!(world.get::<Position>(mover), Ok(&Position(1.0, 2.0)));
    assert_eq!(world.get::<Position>(rock), Ok(&Position(5.0, 5.0)));
    assert_eq!(world.len(), 2);
}

#[test]
fn stale_and_foreign_entities_are_errors() {
    let mut world = World::new();
    let mut other = World::new();
    let e = world.spawn((Position(1.0, 1.0),));
    let f = other.spawn((Position(2.0, 2.0),));
    assert_eq!(world.get::<Position>(f), Err(ComponentError::NoSuchEntity(f)));
    assert_eq!(world.despawn(f), Err(EntityError::NoSuchEntity(f)));
    assert_eq!(world.insert(f, (Marker,)), Err(EntityError::NoSuchEntity(f)));
    world.despawn(e).unwrap();
    let g = world.spawn((Position(3.0, 3.0),));
    assert_eq!(g.index(), e.index());
    assert_eq!(world.get::<Position>(e), Err(ComponentError::NoSuchEntity(e)));
    assert_eq!(world.get_mut::<Position>(e), Err(ComponentError::NoSuchEntity(e)));
    assert_eq!(world.remove::<(Position,)>(e), Err(ComponentError::NoSuchEntity(e)));
    assert!(!world.contains(e));
    assert_eq!(world.get::<Position>(g), Ok(&Position(3.0, 3.0)));
    assert_eq!(other.get::<Position>(f), Ok(&Position(2.0, 2.0)));
    let msg = world.despawn(e).unwrap_err().to_string();
    assert!(msg.contains("no such entity"), "{msg}");
}

#[test]
fn missing_component_names_the_type() {
    let mut world = World::new();
    let e = world.spawn((Position(0.0, 0.0),));
    let err = world.get::<Velocity>(e).unwrap_err();
    assert_eq!(
        err,
        ComponentError::Missing { entity: e, component: std::any::type_name::<Velocity>() }
    );
    assert!(err.to_string().contains("Velocity"));
}

#[test]
fn insert_overwrites_and_adds() {
    let mut world = World::new();
    let e = world.spawn((Position(0.0, 0.0), Name("a".into())));
    world.insert(e, (Name("b".into()), Velocity(1.0, 1.0))).unwrap();
    assert_eq!(world.get::<Name>(e), Ok(&Name("b".into())));
    assert_eq!(world.get::<Velocity>(e), Ok(&Velocity(1.0, 1.0)));
    assert_eq!(world.get::<Position>(e), Ok(&Position(0.0, 0.0)));
    world.insert(e, (Name("c".into()),)).unwrap();
    assert_eq!(world.get::<Name>(e), Ok(&Name("c".into())));
}

#[test]
fn remove_returns_values_and_keeps_the_rest() {
    let mut world = World::new();
    let a = world.spawn((Position(1.0, 1.0), Velocity(2.0, 2.0), Name("a".into())));
    let b = world.spawn((Position(3.0, 3.0), Velocity(4.0, 4.0), Name("b".into())));
    assert_eq!(world.remove::<(Velocity, Name)>(a), Ok((Velocity(2.0, 2.0), Name("a".into()))));
    assert_eq!(world.get::<Position>(a), Ok(&Position(1.0, 1.0)));
    assert!(!world.has::<Velocity>(a));
    assert_eq!(world.get::<Name>(b), Ok(&Name("b".into())));
    assert_eq!(
        world.remove::<(Position, Velocity)>(a),
        Err(ComponentError::Missing { entity: a, component: std::any::type_name::<Velocity>() })
    );
    assert_eq!(world.get::<Position>(a), Ok(&Position(1.0, 1.0)), "nothing removed on error");
}

#[test]
fn zero_sized_over_aligned_and_sparse() {
    let mut world = World::new();
    world.register_sparse::<Marker>().unwrap();
    assert_eq!(world.storage_kind::<Marker>(), Some(StorageKind::SparseSet));
    let es: Vec<Entity> =
        (0..50).map(|i| world.spawn((Aligned(i), (), Position(i as f32, 0.0)))).collect();
    for e in es.iter().step_by(3) {
        world.insert(*e, (Marker,)).unwrap();
    }
    for (i, e) in es.iter().enumerate() {
        assert_eq!(world.get::<Aligned>(*e), Ok(&Aligned(i as u64)));
        assert_eq!(world.has::<Marker>(*e), i % 3 == 0);
        assert_eq!(world.get::<Aligned>(*e).unwrap() as *const Aligned as usize % 64, 0);
    }
    let marked: Vec<u64> = world.query::<(&Aligned, &Marker)>().map(|(a, _)| a.0).collect();
    assert_eq!(marked, (0..50).step_by(3).collect::<Vec<_>>());
    assert_eq!(world.remove::<(Marker,)>(es[3]), Ok((Marker,)));
    assert!(!world.has::<Marker>(es[3]));
    world.despawn(es[6]).unwrap();
    assert_eq!(world.query::<&Marker>().count(), 15);
}

#[test]
fn spawn_batch_and_clear() {
    let mut world = World::new();
    let es = world
        .spawn_batch((0..1000).map(|i| (Position(i as f32, 0.0), Velocity(1.0, 0.0))))
        .to_vec();
    assert_eq!(es.len(), 1000);
    assert_eq!(world.get::<Position>(es[999]), Ok(&Position(999.0, 0.0)));
    world.clear();
    assert!(world.is_empty());
    assert!(!world.contains(es[0]));
    let e = world.spawn((Position(0.0, 0.0),));
    assert_eq!(world.query::<&Position>().count(), 1);
    assert!(world.contains(e));
}

/// An iterator whose size hint is wrong in either direction: `claims` as its lower bound,
/// `n` items in fact.
struct Misleading {
    next: u32,
    n: u32,
    claims: usize,
}

impl Iterator for Misleading {
    type Item = (Position, Name, Aligned);
    fn next(&mut self) -> Option<Self::Item> {
        (self.next < self.n).then(|| {
            self.next += 1;
            let i = self.next - 1;
            (Position(i as f32, 0.0), Name(i.to_string()), Aligned(u64::from(i)))
        })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.claims, None)
    }
}

#[test]
fn spawn_batch_grows_past_a_low_size_hint_and_stops_short_of_a_high_one() {
    let mut world = World::new();
    // Entities freed first, so the batch reuses slots as well as making new ones.
    let old = world.spawn_batch((0..10).map(|i| (Velocity(i as f32, 0.0),))).to_vec();
    for &e in &old[..5] {
        world.despawn(e).unwrap();
    }
    let mut added = QueryState::<Entity, Added<Name>>::new(&mut world);
    for (claims, n) in [(0, 1000), (3, 700), (5000, 40), (100, 100)] {
        let es = world.spawn_batch(Misleading { next: 0, n, claims }).to_vec();
        assert_eq!(es.len(), n as usize);
        // Every row got its ticks: each entity of this batch, and only those, is new.
        assert_eq!(added.iter(&world).collect::<Vec<_>>(), es);
        for (i, &e) in es.iter().enumerate() {
            assert_eq!(world.get::<Position>(e), Ok(&Position(i as f32, 0.0)));
            assert_eq!(world.get::<Name>(e), Ok(&Name(i.to_string())));
            assert_eq!(world.get::<Aligned>(e), Ok(&Aligned(i as u64)));
        }
    }
    assert_eq!(world.len(), 5 + 1000 + 700 + 40 + 100);
    assert_eq!(world.query::<(&Position, &Name, &Aligned)>().count(), 1840);
}

#[test]
fn get_mut_writes() {
    let mut world = World::new();
    let e = world.spawn((Position(0.0, 0.0),));
    world.get_mut::<Position>(e).unwrap().0 = 9.0;
    assert_eq!(world.get::<Position>(e), Ok(&Position(9.0, 0.0)));
}
