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
