//! cellar's ECS: a game-engine-style state store whose component data lives in token cells.
//!
//! Entities are generational ids, components are plain `'static + Send + Sync` values kept in
//! archetype tables of type-erased columns, and every column sits inside a token cell: reading
//! it needs a shared borrow of its component's token, writing it an exclusive borrow. Systems
//! declare what they read and write, and the schedule hands each one its own borrowed tokens,
//! so systems whose tokens do not conflict run in parallel on rayon without a data race being
//! expressible in safe code.
#![deny(unsafe_code, unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod bundle;
mod column;
mod component;
mod entity;
mod error;
mod primitives;
pub mod query;
pub mod sharded_map;
mod storage;
mod world;

pub mod commands;
pub mod events;
pub mod schedule;
pub mod system;

pub use bundle::{Bundle, BundleReader, BundleTypes, BundleWriter};
pub use component::{Component, ComponentId, ComponentInfo, StorageKind};
pub use entity::{Entity, WorldId};
pub use error::{ComponentError, EntityError, QueryError, ResourceError};
pub use query::{
    AccessKind, Added, Changed, ComponentAccess, ExclusiveTokens, ParIter, Query, QueryAccess,
    QueryData, QueryFilter, QueryIter, QueryState, ReadOnlyQuery, SharedTokens, TokenRequest,
    TokenSource, With, Without,
};
pub use storage::{Storage, Table, TokenId, Tokens};
pub use world::World;

pub use rayon;

/// The names most programs need: `use cellar_store::prelude::*;`.
pub mod prelude {
    pub use crate::commands::Commands;
    pub use crate::events::Events;
    pub use crate::schedule::{
        IntoSystemConfig, Schedule, ScheduleError, SystemConfig, SystemHandle, SystemStats,
    };
    pub use crate::system::{EventReader, EventWriter, IntoSystem, Local, Query, Res, ResMut};
    pub use crate::{
        Added, Bundle, Changed, Component, ComponentError, Entity, EntityError, QueryError,
        QueryState, ResourceError, StorageKind, With, Without, World,
    };
}
