//! `World`: entities and their components, resources, and the tokens that guard them.

use std::any::TypeId;

use smallvec::SmallVec;

use crate::bundle::{Bundle, BundleTypes};
use crate::component::{Component, ComponentId, StorageKind};
use crate::entity::{Entity, WorldId};
use crate::error::{ComponentError, EntityError, ResourceError};
use crate::storage::{ColumnBatch, ColumnBatchError, ColumnsBundle, Storage, TokenId, Tokens};

/// Entities, their components and the world's resources.
///
/// A world is two halves: a [`Storage`] that holds the data and is only ever shared while
/// systems run, and [`Tokens`], one token per component type and per resource type, whose
/// borrows decide who may read (`&token`) or write (`&mut token`) what. The methods here
/// borrow both halves at once; [`split`](World::split) hands them out separately.
///
/// # Examples
///
/// ```
/// use cellar::World;
///
/// #[derive(Debug, PartialEq)]
/// struct Position(f32, f32);
/// #[derive(Debug, PartialEq)]
/// struct Velocity(f32, f32);
///
/// let mut world = World::new();
/// let e = world.spawn((Position(0.0, 0.0), Velocity(1.0, 1.0)));
/// for (p, v) in world.query_mut::<(&mut Position, &Velocity)>() {
///     p.0 += v.0;
/// }
/// assert_eq!(world.get::<Position>(e), Ok(&Position(1.0, 0.0)));
/// ```
#[derive(Debug)]
pub struct World {
    pub(crate) storage: Storage,
    pub(crate) tokens: Tokens,
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

impl World {
    /// An empty world with a fresh [`WorldId`].
    ///
    /// ```
    /// let world = cellar::World::new();
    /// assert!(world.is_empty());
    /// ```
    pub fn new() -> Self {
        World { storage: Storage::new(WorldId::next()), tokens: Tokens::default() }
    }

    /// This world's id, which every entity it spawns carries.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert_eq!(world.spawn(()).world_id(), world.id());
    /// ```
    pub fn id(&self) -> WorldId {
        self.storage.world_id()
    }

    /// The two halves: the storage, shared, and the tokens, exclusive.
    ///
    /// This is how the schedule runs systems in parallel: every system gets `&Storage` and the
    /// tokens lent to it out of `&mut Tokens`.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let (storage, tokens) = world.split();
    /// assert_eq!(storage.len(), 0);
    /// assert_eq!(tokens.len(), 0);
    /// ```
    pub fn split(&mut self) -> (&Storage, &mut Tokens) {
        (&self.storage, &mut self.tokens)
    }

    /// The storage half, shared.
    ///
    /// ```
    /// assert!(cellar::World::new().storage().is_empty());
    /// ```
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The tokens, shared: enough to read every column and resource.
    ///
    /// ```
    /// assert!(cellar::World::new().tokens().is_empty());
    /// ```
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// The current change tick.
    ///
    /// ```
    /// assert!(cellar::World::new().change_tick() >= 1);
    /// ```
    pub fn change_tick(&self) -> u32 {
        self.storage.change_tick()
    }

    /// The token of component type `type_id`, if this world uses it.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_component::<u8>();
    /// assert!(world.component_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn component_token(&self, type_id: TypeId) -> Option<TokenId> {
        self.storage.component_token(type_id)
    }

    /// The token of resource type `type_id`, if this world has registered it.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.register_resource::<u8>();
    /// assert!(world.resource_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn resource_token(&self, type_id: TypeId) -> Option<TokenId> {
        self.storage.resource_token(type_id)
    }

    // ----------------------------------------------------------------------------------
    // Component types

    /// Makes `T` known to this world (its token and column arena), as a table component
    /// unless it was registered sparse before; returns its id. Idempotent.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let a = world.register_component::<u8>();
    /// assert_eq!(a, world.register_component::<u8>());
    /// ```
    pub fn register_component<T: Component>(&mut self) -> ComponentId {
        self.init_component::<T>()
    }

    /// Makes `T` a sparse-set component in this world. Must come before `T`'s first use;
    /// afterwards it returns `Err` with the storage kind `T` already has (`Ok` if that is
    /// already sparse).
    ///
    /// ```
    /// use cellar::{StorageKind, World};
    ///
    /// struct Burning;
    /// let mut world = World::new();
    /// world.register_sparse::<Burning>().unwrap();
    /// let e = world.spawn((1u32,));
    /// world.insert(e, (Burning,)).unwrap(); // no row moves: Burning lives in a sparse set
    /// assert!(world.has::<Burning>(e));
    /// world.spawn((2u8,));
    /// assert_eq!(world.register_sparse::<u8>(), Err(StorageKind::Table));
    /// ```
    pub fn register_sparse<T: Component>(&mut self) -> Result<(), StorageKind> {
        match self.storage_kind::<T>() {
            Some(StorageKind::SparseSet) => Ok(()),
            Some(kind) => Err(kind),
            None => {
                self.storage.add_component::<T>(&mut self.tokens, StorageKind::SparseSet);
                Ok(())
            }
        }
    }

    /// How this world stores `T`, or `None` if it has not used `T` yet.
    ///
    /// ```
    /// use cellar::{StorageKind, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// assert_eq!(world.storage_kind::<u8>(), Some(StorageKind::Table));
    /// ```
    pub fn storage_kind<T: Component>(&self) -> Option<StorageKind> {
        let id = self.storage.id_of::<T>()?;
        Some(self.storage.store(id).kind())
    }

    pub(crate) fn init_component<T: Component>(&mut self) -> ComponentId {
        self.storage.init_component::<T>(&mut self.tokens)
    }

    // ----------------------------------------------------------------------------------
    // Bundles and structural changes: the storage's row operations, with the bundle's code.

    #[inline]
    fn init_bundle<B: Bundle>(&mut self) {
        if !self.storage.has_bundle(TypeId::of::<B>()) {
            self.add_bundle::<B>();
        }
    }

    #[cold]
    fn add_bundle<B: Bundle>(&mut self) {
        let types = BundleTypes::of::<B>();
        for (i, id) in types.ids.iter().enumerate() {
            if types.ids[..i].contains(id) {
                panic!(
                    "bundle {} holds {} twice: a bundle holds at most one component of a type",
                    std::any::type_name::<B>(),
                    types.names[i]
                );
            }
        }
        let ids: SmallVec<[ComponentId; 8]> = (types.registrars.iter())
            .map(|register| register(&mut self.storage, &mut self.tokens))
            .collect();
        self.storage.add_bundle(TypeId::of::<B>(), &ids);
    }

    /// The insert edge of bundle `B` out of table `from`, made (with the bundle) if new: the
    /// cold half of a cached edge lookup, apart so that the hot half keeps no key around.
    #[cold]
    #[inline(never)]
    fn new_insert_edge<B: Bundle>(&mut self, from: u32) -> u32 {
        self.init_bundle::<B>();
        self.storage.find_insert_edge(from, TypeId::of::<B>())
    }

    /// The remove edge of bundle `B` out of table `from`, as
    /// [`new_insert_edge`](World::new_insert_edge).
    #[cold]
    #[inline(never)]
    fn new_remove_edge<B: Bundle>(&mut self, from: u32) -> u32 {
        self.init_bundle::<B>();
        self.storage.find_remove_edge(from, TypeId::of::<B>())
    }

    /// Spawns an entity with the components of `bundle`.
    ///
    /// # Panics
    ///
    /// If the bundle type holds two components of one type, or (a wrong hand-written
    /// [`Bundle`]) its `write` puts fewer or other values than its `visit` declares; the
    /// world is then as before.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8, "name"));
    /// assert_eq!(world.get::<&str>(e), Ok(&"name"));
    /// ```
    pub fn spawn<B: Bundle>(&mut self, bundle: B) -> Entity {
        self.init_bundle::<B>();
        self.storage.spawn(TypeId::of::<B>(), |w| bundle.write(w))
    }

    /// Spawns one entity per bundle and returns the new entities, in order, as a slice
    /// borrowed from the world (`.to_vec()` keeps them): nothing is allocated for callers
    /// who do not need them.
    ///
    /// The fast way to spawn many entities of one kind: room is reserved once for the whole
    /// batch (from the iterator's lower size bound, so pass one that knows its length: a
    /// range or a `Vec` mapped to bundles, not a `filter`), and the rows' change ticks are
    /// filled in one pass. A tuple bundle whose components all live in tables has each
    /// column's type checked once per batch and its values moved straight into the columns;
    /// a derived bundle, or one with sparse components, goes through its `write` per entity.
    /// If the iterator or a bundle's code panics, the entities spawned before stay.
    ///
    /// # Panics
    ///
    /// As [`spawn`](World::spawn).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let es = world.spawn_batch((0..100u32).map(|i| (i, i as f32))).to_vec();
    /// assert_eq!(es.len(), 100);
    /// assert_eq!(world.get::<f32>(es[7]), Ok(&7.0));
    /// world.spawn_batch((0..10u32).map(|i| (i,))); // the entities unused
    /// assert_eq!(world.len(), 110);
    /// ```
    pub fn spawn_batch<B, I>(&mut self, bundles: I) -> &[Entity]
    where
        B: Bundle,
        I: IntoIterator<Item = B>,
    {
        B::spawn_batch_into(self, bundles.into_iter())
    }

    /// [`spawn_batch`](World::spawn_batch) through the bundle writer: any bundle.
    pub(crate) fn spawn_batch_by_writer<B: Bundle>(
        &mut self,
        bundles: impl Iterator<Item = B>,
    ) -> &[Entity] {
        self.init_bundle::<B>();
        // A closure, not `B::write`: closures are inlined into the batch loop more readily.
        self.storage
            .spawn_batch(TypeId::of::<B>(), bundles, |bundle: B, writer| bundle.write(writer))
    }

    /// [`spawn_batch`](World::spawn_batch) for a tuple bundle: straight into columns typed
    /// once per batch when all its components live in tables, else through the writer.
    pub(crate) fn spawn_batch_by_columns<B: Bundle + ColumnsBundle>(
        &mut self,
        bundles: impl Iterator<Item = B>,
    ) -> &[Entity] {
        self.init_bundle::<B>();
        let key = TypeId::of::<B>();
        if self.storage.spawns_into_table_only(key) {
            self.storage.spawn_batch_typed(key, bundles)
        } else {
            self.spawn_batch_by_writer(bundles)
        }
    }

    /// Spawns one entity per element of the batch's `Vec`s, moving each `Vec` into its
    /// column in one copy; returns the new entities, as [`spawn_batch`](World::spawn_batch)
    /// does.
    ///
    /// # Errors
    ///
    /// [`ColumnBatchError`] if the `Vec`s differ in length or two hold one type; nothing is
    /// spawned then.
    ///
    /// ```
    /// use cellar::{ColumnBatch, World};
    ///
    /// let mut world = World::new();
    /// let positions: Vec<[f32; 2]> = (0..100).map(|i| [i as f32, 0.0]).collect();
    /// let batch = ColumnBatch::new().with(positions).with(vec![1u8; 100]);
    /// let es = world.spawn_column_batch(batch).unwrap().to_vec();
    /// assert_eq!(world.get::<[f32; 2]>(es[42]), Ok(&[42.0, 0.0]));
    /// ```
    pub fn spawn_column_batch(
        &mut self,
        batch: ColumnBatch,
    ) -> Result<&[Entity], ColumnBatchError> {
        let (n, columns) = batch.into_columns()?;
        let ids: SmallVec<[ComponentId; 8]> =
            (columns.iter()).map(|c| (c.register)(&mut self.storage, &mut self.tokens)).collect();
        Ok(self.storage.spawn_columns(n, &ids, columns))
    }

    /// Despawns `entity`, dropping all its components.
    ///
    /// The entity is gone from every table and sparse set before the first component's
    /// `Drop` runs, so a `Drop` that panics leaves the world consistent (the other values
    /// are still dropped).
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] for a despawned, stale or foreign entity.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((String::from("x"),));
    /// assert!(world.despawn(e).is_ok());
    /// assert!(world.despawn(e).is_err());
    /// ```
    pub fn despawn(&mut self, entity: Entity) -> Result<(), EntityError> {
        self.storage.despawn(entity)
    }

    /// Despawns `entity` and returns its components of bundle `B`, dropping the others: one
    /// row removal, where `remove` then `despawn` would move the row first.
    ///
    /// # Errors
    ///
    /// [`ComponentError::NoSuchEntity`] for a despawned, stale or foreign entity;
    /// [`ComponentError::Missing`] naming the first component of `B` the entity lacks (then
    /// nothing changes).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8, 2u16, String::from("dropped")));
    /// assert_eq!(world.take::<(u16, u8)>(e), Ok((2, 1)));
    /// assert!(!world.contains(e));
    /// ```
    pub fn take<B: Bundle>(&mut self, entity: Entity) -> Result<B, ComponentError> {
        if !self.storage.contains(entity) {
            return Err(ComponentError::NoSuchEntity(entity));
        }
        self.init_bundle::<B>();
        self.storage.take(entity, TypeId::of::<B>(), B::take)
    }

    /// Adds the components of `bundle` to `entity`; a component it already has is
    /// overwritten (the old value is dropped).
    ///
    /// The values go in before the row moves: if an old value's `Drop` panics (or a
    /// hand-written bundle's `write` does), the values put so far into new columns are taken
    /// back and the entity keeps its row; it reads its own values either way.
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] for a despawned, stale or foreign entity; the bundle is
    /// dropped then.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8,));
    /// world.insert(e, (2u8, 3u16)).unwrap();
    /// assert_eq!(world.get::<u8>(e), Ok(&2));
    /// assert_eq!(world.get::<u16>(e), Ok(&3));
    /// ```
    #[inline]
    pub fn insert<B: Bundle>(&mut self, entity: Entity, bundle: B) -> Result<(), EntityError> {
        bundle.insert_into(self, entity)
    }

    /// [`insert`](World::insert) through the bundle writer (any bundle type).
    pub(crate) fn insert_bundle<B: Bundle>(
        &mut self,
        entity: Entity,
        bundle: B,
    ) -> Result<(), EntityError> {
        let loc = self.storage.location(entity).ok_or(EntityError::NoSuchEntity(entity))?;
        // One lookup on the hot path: the cached edge; the bundle is known if it exists.
        let edge = match self.storage.cached_insert_edge(loc.table, TypeId::of::<B>()) {
            Some(edge) => edge,
            None => self.new_insert_edge::<B>(loc.table),
        };
        self.storage.insert_along(entity, loc, edge, |w| bundle.write(w));
        Ok(())
    }

    /// [`insert`](World::insert) of the bundle `(T,)`: a sparse `T` goes straight to its set;
    /// a table `T` takes one edge lookup, then the value moves in typed, with no writer.
    #[inline]
    pub(crate) fn insert_one<T: Component>(
        &mut self,
        entity: Entity,
        value: T,
    ) -> Result<(), EntityError> {
        let loc = self.storage.location(entity).ok_or(EntityError::NoSuchEntity(entity))?;
        let Err(value) = self.storage.insert_sparse_one(entity, value) else { return Ok(()) };
        let edge = match self.storage.cached_insert_edge(loc.table, TypeId::of::<(T,)>()) {
            Some(edge) => edge,
            None => self.new_insert_edge::<(T,)>(loc.table),
        };
        self.storage.insert_one_along(entity, loc, edge, value);
        Ok(())
    }

    /// Adds one bundle to each of many entities. Entities of one table that come one after
    /// another (as a query yields them) move together: one edge lookup per run of them.
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] naming the first dead, stale or foreign entity; its
    /// bundle is dropped, and every live entity still gets its bundle.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let es = world.spawn_batch((0..4u32).map(|i| (i,))).to_vec();
    /// world.insert_batch(es.iter().map(|&e| (e, (1.5f32,)))).unwrap();
    /// assert_eq!(world.query::<(&u32, &f32)>().count(), 4);
    /// ```
    pub fn insert_batch<B, I>(&mut self, items: I) -> Result<(), EntityError>
    where
        B: Bundle,
        I: IntoIterator<Item = (Entity, B)>,
    {
        self.init_bundle::<B>();
        self.storage.insert_batch(TypeId::of::<B>(), items, B::write)
    }

    /// Removes the components of bundle `B` from `entity` and returns them.
    ///
    /// # Errors
    ///
    /// [`ComponentError::NoSuchEntity`] for a despawned, stale or foreign entity;
    /// [`ComponentError::Missing`] naming the first component of `B` the entity lacks (then
    /// nothing is removed).
    ///
    /// ```
    /// use cellar::{ComponentError, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8, 2u16, 3u32));
    /// assert_eq!(world.remove::<(u8, u32)>(e), Ok((1, 3)));
    /// assert_eq!(
    ///     world.remove::<(u8,)>(e),
    ///     Err(ComponentError::Missing { entity: e, component: "u8" })
    /// );
    /// assert_eq!(world.get::<u16>(e), Ok(&2));
    /// ```
    #[inline]
    pub fn remove<B: Bundle>(&mut self, entity: Entity) -> Result<B, ComponentError> {
        B::remove_from(self, entity)
    }

    /// [`remove`](World::remove) through the bundle reader (any bundle type).
    pub(crate) fn remove_bundle<B: Bundle>(&mut self, entity: Entity) -> Result<B, ComponentError> {
        let loc = self.storage.location(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let edge = match self.storage.cached_remove_edge(loc.table, TypeId::of::<B>()) {
            Some(edge) => edge,
            None => self.new_remove_edge::<B>(loc.table),
        };
        self.storage.remove_along(entity, loc, edge, B::take)
    }

    /// [`remove`](World::remove) of the bundle `(T,)`: a sparse `T` comes straight out of its
    /// set; a table `T` takes one edge lookup, then the value moves out typed, with no
    /// reader.
    #[inline]
    pub(crate) fn remove_one<T: Component>(&mut self, entity: Entity) -> Result<T, ComponentError> {
        if let Some(sparse) = self.storage.remove_sparse_one::<T>(entity) {
            return sparse;
        }
        let loc = self.storage.location(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let edge = match self.storage.cached_remove_edge(loc.table, TypeId::of::<(T,)>()) {
            Some(edge) => edge,
            None => self.new_remove_edge::<(T,)>(loc.table),
        };
        self.storage.remove_one_along(entity, loc, edge)
    }

    /// Removes bundle `B` from each of many entities, dropping the values; returns how many
    /// had all of `B` (the others, and dead entities, are left as they are). Entities of one
    /// table that come one after another move together: one edge lookup per run of them.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let es = world.spawn_batch((0..4u32).map(|i| (i, 1u8))).to_vec();
    /// assert_eq!(world.remove_batch::<(u8,), _>(es.iter().copied()), 4);
    /// assert_eq!(world.query::<&u8>().count(), 0);
    /// ```
    pub fn remove_batch<B, I>(&mut self, entities: I) -> usize
    where
        B: Bundle,
        I: IntoIterator<Item = Entity>,
    {
        self.init_bundle::<B>();
        self.storage.remove_batch(TypeId::of::<B>(), entities, B::take)
    }

    /// Despawns every entity (dropping their components); resources stay.
    ///
    /// Every entity, table and sparse set is emptied before the first `Drop` runs.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8,));
    /// world.clear();
    /// assert!(world.is_empty() && !world.contains(e));
    /// ```
    pub fn clear(&mut self) {
        self.storage.clear();
    }

    // ----------------------------------------------------------------------------------
    // Entities and single components

    /// The number of live entities.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.spawn(());
    /// assert_eq!(world.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.storage.len()
    }

    /// Whether there are no live entities.
    ///
    /// ```
    /// assert!(cellar::World::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.storage.is_empty()
    }

    /// Whether `entity` is alive in this world.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn(());
    /// assert!(world.contains(e));
    /// world.despawn(e).unwrap();
    /// assert!(!world.contains(e));
    /// ```
    pub fn contains(&self, entity: Entity) -> bool {
        self.storage.contains(entity)
    }

    /// Whether `entity` is alive and has a `T`.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u8,));
    /// assert!(world.has::<u8>(e) && !world.has::<u16>(e));
    /// ```
    pub fn has<T: Component>(&self, entity: Entity) -> bool {
        self.get::<T>(entity).is_ok()
    }

    /// Reads `entity`'s `T`.
    ///
    /// # Errors
    ///
    /// [`ComponentError::NoSuchEntity`] for a despawned, stale or foreign entity,
    /// [`ComponentError::Missing`] if it has no `T`, [`ComponentError::WrongToken`] if safe
    /// code swapped or replaced the world's owners through [`split`](World::split).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1.5f32,));
    /// assert_eq!(world.get::<f32>(e), Ok(&1.5));
    /// ```
    pub fn get<T: Component>(&self, entity: Entity) -> Result<&T, ComponentError> {
        let (store, pos, row, _) = self.storage.slot_of::<T>(entity)?;
        let owner = self.tokens.get(store.token()).expect("every store has its token");
        let wrong = ComponentError::WrongToken { component: std::any::type_name::<T>() };
        let columns = store.columns().as_slice(owner).map_err(|_| wrong)?;
        Ok(&columns[pos].as_slice::<T>()[row])
    }

    /// Writes `entity`'s `T`; the row counts as changed (for [`Changed`](crate::Changed)).
    ///
    /// # Errors
    ///
    /// As [`get`](World::get).
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let e = world.spawn((1u32,));
    /// *world.get_mut::<u32>(e).unwrap() += 1;
    /// assert_eq!(world.get::<u32>(e), Ok(&2));
    /// ```
    pub fn get_mut<T: Component>(&mut self, entity: Entity) -> Result<&mut T, ComponentError> {
        let (store, pos, row, ticks) = self.storage.slot_of::<T>(entity)?;
        ticks.changed.store(self.storage.change_tick());
        let owner = self.tokens.get_mut(store.token()).expect("every store has its token");
        let wrong = ComponentError::WrongToken { component: std::any::type_name::<T>() };
        let columns = store.columns().as_mut_slice(owner).map_err(|_| wrong)?;
        Ok(&mut columns[pos].as_mut_slice::<T>()[row])
    }

    // ----------------------------------------------------------------------------------
    // Resources

    /// Makes resource type `R` known to this world (its token and cell) without a value;
    /// returns its token. Idempotent.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert_eq!(t, world.register_resource::<u8>());
    /// assert!(!world.contains_resource::<u8>());
    /// ```
    pub fn register_resource<R: Send + Sync + 'static>(&mut self) -> TokenId {
        self.storage.register_resource::<R>(&mut self.tokens)
    }

    /// Inserts resource `value`, returning the one it replaces.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// assert_eq!(world.insert_resource(1u8), None);
    /// assert_eq!(world.insert_resource(2u8), Some(1));
    /// ```
    pub fn insert_resource<R: Send + Sync + 'static>(&mut self, value: R) -> Option<R> {
        self.register_resource::<R>();
        self.storage.insert_resource(value)
    }

    /// Reads resource `R`.
    ///
    /// # Errors
    ///
    /// [`ResourceError::Missing`] if there is none.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.insert_resource(String::from("hi"));
    /// assert_eq!(world.resource::<String>().unwrap(), "hi");
    /// ```
    pub fn resource<R: Send + Sync + 'static>(&self) -> Result<&R, ResourceError> {
        let missing = ResourceError::Missing { resource: std::any::type_name::<R>() };
        let token = self.storage.resource_token(TypeId::of::<R>()).ok_or(missing)?;
        let owner = self.tokens.get(token).expect("every resource has its token");
        self.storage.resource::<R>(owner).ok_or(missing)
    }

    /// Writes resource `R`.
    ///
    /// # Errors
    ///
    /// [`ResourceError::Missing`] if there is none.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.insert_resource(1u64);
    /// *world.resource_mut::<u64>().unwrap() += 1;
    /// assert_eq!(world.resource::<u64>(), Ok(&2));
    /// ```
    pub fn resource_mut<R: Send + Sync + 'static>(&mut self) -> Result<&mut R, ResourceError> {
        let missing = ResourceError::Missing { resource: std::any::type_name::<R>() };
        let token = self.storage.resource_token(TypeId::of::<R>()).ok_or(missing)?;
        let owner = self.tokens.get_mut(token).expect("every resource has its token");
        self.storage.resource_mut::<R>(owner).ok_or(missing)
    }

    /// Removes resource `R` and returns it; its token stays.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.insert_resource(7i32);
    /// assert_eq!(world.remove_resource::<i32>(), Some(7));
    /// assert_eq!(world.remove_resource::<i32>(), None);
    /// ```
    pub fn remove_resource<R: Send + Sync + 'static>(&mut self) -> Option<R> {
        self.storage.remove_resource::<R>()
    }

    /// Whether the world has a resource `R`.
    ///
    /// ```
    /// let mut world = cellar::World::new();
    /// world.insert_resource(1u8);
    /// assert!(world.contains_resource::<u8>() && !world.contains_resource::<u16>());
    /// ```
    pub fn contains_resource<R: Send + Sync + 'static>(&self) -> bool {
        self.resource::<R>().is_ok()
    }
}
