//! Rules the type system enforces, each proven by a `compile_fail` doc test: the code below
//! each heading must not compile. (The module is empty; it exists for its tests.)
//!
//! # A token lent shared cannot become `&mut`
//!
//! `Res<T>` derefs to `&T` only:
//!
//! ```compile_fail,E0594
//! use cellar::prelude::*;
//! fn bump(n: Res<u32>) {
//!     *n += 1;
//! }
//! ```
//!
//! A read-only query hands out `&T` even from `iter_mut`:
//!
//! ```compile_fail,E0594
//! use cellar::prelude::*;
//! fn bump(mut q: Query<&u32>) {
//!     for n in q.iter_mut() {
//!         *n += 1;
//!     }
//! }
//! ```
//!
//! A token the schedule lends shared is a `&QCellOwner`, never a `&mut`:
//!
//! ```compile_fail,E0308
//! use cellar::system::{AccessKey, FetchContext};
//! fn upgrade(ctx: &mut FetchContext<'_>) {
//!     let owner = ctx.read(&AccessKey::resource::<u32>());
//!     let _exclusive: &mut _ = owner;
//! }
//! ```
//!
//! # A `Query` or `Res` cannot outlive its run
//!
//! ```compile_fail
//! use cellar::prelude::*;
//! fn keep(r: Res<u32>, mut kept: Local<Option<&'static u32>>) {
//!     *kept = Some(r.into_inner());
//! }
//! ```
//!
//! ```compile_fail
//! use cellar::prelude::*;
//! fn keep(q: Query<&u32>, mut kept: Local<Vec<&'static u32>>) {
//!     kept.extend(q.iter());
//! }
//! ```
//!
//! ```compile_fail,E0505
//! use cellar::{QueryState, World};
//! let mut world = World::new();
//! let mut state = QueryState::<&u32>::new(&mut world);
//! let kept = state.iter(&world).next();
//! drop(world);
//! let _ = kept;
//! ```
//!
//! # Two `query_mut` on one world cannot coexist
//!
//! ```compile_fail,E0499
//! use cellar::World;
//! let mut world = World::new();
//! let a = world.query_mut::<&mut u8>();
//! let b = world.query_mut::<&mut u16>();
//! drop((a, b));
//! ```
//!
//! # A `ParamSet` member cannot be held while another is used
//!
//! ```compile_fail,E0499
//! use cellar::prelude::*;
//! fn both(mut set: ParamSet<(Query<&mut u32>, Query<&u32>)>) {
//!     let mut writer = set.p0();
//!     let reader = set.p1();
//!     writer.iter_mut().for_each(|n| *n += 1);
//!     let _ = reader;
//! }
//! ```
//!
//! # A function that is not a system is refused where it is added
//!
//! The error says "is not a system" and lists what a system may take (`E0277`).
//!
//! ```compile_fail,E0277
//! use cellar::prelude::*;
//! fn takes_a_number(_: u32) {}
//! Schedule::new().add_system(takes_a_number);
//! ```
//!
//! ```compile_fail,E0277
//! use cellar::prelude::*;
//! struct NoDefault;
//! fn counts(_: Local<NoDefault>) {}
//! Schedule::new().add_system(counts);
//! ```
//!
//! ```compile_fail,E0277
//! use cellar::prelude::*;
//! fn reads_everything(_: &World, _: Res<u8>) {}
//! Schedule::new().add_system(reads_everything);
//! ```
//!
//! `&World` is no system parameter even alone (a run condition takes it; a system reads
//! through `Query` and `Res`):
//!
//! ```compile_fail,E0277
//! use cellar::prelude::*;
//! fn looks(_: &World) {}
//! Schedule::new().add_system(looks);
//! ```
//!
//! `&mut World` makes an exclusive system only alone, as `|world: &mut World| ..` does:
//!
//! ```compile_fail,E0277
//! use cellar::prelude::*;
//! fn both(_: &mut World, _: Query<&u8>) {}
//! Schedule::new().add_system(both);
//! ```
//!
//! # Safe code cannot call a query that writes read-only
//!
//! `ReadOnlyQuery` is an unsafe trait: `&mut T` of a crate's own `T` is otherwise open to
//! it (`&mut` is a fundamental type), and its `copy_columns` could hand a read-only run the
//! columns of another world, which the table switch reads at this world's cached positions.
//!
//! ```compile_fail,E0200
//! use cellar::query::WriteColumns;
//! use cellar::ReadOnlyQuery;
//! struct Mine(u8);
//! impl ReadOnlyQuery for &mut Mine {
//!     fn copy_columns<'a>(_: &'a WriteColumns<'_, Mine>) -> WriteColumns<'a, Mine> {
//!         unimplemented!()
//!     }
//! }
//! ```
