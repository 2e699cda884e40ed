//! All-sparse queries: a query whose components are all stored in sparse sets walks one
//! set's dense arrays instead of the tables. These tests run the same operations on two
//! worlds, one with `S` and `P` sparse and one with them in tables, and check that every
//! query (items, `Entity`, `Option`, `Has`, `Ref`, `Mut`, `With`, `Without`, `Or`, `Added`,
//! `Changed`, across several runs of a kept `QueryState`) sees the same entities and values.

// Queries name `Mut<T>` and `Ref<T>` as users do, rather than `Mut<'_, T>`.
#![allow(elided_lifetimes_in_paths)]

use std::collections::BTreeMap;

use cellar_store::{Added, Changed, Entity, Has, Mut, Or, QueryState, Ref, With, Without, World};

#[derive(Debug, Clone, Copy, PartialEq)]
struct S(i32);
#[derive(Debug, Clone, PartialEq)]
struct P(String);
#[derive(Debug, Clone, Copy, PartialEq)]
struct T(u8);

/// Two worlds built by the same operations: `S` and `P` sparse in the first, in tables in the
/// second.
fn twin_worlds() -> [World; 2] {
    let mut sparse = World::new();
    sparse.register_sparse::<S>().unwrap();
    sparse.register_sparse::<P>().unwrap();
    let mut worlds = [sparse, World::new()];
    for world in &mut worlds {
        let mut alive = Vec::new();
        for i in 0..60i32 {
            let e = match i % 5 {
                0 => world.spawn((S(i),)),
                1 => world.spawn((S(i), P(format!("p{i}")))),
                2 => world.spawn((P(format!("p{i}")), T(i as u8))),
                3 => world.spawn((S(i), T(i as u8))),
                _ => world.spawn((T(i as u8),)),
            };
            alive.push(e);
        }
        // Holes and moves: despawns, inserts and removes, so that the sets' dense order
        // differs from the tables' order.
        for (k, &e) in alive.iter().enumerate() {
            match k % 7 {
                0 => world.despawn(e).unwrap(),
                3 => world.insert(e, (S(-(k as i32)),)).unwrap(),
                5 => drop(world.remove::<(S,)>(e)),
                6 => world.insert(e, (P(format!("late{k}")),)).unwrap(),
                _ => {}
            }
        }
    }
    worlds
}

/// Runs `f` on both worlds and checks that it gives the same answer (entities compared by
/// slot and generation: both worlds made them by the same operations).
fn same<R: std::fmt::Debug>(worlds: &mut [World; 2], mut f: impl FnMut(&mut World) -> R) -> R {
    let [sparse, table] = worlds;
    let (a, b) = (f(sparse), f(table));
    assert_eq!(unworld(&a), unworld(&b), "the all-sparse walk and the table walk disagree");
    a
}

/// `value`'s debug text without the world ids of its entities (`3v1@w2` reads `3v1`).
fn unworld(value: &impl std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' && chars.peek() == Some(&'w') {
            chars.next();
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn items_entity_option_and_has_match_the_table_walk() {
    let mut worlds = twin_worlds();
    let s: BTreeMap<Entity, i32> =
        same(&mut worlds, |w| w.query::<(Entity, &S)>().map(|(e, s)| (e, s.0)).collect());
    assert!(s.len() > 10, "the worlds hold S");
    same(&mut worlds, |w| {
        (w.query::<(Entity, &S, Option<&P>)>())
            .map(|(e, s, p)| (e, (s.0, p.cloned())))
            .collect::<BTreeMap<_, _>>()
    });
    let has: BTreeMap<Entity, (i32, bool)> = same(&mut worlds, |w| {
        w.query::<(Entity, &S, Has<P>)>().map(|(e, s, p)| (e, (s.0, p))).collect()
    });
    assert!(has.values().any(|v| v.1) && has.values().any(|v| !v.1));
    same(&mut worlds, |w| {
        (w.query::<(&P, Entity, &S)>())
            .map(|(p, e, s)| (e, (p.clone(), s.0)))
            .collect::<BTreeMap<_, _>>()
    });
    same(&mut worlds, |w| {
        w.query::<(Entity, Has<S>, &P)>()
            .map(|(e, s, p)| (e, (s, p.clone())))
            .collect::<BTreeMap<_, _>>()
    });
    // `Has` of a component nobody has, `Option` of one the world does not know.
    same(&mut worlds, |w| {
        (w.query::<(Entity, &S, Option<&u64>)>())
            .map(|(e, s, u)| (e, (s.0, u.copied())))
            .collect::<BTreeMap<_, _>>()
    });
}

#[test]
fn filters_match_the_table_walk() {
    let mut worlds = twin_worlds();
    let with: BTreeMap<Entity, i32> = same(&mut worlds, |w| {
        w.query_filtered::<(Entity, &S), With<P>>().map(|(e, s)| (e, s.0)).collect()
    });
    let without: BTreeMap<Entity, i32> = same(&mut worlds, |w| {
        w.query_filtered::<(Entity, &S), Without<P>>().map(|(e, s)| (e, s.0)).collect()
    });
    assert!(!with.is_empty() && !without.is_empty());
    assert!(with.keys().all(|e| !without.contains_key(e)));
    // `Without` the component the walk follows: nothing.
    same(&mut worlds, |w| w.query_filtered::<&S, Without<S>>().count());
    same(&mut worlds, |w| {
        (w.query_filtered::<(Entity, &P), Or<(With<S>, Without<u64>)>>())
            .map(|(e, p)| (e, p.clone()))
            .collect::<BTreeMap<_, _>>()
    });
    same(&mut worlds, |w| {
        w.query_filtered::<Entity, (With<S>, With<P>)>().collect::<Vec<_>>().len()
    });
}

/// What a kept query sees on one run: `Changed<S>`, `Added<P>`, `(Changed<S>, With<P>)`, and
/// `Ref<S>`'s answers.
type Seen = (
    BTreeMap<Entity, i32>,
    BTreeMap<Entity, String>,
    Vec<Entity>,
    BTreeMap<Entity, (i32, bool, bool)>,
);

/// Entities whose `S` changed, among those with a `P`.
type ChangedWithP = QueryState<Entity, (Changed<S>, With<P>)>;

/// Kept query states, one per world, that watch for changes.
struct Watchers {
    changed: Vec<QueryState<(Entity, &'static S), Changed<S>>>,
    added: Vec<QueryState<(Entity, &'static P), Added<P>>>,
    changed_with_p: Vec<ChangedWithP>,
    refs: Vec<QueryState<(Entity, Ref<'static, S>)>>,
}

impl Watchers {
    fn new(worlds: &mut [World; 2]) -> Self {
        Watchers {
            changed: worlds.iter_mut().map(QueryState::new).collect(),
            added: worlds.iter_mut().map(QueryState::new).collect(),
            changed_with_p: worlds.iter_mut().map(QueryState::new).collect(),
            refs: worlds.iter_mut().map(QueryState::new).collect(),
        }
    }

    /// One run of every watcher on both worlds; they must agree.
    fn seen(&mut self, worlds: &[World; 2]) -> Seen {
        let mut runs = (0..2).map(|i| {
            let w = &worlds[i];
            let c = self.changed[i].iter(w).map(|(e, s)| (e, s.0)).collect();
            let a = self.added[i].iter(w).map(|(e, p)| (e, p.0.clone())).collect();
            let mut cp: Vec<Entity> = self.changed_with_p[i].iter(w).collect();
            cp.sort();
            let r = (self.refs[i].iter(w))
                .map(|(e, s)| (e, (s.0, s.is_added(), s.is_changed())))
                .collect();
            (c, a, cp, r)
        });
        let (x, y): (Seen, Seen) = (runs.next().unwrap(), runs.next().unwrap());
        assert_eq!(unworld(&x), unworld(&y), "the all-sparse walk and the table walk disagree");
        x
    }
}

#[test]
fn writes_and_change_filters_match_the_table_walk_across_runs() {
    let mut worlds = twin_worlds();
    let mut watch = Watchers::new(&mut worlds);
    // First run: everything is new.
    let (c, a, _, r) = watch.seen(&worlds);
    assert!(!c.is_empty() && !a.is_empty());
    assert!(r.values().all(|v| v.1 && v.2));
    let (c, a, cp, _) = watch.seen(&worlds);
    assert!(c.is_empty() && a.is_empty() && cp.is_empty(), "nothing changed since");

    // `&mut S` over every S marks all of them (the walk's one-store mark of the whole set).
    same(&mut worlds, |w| {
        for s in w.query_mut::<&mut S>() {
            s.0 += 1;
        }
    });
    let (c, _, cp, r) = watch.seen(&worlds);
    assert_eq!(c.len(), worlds[1].query::<&S>().count());
    assert!(!cp.is_empty());
    assert!(r.values().all(|v| !v.1 && v.2));

    // A mark of the whole set, then new rows and a despawn: the new row is added, the old
    // ones keep their mark.
    same(&mut worlds, |w| {
        for s in w.query_mut::<&mut S>() {
            s.0 += 1;
        }
        let e = w.spawn((S(1000), P("new".into())));
        let victim = w.query_filtered::<Entity, With<S>>().min().unwrap();
        w.despawn(victim).unwrap();
        e
    });
    let (c, a, _, r) = watch.seen(&worlds);
    assert_eq!(c.len(), worlds[1].query::<&S>().count());
    assert_eq!(a.values().collect::<Vec<_>>(), ["new"]);
    assert_eq!(r.values().filter(|v| v.1).count(), 1);

    // `Mut<S>` that writes some rows marks only those.
    same(&mut worlds, |w| {
        for mut s in w.query_mut::<Mut<S>>() {
            if s.0 % 3 == 0 {
                s.0 += 10;
            }
        }
    });
    let (c, ..) = watch.seen(&worlds);
    assert!(!c.is_empty() && c.values().all(|s| (s - 10) % 3 == 0));
    // `&mut S` beside another sparse component marks the rows it hands out, one by one.
    same(&mut worlds, |w| {
        for (s, _) in w.query_mut::<(&mut S, &P)>() {
            s.0 -= 1;
        }
    });
    let (c, _, cp, _) = watch.seen(&worlds);
    assert_eq!(c.len(), worlds[1].query::<(&S, &P)>().count());
    assert_eq!(cp.len(), c.len());
    // `get_mut` marks one row.
    same(&mut worlds, |w| {
        let e = w.query_filtered::<Entity, With<S>>().max().unwrap();
        w.get_mut::<S>(e).unwrap().0 = 7;
    });
    let (c, ..) = watch.seen(&worlds);
    assert_eq!(c.values().collect::<Vec<_>>(), [&7]);
}

#[test]
fn loops_agree_and_size_hint_bounds_hold() {
    let mut worlds = twin_worlds();
    let sum = |w: &mut World| -> (i64, i64, i64, usize) {
        let mut state = QueryState::<(Entity, &mut S, Option<&P>)>::new(w);
        let mut a = 0;
        for (_, s, p) in state.iter_mut(w) {
            s.0 *= 2;
            a += s.0 as i64 + p.map_or(0, |p| p.0.len() as i64);
        }
        let mut b = 0;
        state.for_each_mut(w, |(_, s, p)| b += s.0 as i64 + p.map_or(0, |p| p.0.len() as i64));
        let c = std::sync::atomic::AtomicI64::new(0);
        state.query_mut(w).par_iter_mut().batch_size(3).for_each(|(_, s, _)| {
            c.fetch_add(s.0 as i64, std::sync::atomic::Ordering::Relaxed);
        });
        let iter = w.query::<(&S, &P)>();
        let (lo, hi) = iter.size_hint();
        let n = iter.count();
        assert!(lo <= n && hi.is_some_and(|hi| hi >= n), "{lo} <= {n} <= {hi:?}");
        (a, b, c.into_inner(), n)
    };
    let (a, b, _, n) = same(&mut worlds, sum);
    assert_eq!(a, b);
    assert!(n > 0);
    // A kept state's `get`/`get_mut` on an entity of the set and on one without it.
    same(&mut worlds, |w| {
        let mut state = QueryState::<(&mut S, Has<P>)>::new(w);
        let with: Vec<Entity> = w.query_filtered::<Entity, With<S>>().collect();
        let without: Vec<Entity> = w.query_filtered::<Entity, Without<S>>().collect();
        let mut got = BTreeMap::new();
        for &e in with.iter().chain(&without) {
            got.insert(e, state.get_mut(w, e).ok().map(|(s, p)| (s.0, p)));
        }
        got
    });
}

#[test]
fn an_all_sparse_query_walks_the_set_in_its_order() {
    struct A;
    struct B;
    let mut world = World::new();
    world.register_sparse::<S>().unwrap();
    // Tables (S sits beside them): e1 and e3 in (A), e2 in (B). A table walk would yield
    // e1, e3, e2; the set holds them in the order they got their S.
    let e1 = world.spawn((S(1), A));
    let e2 = world.spawn((S(2), B));
    let e3 = world.spawn((S(3), A));
    let order: Vec<Entity> = world.query::<(Entity, &S)>().map(|(e, _)| e).collect();
    assert_eq!(order, [e1, e2, e3]);
    let mut state = QueryState::<(Entity, &mut S)>::new(&mut world);
    let mut seen = Vec::new();
    state.for_each_mut(&mut world, |(e, _)| seen.push(e));
    assert_eq!(seen, [e1, e2, e3]);
    let iter = state.iter_mut(&mut world);
    assert_eq!(iter.size_hint().1, Some(3));
    assert_eq!(iter.map(|(e, _)| e).collect::<Vec<_>>(), [e1, e2, e3]);
    // A table component in the query: the tables are walked.
    let order: Vec<Entity> = world.query_filtered::<Entity, With<S>>().collect();
    assert_eq!(order.len(), 3);
    let order: Vec<Entity> = world.query::<(Entity, &S, Option<&A>)>().map(|(e, ..)| e).collect();
    assert_eq!(order, [e1, e3, e2], "a mixed query walks the tables");
}
