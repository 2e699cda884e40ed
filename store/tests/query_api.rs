//! API tests for what a bevy_ecs user reaches for: the plain `for` loop against `for_each`,
//! exact `size_hint`, `Mut`/`Ref` change detection, `Has`, `Or`, `single`, `get_many_mut`,
//! and combinations.

// Queries name `Mut<T>` and `Ref<T>` as users do, rather than `Mut<'_, T>`.
#![allow(elided_lifetimes_in_paths)]

use std::collections::BTreeSet;

use cellar_store::{
    Changed, Entity, Has, Mut, Or, QueryError, QueryState, Ref, With, Without, World,
};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Pos(i64);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Vel(i64);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Marker;
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rare(u8);

/// A world with entities spread over several tables, some with a sparse component.
fn mixed_world() -> (World, Vec<Entity>) {
    let mut world = World::new();
    world.register_sparse::<Rare>().unwrap();
    let mut all = Vec::new();
    for i in 0..40i64 {
        let e = match i % 4 {
            0 => world.spawn((Pos(i), Vel(1))),
            1 => world.spawn((Pos(i), Vel(2), Marker)),
            2 => world.spawn((Pos(i),)),
            _ => world.spawn((Pos(i), Vel(3), Rare(i as u8))),
        };
        all.push(e);
    }
    (world, all)
}

#[test]
fn plain_loop_and_for_each_visit_the_same_items_in_the_same_order() {
    let (mut world, _) = mixed_world();
    let mut state = QueryState::<(Entity, &Pos, Option<&Vel>, Has<Marker>)>::new(&mut world);
    let mut by_loop = Vec::new();
    for (e, p, v, m) in state.iter(&world) {
        by_loop.push((e, p.0, v.map(|v| v.0), m));
    }
    let mut by_each = Vec::new();
    state.for_each(&world, |(e, p, v, m)| by_each.push((e, p.0, v.map(|v| v.0), m)));
    assert_eq!(by_loop.len(), 40);
    assert_eq!(by_loop, by_each);
}

#[test]
fn mutable_plain_loop_writes_every_row_once() {
    let (mut world, all) = mixed_world();
    let mut state = QueryState::<(&mut Pos, &Vel)>::new(&mut world);
    for (p, v) in state.iter_mut(&mut world) {
        p.0 += 100 * v.0;
    }
    for (i, e) in all.iter().enumerate() {
        let expected = match i % 4 {
            0 => i as i64 + 100,
            1 => i as i64 + 200,
            2 => i as i64,
            _ => i as i64 + 300,
        };
        assert_eq!(world.get::<Pos>(*e).unwrap().0, expected, "entity {i}");
    }
}

#[test]
fn size_hint_is_exact_without_per_row_checks_and_an_upper_bound_with_them() {
    let (mut world, _) = mixed_world();
    let mut dense = QueryState::<&Pos>::new(&mut world);
    let mut iter = dense.iter(&world);
    assert_eq!(iter.size_hint(), (40, Some(40)));
    iter.next();
    assert_eq!(iter.size_hint(), (39, Some(39)));
    assert_eq!(iter.count(), 39);

    let mut with = QueryState::<&Pos, With<Vel>>::new(&mut world);
    assert_eq!(with.iter(&world).size_hint(), (30, Some(30)));

    // A sparse component decides per row: only an upper bound.
    let mut sparse = QueryState::<&Rare>::new(&mut world);
    let (lower, upper) = sparse.iter(&world).size_hint();
    assert!(lower <= 10 && upper.is_some_and(|u| u >= 10), "{lower} {upper:?}");
    assert_eq!(sparse.iter(&world).count(), 10);

    let mut changed = QueryState::<&Pos, Changed<Pos>>::new(&mut world);
    let first_run = changed.iter(&world);
    assert_eq!(first_run.size_hint(), (0, Some(40)));
    assert_eq!(first_run.count(), 40);
    assert_eq!(changed.iter(&world).count(), 0);
}

#[test]
fn collect_of_an_exact_query_allocates_exactly() {
    let (mut world, _) = mixed_world();
    let mut state = QueryState::<&Pos>::new(&mut world);
    let v: Vec<&Pos> = state.iter(&world).collect();
    assert_eq!(v.len(), 40);
    assert_eq!(v.capacity(), 40);
}

#[test]
fn mut_marks_only_the_rows_written() {
    let (mut world, all) = mixed_world();
    let mut changed = QueryState::<Entity, Changed<Pos>>::new(&mut world);
    assert_eq!(changed.iter(&world).count(), 40);
    let mut writer = QueryState::<(Entity, Mut<Pos>)>::new(&mut world);
    for (e, mut p) in writer.iter_mut(&mut world) {
        if e == all[5] || e == all[7] {
            p.0 = -1;
        } else {
            let _read: i64 = p.0; // a read through `Mut` is not a write
        }
    }
    let seen: BTreeSet<Entity> = changed.iter(&world).collect();
    assert_eq!(seen, BTreeSet::from([all[5], all[7]]));
}

#[test]
fn mut_for_each_marks_only_the_rows_written() {
    let (mut world, all) = mixed_world();
    let mut changed = QueryState::<Entity, Changed<Pos>>::new(&mut world);
    changed.iter(&world).count();
    let mut writer = QueryState::<(Entity, Mut<Pos>)>::new(&mut world);
    writer.for_each_mut(&mut world, |(e, mut p)| {
        if e == all[2] {
            p.0 += 1;
        }
    });
    assert_eq!(changed.iter(&world).collect::<Vec<_>>(), [all[2]]);
}

#[test]
fn a_loop_over_mut_t_marks_every_row_handed_out_written_or_not() {
    // The documented fast path: `&mut T` counts as a change when handed out.
    let (mut world, _) = mixed_world();
    let mut changed = QueryState::<Entity, Changed<Pos>>::new(&mut world);
    changed.iter(&world).count();
    for _p in world.query_mut::<&mut Pos>() {}
    assert_eq!(changed.iter(&world).count(), 40);
}

#[test]
fn ref_tells_added_and_changed_per_item() {
    let mut world = World::new();
    let a = world.spawn((Pos(1),));
    let b = world.spawn((Pos(2),));
    let mut state = QueryState::<(Entity, Ref<Pos>)>::new(&mut world);
    assert!(state.iter(&world).all(|(_, p)| p.is_added() && p.is_changed()));
    world.get_mut::<Pos>(b).unwrap().0 = 20;
    let c = world.spawn((Pos(3),));
    let mut seen: Vec<(Entity, i64, bool, bool)> =
        state.iter(&world).map(|(e, p)| (e, p.0, p.is_added(), p.is_changed())).collect();
    seen.sort_by_key(|s| s.1);
    assert_eq!(seen, [(a, 1, false, false), (c, 3, true, true), (b, 20, false, true)]);
}

#[test]
fn ref_sees_a_table_wide_mark_from_a_mut_t_loop() {
    let mut world = World::new();
    world.spawn_batch((0..5).map(|i| (Pos(i),)));
    let mut state = QueryState::<Ref<Pos>>::new(&mut world);
    state.iter(&world).count();
    world.query_mut::<&mut Pos>().for_each(|p| p.0 += 1);
    assert!(state.iter(&world).all(|p| p.is_changed() && !p.is_added()));
}

#[test]
fn mut_and_ref_work_on_sparse_components() {
    let (mut world, all) = mixed_world();
    let mut changed = QueryState::<&Rare, Changed<Rare>>::new(&mut world);
    assert_eq!(changed.iter(&world).count(), 10);
    for mut r in world.query_mut::<Mut<Rare>>() {
        if r.0 == 3 {
            r.0 = 99;
        }
    }
    assert_eq!(changed.iter(&world).map(|r| r.0).collect::<Vec<_>>(), [99]);
    let mut refs = QueryState::<(Entity, Ref<Rare>)>::new(&mut world);
    let changed_rows: Vec<Entity> =
        refs.iter(&world).filter(|(_, r)| r.is_changed()).map(|(e, _)| e).collect();
    assert_eq!(changed_rows.len(), 10, "first run of this state: all new");
    assert!(changed_rows.contains(&all[3]));
}

#[test]
fn has_tells_presence_for_table_and_sparse_components() {
    let (mut world, all) = mixed_world();
    let mut state = QueryState::<(Entity, Has<Marker>, Has<Rare>)>::new(&mut world);
    for (e, marker, rare) in state.iter(&world) {
        let i = all.iter().position(|x| *x == e).unwrap();
        assert_eq!((marker, rare), (i % 4 == 1, i % 4 == 3), "entity {i}");
    }
    // A component the world never saw: always false.
    struct Never;
    assert!(world.query::<Has<Never>>().all(|has| !has));
}

#[test]
fn or_lets_through_rows_that_pass_any_part() {
    let (world, _) = mixed_world();
    let n = world.query_filtered::<&Pos, Or<(With<Marker>, With<Rare>)>>().count();
    assert_eq!(n, 20);
    let n = world.query_filtered::<&Pos, Or<(Without<Vel>, With<Marker>)>>().count();
    assert_eq!(n, 20);
    struct Never;
    assert_eq!(world.query_filtered::<&Pos, Or<(With<Never>,)>>().count(), 0);
    assert_eq!(world.query_filtered::<&Pos, Or<(With<Never>, With<Marker>)>>().count(), 10);
}

#[test]
fn or_of_change_filters() {
    let (mut world, all) = mixed_world();
    let mut state = QueryState::<Entity, Or<(Changed<Vel>, Changed<Marker>)>>::new(&mut world);
    assert_eq!(state.iter(&world).count(), 30);
    world.get_mut::<Vel>(all[0]).unwrap().0 = 5;
    world.get_mut::<Marker>(all[1]).unwrap();
    let seen: BTreeSet<Entity> = state.iter(&world).collect();
    assert_eq!(seen, BTreeSet::from([all[0], all[1]]));
}

#[test]
fn single_is_an_error_for_zero_or_several() {
    let (mut world, all) = mixed_world();
    let mut none = QueryState::<&Pos, (With<Marker>, With<Rare>)>::new(&mut world);
    assert!(matches!(none.query_ref(&world).single(), Err(QueryError::NoEntities { .. })));
    let mut many = QueryState::<&Pos>::new(&mut world);
    let err = many.query_ref(&world).single().unwrap_err();
    assert!(matches!(err, QueryError::MultipleEntities { .. }));
    assert!(err.to_string().contains("Pos"), "{err}");
    let mut one = QueryState::<&mut Pos, Changed<Pos>>::new(&mut world);
    one.query_mut(&mut world).iter_mut().count();
    world.get_mut::<Pos>(all[9]).unwrap().0 = 0;
    one.query_mut(&mut world).single_mut().unwrap().0 = 9999;
    assert_eq!(world.get::<Pos>(all[9]).unwrap().0, 9999);
}

#[test]
fn get_many_mut_hands_out_distinct_entities_in_the_order_asked() {
    let (mut world, all) = mixed_world();
    let mut state = QueryState::<(&mut Pos, Option<&mut Rare>)>::new(&mut world);
    let mut query = state.query_mut(&mut world);
    // Across tables, in reverse table order, and a sparse component.
    let [(a, ra), (b, rb), (c, _)] = query.get_many_mut([all[7], all[0], all[6]]).unwrap();
    assert_eq!((a.0, b.0, c.0), (7, 0, 6));
    assert_eq!((ra.map(|r| r.0), rb.map(|r| r.0)), (Some(7), None));
    std::mem::swap(&mut a.0, &mut b.0);
    // Two in one table.
    let [(x, _), (y, _)] = query.get_many_mut([all[8], all[4]]).unwrap();
    std::mem::swap(&mut x.0, &mut y.0);
    drop(query);
    assert_eq!(world.get::<Pos>(all[7]).unwrap().0, 0);
    assert_eq!(world.get::<Pos>(all[0]).unwrap().0, 7);
    assert_eq!(world.get::<Pos>(all[8]).unwrap().0, 4);
    assert_eq!(world.get::<Pos>(all[4]).unwrap().0, 8);
}

#[test]
fn get_many_mut_refuses_repeated_dead_and_unmatched_entities() {
    let (mut world, all) = mixed_world();
    let dead = all[12];
    world.despawn(dead).unwrap();
    let mut state = QueryState::<&mut Vel>::new(&mut world);
    let mut query = state.query_mut(&mut world);
    assert_eq!(query.get_many_mut([all[0], all[0]]).err(), Some(QueryError::Repeated(all[0])));
    assert_eq!(query.get_many_mut([all[0], dead]).err(), Some(QueryError::NoSuchEntity(dead)));
    assert_eq!(query.get_many_mut([all[2], all[0]]).err(), Some(QueryError::NoMatch(all[2])));
    // After refusals the query still works.
    assert!(query.get_many_mut([all[0], all[1], all[3]]).is_ok());
}

#[test]
fn get_many_mut_checks_the_filter_per_row() {
    let (mut world, all) = mixed_world();
    let mut state = QueryState::<&mut Pos, Changed<Pos>>::new(&mut world);
    state.query_mut(&mut world).iter_mut().count();
    world.get_mut::<Pos>(all[4]).unwrap().0 = 1;
    let mut query = state.query_mut(&mut world);
    assert_eq!(query.get_many_mut([all[4], all[8]]).err(), Some(QueryError::NoMatch(all[8])));
}

#[test]
fn combinations_visit_each_set_once() {
    let mut world = World::new();
    let es: Vec<Entity> = (0..5).map(|i| world.spawn((Pos(1 << i),))).collect();
    world.spawn((Vel(0),));
    let mut state = QueryState::<(Entity, &Pos)>::new(&mut world);
    let query = state.query_ref(&world);
    let pairs: BTreeSet<(Entity, Entity)> =
        query.iter_combinations::<2>().map(|[(a, _), (b, _)]| (a.min(b), a.max(b))).collect();
    assert_eq!(pairs.len(), 10);
    let sums: BTreeSet<i64> =
        query.iter_combinations::<3>().map(|[a, b, c]| a.1.0 + b.1.0 + c.1.0).collect();
    assert_eq!(sums.len(), 10, "every triple has a distinct sum of distinct bits");
    assert_eq!(query.iter_combinations::<6>().count(), 0);
    assert_eq!(query.iter_combinations::<0>().count(), 1);
    let firsts: BTreeSet<Entity> = query.iter_combinations::<1>().map(|[(e, _)]| e).collect();
    assert_eq!(firsts, es.into_iter().collect());
}

#[test]
fn combinations_mut_skip_rows_the_query_does_not_yield() {
    let (mut world, _) = mixed_world();
    let mut state = QueryState::<&mut Rare>::new(&mut world);
    let mut query = state.query_mut(&mut world);
    let mut pairs = query.iter_combinations_mut::<2>();
    let mut n = 0;
    while let Some([a, b]) = pairs.fetch_next() {
        a.0 = a.0.wrapping_add(1);
        b.0 = b.0.wrapping_add(1);
        n += 1;
    }
    assert_eq!(n, 45, "10 rare entities, 45 pairs");
    drop(query);
    // Each of the 10 is in 9 pairs.
    let mut values: Vec<u8> = world.query::<&Rare>().map(|r| r.0).collect();
    values.sort();
    let expected: Vec<u8> = (0..10).map(|k| (4 * k + 3) as u8 + 9).collect();
    assert_eq!(values, expected);
}

#[test]
fn a_plain_loop_with_a_change_filter_yields_and_marks_only_the_passing_rows() {
    let mut world = World::new();
    let es: Vec<Entity> = (0..10).map(|i| world.spawn((Pos(i), Vel(0)))).collect();
    let mut changed = QueryState::<(Entity, &mut Pos), Changed<Vel>>::new(&mut world);
    let mut watcher = QueryState::<Entity, Changed<Pos>>::new(&mut world);
    changed.iter_mut(&mut world).count();
    watcher.iter(&world).count();
    for i in [2, 3, 7, 9] {
        world.get_mut::<Vel>(es[i]).unwrap().0 = 1;
    }
    let mut seen = Vec::new();
    for (e, p) in changed.iter_mut(&mut world) {
        p.0 += 100;
        seen.push(e);
    }
    assert_eq!(seen, [es[2], es[3], es[7], es[9]]);
    let marked: Vec<Entity> = watcher.iter(&world).collect();
    assert_eq!(marked, seen, "`&mut Pos` marks the rows it handed out, no others");
    let mut values: Vec<i64> = world.query::<&Pos>().map(|p| p.0).collect();
    values.sort();
    assert_eq!(values, [0, 1, 4, 5, 6, 8, 102, 103, 107, 109]);
}

#[test]
fn mut_marks_only_the_rows_written_on_every_path_that_hands_it_out() {
    // `Pos` lives in tables, `Rare` in a sparse set: each path below writes one row and reads
    // others, and only the written row may show up as changed.
    fn check<T: Send + Sync + 'static>(write: fn(&mut T), read: fn(&T) -> i64) {
        let (mut world, _) = mixed_world();
        let mut changed = QueryState::<Entity, Changed<T>>::new(&mut world);
        assert!(changed.iter(&world).count() > 0, "first run: everything is new");
        let mut state = QueryState::<(Entity, Mut<T>)>::new(&mut world);
        let rows: Vec<Entity> = state.iter_mut(&mut world).map(|(e, _)| e).collect();
        assert!(rows.len() >= 4, "{} rows", rows.len());
        let mut changed_rows = |world: &World| changed.iter(world).collect::<Vec<_>>();
        assert_eq!(changed_rows(&world), [], "the loop above only read");

        let target = rows[0];
        state.query_mut(&mut world).par_iter_mut().for_each(|(e, mut v)| {
            if e == target {
                write(&mut v);
            } else {
                read(&v);
            }
        });
        assert_eq!(changed_rows(&world), [rows[0]], "par_iter_mut");

        let mut query = state.query_mut(&mut world);
        read(&query.get_mut(rows[1]).unwrap().1);
        drop(query);
        assert_eq!(changed_rows(&world), [], "get_mut, read");
        write(&mut state.query_mut(&mut world).get_mut(rows[1]).unwrap().1);
        assert_eq!(changed_rows(&world), [rows[1]], "get_mut, written");

        let mut query = state.query_mut(&mut world);
        let [(_, mut a), (_, b)] = query.get_many_mut([rows[2], rows[3]]).unwrap();
        write(&mut a);
        read(&b);
        drop(query);
        assert_eq!(changed_rows(&world), [rows[2]], "get_many_mut");

        let mut query = state.query_mut(&mut world);
        let mut pairs = query.iter_combinations_mut::<2>();
        while let Some([(first, mut a), (_, b)]) = pairs.fetch_next() {
            if first == rows[3] {
                write(&mut a);
            }
            read(&b);
        }
        drop(query);
        assert_eq!(changed_rows(&world), [rows[3]], "iter_combinations_mut");
    }
    check::<Pos>(|p| p.0 += 1, |p| p.0);
    check::<Rare>(|r| r.0 = r.0.wrapping_add(1), |r| i64::from(r.0));
}
