//! Static assertions that the arenas are `Send` and `Sync` exactly as the module docs say:
//! `Send` when `V: Send`, `Sync` when `V: Send + Sync`, whatever the flavour.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::MutexGuard;

use super::{LArena, LCellOwner, QArena, QCellOwner, TArena, TCellOwner};

struct Marker;

/// Compiles only if `T: Send` / `T: Sync`.
fn is_send<T: Send>() {}
fn is_sync<T: Sync>() {}

// `V: Send + Sync` (u64): both.
#[test]
fn arenas_of_send_sync_values_are_send_and_sync() {
    is_send::<QArena<u64>>();
    is_sync::<QArena<u64>>();
    is_send::<TArena<Marker, u64>>();
    is_sync::<TArena<Marker, u64>>();
    is_send::<LArena<'static, u64>>();
    is_sync::<LArena<'static, u64>>();
    is_send::<QCellOwner>();
    is_sync::<QCellOwner>();
    is_send::<TCellOwner<Marker>>();
    is_sync::<TCellOwner<Marker>>();
    is_send::<LCellOwner<'static>>();
    is_sync::<LCellOwner<'static>>();
}

// `V: Send + !Sync` (Cell): Send only.
#[test]
fn arenas_of_send_values_are_send_only() {
    is_send::<QArena<Cell<u64>>>();
    is_send::<TArena<Marker, Cell<u64>>>();
    is_send::<LArena<'static, Cell<u64>>>();
}
assert_not_impl!(QArena<Cell<u64>>: Sync);
assert_not_impl!(TArena<Marker, Cell<u64>>: Sync);
assert_not_impl!(LArena<'static, Cell<u64>>: Sync);

// `V: !Send + Sync` (a mutex guard): neither, since `&arena` could move a `V` by `rw`.
assert_not_impl!(QArena<MutexGuard<'static, u64>>: Send);
assert_not_impl!(QArena<MutexGuard<'static, u64>>: Sync);
assert_not_impl!(TArena<Marker, MutexGuard<'static, u64>>: Send);
assert_not_impl!(TArena<Marker, MutexGuard<'static, u64>>: Sync);
assert_not_impl!(LArena<'static, MutexGuard<'static, u64>>: Send);
assert_not_impl!(LArena<'static, MutexGuard<'static, u64>>: Sync);

// `V: !Send + !Sync` (Rc): neither.
assert_not_impl!(QArena<Rc<u64>>: Send);
assert_not_impl!(QArena<Rc<u64>>: Sync);
assert_not_impl!(TArena<Marker, Rc<u64>>: Send);
assert_not_impl!(TArena<Marker, Rc<u64>>: Sync);
assert_not_impl!(LArena<'static, Rc<u64>>: Send);
assert_not_impl!(LArena<'static, Rc<u64>>: Sync);
