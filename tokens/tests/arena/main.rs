//! API tests of the token-cell arenas (`cellar_tokens::arena`), for every flavour.
//!
//! - `api`: every method of `QArena`, `TArena` and `LArena`, stale keys, the wrong owner;
//! - `drops`: values are dropped exactly once on `remove`, `retain`, `clear` and drop;
//! - `model`: random operations checked against a `HashMap` (proptest);
//! - `threads`: reading one arena from several threads at once, and writing arenas with
//!   different owners from different threads at once (rayon).
//!
//! The suites are macros expanded once per flavour. A suite calls `ok(..)` on whatever an
//! owner-taking method returns; each flavour's module defines `ok`: `QArena` returns
//! `Result` (and `ok` unwraps it), the compile-time flavours return the value itself.

/// Unwraps a `QArena` result: the right owner must never be refused.
#[allow(dead_code)]
fn unwrap_q<T>(result: Result<T, cellar_tokens::arena::ArenaError>) -> T {
    result.expect("the arena refused its own owner")
}

#[macro_use]
mod api;
#[macro_use]
mod drops;
#[macro_use]
mod model;
mod threads;

mod q {
    use cellar_tokens::arena::{ArenaError, QArena, QCellOwner};

    fn ok<T>(result: Result<T, ArenaError>) -> T {
        super::unwrap_q(result)
    }

    #[test]
    fn api() {
        let mut owner = QCellOwner::new();
        let mut arena = QArena::new(&owner);
        api_suite!(arena, owner);
    }

    #[test]
    fn drops() {
        let mut owner = QCellOwner::new();
        let mut arena = QArena::new(&owner);
        drop_suite!(arena, owner);
    }

    proptest::proptest! {
        #[test]
        fn model(ops in super::model::ops()) {
            let mut owner = QCellOwner::new();
            let mut arena = QArena::new(&owner);
            model_suite!(arena, owner, ops);
        }
    }

    #[test]
    fn wrong_owner_is_an_error_for_every_method() {
        let mut owner = QCellOwner::new();
        let mut other = QCellOwner::new();
        let mut arena = QArena::new(&owner);
        let (a, b, c) = (arena.insert(1), arena.insert(2), arena.insert(3));
        let wrong = Some(ArenaError::WrongOwner);
        assert!(!arena.is_owner(&other));
        assert_eq!(arena.get(&other, a).err(), wrong);
        assert_eq!(arena.get_mut(&mut other, a).err(), wrong);
        assert_eq!(arena.get2_mut(&mut other, a, b).err(), wrong);
        assert_eq!(arena.get3_mut(&mut other, a, b, c).err(), wrong);
        assert_eq!(arena.get_many_mut(&mut other, [a]).err(), wrong);
        assert_eq!(arena.iter(&other).err(), wrong);
        assert_eq!(arena.iter_mut(&mut other).err(), wrong);
        assert_eq!(arena.as_slice(&other).err(), wrong);
        assert_eq!(arena.as_mut_slice(&mut other).err(), wrong);
        // Checked before the key: a missing key with the wrong owner is still an error.
        arena.remove(c);
        assert_eq!(arena.get(&other, c).err(), wrong);
        // Nothing was changed, and the right owner still works.
        assert_eq!(ok(arena.as_slice(&owner)), [1, 2]);
        *ok(arena.get_mut(&mut owner, a)).unwrap() = 5;
        assert_eq!(ok(arena.get(&owner, a)), Some(&5));
        // An arena made from an owner's id accepts that owner.
        let by_id = QArena::<u8>::new(owner.id());
        assert!(by_id.is_owner(&owner) && by_id.owner_id() == arena.owner_id());
    }
}

mod t {
    use cellar_tokens::arena::{ArenaError, TArena, TCellOwner, try_tcell_owner};

    fn ok<T>(value: T) -> T {
        value
    }

    // One marker per test: tests run in parallel and a marker has one owner at a time.
    struct Api;
    struct Drops;
    struct Model;
    struct Second;

    #[test]
    fn api() {
        let mut owner = TCellOwner::<Api>::new();
        let mut arena = TArena::<Api, _>::new();
        api_suite!(arena, owner);
    }

    #[test]
    fn drops() {
        let mut owner = TCellOwner::<Drops>::new();
        let mut arena = TArena::<Drops, _>::new();
        drop_suite!(arena, owner);
    }

    proptest::proptest! {
        #[test]
        fn model(ops in super::model::ops()) {
            // proptest runs the cases one after another; each drops its owner at the end.
            let mut owner = TCellOwner::<Model>::new();
            let mut arena = TArena::<Model, _>::new();
            model_suite!(arena, owner, ops);
        }
    }

    #[test]
    fn a_second_owner_of_a_marker_is_an_error_until_the_first_is_gone() {
        let first = try_tcell_owner::<Second>().expect("no owner of `Second` yet");
        assert_eq!(try_tcell_owner::<Second>().err(), Some(ArenaError::OwnerExists));
        assert!(TCellOwner::<Second>::try_new().is_none());
        // qcell's own constructor panics instead.
        assert!(std::panic::catch_unwind(TCellOwner::<Second>::new).is_err());
        drop(first);
        let again = try_tcell_owner::<Second>().expect("the first owner was dropped");
        let mut arena = TArena::<Second, u8>::default();
        let k = arena.insert(1);
        assert_eq!(arena.get(&again, k), Some(&1));
    }
}

mod l {
    use cellar_tokens::arena::{LArena, LCellOwner};

    fn ok<T>(value: T) -> T {
        value
    }

    #[test]
    fn api() {
        LCellOwner::scope(|mut owner| {
            let mut arena = LArena::new();
            api_suite!(arena, owner);
        });
    }

    #[test]
    fn drops() {
        LCellOwner::scope(|mut owner| {
            let mut arena = LArena::new();
            drop_suite!(arena, owner);
        });
    }

    proptest::proptest! {
        #[test]
        fn model(ops in super::model::ops()) {
            LCellOwner::scope(|mut owner| {
                let mut arena = LArena::new();
                model_suite!(arena, owner, ops);
            });
        }
    }

    #[test]
    fn nested_scopes_have_their_own_owners_and_arenas() {
        LCellOwner::scope(|mut outer| {
            let mut a = LArena::default();
            let ka = a.insert(1);
            LCellOwner::scope(|mut inner| {
                let mut b = LArena::default();
                let kb = b.insert(10);
                // Both owners writable at once: they are different values.
                let x = a.get_mut(&mut outer, ka).unwrap();
                let y = b.get_mut(&mut inner, kb).unwrap();
                std::mem::swap(x, y);
                assert_eq!(b.as_slice(&inner), [1]);
            });
            assert_eq!(a.as_slice(&outer), [10]);
        });
    }
}
