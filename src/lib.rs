#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use cellar_tokens::{arena, sync, unsync};

pub use cellar_store::query;
pub use cellar_store::sharded_map::ShardedMap;
pub use cellar_store::{
    Access, AccessConflict, AccessKey, Borrow, ExclusiveTokens, SharedTokens, TokenKind,
    TokenRequest, TokenSource,
};
pub use cellar_store::{
    Added, Bundle, BundleReader, BundleTypes, BundleWriter, Changed, ColumnBatch, ColumnBatchError,
    Component, ComponentError, ComponentId, ComponentInfo, Entity, EntityError, Has, Mut, Or,
    ParIter, Query, QueryData, QueryError, QueryFilter, QueryIter, QueryState, ReadOnlyQuery, Ref,
    ResourceError, Snapshot, SnapshotError, Storage, StorageKind, TokenId, Tokens, With, Without,
    World, WorldId,
};
pub use cellar_store::{commands, events, rayon, schedule, snapshot, system};

/// The names most programs need, in one import: `use cellar::prelude::*;`.
pub mod prelude {
    pub use cellar_store::prelude::*;
    pub use cellar_store::sharded_map::ShardedMap;
}

/// The guide's chapters, compiled and run as doc tests so that the book never rots.
#[cfg(doctest)]
mod book {
    #[doc = include_str!("../book/src/introduction.md")]
    mod introduction {}
    #[doc = include_str!("../book/src/quick-start.md")]
    mod quick_start {}
    #[doc = include_str!("../book/src/embedding.md")]
    mod embedding {}
    #[doc = include_str!("../book/src/patterns/overview.md")]
    mod patterns_overview {}
    #[doc = include_str!("../book/src/patterns/never-handing-out-references.md")]
    mod patterns_never_handing_out_references {}
    #[doc = include_str!("../book/src/patterns/checking-at-run-time.md")]
    mod patterns_checking_at_run_time {}
    #[doc = include_str!("../book/src/patterns/once-only.md")]
    mod patterns_once_only {}
    #[doc = include_str!("../book/src/patterns/tokens-and-arenas.md")]
    mod patterns_tokens_and_arenas {}
    #[doc = include_str!("../book/src/store/entities-and-components.md")]
    mod store_entities_and_components {}
    #[doc = include_str!("../book/src/store/queries.md")]
    mod store_queries {}
    #[doc = include_str!("../book/src/store/resources-and-sharded-tables.md")]
    mod store_resources_and_sharded_tables {}
    #[doc = include_str!("../book/src/store/systems-and-schedules.md")]
    mod store_systems_and_schedules {}
    #[doc = include_str!("../book/src/store/commands-and-events.md")]
    mod store_commands_and_events {}
    #[doc = include_str!("../book/src/store/snapshots.md")]
    mod store_snapshots {}
    #[doc = include_str!("../book/src/demos/boids.md")]
    mod demos_boids {}
    #[doc = include_str!("../book/src/demos/ecosystem.md")]
    mod demos_ecosystem {}
    #[doc = include_str!("../book/src/demos/particles.md")]
    mod demos_particles {}
    #[doc = include_str!("../book/src/demos/rollback.md")]
    mod demos_rollback {}
    #[doc = include_str!("../book/src/performance/overview.md")]
    mod performance_overview {}
    #[doc = include_str!("../book/src/performance/primitives.md")]
    mod performance_primitives {}
    #[doc = include_str!("../book/src/performance/arenas.md")]
    mod performance_arenas {}
    #[doc = include_str!("../book/src/performance/ecs.md")]
    mod performance_ecs {}
    #[doc = include_str!("../book/src/performance/boids.md")]
    mod performance_boids {}
    #[doc = include_str!("../book/src/internals-and-safety.md")]
    mod internals_and_safety {}
}
