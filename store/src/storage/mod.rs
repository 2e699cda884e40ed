//! The storage layer: the shared half of a world. Entities, archetype tables, component
//! columns in token cells, sparse sets, resources and the change tick, and the row
//! operations that keep them in step.
//!
//! One concept per file, each depending only on the ones above it:
//!
//! | file | holds |
//! | --- | --- |
//! | `finish.rs` | `run_all`: work that goes on while a panic unwinds |
//! | `column.rs` | `Column` (type-erased values) and `PendingDrops` |
//! | `tokens.rs` | `TokenId`, `Tokens` |
//! | `table.rs` | `Table`: one archetype's rows (entities, ticks, column positions) |
//! | `sparse.rs` | `SparseSet`: a component beside the tables |
//! | `components.rs` | `ComponentStore`: a component type's token, columns and sparse set |
//! | `resources.rs` | resource slots |
//! | `graph.rs` | the table for a component set, cached bundle infos and edges |
//! | `write.rs` | `BundleWriter`, `BundleReader`: the only way values go in and out |
//! | `rows.rs` | spawn, insert, remove, take, despawn, clear, batches |
//! | `single.rs` | insert and remove of a one-component bundle, typed, with no writer |
//! | `typed_batch.rs` | batch spawn of a tuple bundle into columns typed once per batch |
//! | `column_batch.rs` | `ColumnBatch`: spawning one `Vec` per component |
//!
//! `World` (in `world.rs`) is a facade over this module: it registers types (which needs the
//! tokens) and calls the row operations; it never touches a row itself.

use std::any::TypeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use cellar_tokens::arena::{QArena, QCellOwner};
use smallvec::SmallVec;

use crate::component::{Component, ComponentId, StorageKind};
use crate::entity::{Entities, Entity, Location, WorldId};
use crate::error::ComponentError;
use crate::primitives::AtomicCell;

mod column;
mod column_batch;
mod components;
mod finish;
mod graph;
mod resources;
mod rows;
mod single;
mod snapshot;
mod sparse;
mod table;
mod tokens;
mod typed_batch;
mod write;

pub(crate) use crate::ticks::{RowTicks, Ticks};
pub(crate) use column::Column;
pub use column_batch::{ColumnBatch, ColumnBatchError};
pub(crate) use components::ComponentStore;
pub(crate) use sparse::SparseSet;
pub use table::Table;
pub use tokens::{TokenId, Tokens};
pub(crate) use typed_batch::ColumnsBundle;
pub use write::{BundleReader, BundleWriter};

use graph::Graph;
use resources::ResourceSlot;

/// A hasher for keys that already are hashes (`TypeId`): it keeps the last `u64` written.
#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

pub(crate) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// The shared half of a [`World`](crate::World): entities, tables, the columns (each in its
/// component's token cell), sparse sets, resources (each in its own token cell) and the
/// change tick.
///
/// `Storage` is `Sync`, and while systems run it is only ever shared: what a system may read
/// or write is decided by the tokens it holds, not by the storage. Structural changes
/// (spawning, despawning, moving rows) need `&mut World`.
///
/// # Invariants
///
/// Whenever user code can run (between operations, and in every `Drop` of a component),
/// the parts agree:
///
/// - every live entity's location is a row of a table whose entity at that row is it
///   (`Table`'s invariants hold for every table), and every table row's entity is live;
/// - every column of a table has as many rows as the table, and a sparse set's dense column
///   as many as the set (`SparseSet`);
/// - a sparse set holds live entities only;
/// - `sparse_ids` lists exactly the sparse components, and `sparse_types` pairs each with
///   its type's `TypeId`; `component_ids` and `components` agree (the store of
///   `component_ids[t]` holds values of type `t`).
///
/// The row operations (`rows.rs`) break these only between two lines of bookkeeping, and
/// finish or undo them in a guard when a bundle's code panics.
///
/// # Examples
///
/// ```
/// use cellar::{Storage, World};
///
/// fn assert_sync<T: Sync>() {}
/// assert_sync::<Storage>();
///
/// let mut world = World::new();
/// world.spawn((1u8,));
/// let (storage, _tokens) = world.split();
/// assert_eq!(storage.len(), 1);
/// ```
#[derive(Debug)]
pub struct Storage {
    entities: Entities,
    tables: Vec<Table>,
    /// By `ComponentId` index: what this world keeps about each component type it uses.
    components: Vec<Option<ComponentStore>>,
    /// The sparse components, for despawn to visit only them.
    sparse_ids: Vec<ComponentId>,
    /// The sparse components again, with their types: for a one-component insert or remove
    /// to find its sparse set by a short scan, without a table or an edge.
    sparse_types: Vec<(TypeId, ComponentId)>,
    /// The component types this world uses, by `TypeId`.
    component_ids: IdMap<TypeId, ComponentId>,
    resources: IdMap<TypeId, ResourceSlot>,
    /// Which table holds which component set, the bundle infos and the cached edges.
    graph: Graph,
    /// The world's change tick: rows written carry it; each query run takes a new one.
    tick: AtomicCell<u32>,
}

impl Storage {
    pub(crate) fn new(id: WorldId) -> Self {
        let mut storage = Storage {
            entities: Entities::new(id),
            tables: Vec::new(),
            components: Vec::new(),
            sparse_ids: Vec::new(),
            sparse_types: Vec::new(),
            component_ids: IdMap::default(),
            resources: IdMap::default(),
            graph: Graph::default(),
            tick: AtomicCell::new(1),
        };
        storage.table_for(SmallVec::new());
        storage
    }

    /// The id of the world this storage belongs to.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let id = world.id();
    /// assert_eq!(world.split().0.world_id(), id);
    /// ```
    pub fn world_id(&self) -> WorldId {
        self.entities.world()
    }

    /// The number of live entities.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn(());
    /// assert_eq!(world.split().0.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there are no live entities.
    ///
    /// ```
    /// assert!(cellar::World::new().split().0.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `entity` is alive in this world.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// assert!(world.split().0.contains(e));
    /// ```
    pub fn contains(&self, entity: Entity) -> bool {
        self.entities.get(entity).is_some()
    }

    /// The current change tick (rows written now carry it).
    ///
    /// ```
    /// let world = cellar::World::new();
    /// assert!(world.change_tick() >= 1);
    /// ```
    pub fn change_tick(&self) -> u32 {
        self.tick.load()
    }

    /// Takes a new tick for one run of a query or system: returns the tick that run's writes
    /// carry, and moves the world's tick past it, so that the run does not see its own writes
    /// as changes next time, while every other observer does.
    ///
    /// ```
    /// let world = cellar::World::new();
    /// let (a, b) = (world.storage().next_run_tick(), world.storage().next_run_tick());
    /// assert!(b > a);
    /// ```
    pub fn next_run_tick(&self) -> u32 {
        self.tick.fetch_add(1)
    }

    /// The token that guards component type `type_id`'s columns, if this world uses it.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn((1u8,));
    /// assert!(world.storage().component_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn component_token(&self, type_id: TypeId) -> Option<TokenId> {
        let id = self.component_ids.get(&type_id)?;
        Some(self.components[id.index()].as_ref()?.token())
    }

    /// The token that guards resource type `type_id`, if this world has registered it.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.insert_resource(1u8);
    /// assert!(world.storage().resource_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn resource_token(&self, type_id: TypeId) -> Option<TokenId> {
        Some(self.resources.get(&type_id)?.token)
    }

    /// Reads resource `R` with a shared borrow of its token; `None` if there is no `R` or
    /// `owner` is not `R`'s token.
    ///
    /// ```
    /// use std::any::TypeId;
    /// let mut world = cellar::World::new();
    /// world.insert_resource(5u8);
    /// let t = world.resource_token(TypeId::of::<u8>()).unwrap();
    /// let owner = world.tokens().get(t).unwrap();
    /// assert_eq!(world.storage().resource::<u8>(owner), Some(&5));
    /// ```
    pub fn resource<'a, R: 'static>(&'a self, owner: &'a QCellOwner) -> Option<&'a R> {
        let slot = self.resources.get(&TypeId::of::<R>())?;
        slot.cell.get(owner, slot.key?).ok()??.downcast_ref::<R>()
    }

    /// Writes resource `R` with an exclusive borrow of its token; `None` if there is no `R` or
    /// `owner` is not `R`'s token.
    ///
    /// ```
    /// use std::any::TypeId;
    /// let mut world = cellar::World::new();
    /// world.insert_resource(5u8);
    /// let t = world.resource_token(TypeId::of::<u8>()).unwrap();
    /// let (storage, tokens) = world.split();
    /// *storage.resource_mut::<u8>(tokens.get_mut(t).unwrap()).unwrap() = 6;
    /// assert_eq!(world.resource::<u8>(), Ok(&6));
    /// ```
    pub fn resource_mut<'a, R: 'static>(&'a self, owner: &'a mut QCellOwner) -> Option<&'a mut R> {
        let slot = self.resources.get(&TypeId::of::<R>())?;
        slot.cell.get_mut(owner, slot.key?).ok()??.downcast_mut::<R>()
    }

    /// The component id this world uses for `T`, if it uses `T`.
    #[inline]
    pub(crate) fn id_of<T: 'static>(&self) -> Option<ComponentId> {
        self.component_ids.get(&TypeId::of::<T>()).copied()
    }

    /// What this world keeps about component `id` (registered).
    #[inline]
    pub(crate) fn store(&self, id: ComponentId) -> &ComponentStore {
        self.components[id.index()].as_ref().expect("component registered in this world")
    }

    #[inline]
    fn store_mut(&mut self, id: ComponentId) -> &mut ComponentStore {
        self.components[id.index()].as_mut().expect("component registered in this world")
    }

    /// Every table, by index (tables are never removed).
    #[inline]
    pub(crate) fn tables(&self) -> &[Table] {
        &self.tables
    }

    /// Table `t`.
    #[inline]
    pub(crate) fn table(&self, t: u32) -> &Table {
        &self.tables[t as usize]
    }

    /// Where `entity`'s table components are, if it is alive and of this world.
    #[inline]
    pub(crate) fn location(&self, entity: Entity) -> Option<Location> {
        self.entities.get(entity)
    }

    /// Where `entity`'s `T` is: the component's store, the column's arena position, the row
    /// and the row's ticks.
    #[inline]
    pub(crate) fn slot_of<T: Component>(
        &self,
        entity: Entity,
    ) -> Result<(&ComponentStore, usize, usize, &RowTicks), ComponentError> {
        let loc = self.entities.get(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let missing = ComponentError::Missing { entity, component: std::any::type_name::<T>() };
        let id = self.id_of::<T>().ok_or(missing)?;
        let store = self.store(id);
        Ok(match store.sparse() {
            None => {
                let table = &self.tables[loc.table as usize];
                let i = table.index_of(id).ok_or(missing)?;
                let row = loc.row as usize;
                (store, table.column_position(i), row, &table.ticks(i).rows[row])
            }
            Some(set) => {
                let row = set.row(entity).ok_or(missing)?;
                (store, 0, row, &set.ticks().rows[row])
            }
        })
    }

    /// Makes `T` known (its token, from `tokens`, and its column arena) as a table component
    /// unless it is known already; returns its id.
    pub(crate) fn init_component<T: Component>(&mut self, tokens: &mut Tokens) -> ComponentId {
        match self.id_of::<T>() {
            Some(id) => id,
            None => self.add_component::<T>(tokens, StorageKind::Table),
        }
    }

    /// Makes `T` known with storage `kind`. `T` must not be known yet.
    pub(crate) fn add_component<T: Component>(
        &mut self,
        tokens: &mut Tokens,
        kind: StorageKind,
    ) -> ComponentId {
        debug_assert!(self.id_of::<T>().is_none(), "a component type is added once");
        let id = ComponentId::of::<T>();
        let (token, owner) = tokens.push();
        let store = ComponentStore::new(id.info(), kind, token, QArena::new(owner));
        if self.components.len() <= id.index() {
            self.components.resize_with(id.index() + 1, || None);
        }
        self.components[id.index()] = Some(store);
        if kind == StorageKind::SparseSet {
            self.sparse_ids.push(id);
            self.sparse_types.push((TypeId::of::<T>(), id));
        }
        self.component_ids.insert(TypeId::of::<T>(), id);
        id
    }
}
