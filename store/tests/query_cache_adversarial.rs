//! Adversarial tests of the query table switch's cached per-table data (`fetch_cached`,
//! `tables_of`, the run's typed columns): a cached `QueryState`, a system's `Query` and
//! `world.query()` run after every operation that could change what the cache assumed, and
//! each test checks the values seen against a plain expectation (a fresh one-off query, or
//! the values spawned), so a stale cache fails it. Run under Miri and AddressSanitizer too.

use std::panic::{AssertUnwindSafe, catch_unwind};

use cellar_store::prelude::*;
use cellar_store::{Changed, Has, Mut, QueryState, SharedTokens, World};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct A(u32);
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct B(u64);
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct C(u8);
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
struct D(u16);
/// A component with a heap value: a stale column read as `Name` shows up as a bad pointer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Name(String);

/// `A` in eight tables, at different column positions (with each subset of `B`, `C`, `D`).
fn fragmented(world: &mut World, from: u32, per_table: u32) {
    for i in from..from + per_table {
        world.spawn((A(i),));
        world.spawn((A(i), B(u64::from(i))));
        world.spawn((A(i), C(1)));
        world.spawn((A(i), D(1)));
        world.spawn((A(i), B(u64::from(i)), C(1)));
        world.spawn((A(i), B(u64::from(i)), D(1)));
        world.spawn((A(i), C(1), D(1)));
        world.spawn((A(i), B(u64::from(i)), C(1), D(1)));
    }
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v
}

/// What a fresh one-off query sees (no cache to go stale).
fn fresh_a(world: &World) -> Vec<u32> {
    sorted(world.query::<&A>().map(|a| a.0).collect())
}

fn cached_a(state: &mut QueryState<&A>, world: &World) -> Vec<u32> {
    sorted(state.iter(world).map(|a| a.0).collect())
}

/// `(A, B)` pairs through a cached `&mut` state, each `A` bumped by one.
fn bump_ab(state: &mut QueryState<(&mut A, &mut B)>, world: &mut World) -> Vec<(u32, u64)> {
    let mut seen = Vec::new();
    for (a, b) in state.iter_mut(world) {
        a.0 += 1;
        b.0 += 1;
        seen.push((a.0, b.0));
    }
    seen.sort_unstable();
    seen
}

fn registered(world: &mut World) {
    world.register_save::<A>();
    world.register_save::<B>();
    world.register_save::<C>();
    world.register_save::<D>();
    world.register_save::<Name>();
}

#[test]
fn state_after_clear_and_respawn_in_new_tables() {
    let mut world = World::new();
    fragmented(&mut world, 0, 3);
    let mut state = QueryState::<&A>::new(&mut world);
    assert_eq!(cached_a(&mut state, &world).len(), 24);
    world.clear();
    assert_eq!(cached_a(&mut state, &world), Vec::<u32>::new());
    // Tables made after the state: the new table with `A` sits at a new column position.
    world.spawn((Name("x".into()), A(7)));
    world.spawn((C(2), A(8), Name("y".into())));
    fragmented(&mut world, 100, 1);
    assert_eq!(cached_a(&mut state, &world), fresh_a(&world));
    assert_eq!(cached_a(&mut state, &world).len(), 10);
}

#[test]
fn mut_state_after_moves_between_tables_and_despawn_of_all_rows() {
    let mut world = World::new();
    let es: Vec<_> = (0..20u32).map(|i| world.spawn((A(i), B(u64::from(i) * 10)))).collect();
    let mut state = QueryState::<(&mut A, &mut B)>::new(&mut world);
    assert_eq!(bump_ab(&mut state, &mut world).len(), 20);
    // Move half to new tables (made after the state), in both directions of position.
    for (i, &e) in es.iter().enumerate() {
        if i % 2 == 0 {
            world.insert(e, (C(1),)).unwrap();
        }
        if i % 3 == 0 {
            world.insert(e, (Name(format!("{i}")),)).unwrap();
        }
    }
    let seen = bump_ab(&mut state, &mut world);
    let want: Vec<(u32, u64)> = (0..20u32).map(|i| (i + 2, u64::from(i) * 10 + 2)).collect();
    assert_eq!(seen, want);
    for &e in &es {
        world.despawn(e).unwrap();
    }
    assert!(bump_ab(&mut state, &mut world).is_empty());
    let e = world.spawn((B(5), A(5), C(0)));
    assert_eq!(bump_ab(&mut state, &mut world), [(6, 6)]);
    assert_eq!(world.get::<A>(e), Ok(&A(6)));
}

#[test]
fn state_made_for_one_world_on_another_panics_or_remakes() {
    let mut w1 = World::new();
    let mut w2 = World::new();
    // w2's tables hold A at other positions than w1's.
    w2.spawn((Name("n".into()), A(100)));
    fragmented(&mut w1, 0, 2);
    fragmented(&mut w2, 50, 1);
    let mut state = QueryState::<&A>::new(&mut w1);
    assert_eq!(cached_a(&mut state, &w1), fresh_a(&w1));
    // Read-only on another world: a panic, as documented.
    let r = catch_unwind(AssertUnwindSafe(|| state.iter(&w2).count()));
    assert!(r.is_err(), "a state ran on a world it was not made for");
    let r = catch_unwind(AssertUnwindSafe(|| {
        state.query(w2.storage(), &mut SharedTokens::new(w2.tokens())).map(|q| q.iter().count())
    }));
    assert!(r.is_err(), "QueryState::query ran on a world it was not made for");
    // The state is still good for its own world.
    assert_eq!(cached_a(&mut state, &w1), fresh_a(&w1));
    // `&mut` on another world: the state is remade for it.
    let mut wstate = QueryState::<&mut A>::new(&mut w1);
    let n: u32 = wstate.iter_mut(&mut w2).map(|a| a.0).sum();
    assert_eq!(n, fresh_a(&w2).iter().sum::<u32>());
    let n: u32 = wstate.iter_mut(&mut w1).map(|a| a.0).sum();
    assert_eq!(n, fresh_a(&w1).iter().sum::<u32>());
}

#[test]
fn state_after_mem_swap_of_two_worlds() {
    let mut w1 = World::new();
    let mut w2 = World::new();
    w2.spawn((Name("n".into()), A(100)));
    w2.spawn((D(3), Name("m".into()), A(101)));
    fragmented(&mut w1, 0, 2);
    let mut s1 = QueryState::<&A>::new(&mut w1);
    let mut m1 = QueryState::<(&mut A, Option<&mut B>)>::new(&mut w1);
    let before = fresh_a(&w1);
    std::mem::swap(&mut w1, &mut w2);
    // The state follows its world's id, which moved with its storage.
    assert_eq!(cached_a(&mut s1, &w2), before);
    let r = catch_unwind(AssertUnwindSafe(|| s1.iter(&w1).count()));
    assert!(r.is_err());
    // `&mut` state used on the other (swapped-in) world: remade, sees that world's values.
    let seen: Vec<u32> = sorted(m1.iter_mut(&mut w1).map(|(a, _)| a.0).collect());
    assert_eq!(seen, [100, 101]);
}

#[test]
fn state_after_world_replaced_in_place() {
    let mut world = World::new();
    fragmented(&mut world, 0, 2);
    let mut state = QueryState::<&A>::new(&mut world);
    let mut mstate = QueryState::<(&mut A, &B)>::new(&mut world);
    assert_eq!(cached_a(&mut state, &world).len(), 16);
    // The same address, a new world with tables of other layouts.
    let old = std::mem::take(&mut world);
    drop(old);
    world.spawn((Name("a".into()), A(1), B(1)));
    world.spawn((A(2), B(2)));
    let r = catch_unwind(AssertUnwindSafe(|| state.iter(&world).count()));
    assert!(r.is_err(), "a state of the dropped world ran on the new one");
    let seen: Vec<u32> = sorted(mstate.iter_mut(&mut world).map(|(a, _)| a.0).collect());
    assert_eq!(seen, [1, 2]);
    world = World::new();
    world.spawn((B(1), A(9)));
    let seen: Vec<u32> = mstate.iter_mut(&mut world).map(|(a, _)| a.0).collect();
    assert_eq!(seen, [9]);
}

#[test]
fn state_after_incremental_and_whole_snapshot_restore() {
    let mut world = World::new();
    registered(&mut world);
    world.spawn((A(1), B(1)));
    let snapshot = world.snapshot().unwrap();
    let mut state = QueryState::<(&mut A, &mut B)>::new(&mut world);
    let mut read = QueryState::<&A>::new(&mut world);
    // Tables made after the snapshot and after the state.
    fragmented(&mut world, 10, 2);
    assert_eq!(bump_ab(&mut state, &mut world).len(), 9);
    world.restore(&snapshot).unwrap();
    assert_eq!(bump_ab(&mut state, &mut world), [(2, 2)]);
    assert_eq!(cached_a(&mut read, &world), [2]);
    fragmented(&mut world, 20, 1);
    assert_eq!(cached_a(&mut read, &world), fresh_a(&world));
    // A snapshot taken later (more tables) restored again and again.
    let later = world.snapshot().unwrap();
    world.clear();
    world.restore(&later).unwrap();
    assert_eq!(cached_a(&mut read, &world), fresh_a(&world));
    assert_eq!(bump_ab(&mut state, &mut world).len(), 5);
}

#[test]
fn state_after_restore_of_another_worlds_snapshot_and_load() {
    // The other world makes its tables in another order, with `A` at other positions.
    let mut other = World::new();
    registered(&mut other);
    other.spawn((Name("o".into()), A(50), B(50)));
    other.spawn((A(51), B(51)));
    let theirs = other.snapshot().unwrap();
    let bytes = other.save().unwrap();

    let mut world = World::new();
    registered(&mut world);
    let mut state = QueryState::<(&mut A, &mut B)>::new(&mut world);
    let mut names = QueryState::<(&Name, &A)>::new(&mut world);
    world.restore(&theirs).unwrap();
    assert_eq!(bump_ab(&mut state, &mut world), [(51, 51), (52, 52)]);
    let n: Vec<_> = names.iter(&world).map(|(n, a)| (n.0.clone(), a.0)).collect();
    assert_eq!(n, [("o".to_owned(), 51)]);
    // A layout that differs is refused, never restored under a stale cache.
    let mut third = World::new();
    registered(&mut third);
    third.spawn((A(1), B(1)));
    let mut s3 = QueryState::<(&mut A, &mut B)>::new(&mut third);
    assert!(third.restore(&theirs).is_err());
    assert_eq!(bump_ab(&mut s3, &mut third), [(2, 2)]);
    // Loading a save: the same as a whole restore.
    world.clear();
    world.load(&bytes).unwrap();
    assert_eq!(bump_ab(&mut state, &mut world), [(51, 51), (52, 52)]);
    let mut fresh = World::new();
    registered(&mut fresh);
    let mut fs = QueryState::<(&mut A, &mut B)>::new(&mut fresh);
    fresh.load(&bytes).unwrap();
    assert_eq!(bump_ab(&mut fs, &mut fresh), [(51, 51), (52, 52)]);
}

#[test]
fn sparse_and_table_components_and_registration_order() {
    let mut world = World::new();
    world.register_sparse::<C>().unwrap();
    let mut state = QueryState::<(&mut A, Option<&mut C>, Has<D>)>::new(&mut world);
    for i in 0..6u32 {
        let e = world.spawn((A(i),));
        if i % 2 == 0 {
            world.insert(e, (C(1),)).unwrap();
        }
        if i % 3 == 0 {
            world.insert(e, (D(1),)).unwrap();
        }
    }
    let mut seen = Vec::new();
    for (a, c, has_d) in state.iter_mut(&mut world) {
        if let Some(c) = c {
            c.0 += 1;
        }
        a.0 += 10;
        seen.push((a.0, has_d));
    }
    seen.sort_unstable();
    assert_eq!(seen, [(10, true), (11, false), (12, false), (13, true), (14, false), (15, false)]);
    let cs: u32 = world.query::<&C>().map(|c| u32::from(c.0)).sum();
    assert_eq!(cs, 6);
    // An all-sparse query beside it.
    let mut only_c = QueryState::<&mut C>::new(&mut world);
    assert_eq!(only_c.iter_mut(&mut world).map(|c| u32::from(c.0)).sum::<u32>(), 6);
    // A registered-as-sparse component stays sparse.
    assert!(world.register_sparse::<A>().is_err());
}

#[test]
fn panic_mid_loop_then_reuse() {
    let mut world = World::new();
    fragmented(&mut world, 0, 3);
    let mut state = QueryState::<(&mut A, Option<&mut B>)>::new(&mut world);
    let r = catch_unwind(AssertUnwindSafe(|| {
        for (n, (a, _)) in state.iter_mut(&mut world).enumerate() {
            a.0 += 1000;
            assert!(n < 10, "stop in the middle");
        }
    }));
    assert!(r.is_err());
    let r = catch_unwind(AssertUnwindSafe(|| {
        state.query_mut(&mut world).for_each_mut(|(a, _)| {
            a.0 += 1;
            assert!(a.0 < 1000, "stop in the middle of for_each");
        });
    }));
    assert!(r.is_err());
    // Every row still reachable, each once.
    let all: Vec<u32> = state.iter_mut(&mut world).map(|(a, _)| a.0).collect();
    assert_eq!(all.len(), 24);
    assert_eq!(fresh_a(&world).len(), 24);
}

#[test]
fn iterator_dropped_half_way_and_forgotten() {
    let mut world = World::new();
    fragmented(&mut world, 0, 2);
    let mut state = QueryState::<(&mut A, &mut B)>::new(&mut world);
    {
        let mut it = state.iter_mut(&mut world);
        for _ in 0..3 {
            let (a, _) = it.next().unwrap();
            a.0 += 100;
        }
    }
    let mut it = state.iter_mut(&mut world);
    it.next().unwrap().0.0 += 100;
    std::mem::forget(it);
    let it = world.query_mut::<(&mut A, Option<&B>)>();
    std::mem::forget(it);
    fragmented(&mut world, 10, 1);
    world.clear();
    world.spawn((A(1), B(1)));
    assert_eq!(bump_ab(&mut state, &mut world), [(2, 2)]);
    // `fold` after a partial `next`.
    fragmented(&mut world, 0, 2);
    let mut it = state.iter_mut(&mut world);
    let first = it.next().map(|(a, _)| a.0);
    let rest = it.fold(0, |n, (a, _)| {
        a.0 += 1;
        n + 1
    });
    assert!(first.is_some());
    assert_eq!(rest + 1, 9);
}

#[test]
fn changed_filter_and_mut_over_many_tables() {
    let mut world = World::new();
    fragmented(&mut world, 0, 2);
    let mut changed = QueryState::<&A, Changed<A>>::new(&mut world);
    assert_eq!(changed.iter(&world).count(), 16);
    assert_eq!(changed.iter(&world).count(), 0);
    let mut writer = QueryState::<(Mut<'_, A>, &B)>::new(&mut world);
    for (mut a, b) in writer.iter_mut(&mut world) {
        if b.0 == 1 {
            a.0 += 1;
        }
    }
    // Four tables with B, one row each with B(1).
    assert_eq!(sorted(changed.iter(&world).map(|a| a.0).collect()), [2, 2, 2, 2]);
    fragmented(&mut world, 5, 1);
    assert_eq!(changed.iter(&world).count(), 8);
    world.clear();
    assert_eq!(changed.iter(&world).count(), 0);
}

#[test]
fn tuples_of_several_mut_over_many_tables() {
    let mut world = World::new();
    for i in 0..4u32 {
        world.spawn((A(i), B(1), C(1), D(1)));
        world.spawn((D(1), A(i), B(1), C(1), Name("x".into())));
        world.spawn((A(i), B(1), C(1), D(1), Name("y".into())));
    }
    let mut state =
        QueryState::<(&mut A, &mut B, &mut C, &mut D, Option<&mut Name>)>::new(&mut world);
    for _ in 0..3 {
        for (a, b, c, d, n) in state.iter_mut(&mut world) {
            a.0 += 1;
            b.0 += 1;
            c.0 += 1;
            d.0 += 1;
            if let Some(n) = n {
                n.0.push('!');
            }
        }
        world.spawn((A(0), B(0), C(0), D(0), Name(String::new()), 0u8));
    }
    let bs: u64 = world.query::<&B>().map(|b| b.0).sum();
    // 12 rows three times, 1 row twice, 1 row once (each spawned with B(0)).
    assert_eq!(bs, 12 * 4 + 2 + 1);
    let names: usize = world.query::<&Name>().map(|n| n.0.len()).sum();
    assert_eq!(names, 8 * 4 + 2 + 1);
}

#[derive(Default)]
struct Seen(Vec<u32>);

fn record(query: Query<'_, '_, &A>, mut seen: ResMut<'_, Seen>) {
    seen.0 = sorted(query.iter().map(|a| a.0).collect());
}

fn bump(mut query: Query<'_, '_, (&mut A, Option<&B>)>) {
    for (a, _) in &mut query {
        a.0 += 1;
    }
}

#[test]
fn system_query_after_structural_changes_swap_and_restore() {
    let mut world = World::new();
    registered(&mut world);
    fragmented(&mut world, 0, 1);
    // Before `Seen`, which is not registered for snapshots.
    let snapshot = world.snapshot().unwrap();
    world.insert_resource(Seen::default());
    let mut schedule = Schedule::new();
    schedule.add_system(record);
    schedule.add_system(bump.before(record));
    schedule.run(&mut world);
    assert_eq!(world.resource::<Seen>().unwrap().0, [1; 8]);
    fragmented(&mut world, 10, 1);
    world.spawn((Name("z".into()), A(0)));
    schedule.run(&mut world);
    let mut want = vec![2; 8];
    want.extend([1].iter().chain([11; 8].iter()));
    assert_eq!(world.resource::<Seen>().unwrap().0, sorted(want));
    world.restore(&snapshot).unwrap();
    // `Seen` is not registered for snapshots: the restore drops its value.
    world.insert_resource(Seen::default());
    schedule.run(&mut world);
    assert_eq!(world.resource::<Seen>().unwrap().0, [1; 8]);
    // The schedule moved to another world, then back after a swap.
    let mut other = World::new();
    other.insert_resource(Seen::default());
    other.spawn((Name("q".into()), B(1), A(40)));
    schedule.run(&mut other);
    assert_eq!(other.resource::<Seen>().unwrap().0, [41]);
    std::mem::swap(&mut world, &mut other);
    schedule.run(&mut world);
    assert_eq!(world.resource::<Seen>().unwrap().0, [42]);
    schedule.run(&mut other);
    assert_eq!(other.resource::<Seen>().unwrap().0, [2; 8]);
    other.clear();
    schedule.run(&mut other);
    assert!(other.resource::<Seen>().unwrap().0.is_empty());
}

#[test]
fn swapped_tokens_are_refused_not_trusted() {
    let mut w1 = World::new();
    let mut w2 = World::new();
    w2.spawn((Name("n".into()), A(100)));
    fragmented(&mut w1, 0, 1);
    let mut state = QueryState::<(&mut A, &B)>::new(&mut w1);
    let before = fresh_a(&w1);
    // Each world's storage with the other's tokens.
    std::mem::swap(w1.split().1, w2.split().1);
    let r = catch_unwind(AssertUnwindSafe(|| state.iter_mut(&mut w1).count()));
    assert!(r.is_err(), "a query ran with another world's tokens");
    let r = catch_unwind(AssertUnwindSafe(|| w1.query::<&A>().count()));
    assert!(r.is_err(), "a one-off query ran with another world's tokens");
    std::mem::swap(w1.split().1, w2.split().1);
    assert_eq!(fresh_a(&w1), before);
    assert_eq!(state.iter_mut(&mut w1).count(), 4);
}

/// A query part written in safe code (all of it `Entity`'s, forwarded) whose `table_cache`
/// panics while `ARMED`: a user's `QueryData` may panic anywhere, and the state it leaves
/// must still hold one cache entry per matched table.
struct Bomb;

thread_local! {
    static ARMED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

type E = Entity;

impl cellar_store::QueryData for Bomb {
    type Static = Bomb;
    type Item<'w> = <E as cellar_store::QueryData>::Item<'w>;
    type State = <E as cellar_store::QueryData>::State;
    type Columns<'w> = <E as cellar_store::QueryData>::Columns<'w>;
    type Fetch<'w> = <E as cellar_store::QueryData>::Fetch<'w>;
    type Dense<'w> = <E as cellar_store::QueryData>::Dense<'w>;
    type TableCache = ();
    fn access(access: &mut cellar_store::Access) -> Result<(), cellar_store::AccessConflict> {
        E::access(access)
    }
    fn register(world: &mut World) {
        E::register(world)
    }
    fn get_state(storage: &cellar_store::Storage) -> Option<Self::State> {
        E::get_state(storage)
    }
    fn matches(state: &Self::State, table: &cellar_store::Table) -> bool {
        E::matches(state, table)
    }
    fn sparse_only(state: &Self::State) -> bool {
        E::sparse_only(state)
    }
    fn driver(state: &Self::State) -> Option<cellar_store::ComponentId> {
        E::driver(state)
    }
    fn fetch_set<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        driver: cellar_store::query::DriverSet<'w>,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w> {
        E::fetch_set(state, columns, driver, ticks)
    }
    fn columns<'w, S: cellar_store::TokenSource<'w> + ?Sized>(
        state: &Self::State,
        storage: &'w cellar_store::Storage,
        tokens: &mut S,
    ) -> Result<Self::Columns<'w>, cellar_store::QueryError> {
        E::columns(state, storage, tokens)
    }
    fn reborrow<'a>(columns: &'a mut Self::Columns<'_>) -> Self::Columns<'a> {
        E::reborrow(columns)
    }
    fn fetch_table<'w>(
        state: &Self::State,
        columns: &mut Self::Columns<'w>,
        table: &'w cellar_store::Table,
        ticks: (u32, u32),
    ) -> Self::Fetch<'w> {
        E::fetch_table(state, columns, table, ticks)
    }
    fn table_cache(_: &Self::State, _: &cellar_store::Table) {
        assert!(!ARMED.with(std::cell::Cell::get), "a user's table_cache panics");
    }
    fn fetch<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Item<'w>> {
        E::fetch(fetch)
    }
    fn is_dense(fetch: &Self::Fetch<'_>) -> bool {
        E::is_dense(fetch)
    }
    fn mark_dense(fetch: &Self::Fetch<'_>) {
        E::mark_dense(fetch)
    }
    fn into_dense<'w>(fetch: Self::Fetch<'w>, rows: usize) -> Self::Dense<'w> {
        E::into_dense(fetch, rows)
    }
    fn exact(state: &Self::State) -> bool {
        E::exact(state)
    }
    fn skip(fetch: &mut Self::Fetch<'_>) {
        E::skip(fetch)
    }
    fn next_dense<'w>(fetch: &mut Self::Fetch<'w>) -> Option<Self::Dense<'w>> {
        E::next_dense(fetch)
    }
    fn mark_each(fetch: &Self::Fetch<'_>) {
        E::mark_each(fetch)
    }
    fn split<'w>(fetch: Self::Fetch<'w>, at: usize) -> (Self::Fetch<'w>, Self::Fetch<'w>) {
        E::split(fetch, at)
    }
}

#[test]
fn panic_in_a_user_table_cache_leaves_the_state_whole() {
    let mut world = World::new();
    world.spawn((A(1),));
    let mut state = QueryState::<(&mut A, Bomb)>::new(&mut world);
    // A new table, whose cache entry the next run makes: `&mut A`'s part, then `Bomb`'s,
    // which panics.
    world.spawn((A(2), B(2)));
    ARMED.with(|a| a.set(true));
    let r = catch_unwind(AssertUnwindSafe(|| state.iter_mut(&mut world).count()));
    ARMED.with(|a| a.set(false));
    assert!(r.is_err());
    // The table is matched again, with its cache entry: both rows, each once.
    let seen = sorted(state.iter_mut(&mut world).map(|(a, _)| a.0).collect());
    assert_eq!(seen, [1, 2]);
    let seen = sorted(state.query_mut(&mut world).iter_mut().map(|(a, _)| a.0).collect());
    assert_eq!(seen, [1, 2]);
}
