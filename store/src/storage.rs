//! The shared half of a world: entities, archetype tables, component columns in token cells,
//! sparse sets, resources and the change tick.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use cellar_tokens::arena::{DefaultKey, QArena, QCellOwner};
use smallvec::SmallVec;

use crate::bundle::BundleInfo;
use crate::column::Column;
use crate::component::{ComponentId, ComponentInfo, StorageKind};
use crate::entity::{Entities, Entity, WorldId};
use crate::primitives::AtomicCell;
pub(crate) use crate::ticks::{RowTicks, Ticks};

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

/// The index of one token (a [`QCellOwner`]) in a world's [`Tokens`]: one per component type
/// and one per resource type used in the world.
///
/// # Examples
///
/// ```
/// use cellar_store::World;
/// use std::any::TypeId;
///
/// let mut world = World::new();
/// world.spawn((1u8,));
/// world.insert_resource(2u16);
/// let c = world.component_token(TypeId::of::<u8>()).unwrap();
/// let r = world.resource_token(TypeId::of::<u16>()).unwrap();
/// assert_ne!(c, r);
/// assert!(c.index() < world.tokens().len() && r.index() < world.tokens().len());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub(crate) u32);

impl TokenId {
    /// The token's index in [`Tokens`] (and in the order of [`Tokens::iter_mut`]).
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert!(world.tokens().get(t).is_some());
    /// assert_eq!(t.index(), world.tokens().len() - 1);
    /// ```
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The exclusive half of a world: one [`QCellOwner`] per component type and per resource
/// type, indexed by [`TokenId`].
///
/// Whoever holds `&Tokens` may read every column and resource; `&mut Tokens` may write them.
/// [`iter_mut`](Tokens::iter_mut) splits `&mut Tokens` into one `&mut QCellOwner` per token,
/// which the schedule lends to the systems of one batch (exclusive to a writer, shared among
/// readers) in safe code.
///
/// # Examples
///
/// ```
/// use cellar_store::World;
///
/// let mut world = World::new();
/// world.insert_resource(1u32);
/// let (storage, tokens) = world.split();
/// let t = storage.resource_token(std::any::TypeId::of::<u32>()).unwrap();
/// let owner = tokens.get_mut(t).unwrap();
/// *storage.resource_mut::<u32>(owner).unwrap() += 1;
/// assert_eq!(*world.resource::<u32>().unwrap(), 2);
/// ```
#[derive(Default)]
pub struct Tokens {
    owners: Vec<QCellOwner>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens").field("len", &self.owners.len()).finish()
    }
}

impl Tokens {
    pub(crate) fn push(&mut self) -> (TokenId, &QCellOwner) {
        self.owners.push(QCellOwner::new());
        let id = TokenId((self.owners.len() - 1) as u32);
        (id, &self.owners[id.index()])
    }

    /// How many tokens the world has.
    ///
    /// ```
    /// assert_eq!(cellar_store::World::new().tokens().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.owners.len()
    }

    /// Whether the world has no tokens yet.
    ///
    /// ```
    /// assert!(cellar_store::World::new().tokens().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// One token, shared.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert!(world.tokens().get(t).is_some());
    /// ```
    #[inline]
    pub fn get(&self, id: TokenId) -> Option<&QCellOwner> {
        self.owners.get(id.index())
    }

    /// One token, exclusive.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let t = world.register_resource::<u8>();
    /// let (_, tokens) = world.split();
    /// assert!(tokens.get_mut(t).is_some());
    /// ```
    #[inline]
    pub fn get_mut(&mut self, id: TokenId) -> Option<&mut QCellOwner> {
        self.owners.get_mut(id.index())
    }

    /// Every token, shared, in [`TokenId`] order.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.register_resource::<u8>();
    /// assert_eq!(world.tokens().iter().count(), 1);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, QCellOwner> {
        self.owners.iter()
    }

    /// Every token, exclusive and disjoint, in [`TokenId`] order: how the schedule splits the
    /// tokens among the systems of a batch.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.register_resource::<u8>();
    /// world.register_resource::<u16>();
    /// let (_, tokens) = world.split();
    /// let owners: Vec<_> = tokens.iter_mut().collect();
    /// assert_eq!(owners.len(), 2);
    /// ```
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, QCellOwner> {
        self.owners.iter_mut()
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [QCellOwner] {
        &mut self.owners
    }
}

/// One archetype table: the entities that have exactly one set of table components, and one
/// column per component (opaque; named by the query traits' plumbing). The columns themselves are not here: each sits in its component's
/// arena, inside that component's token cell, at `positions[i]`.
#[derive(Debug)]
pub struct Table {
    /// The table components, sorted.
    /// (Boxed slices, not small vectors: the row moves read them on every call.)
    pub(crate) components: Box<[ComponentId]>,
    /// For each component, the position of this table's column in the component's arena.
    /// Tables are never removed and each new table appends one column to each of its
    /// components' arenas, so positions grow with the table index.
    pub(crate) positions: Box<[u32]>,
    /// For each component, the rows' change ticks.
    pub(crate) ticks: Box<[Ticks]>,
    pub(crate) entities: Vec<Entity>,
    /// By bundle type: the index in `Storage::edges` of the move made by inserting it.
    pub(crate) insert_edges: IdMap<TypeId, u32>,
    /// By bundle type: the index in `Storage::remove_edges` of the move made by removing it.
    pub(crate) remove_edges: IdMap<TypeId, u32>,
}

impl Table {
    /// The index of `id` among this table's components.
    #[inline]
    pub(crate) fn index_of(&self, id: ComponentId) -> Option<usize> {
        if self.components.len() <= 8 {
            self.components.iter().position(|&c| c == id)
        } else {
            self.components.binary_search(&id).ok()
        }
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entities.len()
    }
}

/// A sparse set: which entities have the component, and where in the dense column.
///
/// The values themselves sit in the component's arena at position 0, in the token cell.
#[derive(Debug, Default)]
pub(crate) struct SparseSet {
    /// By entity slot index: the dense row, or `u32::MAX` for none.
    pub(crate) index: Vec<u32>,
    /// By dense row: the entity.
    pub(crate) entities: Vec<Entity>,
    pub(crate) ticks: Ticks,
}

impl SparseSet {
    #[inline]
    pub(crate) fn row(&self, e: Entity) -> Option<usize> {
        let row = *self.index.get(e.index() as usize)?;
        (row != u32::MAX && self.entities.get(row as usize) == Some(&e)).then_some(row as usize)
    }
}

/// Everything a world keeps about one component type.
#[derive(Debug)]
pub(crate) struct ComponentStore {
    pub(crate) info: ComponentInfo,
    pub(crate) kind: StorageKind,
    pub(crate) token: TokenId,
    /// The component's columns, in the cell of its token: one per table that has the
    /// component (table kind), or exactly one dense column (sparse kind).
    pub(crate) columns: QArena<Column>,
    pub(crate) sparse: Option<SparseSet>,
}

impl ComponentStore {
    /// Puts `value` in the sparse set for `e`, returning the value it replaced.
    pub(crate) fn sparse_put<T: 'static>(&mut self, e: Entity, value: T, tick: u32) -> Option<T> {
        let set = self.sparse.as_mut().expect("a sparse component has a sparse set");
        let column = &mut self.columns.values_mut()[0];
        if let Some(row) = set.row(e) {
            set.ticks.rows[row].changed.store(tick);
            return Some(std::mem::replace(&mut column.as_mut_slice::<T>()[row], value));
        }
        let i = e.index() as usize;
        if set.index.len() <= i {
            set.index.resize(i + 1, u32::MAX);
        }
        set.index[i] = set.entities.len() as u32;
        set.entities.push(e);
        set.ticks.push(tick, tick);
        column.push(value);
        None
    }

    /// Removes `e` from the sparse set, handing the removed row's position in the dense column
    /// to `take`, which must swap-remove that row from the column.
    fn sparse_remove_with<R>(
        &mut self,
        e: Entity,
        take: impl FnOnce(&mut Column, usize) -> R,
    ) -> Option<R> {
        let set = self.sparse.as_mut()?;
        let row = set.row(e)?;
        set.index[e.index() as usize] = u32::MAX;
        set.entities.swap_remove(row);
        set.ticks.swap_remove(row);
        if let Some(&moved) = set.entities.get(row) {
            set.index[moved.index() as usize] = row as u32;
        }
        Some(take(&mut self.columns.values_mut()[0], row))
    }

    pub(crate) fn sparse_take<T: 'static>(&mut self, e: Entity) -> Option<T> {
        self.sparse_remove_with(e, |c, row| c.swap_remove_take::<T>(row))
    }

    pub(crate) fn sparse_drop(&mut self, e: Entity) -> bool {
        self.sparse_remove_with(e, |c, row| c.swap_remove_drop(row)).is_some()
    }
}

/// One resource type: its token and, in that token's cell, the value if there is one.
#[derive(Debug)]
pub(crate) struct ResourceSlot {
    pub(crate) token: TokenId,
    pub(crate) cell: QArena<Box<dyn Any + Send + Sync>>,
    pub(crate) key: Option<DefaultKey>,
}

/// The shared half of a [`World`](crate::World): entities, tables, the columns (each in its
/// component's token cell), sparse sets, resources (each in its own token cell) and the
/// change tick.
///
/// `Storage` is `Sync`, and while systems run it is only ever shared: what a system may read
/// or write is decided by the tokens it holds, not by the storage. Structural changes
/// (spawning, despawning, moving rows) need `&mut World`.
///
/// # Examples
///
/// ```
/// use cellar_store::{Storage, World};
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
    pub(crate) entities: Entities,
    pub(crate) tables: Vec<Table>,
    pub(crate) table_ids: HashMap<SmallVec<[ComponentId; 8]>, u32>,
    /// By `ComponentId` index: what this world keeps about each component type it uses.
    pub(crate) components: Vec<Option<ComponentStore>>,
    /// The component types this world uses, by `TypeId`.
    pub(crate) component_ids: IdMap<TypeId, ComponentId>,
    pub(crate) resources: IdMap<TypeId, ResourceSlot>,
    pub(crate) bundles: IdMap<TypeId, BundleInfo>,
    /// The cached insert moves between tables (see `Table::insert_edges`).
    pub(crate) edges: Vec<crate::bundle::Edge>,
    /// The cached remove moves between tables (see `Table::remove_edges`).
    pub(crate) remove_edges: Vec<crate::bundle::RemoveEdge>,
    /// The world's change tick: rows written carry it; each query run takes a new one.
    pub(crate) tick: AtomicCell<u32>,
}

impl Storage {
    pub(crate) fn new(id: WorldId) -> Self {
        let mut storage = Storage {
            entities: Entities::new(id),
            tables: Vec::new(),
            table_ids: HashMap::new(),
            components: Vec::new(),
            component_ids: IdMap::default(),
            resources: IdMap::default(),
            bundles: IdMap::default(),
            edges: Vec::new(),
            remove_edges: Vec::new(),
            tick: AtomicCell::new(1),
        };
        storage.table_for(SmallVec::new());
        storage
    }

    /// The id of the world this storage belongs to.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let id = world.id();
    /// assert_eq!(world.split().0.world_id(), id);
    /// ```
    pub fn world_id(&self) -> WorldId {
        self.entities.world
    }

    /// The number of live entities.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.spawn(());
    /// assert_eq!(world.split().0.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there are no live entities.
    ///
    /// ```
    /// assert!(cellar_store::World::new().split().0.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `entity` is alive in this world.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn(());
    /// assert!(world.split().0.contains(e));
    /// ```
    pub fn contains(&self, entity: Entity) -> bool {
        self.entities.get(entity).is_some()
    }

    /// The current change tick (rows written now carry it).
    ///
    /// ```
    /// let world = cellar_store::World::new();
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
    /// let world = cellar_store::World::new();
    /// let (a, b) = (world.storage().next_run_tick(), world.storage().next_run_tick());
    /// assert!(b > a);
    /// ```
    pub fn next_run_tick(&self) -> u32 {
        self.tick.fetch_add(1)
    }

    /// The token that guards component type `type_id`'s columns, if this world uses it.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.spawn((1u8,));
    /// assert!(world.storage().component_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn component_token(&self, type_id: TypeId) -> Option<TokenId> {
        let id = self.component_ids.get(&type_id)?;
        Some(self.components[id.index()].as_ref()?.token)
    }

    /// The token that guards resource type `type_id`, if this world has registered it.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
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

    #[inline]
    pub(crate) fn store(&self, id: ComponentId) -> &ComponentStore {
        self.components[id.index()].as_ref().expect("component registered in this world")
    }

    #[inline]
    pub(crate) fn store_mut(&mut self, id: ComponentId) -> &mut ComponentStore {
        self.components[id.index()].as_mut().expect("component registered in this world")
    }

    /// The table for a sorted set of table components, made if it does not exist.
    pub(crate) fn table_for(&mut self, components: SmallVec<[ComponentId; 8]>) -> u32 {
        if let Some(&t) = self.table_ids.get(&components) {
            return t;
        }
        let t = self.tables.len() as u32;
        let mut positions = Vec::with_capacity(components.len());
        let mut ticks = Vec::with_capacity(components.len());
        for &c in &components {
            let store = self.store_mut(c);
            let column = Column::new(&store.info);
            let key = store.columns.insert(column);
            let pos = store.columns.position(key).expect("just inserted");
            debug_assert_eq!(pos + 1, store.columns.len(), "new columns go last");
            positions.push(pos as u32);
            ticks.push(Ticks::default());
        }
        self.tables.push(Table {
            components: components.as_slice().into(),
            positions: positions.into_boxed_slice(),
            ticks: ticks.into_boxed_slice(),
            entities: Vec::new(),
            insert_edges: IdMap::default(),
            remove_edges: IdMap::default(),
        });
        self.table_ids.insert(components, t);
        t
    }
}
