//! API tests for queries: items, filters, cached states, change detection, parallel loops,
//! queries over `&Storage` with explicit tokens, and aliasing refused by name.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use cellar_store::{
    Access, Added, Changed, Entity, ExclusiveTokens, QueryError, QueryState, SharedTokens, With,
    Without, World,
};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Position(f32);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Velocity(f32);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frozen;
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tag(u8);

fn name<T>() -> &'static str {
    std::any::type_name::<T>()
}

#[test]
fn aliasing_queries_are_refused_naming_the_type() {
    let mut world = World::new();
    world.spawn((Position(0.0), Velocity(0.0)));
    let conflict = QueryError::Conflict { component: name::<Position>() };
    assert_eq!(world.try_query_mut::<(&mut Position, &Position)>().err(), Some(conflict));
    assert_eq!(world.try_query_mut::<(&mut Position, &mut Position)>().err(), Some(conflict));
    assert_eq!(world.try_query_mut::<(&Position, Option<&mut Position>)>().err(), Some(conflict));
    assert_eq!(
        QueryState::<(Entity, (&Velocity, &mut Position), &Position), ()>::try_new(&mut world)
            .err(),
        Some(conflict)
    );
    assert!(Access::of_query::<(&Position, &Position), ()>().is_ok(), "two reads do not alias");
    assert!(world.try_query_mut::<(&mut Position, &Velocity)>().is_ok());
    // The panicking path says which type.
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        world.query_mut::<(&mut Position, &Position)>().count()
    }))
    .unwrap_err();
    let msg = panic.downcast_ref::<String>().unwrap();
    assert!(msg.contains(name::<Position>()), "{msg}");
}

#[test]
fn items_options_and_entities() {
    let mut world = World::new();
    let a = world.spawn((Position(1.0), Velocity(1.0)));
    let b = world.spawn((Position(2.0),));
    let c = world.spawn((Velocity(3.0),));
    let mut seen: Vec<(Entity, f32, Option<f32>)> = world
        .query::<(Entity, &Position, Option<&Velocity>)>()
        .map(|(e, p, v)| (e, p.0, v.map(|v| v.0)))
        .collect();
    seen.sort_by_key(|x| x.0);
    assert_eq!(seen, vec![(a, 1.0, Some(1.0)), (b, 2.0, None)]);
    for (p, v) in world.query_mut::<(Option<&mut Position>, &Velocity)>() {
        if let Some(p) = p {
            p.0 += v.0;
        }
    }
    assert_eq!(world.get::<Position>(a), Ok(&Position(2.0)));
    assert_eq!(world.query::<Entity>().count(), 3);
    assert!(world.query::<&Frozen>().next().is_none(), "unknown type: nothing");
    assert_eq!(world.query::<Option<&Frozen>>().count(), 3);
    assert!(world.contains(c));
}

#[test]
fn filters_with_without_over_many_tables() {
    let mut world = World::new();
    for i in 0..30u8 {
        let e = world.spawn((Position(i as f32), Tag(i)));
        if i % 2 == 0 {
            world.insert(e, (Frozen,)).unwrap();
        }
        if i % 3 == 0 {
            world.insert(e, (Velocity(1.0),)).unwrap();
        }
    }
    let frozen: BTreeSet<u8> = world.query_filtered::<&Tag, With<Frozen>>().map(|t| t.0).collect();
    assert_eq!(frozen, (0..30).step_by(2).collect());
    let moving: BTreeSet<u8> =
        world.query_filtered::<&Tag, (Without<Frozen>, With<Velocity>)>().map(|t| t.0).collect();
    assert_eq!(moving, [3, 9, 15, 21, 27].into_iter().collect());
}

#[test]
fn query_state_get_and_cache_growth() {
    let mut world = World::new();
    let mut state = QueryState::<&mut Position, Without<Frozen>>::new(&mut world);
    let a = world.spawn((Position(1.0),));
    let b = world.spawn((Position(1.0), Frozen));
    let c = world.spawn((Velocity(0.0),));
    // Tables made after the state was built are picked up on the next run.
    assert_eq!(state.iter_mut(&mut world).count(), 1);
    *state.get_mut(&mut world, a).unwrap() = Position(5.0);
    assert_eq!(state.get_mut(&mut world, b).err(), Some(QueryError::NoMatch(b)));
    assert_eq!(state.get_mut(&mut world, c).err(), Some(QueryError::NoMatch(c)));
    world.despawn(a).unwrap();
    assert_eq!(state.get_mut(&mut world, a).err(), Some(QueryError::NoSuchEntity(a)));
    let mut other = World::new();
    let f = other.spawn((Position(0.0),));
    assert_eq!(state.get_mut(&mut world, f).err(), Some(QueryError::NoSuchEntity(f)));
}

#[test]
fn added_and_changed_follow_the_last_run() {
    let mut world = World::new();
    let a = world.spawn((Position(0.0),));
    let mut added = QueryState::<Entity, Added<Position>>::new(&mut world);
    let mut changed = QueryState::<Entity, Changed<Position>>::new(&mut world);
    let mut writer = QueryState::<&mut Position, With<Velocity>>::new(&mut world);
    assert_eq!(added.iter(&world).collect::<Vec<_>>(), [a]);
    assert_eq!(changed.iter(&world).collect::<Vec<_>>(), [a]);
    assert_eq!(added.iter(&world).count(), 0);
    assert_eq!(changed.iter(&world).count(), 0);

    let b = world.spawn((Position(1.0), Velocity(1.0)));
    assert_eq!(added.iter(&world).collect::<Vec<_>>(), [b]);
    // Inserting into an entity that already has Position is a change, not an addition.
    world.insert(a, (Position(3.0),)).unwrap();
    let mut seen = changed.iter(&world).collect::<Vec<_>>();
    seen.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(added.iter(&world).count(), 0);

    // A query that hands out &mut marks only the rows it hands out.
    writer.for_each_mut(&mut world, |p| p.0 += 1.0);
    assert_eq!(changed.iter(&world).collect::<Vec<_>>(), [b]);
    // A writer does not see its own changes.
    let mut own = QueryState::<&mut Position, Changed<Position>>::new(&mut world);
    assert_eq!(own.iter_mut(&mut world).count(), 2);
    assert_eq!(own.iter_mut(&mut world).count(), 0);
    world.get_mut::<Position>(a).unwrap().0 = 7.0;
    assert_eq!(own.iter_mut(&mut world).count(), 1);
}

#[test]
fn a_loop_over_every_row_marks_only_the_rows_present() {
    let mut world = World::new();
    let a = world.spawn((Position(0.0),));
    let b = world.spawn((Position(0.0), Frozen));
    let mut changed = QueryState::<Entity, Changed<Position>>::new(&mut world);
    let mut writer = QueryState::<&mut Position, Without<Frozen>>::new(&mut world);
    assert_eq!(changed.iter(&world).count(), 2);

    // The writer's loop marks the whole (Position) table at once; b, unchanged, then moves
    // into that table and must not count as changed, while a still does.
    writer.for_each_mut(&mut world, |p| p.0 += 1.0);
    world.remove::<(Frozen,)>(b).unwrap();
    assert_eq!(changed.iter(&world).collect::<Vec<_>>(), [a]);
    assert_eq!(changed.iter(&world).count(), 0);

    // A row moved out of a marked table takes its mark along.
    writer.for_each_mut(&mut world, |p| p.0 += 1.0);
    world.insert(a, (Frozen,)).unwrap();
    let mut seen = changed.iter(&world).collect::<Vec<_>>();
    seen.sort();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(seen, expected);
    assert_eq!(changed.iter(&world).count(), 0);
}

#[test]
fn changed_on_sparse_components() {
    let mut world = World::new();
    world.register_sparse::<Tag>().unwrap();
    let a = world.spawn((Position(0.0), Tag(1)));
    let b = world.spawn((Position(0.0), Tag(2)));
    let mut changed = QueryState::<&Tag, Changed<Tag>>::new(&mut world);
    assert_eq!(changed.iter(&world).count(), 2);
    world.get_mut::<Tag>(b).unwrap().0 = 5;
    assert_eq!(changed.iter(&world).copied().collect::<Vec<_>>(), [Tag(5)]);
    for t in world.query_mut::<&mut Tag>() {
        t.0 += 1;
    }
    assert_eq!(changed.iter(&world).count(), 2);
    assert_eq!(world.get::<Tag>(a), Ok(&Tag(2)));
}

#[test]
fn par_iter_mut_visits_every_row_once() {
    let mut world = World::new();
    for i in 0..2000u32 {
        match i % 3 {
            0 => world.spawn((Position(i as f32), Velocity(1.0))),
            1 => world.spawn((Position(i as f32), Velocity(1.0), Frozen)),
            _ => world.spawn((Position(i as f32),)),
        };
    }
    let mut state = QueryState::<(&mut Position, &Velocity)>::new(&mut world);
    let visits = AtomicUsize::new(0);
    state.query_mut(&mut world).par_iter_mut().batch_size(37).for_each(|(p, v)| {
        p.0 += v.0;
        visits.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(visits.load(Ordering::Relaxed), 1334);
    let sum: f64 = world.query::<&Position>().map(|p| f64::from(p.0)).sum();
    assert_eq!(sum, (0..2000).map(f64::from).sum::<f64>() + 1334.0);
    let mut read = QueryState::<&Position, With<Velocity>>::new(&mut world);
    let count = AtomicUsize::new(0);
    read.query_ref(&world).par_iter().for_each(|_| {
        count.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(count.into_inner(), 1334);
}

#[test]
fn queries_over_storage_with_explicit_tokens() {
    let mut world = World::new();
    let e = world.spawn((Position(1.0), Velocity(2.0)));
    let mut movement = QueryState::<(&mut Position, &Velocity)>::new(&mut world);
    let mut reader = QueryState::<&Velocity>::new(&mut world);
    {
        let (storage, tokens) = world.split();
        let mut source = ExclusiveTokens::new(tokens);
        // Two queries from one source: the writer takes Position, both share Velocity.
        let mut q1 = movement.query(storage, &mut source).unwrap();
        let q2 = reader.query(storage, &mut source).unwrap();
        for (p, v) in q1.iter_mut() {
            p.0 += v.0;
        }
        assert_eq!(q2.iter().count(), 1);
    }
    assert_eq!(world.get::<Position>(e), Ok(&Position(3.0)));
}

#[test]
fn a_source_never_lends_a_token_twice_for_writing() {
    let mut world = World::new();
    world.spawn((Position(1.0),));
    let mut a = QueryState::<&mut Position>::new(&mut world);
    let mut b = QueryState::<&Position>::new(&mut world);
    let (storage, tokens) = world.split();
    let mut source = ExclusiveTokens::new(tokens);
    let _first = a.query(storage, &mut source).unwrap();
    assert_eq!(
        b.query(storage, &mut source).err(),
        Some(QueryError::MissingToken { component: name::<Position>() })
    );
}

#[test]
fn foreign_tokens_are_refused() {
    let mut world = World::new();
    world.spawn((Position(1.0),));
    let mut other = World::new();
    other.spawn((Position(2.0),));
    let mut state = QueryState::<&Position>::new(&mut world);
    let mut shared = SharedTokens::new(other.tokens());
    assert_eq!(
        state.query(world.storage(), &mut shared).err(),
        Some(QueryError::WrongToken { component: name::<Position>() })
    );
}

#[test]
fn twelve_element_tuples() {
    let mut world = World::new();
    let e = world.spawn((1u8, 2u16, 3u32, 4u64, 5i8, 6i16, 7i32, 8i64, 9f32, 10f64, 'c', true));
    let item = world
        .query::<(&u8, &u16, &u32, &u64, &i8, &i16, &i32, &i64, &f32, &f64, &char, &bool)>()
        .next()
        .unwrap();
    assert!(*item.11);
    assert_eq!(*item.0, 1);
    let removed = world.remove::<(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, char, bool)>(e);
    assert_eq!(removed, Ok((1, 2, 3, 4, 5, 6, 7, 8, 9.0, 10.0, 'c', true)));
}

/// The plain loop's dense rows address every column from its end with one shared counter, in
/// units of the greatest common divisor of the element sizes: columns of 1, 8, 12 and zero
/// bytes side by side, tables of several shapes, `Option` present and absent, `Has`, and a
/// loop that stops midway, must all give what `for_each` gives, row for row.
#[test]
fn plain_loops_over_mixed_element_sizes_match_for_each() {
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Wide([f32; 3]);
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Marker;
    let mut world = World::new();
    for i in 0..30u8 {
        let wide = Wide([f32::from(i); 3]);
        match i % 3 {
            0 => drop(world.spawn((i, u64::from(i) * 7, wide, Marker))),
            1 => drop(world.spawn((i, u64::from(i) * 7, wide))),
            _ => drop(world.spawn((i, wide, Marker))),
        }
    }
    type Q<'a> = (Entity, &'a mut u8, Option<&'a u64>, &'a Wide, Option<&'a Marker>);
    let mut plain = Vec::new();
    let mut iter = world.query_mut::<Q<'_>>();
    assert_eq!(iter.size_hint(), (30, Some(30)));
    for (e, n, wide_u64, wide, marker) in iter.by_ref().take(7) {
        *n += 100;
        plain.push((e, *n, wide_u64.copied(), *wide, marker.is_some()));
    }
    assert_eq!(iter.size_hint(), (23, Some(23)));
    for (e, n, wide_u64, wide, marker) in iter {
        *n += 100;
        plain.push((e, *n, wide_u64.copied(), *wide, marker.is_some()));
    }
    let mut folded = Vec::new();
    world.query::<(Entity, &u8, Option<&u64>, &Wide, cellar_store::Has<Marker>)>().for_each(
        |(e, n, wide_u64, wide, marker)| folded.push((e, *n, wide_u64.copied(), *wide, marker)),
    );
    assert_eq!(plain, folded);
    assert_eq!(plain.len(), 30);
    for (_, n, wide_u64, wide, _) in &plain {
        let i = n - 100;
        assert_eq!(*wide, Wide([f32::from(i); 3]));
        assert_eq!(*wide_u64, (i % 3 != 2).then_some(u64::from(i) * 7));
    }
    let markers: usize = world.query::<&Marker>().map(|_| 1).sum();
    assert_eq!(markers, 20, "a zero-sized column yields one item per row");
}

/// A cached state's table walk takes each table's column by the arena position it cached and
/// looks the table up unchecked: both rest on tables never being removed and on a component's
/// column positions growing with the table index. Tables made between runs (a component added
/// to some entities later, new combinations), despawns emptying tables, and a walk over many
/// tables must each visit every row once, in the plain loop, `for_each` and `iter_mut` on a
/// `Query`, with `&mut T` and `&T` in one query.
#[test]
fn a_cached_walk_over_tables_made_and_emptied_between_runs() {
    let mut world = World::new();
    let mut state = QueryState::<(&mut Position, &Velocity)>::new(&mut world);
    let mut live = Vec::new();
    for round in 0..6u8 {
        // New tables: `Tag(round)` rows with and without `Frozen`, then a component added to
        // an older entity, which moves it into yet another table.
        for i in 0..5u8 {
            let e = if i % 2 == 0 {
                world.spawn((Position(0.0), Velocity(1.0), Tag(round)))
            } else {
                world.spawn((Position(0.0), Velocity(1.0), Tag(round), Frozen))
            };
            live.push(e);
        }
        world.spawn((Position(0.0),)); // matches nothing: no `Velocity`
        if let Some(&old) = live.first() {
            world.insert(old, (Frozen,)).ok();
        }
        // Empty a table made earlier: its index stays matched, its column stays in place.
        if round == 3 {
            for e in live.drain(..5) {
                world.despawn(e).unwrap();
            }
        }
        for p in state.iter_mut(&mut world) {
            p.0.0 += p.1.0;
        }
        state.for_each_mut(&mut world, |(p, v)| p.0 += v.0);
        let mut query = state.query_mut(&mut world);
        for (p, v) in query.iter_mut() {
            p.0 += v.0;
        }
        let visited = query.iter_mut().count();
        assert_eq!(visited, live.len(), "round {round}");
    }
    // Every live entity was stepped three times per round it lived through.
    let mut counts: Vec<f32> = live.iter().map(|&e| world.get::<Position>(e).unwrap().0).collect();
    counts.sort_by(f32::total_cmp);
    let expected: Vec<f32> = {
        let mut v: Vec<f32> = (0..6)
            .flat_map(|round| std::iter::repeat_n(3.0 * (6 - round) as f32, 5))
            .skip(5) // the first round's entities were despawned in round 3
            .collect();
        v.sort_by(f32::total_cmp);
        v
    };
    assert_eq!(counts, expected);
}
