//! cellar's ECS: a game-engine-style state store whose component data lives in token cells.
//!
//! Entities are generational ids, components are plain `'static + Send + Sync` values kept in
//! archetype tables of type-erased columns, and every column sits inside a token cell: reading
//! it needs a shared borrow of its component's token, writing it an exclusive borrow. Systems
//! declare what they read and write, and the schedule hands each one its own borrowed tokens,
//! so systems whose tokens do not conflict run in parallel on rayon without a data race being
//! expressible in safe code.
//!
//! # The world in two halves
//!
//! A [`World`] is a [`Storage`] and a set of [`Tokens`]:
//!
//! - the `Storage` holds the entities, the archetype [`Table`]s, one column arena per
//!   component type (a `QArena` from `cellar_tokens::arena`, owned by that type's token),
//!   the sparse sets, one cell per resource, and the change tick (an `AtomicCell<u32>`). It is
//!   `Sync`, and while systems run it is only ever shared;
//! - the `Tokens` are one `QCellOwner` per component type and per resource type, indexed by
//!   a dense [`TokenId`]. `&token` reads every column of its type, `&mut token` writes them.
//!
//! [`World::split`] hands out `(&Storage, &mut Tokens)`, and [`Tokens::iter_mut`] splits the
//! tokens into disjoint `&mut QCellOwner`s in safe code. That is all a scheduler needs:
//!
//! ```
//! use cellar::{Access, ExclusiveTokens, QueryState, World};
//!
//! struct Position(f32);
//! struct Velocity(f32);
//!
//! let mut world = World::new();
//! world.spawn((Position(0.0), Velocity(1.0)));
//!
//! // What a query borrows, as data, before it runs (aliasing is an error here).
//! let access = Access::of_query::<(&mut Position, &Velocity), ()>().unwrap();
//! assert_eq!(access.writes().count(), 1);
//!
//! // A query run over shared storage and explicitly lent tokens.
//! let mut movement = QueryState::<(&mut Position, &Velocity)>::new(&mut world);
//! let (storage, tokens) = world.split();
//! let mut lent = ExclusiveTokens::new(tokens); // or the schedule's own `TokenSource`
//! for (p, v) in movement.query(storage, &mut lent).unwrap().iter_mut() {
//!     p.0 += v.0;
//! }
//! ```
//!
//! A [`TokenSource`] gives each token exclusively at most once, so whatever a scheduler asks,
//! it cannot build two queries that alias. Queries check each token against the arena's owner
//! once per run; after that the hot loop walks typed slices of the matched tables (cached in
//! the [`QueryState`]) with no flag, hash or bounds check per entity.
//!
//! The `unsafe` code is in the storage layer (`storage/`): the type-erased column
//! (`column.rs`), where values move in and out through bevy_ptr's `OwningPtr` and typed
//! slices come out after a `TypeId` check, and the row operations that move values out of
//! their slots before the bookkeeping forgets them (`rows.rs`, `write.rs`). Outside it, a
//! snapshot reads the change ticks with plain loads while the world is borrowed shared, when
//! nothing writes them (`snapshot/take.rs`, `ticks.rs`).
#![deny(unsafe_code, unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod access;
mod bundle;
#[cfg(doctest)]
mod compile_fail;
mod component;
mod entity;
mod entity_slots;
mod error;
mod lend;
mod primitives;
pub mod query;
pub mod sharded_map;
pub mod snapshot;
mod storage;
mod ticks;
mod world;

pub mod commands;
pub mod events;
pub mod schedule;
pub mod system;

pub use access::{Access, AccessConflict, AccessKey, Borrow, TokenKind};
pub use bundle::{Bundle, BundleTypes};
/// `#[derive(Bundle)]`: the macro beside the trait of the same name, so one import brings both.
pub use cellar_derive::Bundle;
pub use component::{Component, ComponentId, ComponentInfo, StorageKind};
pub use entity::{Entity, WorldId};
pub use error::{ComponentError, EntityError, QueryError, ResourceError};
pub use query::{
    Added, Changed, ExclusiveTokens, Has, Mut, Or, ParIter, Query, QueryData, QueryFilter,
    QueryIter, QueryState, ReadOnlyQuery, Ref, SharedTokens, TokenRequest, TokenSource, With,
    Without,
};
pub use snapshot::{Snapshot, SnapshotError};
pub use storage::{
    BundleReader, BundleWriter, ColumnBatch, ColumnBatchError, Storage, Table, TokenId, Tokens,
};
pub use world::World;

pub use rayon;

/// The names most programs need: `use cellar_store::prelude::*;` (the facade's `cellar::prelude` holds the same).
pub mod prelude {
    pub use crate::commands::Commands;
    pub use crate::events::Events;
    pub use crate::schedule::{
        IntoSystemConfig, Schedule, ScheduleError, SystemConfig, SystemHandle, SystemStats,
    };
    pub use crate::system::{
        EventReader, EventWriter, IntoSystem, Local, ParamSet, Query, RemovedComponents, Res,
        ResMut,
    };
    pub use crate::{
        Added, Bundle, Changed, Component, ComponentError, Entity, EntityError, Has, Mut, Or,
        QueryError, QueryState, Ref, ResourceError, StorageKind, With, Without, World,
    };
}
