//! What the compiler must reject, as `compile_fail` doc tests (in qcell's `doctest_*` style).
//!
//! Each rejected program is preceded by the same program made right, which compiles, so that
//! a `compile_fail` test cannot pass for an unrelated reason such as a typo.
//!
//! # A `TArena` takes only its own marker's owner
//!
//! ```
//! use cellar::arena::{TArena, TCellOwner};
//! struct Physics;
//! let physics = TCellOwner::<Physics>::new();
//! let mut speed = TArena::<Physics, f32>::new();
//! let k = speed.insert(1.0);
//! assert_eq!(speed.get(&physics, k), Some(&1.0));
//! ```
//!
//! ```compile_fail,E0308
//! use cellar::arena::{TArena, TCellOwner};
//! struct Physics;
//! struct Audio;
//! let audio = TCellOwner::<Audio>::new();
//! let mut speed = TArena::<Physics, f32>::new();
//! let k = speed.insert(1.0);
//! assert_eq!(speed.get(&audio, k), Some(&1.0)); // expected `TCellOwner<Physics>`
//! ```
//!
//! # An `LArena` takes only the owner of its own scope
//!
//! ```
//! use cellar::arena::{LArena, LCellOwner};
//! LCellOwner::scope(|outer| {
//!     LCellOwner::scope(|inner| {
//!         let mut a = LArena::new();
//!         let mut b = LArena::new();
//!         let (ka, kb) = (a.insert(1), b.insert(2));
//!         assert_eq!(a.get(&outer, ka), Some(&1));
//!         assert_eq!(b.get(&inner, kb), Some(&2));
//!     });
//! });
//! ```
//!
//! ```compile_fail,E0521
//! use cellar::arena::{LArena, LCellOwner};
//! LCellOwner::scope(|outer| {
//!     LCellOwner::scope(|inner| {
//!         let mut a = LArena::new();
//!         let ka = a.insert(1);
//!         assert_eq!(a.get(&outer, ka), Some(&1));
//!         assert_eq!(a.get(&inner, ka), Some(&1)); // lifetime mismatch
//!     });
//! });
//! ```
//!
//! # An `LCellOwner` and its arenas cannot leave their scope
//!
//! ```
//! use cellar::arena::{LArena, LCellOwner};
//! let mut total = 0;
//! LCellOwner::scope(|owner| {
//!     let mut a = LArena::new();
//!     a.insert(5);
//!     total = a.as_slice(&owner).iter().sum(); // values may leave; the owner may not
//! });
//! assert_eq!(total, 5);
//! ```
//!
//! ```compile_fail,E0521
//! use cellar::arena::LCellOwner;
//! let mut escaped = None;
//! LCellOwner::scope(|owner| {
//!     escaped = Some(owner); // `'id` would outlive the closure
//! });
//! ```
//!
//! ```compile_fail,E0521
//! use cellar::arena::{LArena, LCellOwner};
//! let mut escaped = None;
//! LCellOwner::scope(|owner| {
//!     let mut a = LArena::new();
//!     let k = a.insert(5);
//!     assert_eq!(a.get(&owner, k), Some(&5));
//!     escaped = Some(a); // the arena carries `'id` too
//! });
//! ```
//!
//! # A `&mut` from `get_mut` ends before the next `get_mut`
//!
//! For every flavour, `get_mut` borrows the owner mutably for as long as the result lives.
//!
//! ```
//! use cellar::arena::{QArena, QCellOwner};
//! let mut owner = QCellOwner::new();
//! let mut arena = QArena::new(&owner);
//! let (a, b) = (arena.insert(1), arena.insert(2));
//! let x = arena.get_mut(&mut owner, a).unwrap().unwrap();
//! *x += 1;
//! let y = arena.get_mut(&mut owner, b).unwrap().unwrap();
//! *y += 1;
//! ```
//!
//! ```compile_fail,E0499
//! use cellar::arena::{QArena, QCellOwner};
//! let mut owner = QCellOwner::new();
//! let mut arena = QArena::new(&owner);
//! let (a, b) = (arena.insert(1), arena.insert(2));
//! let x = arena.get_mut(&mut owner, a).unwrap().unwrap();
//! let y = arena.get_mut(&mut owner, b).unwrap().unwrap(); // `owner` already borrowed
//! *x += *y;
//! ```
//!
//! ```compile_fail,E0499
//! use cellar::arena::{TArena, TCellOwner};
//! struct M;
//! let mut owner = TCellOwner::<M>::new();
//! let mut arena = TArena::<M, i32>::new();
//! let (a, b) = (arena.insert(1), arena.insert(2));
//! let x = arena.get_mut(&mut owner, a).unwrap();
//! let y = arena.get_mut(&mut owner, b).unwrap(); // `owner` already borrowed
//! *x += *y;
//! ```
//!
//! ```compile_fail,E0499
//! use cellar::arena::{LArena, LCellOwner};
//! LCellOwner::scope(|mut owner| {
//!     let mut arena = LArena::new();
//!     let (a, b) = (arena.insert(1), arena.insert(2));
//!     let x = arena.get_mut(&mut owner, a).unwrap();
//!     let y = arena.get_mut(&mut owner, b).unwrap(); // `owner` already borrowed
//!     *x += *y;
//! });
//! ```
//!
//! Nor can a value be read while another is being written with the same owner:
//!
//! ```compile_fail,E0502
//! use cellar::arena::{QArena, QCellOwner};
//! let mut owner = QCellOwner::new();
//! let mut arena = QArena::new(&owner);
//! let (a, b) = (arena.insert(1), arena.insert(2));
//! let x = arena.get_mut(&mut owner, a).unwrap().unwrap();
//! let y = arena.get(&owner, b).unwrap().unwrap(); // `owner` already mutably borrowed
//! *x += *y;
//! ```
//!
//! # A shape change waits for every borrow of the values
//!
//! ```compile_fail,E0502
//! use cellar::arena::{QArena, QCellOwner};
//! let owner = QCellOwner::new();
//! let mut arena = QArena::new(&owner);
//! let a = arena.insert(1);
//! let x = arena.get(&owner, a).unwrap().unwrap();
//! arena.remove(a); // `arena` is borrowed by `x`
//! assert_eq!(*x, 1);
//! ```
//!
//! # A view holds its borrows too
//!
//! An `ArenaRw` holds `&mut owner` until it is dropped, and an `ArenaRo` holds `&arena`:
//!
//! ```compile_fail,E0502
//! use cellar::arena::{QArena, QCellOwner};
//! let mut owner = QCellOwner::new();
//! let mut arena = QArena::new(&owner);
//! let a = arena.insert(1);
//! let mut rw = arena.rw(&mut owner).unwrap();
//! let x = arena.get(&owner, a); // `owner` is mutably borrowed by `rw`
//! *rw.get_mut(a).unwrap() += 1;
//! ```
//!
//! ```compile_fail,E0502
//! use cellar::arena::{TArena, TCellOwner};
//! struct M;
//! let owner = TCellOwner::<M>::new();
//! let mut arena = TArena::<M, i32>::new();
//! let a = arena.insert(1);
//! let ro = arena.ro(&owner);
//! arena.clear(); // `arena` is borrowed by `ro`
//! assert_eq!(ro.get(a), None);
//! ```
//!
//! # An arena of `!Sync` values cannot be shared between threads
//!
//! ```compile_fail,E0277
//! use std::cell::Cell;
//! use cellar::arena::{QArena, QCellOwner};
//! let owner = QCellOwner::new();
//! let arena = QArena::<Cell<u8>>::new(&owner);
//! std::thread::scope(|s| {
//!     s.spawn(|| arena.len()); // `Cell<u8>` is not `Sync`
//! });
//! ```
