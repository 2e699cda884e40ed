//! The workloads, one module per crate. Each module has the same six structs (`SimpleInsert`,
//! `SimpleIter`, `FragmentedIter`, `HeavyCompute`, `Schedule`, `AddRemove`), except the floor,
//! which has only the two that a plain `Vec` can do without an ECS.

pub mod bevy;
pub mod cellar;
pub mod floor;
pub mod hecs;
pub mod legion;
pub mod shipyard;
pub mod specs;
