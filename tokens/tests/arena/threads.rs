//! Arenas across threads, on rayon: many readers of one arena at once with `&owner`, and
//! writers of different arenas (different owners) at once. A `Barrier` makes every thread
//! hold its borrow at the same moment, so the tests do not depend on timing.

use std::sync::Barrier;

use cellar_tokens::arena::{LArena, LCellOwner, QArena, QCellOwner, TArena, TCellOwner};
use rayon::prelude::*;

const THREADS: usize = 4;
const VALUES: u64 = 10_000;

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(THREADS).build().unwrap()
}

fn expected_sum(n: u64) -> u64 {
    n * (n - 1) / 2
}

#[test]
fn many_threads_read_one_qarena_with_a_shared_owner() {
    let owner = QCellOwner::new();
    let mut arena = QArena::new(&owner);
    let keys: Vec<_> = (0..VALUES).map(|v| arena.insert(v)).collect();
    let barrier = Barrier::new(THREADS);
    // `broadcast` runs the closure once on each of the pool's threads.
    let sums = pool().broadcast(|ctx| {
        let values = arena.as_slice(&owner).unwrap();
        barrier.wait(); // every thread now holds `&owner` and a slice borrowed from it
        let by_key: u64 = keys.iter().map(|&k| *arena.get(&owner, k).unwrap().unwrap()).sum();
        assert_eq!(by_key, values.iter().sum::<u64>());
        (ctx.index(), by_key)
    });
    assert_eq!(sums.len(), THREADS);
    assert!(sums.iter().all(|&(_, s)| s == expected_sum(VALUES)));
}

#[test]
fn many_threads_read_one_tarena_and_one_larena() {
    struct Shared;
    let owner = TCellOwner::<Shared>::new();
    let mut arena = TArena::<Shared, u64>::new();
    for v in 0..VALUES {
        arena.insert(v);
    }
    let barrier = Barrier::new(THREADS);
    let sums = pool().broadcast(|_| {
        barrier.wait();
        arena.iter(&owner).map(|(_, v)| *v).sum::<u64>()
    });
    assert_eq!(sums, vec![expected_sum(VALUES); THREADS]);

    LCellOwner::scope(|owner| {
        let mut arena = LArena::new();
        for v in 0..VALUES {
            arena.insert(v);
        }
        let barrier = Barrier::new(THREADS);
        let sums = pool().broadcast(|_| {
            barrier.wait();
            arena.as_slice(&owner).iter().sum::<u64>()
        });
        assert_eq!(sums, vec![expected_sum(VALUES); THREADS]);
    });
}

#[test]
fn threads_write_different_qarenas_with_their_own_owners_at_once() {
    let mut worlds: Vec<(QArena<u64>, QCellOwner)> = (0..THREADS)
        .map(|_| {
            let owner = QCellOwner::new();
            let mut arena = QArena::new(&owner);
            for v in 0..VALUES {
                arena.insert(v);
            }
            (arena, owner)
        })
        .collect();
    let barrier = Barrier::new(THREADS);
    pool().scope(|s| {
        for (i, (arena, owner)) in worlds.iter_mut().enumerate() {
            let barrier = &barrier;
            // Shared `&arena`, exclusive `&mut owner`: the owner is what is exclusive.
            let arena = &*arena;
            s.spawn(move |_| {
                let values = arena.as_mut_slice(owner).unwrap();
                barrier.wait(); // every thread now holds `&mut` to its own arena's values
                for v in values {
                    *v += i as u64;
                }
            });
        }
    });
    for (i, (arena, owner)) in worlds.iter().enumerate() {
        let sum: u64 = arena.as_slice(owner).unwrap().iter().sum();
        assert_eq!(sum, expected_sum(VALUES) + i as u64 * VALUES);
        // Each owner opens its own arena only.
        let next = &worlds[(i + 1) % THREADS].0;
        assert!(next.as_slice(owner).is_err());
    }
}

#[test]
fn threads_write_tarenas_of_different_markers_at_once() {
    struct A;
    struct B;
    let (mut oa, mut ob) = (TCellOwner::<A>::new(), TCellOwner::<B>::new());
    let (mut a, mut b) = (TArena::<A, u64>::new(), TArena::<B, u64>::new());
    for v in 0..VALUES {
        a.insert(v);
        b.insert(v);
    }
    let barrier = Barrier::new(2);
    let (ra, rb) = (&a, &b);
    pool().install(|| {
        rayon::join(
            || {
                let values = ra.as_mut_slice(&mut oa);
                barrier.wait();
                values.iter_mut().for_each(|v| *v *= 2);
            },
            || {
                let values = rb.as_mut_slice(&mut ob);
                barrier.wait();
                values.iter_mut().for_each(|v| *v *= 3);
            },
        )
    });
    assert_eq!(a.as_slice(&oa).iter().sum::<u64>(), 2 * expected_sum(VALUES));
    assert_eq!(b.as_slice(&ob).iter().sum::<u64>(), 3 * expected_sum(VALUES));
}

#[test]
fn slices_split_across_rayon_workers() {
    let mut owner = QCellOwner::new();
    let mut arena = QArena::new(&owner);
    let keys: Vec<_> = (0..VALUES).map(|v| arena.insert(v)).collect();
    pool().install(|| {
        arena.as_mut_slice(&mut owner).unwrap().par_iter_mut().for_each(|v| *v *= 2);
        let total: u64 = arena.as_slice(&owner).unwrap().par_iter().sum();
        assert_eq!(total, 2 * expected_sum(VALUES));
        // Keyed reads from many workers with one `&owner`.
        let by_key: u64 = keys.par_iter().map(|&k| *arena.get(&owner, k).unwrap().unwrap()).sum();
        assert_eq!(by_key, total);
    });
}
