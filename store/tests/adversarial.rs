#![allow(elided_lifetimes_in_paths)] // systems are closures over `Query<...>`, as users write them
//! The public API used the way an attacker would, in safe code: foreign worlds, tokens and
//! entities, tokens swapped or stolen out of a world, recycled owners, commands on gone
//! entities, awkward component layouts, panics in the middle of loops, and guards that are
//! forgotten. Every test must end in an `Err`, a panic with a message, or the right data:
//! never another entity's data, a wrong value or undefined behaviour. They run under miri
//! (`cargo +nightly miri test -p cellar-store --test adversarial`) and AddressSanitizer.
//!
//! (Panicking `Drop` impls during despawn, overwrite, table moves, clear and world drop are
//! covered by the storage tests, `store/tests/drops.rs` and its neighbours.)

use std::panic::{AssertUnwindSafe, catch_unwind};

use cellar_store::commands::CommandQueue;
use cellar_store::prelude::*;
use cellar_store::{
    Access, ComponentError, ExclusiveTokens, QueryError, SharedTokens, TokenRequest, TokenSource,
};
use cellar_tokens::arena::QCellOwner;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Position(u64);
#[derive(Debug, Clone, Copy, PartialEq)]
struct Velocity(u64);

fn name<T>() -> &'static str {
    std::any::type_name::<T>()
}

/// Rows in the larger tests: fewer under miri, which interprets every step.
const ROWS: u64 = if cfg!(miri) { 40 } else { 1000 };

#[test]
fn aliasing_queries_are_refused_in_every_spelling() {
    let mut world = World::new();
    world.spawn((Position(0), Velocity(0)));
    let conflict = Some(QueryError::Conflict { component: name::<Position>() });
    assert_eq!(world.try_query_mut::<(&mut Position, (&Velocity, &Position))>().err(), conflict);
    assert_eq!(world.try_query_mut::<((&mut Position,), Option<&Position>)>().err(), conflict);
    assert_eq!(
        world.try_query_mut::<(Option<&mut Position>, Option<&mut Position>)>().err(),
        conflict
    );
    assert_eq!(
        Access::of_query::<(Entity, &mut Position, &mut Position), ()>()
            .err()
            .map(QueryError::from),
        conflict
    );
    // Filters read nothing: a filter on the written type does not alias.
    assert!(world.try_query_mut::<&mut Position>().is_ok());
    assert!(Access::of_query::<&mut Position, Changed<Position>>().is_ok());
}

#[test]
fn foreign_entities_are_errors_everywhere() {
    let mut a = World::new();
    let mut b = World::new();
    // Same slot and generation in both worlds: only the world id tells them apart.
    let mine = a.spawn((Position(1),));
    let theirs = b.spawn((Position(2),));
    assert_eq!((mine.index(), mine.generation()), (theirs.index(), theirs.generation()));
    assert!(!a.contains(theirs));
    assert!(a.get::<Position>(theirs).is_err());
    assert!(a.get_mut::<Position>(theirs).is_err());
    assert!(a.despawn(theirs).is_err());
    assert!(a.insert(theirs, (Velocity(0),)).is_err());
    assert!(a.remove::<(Position,)>(theirs).is_err());
    let mut state = QueryState::<&mut Position>::new(&mut a);
    assert_eq!(state.get_mut(&mut a, theirs).err(), Some(QueryError::NoSuchEntity(theirs)));
    // Nothing of `b` was touched through `a`, nor `a` itself.
    assert_eq!(b.get::<Position>(theirs), Ok(&Position(2)));
    assert_eq!(a.get::<Position>(mine), Ok(&Position(1)));
}

#[test]
fn stale_entities_never_reach_the_slots_next_tenant() {
    let mut world = World::new();
    let old = world.spawn((Position(1),));
    world.despawn(old).unwrap();
    let new = world.spawn((Position(2),));
    assert_eq!(old.index(), new.index(), "the slot was reused");
    assert!(world.get::<Position>(old).is_err());
    assert!(world.despawn(old).is_err());
    assert!(world.insert(old, (Velocity(0),)).is_err());
    assert_eq!(world.get::<Position>(new), Ok(&Position(2)));
    assert!(!world.has::<Velocity>(new));
}

#[test]
fn another_worlds_tokens_are_refused() {
    let mut a = World::new();
    let mut b = World::new();
    a.spawn((Position(1), Velocity(1)));
    b.spawn((Position(2), Velocity(2)));
    let mut state = QueryState::<(&Position, &mut Velocity)>::new(&mut a);
    {
        // `b` has tokens at the same indices, but they own `b`'s columns, not `a`'s.
        let (_, b_tokens) = b.split();
        let mut source = ExclusiveTokens::new(b_tokens);
        let error = state.query(a.storage(), &mut source).err();
        assert!(
            matches!(error, Some(QueryError::WrongToken { .. })),
            "another world's tokens: {error:?}"
        );
    }
    let mut read = QueryState::<&Position>::new(&mut a);
    let mut shared = SharedTokens::new(b.tokens());
    assert!(matches!(
        read.query(a.storage(), &mut shared).err(),
        Some(QueryError::WrongToken { .. })
    ));
    // A stray owner of nobody's cells reads no resource.
    a.insert_resource(7u32);
    assert_eq!(a.storage().resource::<u32>(&QCellOwner::new()), None);
    assert_eq!(a.resource::<u32>(), Ok(&7));
}

/// A source that lends one owner, shared, for every request.
struct OneOwner<'w>(&'w QCellOwner);

impl<'w> TokenSource<'w> for OneOwner<'w> {
    fn read(&mut self, _: TokenRequest) -> Option<&'w QCellOwner> {
        Some(self.0)
    }
    fn write(&mut self, _: TokenRequest) -> Option<&'w mut QCellOwner> {
        None
    }
}

/// A source that lends its one owner exclusively for every write request, as often as asked
/// (it cannot: `&mut` moves out once), and that owner shared for reads afterwards.
struct Greedy<'w>(Option<&'w mut QCellOwner>);

impl<'w> TokenSource<'w> for Greedy<'w> {
    fn read(&mut self, _: TokenRequest) -> Option<&'w QCellOwner> {
        None
    }
    fn write(&mut self, _: TokenRequest) -> Option<&'w mut QCellOwner> {
        self.0.take()
    }
}

#[test]
fn hand_written_token_sources_cannot_cheat() {
    let mut world = World::new();
    let e = world.spawn((Position(1), Velocity(2)));
    let position = world.component_token(std::any::TypeId::of::<Position>()).unwrap();
    let mut read_both = QueryState::<(&Position, &Velocity)>::new(&mut world);
    let mut write_both = QueryState::<(&mut Position, &mut Velocity)>::new(&mut world);
    // One owner for every read: right for `Position`, wrong for `Velocity`.
    let (storage, tokens) = world.split();
    let owner = tokens.get(position).unwrap();
    let error = read_both.query(storage, &mut OneOwner(owner)).err();
    assert_eq!(error, Some(QueryError::WrongToken { component: name::<Velocity>() }));
    // The one exclusive owner is lent once; the second write finds no token.
    let owner = tokens.get_mut(position).unwrap();
    let error = write_both.query(storage, &mut Greedy(Some(owner))).err();
    assert!(matches!(error, Some(QueryError::MissingToken { .. })), "{error:?}");
    assert_eq!(world.get::<Position>(e), Ok(&Position(1)));
}

/// Runs `f`, which may panic: either outcome is allowed, undefined behaviour is not.
fn survives<R>(f: impl FnOnce() -> R) -> Option<R> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

#[test]
fn swapped_tokens_never_open_the_wrong_column() {
    let mut world = World::new();
    let e = world.spawn((Position(1), Velocity(2)));
    let p = world.component_token(std::any::TypeId::of::<Position>()).unwrap();
    let v = world.component_token(std::any::TypeId::of::<Velocity>()).unwrap();
    assert_ne!(p, v);
    // Swap the two owners inside the world: `Position`'s id now names `Velocity`'s owner.
    {
        let (_, tokens) = world.split();
        let mut owners: Vec<&mut QCellOwner> = tokens.iter_mut().collect();
        let (low, high) = owners.split_at_mut(p.index().max(v.index()));
        std::mem::swap(&mut *low[p.index().min(v.index())], &mut *high[0]);
    }
    // Reads and writes through the world are errors naming the component; the fallible
    // query is an error too.
    let wrong = |component| ComponentError::WrongToken { component };
    assert_eq!(world.get::<Position>(e), Err(wrong(name::<Position>())));
    assert_eq!(world.get_mut::<Velocity>(e).map(|v| *v), Err(wrong(name::<Velocity>())));
    let error = world.try_query_mut::<(&mut Position, &Velocity)>().err();
    assert!(matches!(error, Some(QueryError::WrongToken { .. })), "{error:?}");
    // The panicking convenience form may panic; whatever it gives back is the right values.
    let items = survives(|| {
        world.query_mut::<(&mut Position, &Velocity)>().map(|(p, v)| (*p, *v)).collect::<Vec<_>>()
    });
    if let Some(items) = items {
        assert!(items.iter().all(|&item| item == (Position(1), Velocity(2))), "{items:?}");
    }
    // Swapping back restores the world completely.
    {
        let (_, tokens) = world.split();
        let mut owners: Vec<&mut QCellOwner> = tokens.iter_mut().collect();
        let (low, high) = owners.split_at_mut(p.index().max(v.index()));
        std::mem::swap(&mut *low[p.index().min(v.index())], &mut *high[0]);
    }
    assert_eq!(world.get::<Position>(e), Ok(&Position(1)));
    *world.get_mut::<Velocity>(e).unwrap() = Velocity(3);
    world.spawn((Position(4), Velocity(5)));
    assert_eq!(world.query::<&Velocity>().count(), 2);
}

#[test]
fn stolen_and_recycled_owners_stay_one_owner_per_id() {
    let mut world = World::new();
    let e = world.spawn((Position(1),));
    let p = world.component_token(std::any::TypeId::of::<Position>()).unwrap();
    // Steal the real owner; the world keeps a stranger.
    let stolen = std::mem::replace(world.split().1.get_mut(p).unwrap(), QCellOwner::new());
    let wrong = ComponentError::WrongToken { component: name::<Position>() };
    assert_eq!(world.get::<Position>(e), Err(wrong), "only the right owner opens the column");
    // The thief opens the column with the stolen owner, through a query of its own.
    let mut read = QueryState::<&Position>::new(&mut world);
    let seen: Vec<Position> =
        read.query(world.storage(), &mut OneOwner(&stolen)).unwrap().iter().copied().collect();
    assert_eq!(seen, [Position(1)]);
    // Dropping the stolen owner frees its id; new owners may reuse it, one at a time.
    drop(stolen);
    for _ in 0..4 {
        let fresh = QCellOwner::new();
        if let Ok(query) = read.query(world.storage(), &mut OneOwner(&fresh)) {
            assert_eq!(query.iter().copied().collect::<Vec<_>>(), [Position(1)]);
        }
    }
    // Entities and shape changes still work; no value is lost or doubled.
    let f = world.spawn((Velocity(1),));
    world.despawn(f).unwrap();
    assert_eq!(world.len(), 1);
}

#[test]
fn commands_on_gone_entities_are_skipped_not_applied_elsewhere() {
    let mut world = World::new();
    let gone = world.spawn((Position(1),));
    world.despawn(gone).unwrap();
    let tenant = world.spawn((Position(2),)); // reuses `gone`'s slot
    let foreign = World::new().spawn((Position(3),));
    let mut queue = CommandQueue::new();
    {
        let mut commands = Commands::new(&mut queue);
        commands.despawn(gone);
        commands.insert(gone, (Velocity(9),));
        commands.remove::<(Position,)>(gone);
        commands.despawn(foreign);
        commands.insert(foreign, (Velocity(9),));
        let pending = commands.spawn((Position(4),));
        let _ = pending;
    }
    let report = queue.apply(&mut world);
    assert_eq!(report.applied(), 1, "only the spawn applies");
    assert_eq!(report.skipped().len(), 5);
    assert_eq!(world.get::<Position>(tenant), Ok(&Position(2)));
    assert!(!world.has::<Velocity>(tenant));
    assert_eq!(world.len(), 2);
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Marker;

#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(align(128))]
struct Aligned(u8);

#[derive(Debug, Clone, PartialEq)]
struct Large([u64; 512]);

#[test]
fn zero_sized_over_aligned_and_large_components_move_between_tables() {
    let mut world = World::new();
    let mut entities = Vec::new();
    for i in 0..ROWS {
        let e = world.spawn((Marker, Aligned(i as u8)));
        if i % 3 == 0 {
            world.insert(e, (Large([i; 512]),)).unwrap(); // a table move with the big one
        }
        entities.push(e);
    }
    for (i, &e) in entities.iter().enumerate() {
        let aligned = world.get::<Aligned>(e).unwrap();
        assert_eq!(std::ptr::from_ref(aligned).addr() % 128, 0, "over-aligned in its column");
        assert_eq!(aligned.0, i as u8);
        assert_eq!(world.get::<Large>(e).is_ok(), i % 3 == 0);
    }
    for (i, &e) in entities.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
        if i % 3 == 0 {
            assert_eq!(world.remove::<(Large,)>(e).unwrap().0, Large([i as u64; 512]));
        }
        assert_eq!(world.remove::<(Marker,)>(e).unwrap().0, Marker);
    }
    for (a, l) in world.query_mut::<(&mut Aligned, Option<&mut Large>)>() {
        a.0 = a.0.wrapping_add(1);
        if let Some(l) = l {
            l.0[511] += 1;
        }
    }
    for (i, &e) in entities.iter().enumerate() {
        assert_eq!(world.get::<Aligned>(e), Ok(&Aligned((i as u8).wrapping_add(1))));
        assert_eq!(world.has::<Marker>(e), i % 2 == 1);
        if i % 3 == 0 && i % 2 == 1 {
            assert_eq!(world.get::<Large>(e).unwrap().0[511], i as u64 + 1);
        }
    }
    assert_eq!(world.query::<&Marker>().count(), (ROWS / 2) as usize);
    world.clear();
    assert!(world.is_empty());
}

#[test]
fn a_panic_in_a_query_loop_leaves_a_usable_world() {
    let mut world = World::new();
    for i in 0..ROWS {
        world.spawn((Position(i), Velocity(1)));
    }
    let result = catch_unwind(AssertUnwindSafe(|| {
        for (p, v) in world.query_mut::<(&mut Position, &Velocity)>() {
            if p.0 == ROWS / 2 {
                panic!("halfway");
            }
            p.0 += v.0;
        }
    }));
    assert!(result.is_err());
    // Some rows moved on, the rest did not; every value is still one of the two.
    for (i, p) in world.query::<&Position>().enumerate() {
        let _ = i;
        assert!(p.0 <= ROWS, "{p:?}");
    }
    let mut state = QueryState::<&mut Position>::new(&mut world);
    let result = catch_unwind(AssertUnwindSafe(|| {
        state.query_mut(&mut world).par_iter_mut().batch_size(7).for_each(|p| {
            if p.0 % 5 == 0 {
                panic!("in parallel");
            }
            p.0 = 0;
        })
    }));
    assert!(result.is_err());
    // The world goes on: spawn, move between tables, despawn, query.
    let e = world.spawn((Position(7),));
    world.insert(e, (Velocity(7),)).unwrap();
    world.despawn(e).unwrap();
    assert_eq!(world.query::<(&Position, &Velocity)>().count(), ROWS as usize);
}

#[test]
fn a_panic_in_parallel_systems_leaves_a_usable_world() {
    let mut world = World::new();
    for i in 0..ROWS {
        world.spawn((Position(i), Velocity(i)));
    }
    let mut schedule = Schedule::new();
    schedule.add_system((|mut q: Query<&mut Position>| q.for_each_mut(|p| p.0 += 1)).named("a"));
    schedule.add_system(
        (|q: Query<&Velocity>| {
            q.par_iter().for_each(|v| {
                if v.0 == ROWS / 3 {
                    panic!("system b");
                }
            })
        })
        .named("b"),
    );
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    for _ in 0..2 {
        let result = catch_unwind(AssertUnwindSafe(|| schedule.run_in(&pool, &mut world)));
        assert!(result.is_err(), "system b panics every run");
    }
    // The world and its tokens came back whole: every component is reachable again.
    let total: u64 = world.query_mut::<&mut Position>().map(|p| p.0).sum();
    assert!(total >= (0..ROWS).sum::<u64>(), "positions only ever grew");
    assert_eq!(world.query_mut::<(&mut Position, &mut Velocity)>().count(), ROWS as usize);
}

/// Leaks what it forgets, by design: under AddressSanitizer run it with
/// `ASAN_OPTIONS=detect_leaks=0` (the book's command does).
#[test]
fn forgotten_queries_and_iterators_leak_nothing_unsafe() {
    let mut world = World::new();
    for i in 0..8 {
        world.spawn((Position(i),));
    }
    let mut state = QueryState::<&mut Position>::new(&mut world);
    let mut iter = state.iter_mut(&mut world);
    iter.next().unwrap().0 = 100;
    std::mem::forget(iter);
    std::mem::forget(world.query_mut::<&mut Position>());
    let (storage, tokens) = world.split();
    let mut source = ExclusiveTokens::new(tokens);
    let query = state.query(storage, &mut source).unwrap();
    std::mem::forget(query);
    std::mem::forget(source);
    let mut queue = CommandQueue::new();
    Commands::new(&mut queue).spawn((Position(9),));
    assert_eq!(queue.apply(&mut world).applied(), 1);
    // Forgetting only ended borrows: the world is whole, and the write went through.
    assert_eq!(world.query::<&Position>().filter(|p| p.0 == 100).count(), 1);
    assert_eq!(world.len(), 9);
}
