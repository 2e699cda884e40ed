//! Arenas of token cells: read with `&owner`, write with `&mut owner`.
//!
//! An arena holds values of one type under generational keys ([`slotmap`] keys). Changing its
//! shape (`insert`, `remove`, `retain`, `clear`) needs `&mut arena`, as with any collection.
//! Reading or writing the values needs only `&arena`, plus a separate *owner* (a token):
//! `&owner` to read, `&mut owner` to write. Whoever holds `&mut owner` may write every arena
//! that owner owns, while other code holds `&` to the arenas themselves; the borrow checker
//! then does on the owner what a lock would do at run time on each value.
//!
//! ```
//! use cellar::arena::{QArena, QCellOwner};
//!
//! let mut owner = QCellOwner::new();
//! let mut position = QArena::new(&owner);
//! let mut velocity = QArena::new(&owner);
//! let p = position.insert(0.0_f32);
//! let v = velocity.insert(2.0_f32);
//!
//! // Shared references to both arenas, e.g. held by a scheduler...
//! let (position, velocity) = (&position, &velocity);
//! // ...and writing needs `&mut owner`; reading another arena meanwhile needs a copy out.
//! let dv = *velocity.get(&owner, v)?.unwrap();
//! *position.get_mut(&mut owner, p)?.unwrap() += dv;
//! assert_eq!(position.get(&owner, p)?, Some(&2.0));
//! # Ok::<(), cellar::arena::ArenaError>(())
//! ```
//!
//! # Three flavours
//!
//! The cells come from the [`qcell`] crate, in its three flavours; the arenas share one API
//! and one implementation. The three names are aliases of one type, [`Arena`], over a sealed
//! flavour: the methods that need no owner are written (and documented) once there, and each
//! flavour adds its constructors and the methods that take its owner.
//!
//! | arena | owner | owner identified by | wrong owner | owners per process | owner check |
//! | --- | --- | --- | --- | --- | --- |
//! | [`QArena<V, K>`] | [`QCellOwner`] | an id (the address of a small allocation) | `Err(`[`ArenaError::WrongOwner`]`)` | any number | one compare per call, at run time |
//! | [`TArena<M, V, K>`] | [`TCellOwner<M>`] | the marker type `M` | does not compile | one per marker at a time | none left at run time |
//! | [`LArena<'id, V, K>`] | [`LCellOwner<'id>`] | an invariant lifetime from [`LCellOwner::scope`] | does not compile | any number, one per scope | none left at run time |
//!
//! - **`QArena`** is the default: worlds, tests and threads can each make their own owners.
//!   The arena remembers its owner's id; every read or write compares it with the given
//!   owner's id once and returns [`ArenaError::WrongOwner`] on a mismatch, so its methods
//!   return `Result`. An id can be reused after its owner is dropped; an arena then accepts
//!   the new owner, which is harmless: there is still only one owner with that id alive.
//! - **`TArena`** names its owner by a type. Creating a second `TCellOwner<M>` while one is
//!   alive makes qcell's [`TCellOwner::new`] panic; [`try_tcell_owner`] returns
//!   [`ArenaError::OwnerExists`] instead, and [`TCellOwner::wait_for_new`] blocks until the
//!   other one is gone. Creation takes a global lock; access costs nothing at run time.
//! - **`LArena`** lives inside `LCellOwner::scope(|owner| ...)`: no global state, no run-time
//!   cost, but the owner and its arenas cannot leave the closure.
//!
//! # Layout: one cell per arena
//!
//! An arena keeps all its values in *one* token cell, as a dense `Vec<V>`, and keeps outside
//! the cell a slot map from key to position and the list of keys in position order. So:
//!
//! - a call checks the owner once, whatever it touches: one value ([`QArena::get`](QArena#method.get)), several
//!   ([`QArena::get_many_mut`](QArena#method.get_many_mut)), or all of them as a slice ([`QArena::as_slice`](QArena#method.as_slice),
//!   [`QArena::as_mut_slice`](QArena#method.as_mut_slice)) that loops over as fast as a plain `Vec`;
//! - [`QArena::ro`](QArena#method.ro) and [`QArena::rw`](QArena#method.rw) open an arena once for many keyed accesses in a row:
//!   the [`ArenaRo`] or [`ArenaRw`] they return borrows the owner for as long as it lives
//!   and checks only keys after that (the per-call methods are written on top of them);
//! - several values mutably at once is plain safe code: the positions of distinct keys are
//!   distinct, and the slice's `get_disjoint_mut` checks it, so equal keys give `None`,
//!   never two `&mut` to one value;
//! - removal is a swap-remove: the last value moves into the hole and its slot is updated,
//!   so storage order ([`QArena::keys`]) changes and is not insertion order;
//! - `len`, `is_empty`, `contains_key`, `keys` and `position` need no owner, and shape
//!   changes use the cell's `get_mut(&mut self)`, so they need no owner either.
//!
//! The module has no `unsafe` code: qcell's cells carry all of it.
//!
//! # Keys
//!
//! Keys are slotmap keys: [`DefaultKey`] unless the arena is made with `with_key` for a key
//! type of your own ([`new_key_type!`]). The value type comes first in the type
//! (`QArena<V, K = DefaultKey>`) so that the key can default. A key whose value was removed
//! stays stale even when its slot is reused: lookups give `None`, because the slot's
//! version has moved on. A key carries no arena id, though: a key made by *another* arena
//! usually gives `None` too (its slot index or version does not match), but where both
//! arenas happen to have the same slot at the same version it finds this arena's value.
//! That is a logic error, never undefined behaviour; give each arena its own key type where
//! keys could be mixed up.
//!
//! # Threads
//!
//! An arena is `Send` when `V` is, and `Sync` when `V` is `Send + Sync` (the bounds of
//! `RwLock<V>`, inherited from qcell's cells). Owners are `Send + Sync`. So several threads
//! can read one arena at once, each with `&owner`; and arenas with different owners can be
//! written from different threads at once, each thread holding its own `&mut owner`.
//!
//! ```
//! use cellar::arena::{QArena, QCellOwner};
//!
//! let (mut oa, mut ob) = (QCellOwner::new(), QCellOwner::new());
//! let (mut a, mut b) = (QArena::new(&oa), QArena::new(&ob));
//! a.insert(1);
//! b.insert(10);
//! std::thread::scope(|s| {
//!     s.spawn(|| a.as_mut_slice(&mut oa).unwrap()[0] += 1);
//!     s.spawn(|| b.as_mut_slice(&mut ob).unwrap()[0] += 1);
//! });
//! assert_eq!(a.as_slice(&oa)?, [2]);
//! assert_eq!(b.as_slice(&ob)?, [11]);
//! # Ok::<(), cellar::arena::ArenaError>(())
//! ```

#[cfg(test)]
mod assertions;
mod compile_fail;
mod error;
mod flavour;
mod generic;
mod iter;
mod l_arena;
mod q_arena;
mod storage;
mod t_arena;
mod view;

pub use error::ArenaError;
pub use generic::Arena;
pub use iter::{Iter, IterMut};
pub use l_arena::LArena;
pub use q_arena::QArena;
pub use t_arena::{TArena, try_tcell_owner};
pub use view::{ArenaRo, ArenaRw};

pub use qcell::{LCellOwner, QCellOwner, QCellOwnerID, TCellOwner};
pub use slotmap::{DefaultKey, Key, new_key_type};
