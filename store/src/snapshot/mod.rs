//! Snapshots: copy a world's whole state out and back, exactly and fast.
//!
//! A [`Snapshot`] holds a copy of everything a [`World`](crate::World) keeps: the entity slots (with their
//! generations and the free list, so every `Entity` handle means after a restore what it
//! meant when the snapshot was taken), every table's rows and their change ticks, the sparse
//! sets, and the resources. [`World::restore`](crate::World::restore) puts it all back: the same entities, live and
//! dead, the same values, the same query results in the same order.
//!
//! ```
//! use cellar::World;
//!
//! #[derive(Clone, Copy, Debug, PartialEq)]
//! struct Position(f32);
//!
//! let mut world = World::new();
//! world.register_snapshot_copy::<Position>();
//! let a = world.spawn((Position(0.0),));
//! let checkpoint = world.snapshot().unwrap();
//!
//! world.despawn(a).unwrap();
//! let b = world.spawn((Position(5.0),)); // reuses a's slot, with a new generation
//!
//! world.restore(&checkpoint).unwrap();
//! assert_eq!(world.get::<Position>(a), Ok(&Position(0.0)));
//! assert!(!world.contains(b), "b was spawned after the checkpoint");
//! ```
//!
//! # Which types
//!
//! A type is copied the way it was registered: [`World::register_snapshot_copy`](crate::World::register_snapshot_copy) for `Copy`
//! types (one `memcpy` per column), [`World::register_snapshot`](crate::World::register_snapshot) for `Clone` types (with
//! `clone_from`, reusing what values own), [`World::register_snapshot_resource`](crate::World::register_snapshot_resource) for
//! resources. Taking a snapshot of a world that holds values of any other type is an `Err`
//! naming it ([`SnapshotError::NotRegistered`]), never a partial snapshot.
//!
//! # Rollback without allocating
//!
//! [`World::snapshot_into`](crate::World::snapshot_into) reuses a snapshot's buffers; taken again into a snapshot of the
//! same world, it copies only the rows whose change ticks say they changed since, and
//! [`World::restore`](crate::World::restore) into the world a snapshot came from puts back only the rows changed
//! since it was taken. A ring of snapshots for rollback then costs what the frames changed.
//!
//! # Change ticks
//!
//! A restore is the one thing that does not rewind the world's change tick: every value it
//! puts back counts as changed at the restore (for [`Changed`](crate::Changed)), so queries
//! and systems that ran before it see the values it replaced, and the change ticks stay what
//! incremental snapshots rely on. When each value was added (for [`Added`](crate::Added)) is
//! restored as it was.

mod error;
mod ids;
mod registry;
mod restore;
#[cfg(feature = "serde")]
mod save;
mod take;

pub use error::SnapshotError;
pub use ids::{MAX_GENERATION_SKIP, SpawnAtError};
#[cfg(feature = "serde")]
pub use save::FORMAT_VERSION;

use std::any::TypeId;

use crate::component::ComponentId;
use crate::entity::{Entity, WorldId};
use crate::entity_slots::SavedSlots;
use crate::storage::Column;
use crate::ticks::AddedTicks;
use registry::{AnyResource, ColumnOps};

/// A copy of a world's whole state, taken with [`World::snapshot`](crate::World::snapshot) or
/// [`World::snapshot_into`](crate::World::snapshot_into) and put back with
/// [`World::restore`](crate::World::restore).
///
/// A snapshot owns copies of the values (dropping it drops them) and keeps its buffers
/// between takes.
///
/// # Examples
///
/// ```
/// use cellar::{Snapshot, World};
///
/// let mut world = World::new();
/// world.register_snapshot_copy::<u32>();
/// let mut ring: Vec<Snapshot> = (0..4).map(|_| Snapshot::new()).collect();
/// for frame in 0..10u32 {
///     world.spawn((frame,));
///     world.snapshot_into(&mut ring[frame as usize % 4]).unwrap();
/// }
/// world.restore(&ring[7 % 4]).unwrap();
/// assert_eq!(world.len(), 8);
/// ```
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The world this was taken from (whose id its entities carry), if it was taken (and
    /// not loaded).
    pub(crate) source: Option<WorldId>,
    /// Whether the next take from (or restore into) `source` may copy only what changed.
    pub(crate) linked: bool,
    /// Whether this holds a complete snapshot.
    pub(crate) taken: bool,
    /// The world's change tick when this was taken.
    pub(crate) tick: u32,
    /// The entity slots but the live ones (which `tables` say): the free ones, the free
    /// list and the number of each.
    pub(crate) entities: SavedSlots,
    /// By table index.
    pub(crate) tables: Vec<TableCopy>,
    /// One per sparse component of the world, in `ComponentId` order.
    pub(crate) sparse: Vec<SparseCopy>,
    pub(crate) resources: Vec<ResourceCopy>,
    /// How to copy each component type (by `ComponentId` index), as registered when taken.
    pub(crate) ops: Vec<Option<ColumnOps>>,
    /// Scratch: the rows of one column to copy.
    pub(crate) rows: Vec<u32>,
    /// Rows copied by the last take or restore, summed over columns.
    pub(crate) copied_rows: usize,
}

/// The copy of one table: its components, its entities in row order, one column per
/// component.
#[derive(Debug)]
pub(crate) struct TableCopy {
    pub(crate) components: Box<[ComponentId]>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) columns: Vec<ColumnCopy>,
}

/// The copy of one column: the values, and the tick at which each was added. (When each
/// last changed is not kept: a restore marks what it puts back as changed at the restore.)
#[derive(Debug)]
pub(crate) struct ColumnCopy {
    pub(crate) values: Column,
    /// One tick per row, or none when `added_all` holds the one tick at which every row was
    /// added (the buffer stays, to be reused).
    pub(crate) added: Vec<u32>,
    pub(crate) added_all: Option<u32>,
}

impl ColumnCopy {
    /// When each row was added.
    pub(crate) fn added_ticks(&self) -> AddedTicks<'_> {
        match self.added_all {
            Some(tick) => AddedTicks::All { tick, n: self.values.len() },
            None => AddedTicks::PerRow(&self.added),
        }
    }

    /// When each row was added, one tick per row, to write rows one by one.
    pub(crate) fn added_per_row(&mut self) -> &mut [u32] {
        if let Some(tick) = self.added_all.take() {
            self.added.clear();
            self.added.resize(self.values.len(), tick);
        }
        &mut self.added
    }
}

/// The copy of one sparse set.
#[derive(Debug)]
pub(crate) struct SparseCopy {
    pub(crate) component: ComponentId,
    pub(crate) index: Vec<u32>,
    pub(crate) entities: Vec<Entity>,
    pub(crate) column: ColumnCopy,
}

/// The copy of one resource type's slot.
#[derive(Debug)]
pub(crate) struct ResourceCopy {
    pub(crate) type_id: TypeId,
    pub(crate) name: &'static str,
    pub(crate) value: Option<Box<AnyResource>>,
}

impl Snapshot {
    /// An empty snapshot, to take into with
    /// [`World::snapshot_into`](crate::World::snapshot_into).
    ///
    /// ```
    /// let snapshot = cellar::Snapshot::new();
    /// assert!(snapshot.is_empty());
    /// ```
    pub fn new() -> Self {
        Snapshot::default()
    }

    /// Whether this holds nothing yet (restoring it is an `Err`).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert!(!world.snapshot().unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        !self.taken
    }

    /// The number of live entities in the snapshot.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn(());
    /// assert_eq!(world.snapshot().unwrap().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// The change tick the snapshot took: values written before it carry this tick or an
    /// earlier one, values written after it a later one (taking a snapshot takes a tick, as a
    /// query run does).
    ///
    /// ```
    /// let world = cellar::World::new();
    /// let before = world.change_tick();
    /// assert_eq!(world.snapshot().unwrap().change_tick(), before);
    /// assert!(world.change_tick() > before);
    /// ```
    pub fn change_tick(&self) -> u32 {
        self.tick
    }

    /// How many column rows the last take or restore with this snapshot copied: every row of
    /// every column for a full copy, only the changed ones for an incremental one.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_snapshot_copy::<u8>();
    /// world.spawn_batch((0..10u8).map(|i| (i,)));
    /// let mut snapshot = world.snapshot().unwrap();
    /// assert_eq!(snapshot.copied_rows(), 10);
    /// world.snapshot_into(&mut snapshot).unwrap();
    /// assert_eq!(snapshot.copied_rows(), 0, "nothing changed");
    /// ```
    pub fn copied_rows(&self) -> usize {
        self.copied_rows
    }

    /// Makes the next take into this snapshot, and the next restore from it, copy every row
    /// instead of only the changed ones (what they would do with a snapshot of another
    /// world). The contents stay and can still be restored.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_snapshot_copy::<u8>();
    /// world.spawn_batch((0..10u8).map(|i| (i,)));
    /// let mut snapshot = world.snapshot().unwrap();
    /// snapshot.detach();
    /// assert_eq!(world.restore(&snapshot), Ok(10), "a whole restore");
    /// world.snapshot_into(&mut snapshot).unwrap();
    /// assert_eq!(snapshot.copied_rows(), 10, "a whole take");
    /// ```
    pub fn detach(&mut self) {
        self.linked = false;
    }

    /// Marks the contents as gone (the buffers stay, to be reused).
    pub(crate) fn invalidate(&mut self) {
        self.taken = false;
        self.linked = false;
        self.source = None;
    }
}

/// Whether tick `a` is later than tick `b` (wrap-around safe within half the tick range).
#[inline(always)]
pub(crate) fn later(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}
