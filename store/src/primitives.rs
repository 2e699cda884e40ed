//! The in-tree primitives the store is built on, in one place: `AtomicCell` counters (change
//! ticks, world ids, system statistics), the `RwLock` behind each `ShardedMap` shard and the
//! component registry, the `Lazy` that creates the registry on first use, and the `Mutex` over
//! the queue a parallel batch's threads take systems from.

pub(crate) use cellar_tokens::sync::{AtomicCell, Lazy, Mutex, RwLock};
