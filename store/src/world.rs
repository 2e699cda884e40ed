//! `World`: entities and their components, resources, and the tokens that guard them.

use std::any::TypeId;

use cellar_tokens::arena::QArena;
use smallvec::SmallVec;

use crate::bundle::{
    Bundle, BundleInfo, BundleReader, BundleTypes, BundleWriter, Edge, RemoveEdge, Target,
};
use crate::component::{Component, ComponentId, StorageKind};
use crate::entity::{Entities, Entity, Location, WorldId};
use crate::error::{ComponentError, EntityError, ResourceError};
use crate::row_move::{self, move_row};
use crate::storage::{ComponentStore, ResourceSlot, SparseSet, Storage, Table, TokenId, Tokens};

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
/// use cellar_store::World;
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
    /// let world = cellar_store::World::new();
    /// assert!(world.is_empty());
    /// ```
    pub fn new() -> Self {
        World { storage: Storage::new(WorldId::next()), tokens: Tokens::default() }
    }

    /// This world's id, which every entity it spawns carries.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
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
    /// assert!(cellar_store::World::new().storage().is_empty());
    /// ```
    pub fn storage(&self) -> &Storage {
        &self.storage
    }

    /// The tokens, shared: enough to read every column and resource.
    ///
    /// ```
    /// assert!(cellar_store::World::new().tokens().is_empty());
    /// ```
    pub fn tokens(&self) -> &Tokens {
        &self.tokens
    }

    /// The current change tick.
    ///
    /// ```
    /// assert!(cellar_store::World::new().change_tick() >= 1);
    /// ```
    pub fn change_tick(&self) -> u32 {
        self.storage.change_tick()
    }

    /// The token of component type `type_id`, if this world uses it.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.register_component::<u8>();
    /// assert!(world.component_token(std::any::TypeId::of::<u8>()).is_some());
    /// ```
    pub fn component_token(&self, type_id: TypeId) -> Option<TokenId> {
        self.storage.component_token(type_id)
    }

    /// The token of resource type `type_id`, if this world has registered it.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
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
    /// use cellar_store::{StorageKind, World};
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
                self.add_component::<T>(StorageKind::SparseSet);
                Ok(())
            }
        }
    }

    /// How this world stores `T`, or `None` if it has not used `T` yet.
    ///
    /// ```
    /// use cellar_store::{StorageKind, World};
    /// let mut world = World::new();
    /// world.spawn((1u8,));
    /// assert_eq!(world.storage_kind::<u8>(), Some(StorageKind::Table));
    /// ```
    pub fn storage_kind<T: Component>(&self) -> Option<StorageKind> {
        let id = self.storage.id_of::<T>()?;
        Some(self.storage.store(id).kind)
    }

    pub(crate) fn init_component<T: Component>(&mut self) -> ComponentId {
        match self.storage.id_of::<T>() {
            Some(id) => id,
            None => self.add_component::<T>(StorageKind::Table),
        }
    }

    fn add_component<T: Component>(&mut self, kind: StorageKind) -> ComponentId {
        let id = ComponentId::of::<T>();
        let info = id.info();
        let (token, owner) = self.tokens.push();
        let mut columns = QArena::new(owner);
        let sparse = match kind {
            StorageKind::Table => None,
            StorageKind::SparseSet => {
                columns.insert(crate::column::Column::new(&info));
                Some(SparseSet::default())
            }
        };
        let components = &mut self.storage.components;
        if components.len() <= id.index() {
            components.resize_with(id.index() + 1, || None);
        }
        components[id.index()] = Some(ComponentStore { info, kind, token, columns, sparse });
        self.storage.component_ids.insert(TypeId::of::<T>(), id);
        id
    }

    // ----------------------------------------------------------------------------------
    // Bundles and structural changes

    #[inline]
    fn init_bundle<B: Bundle>(&mut self) {
        if !self.storage.bundles.contains_key(&TypeId::of::<B>()) {
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
        let ids: SmallVec<[ComponentId; 8]> =
            types.registrars.iter().map(|register| register(self)).collect();
        let mut table_ids: SmallVec<[ComponentId; 8]> = ids
            .iter()
            .copied()
            .filter(|&id| self.storage.store(id).kind == StorageKind::Table)
            .collect();
        table_ids.sort_unstable();
        let spawn_table = self.storage.table_for(table_ids.clone());
        let table = &self.storage.tables[spawn_table as usize];
        let spawn_targets = ids
            .iter()
            .map(|&id| match table.index_of(id) {
                Some(i) => Target::Push(table.positions[i]),
                None => Target::Sparse,
            })
            .collect();
        let info = BundleInfo { ids, table_ids, spawn_table, spawn_targets };
        self.storage.bundles.insert(TypeId::of::<B>(), info);
    }

    /// Spawns an entity with the components of `bundle`.
    ///
    /// # Panics
    ///
    /// If the bundle type holds two components of one type.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1u8, "name"));
    /// assert_eq!(world.get::<&str>(e), Ok(&"name"));
    /// ```
    pub fn spawn<B: Bundle>(&mut self, bundle: B) -> Entity {
        self.init_bundle::<B>();
        let tick = self.storage.tick.load();
        let Storage { entities, tables, components, bundles, .. } = &mut self.storage;
        let info = &bundles[&TypeId::of::<B>()];
        spawn_one(entities, tables, components, info, bundle, tick)
    }

    /// Spawns one entity per bundle, reserving room for all of them once; returns the
    /// entities in order.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let es = world.spawn_batch((0..100u32).map(|i| (i, i as f32)));
    /// assert_eq!(es.len(), 100);
    /// assert_eq!(world.get::<f32>(es[7]), Ok(&7.0));
    /// ```
    pub fn spawn_batch<B, I>(&mut self, bundles: I) -> Vec<Entity>
    where
        B: Bundle,
        I: IntoIterator<Item = B>,
    {
        self.init_bundle::<B>();
        let tick = self.storage.tick.load();
        let iter = bundles.into_iter();
        let n = iter.size_hint().0;
        let Storage { entities, tables, components, bundles, .. } = &mut self.storage;
        let info = &bundles[&TypeId::of::<B>()];
        let table = &mut tables[info.spawn_table as usize];
        table.entities.reserve(n);
        for ticks in table.ticks.iter_mut() {
            ticks.reserve(n);
        }
        for (&id, &target) in info.ids.iter().zip(&info.spawn_targets) {
            if let Target::Push(pos) = target {
                let store = components[id.index()].as_mut().expect("registered");
                store.columns.values_mut()[pos as usize].reserve(n);
            }
        }
        entities.slots.reserve(n);
        let mut out = Vec::with_capacity(n);
        for bundle in iter {
            out.push(spawn_one(entities, tables, components, info, bundle, tick));
        }
        out
    }

    /// Despawns `entity`, dropping all its components.
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] for a despawned, stale or foreign entity.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((String::from("x"),));
    /// assert!(world.despawn(e).is_ok());
    /// assert!(world.despawn(e).is_err());
    /// ```
    pub fn despawn(&mut self, entity: Entity) -> Result<(), EntityError> {
        let loc = self.storage.entities.free(entity).ok_or(EntityError::NoSuchEntity(entity))?;
        let Storage { entities, tables, components, .. } = &mut self.storage;
        let table = &mut tables[loc.table as usize];
        let row = loc.row as usize;
        table.entities.swap_remove(row);
        if let Some(&moved) = table.entities.get(row) {
            entities.get_mut(moved).expect("tables hold live entities").row = row as u32;
        }
        for (i, (&c, &pos)) in table.components.iter().zip(&table.positions).enumerate() {
            table.ticks[i].swap_remove(row);
            let store = components[c.index()].as_mut().expect("registered");
            store.columns.values_mut()[pos as usize].swap_remove_drop(row);
        }
        for store in components.iter_mut().flatten() {
            if store.sparse.is_some() {
                store.sparse_drop(entity);
            }
        }
        Ok(())
    }

    /// Adds the components of `bundle` to `entity`; a component it already has is
    /// overwritten (the old value is dropped).
    ///
    /// # Errors
    ///
    /// [`EntityError::NoSuchEntity`] for a despawned, stale or foreign entity; the bundle is
    /// dropped then.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1u8,));
    /// world.insert(e, (2u8, 3u16)).unwrap();
    /// assert_eq!(world.get::<u8>(e), Ok(&2));
    /// assert_eq!(world.get::<u16>(e), Ok(&3));
    /// ```
    pub fn insert<B: Bundle>(&mut self, entity: Entity, bundle: B) -> Result<(), EntityError> {
        let loc = self.storage.entities.get(entity).ok_or(EntityError::NoSuchEntity(entity))?;
        let edge = self.insert_edge::<B>(loc.table);
        let tick = self.storage.tick.load();
        let Storage { entities, tables, components, edges, .. } = &mut self.storage;
        let edge = &edges[edge];
        let row = match edge.table == loc.table {
            true => loc.row as usize,
            false => move_row(entities, tables, components, entity, loc, edge.table, &edge.moves),
        };
        let mut writer = BundleWriter {
            components,
            ids: &edge.ids,
            targets: &edge.targets,
            next: 0,
            entity,
            row,
            tick,
        };
        bundle.write(&mut writer);
        let table = &mut tables[edge.table as usize];
        for (&target, &i) in edge.targets.iter().zip(&edge.ticks) {
            let Some(i) = i else { continue };
            match target {
                Target::Push(_) => table.ticks[i as usize].push(tick, tick),
                Target::Replace(_) => table.ticks[i as usize].rows[row].changed.store(tick),
                Target::Sparse => {}
            }
        }
        Ok(())
    }

    /// The index in `Storage::edges` of the move made by inserting `B` into table `from`.
    #[inline]
    fn insert_edge<B: Bundle>(&mut self, from: u32) -> usize {
        match self.storage.tables[from as usize].insert_edges.get(&TypeId::of::<B>()) {
            Some(&edge) => edge as usize,
            None => self.add_insert_edge::<B>(from),
        }
    }

    #[cold]
    fn add_insert_edge<B: Bundle>(&mut self, from: u32) -> usize {
        self.init_bundle::<B>();
        let key = TypeId::of::<B>();
        let info = &self.storage.bundles[&key];
        let ids = info.ids.clone();
        let old = &self.storage.tables[from as usize];
        let mut set: SmallVec<[ComponentId; 8]> = old.components.iter().copied().collect();
        for &id in &info.table_ids {
            if !set.contains(&id) {
                set.push(id);
            }
        }
        set.sort_unstable();
        let to = self.storage.table_for(set);
        let (old, new) = (&self.storage.tables[from as usize], &self.storage.tables[to as usize]);
        let targets = ids
            .iter()
            .map(|&id| match new.index_of(id) {
                None => Target::Sparse,
                Some(i) if old.index_of(id).is_some() => Target::Replace(new.positions[i]),
                Some(i) => Target::Push(new.positions[i]),
            })
            .collect();
        let ticks = ids.iter().map(|&id| new.index_of(id).map(|i| i as u32)).collect();
        let moves = if to == from { Box::default() } else { row_move::plan(old, new) };
        let index = self.storage.edges.len();
        let ids = ids.as_slice().into();
        self.storage.edges.push(Edge { table: to, ids, targets, ticks, moves });
        self.storage.tables[from as usize].insert_edges.insert(key, index as u32);
        index
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
    /// use cellar_store::{ComponentError, World};
    /// let mut world = World::new();
    /// let e = world.spawn((1u8, 2u16, 3u32));
    /// assert_eq!(world.remove::<(u8, u32)>(e), Ok((1, 3)));
    /// assert_eq!(
    ///     world.remove::<(u8,)>(e),
    ///     Err(ComponentError::Missing { entity: e, component: "u8" })
    /// );
    /// assert_eq!(world.get::<u16>(e), Ok(&2));
    /// ```
    pub fn remove<B: Bundle>(&mut self, entity: Entity) -> Result<B, ComponentError> {
        let loc = self.storage.entities.get(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let edge = self.remove_edge::<B>(loc.table);
        let Storage { entities, tables, components, remove_edges, .. } = &mut self.storage;
        let edge = &remove_edges[edge];
        if !edge.all_present {
            // In bundle order, so the error names the first component the entity lacks.
            for (&id, &source) in edge.ids.iter().zip(&edge.sources) {
                let store = components[id.index()].as_ref().expect("registered");
                let present = match &store.sparse {
                    Some(set) => set.row(entity).is_some(),
                    None => source.is_some(),
                };
                if !present {
                    return Err(ComponentError::Missing { entity, component: store.info.name() });
                }
            }
        }
        let to = edge.table;
        let mut reader = BundleReader {
            components,
            ids: &edge.ids,
            sources: &edge.sources,
            next: 0,
            entity,
            row: loc.row as usize,
        };
        let value = B::take(&mut reader);
        if to != loc.table {
            move_row(entities, tables, components, entity, loc, to, &edge.moves);
        }
        Ok(value)
    }

    /// The index in `Storage::remove_edges` of the move made by removing `B` from table
    /// `from`.
    #[inline]
    fn remove_edge<B: Bundle>(&mut self, from: u32) -> usize {
        match self.storage.tables[from as usize].remove_edges.get(&TypeId::of::<B>()) {
            Some(&edge) => edge as usize,
            None => self.add_remove_edge::<B>(from),
        }
    }

    #[cold]
    fn add_remove_edge<B: Bundle>(&mut self, from: u32) -> usize {
        self.init_bundle::<B>();
        let key = TypeId::of::<B>();
        let info = &self.storage.bundles[&key];
        let table = &self.storage.tables[from as usize];
        let sources: Box<[Option<u32>]> = (info.ids.iter())
            .map(|&id| match self.storage.store(id).kind {
                StorageKind::Table => table.index_of(id).map(|i| table.positions[i]),
                StorageKind::SparseSet => None,
            })
            .collect();
        let all_present = sources.iter().all(Option::is_some);
        let ids = info.ids.as_slice().into();
        let set = table.components.iter().copied().filter(|c| !info.table_ids.contains(c));
        let to = self.storage.table_for(set.collect());
        let (old, new) = (&self.storage.tables[from as usize], &self.storage.tables[to as usize]);
        let moves = if to == from { Box::default() } else { row_move::plan(old, new) };
        let index = self.storage.remove_edges.len();
        let edge = RemoveEdge { table: to, ids, sources, all_present, moves };
        self.storage.remove_edges.push(edge);
        self.storage.tables[from as usize].remove_edges.insert(key, index as u32);
        index
    }

    /// Despawns every entity (dropping their components); resources stay.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1u8,));
    /// world.clear();
    /// assert!(world.is_empty() && !world.contains(e));
    /// ```
    pub fn clear(&mut self) {
        let Storage { entities, tables, components, .. } = &mut self.storage;
        entities.slots.clear();
        for table in tables.iter_mut() {
            table.entities.clear();
            for ticks in table.ticks.iter_mut() {
                ticks.clear();
            }
        }
        for store in components.iter_mut().flatten() {
            for column in store.columns.values_mut() {
                column.clear();
            }
            if let Some(set) = &mut store.sparse {
                set.index.clear();
                set.entities.clear();
                set.ticks.clear();
            }
        }
    }

    // ----------------------------------------------------------------------------------
    // Entities and single components

    /// The number of live entities.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.spawn(());
    /// assert_eq!(world.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.storage.len()
    }

    /// Whether there are no live entities.
    ///
    /// ```
    /// assert!(cellar_store::World::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.storage.is_empty()
    }

    /// Whether `entity` is alive in this world.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
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
    /// let mut world = cellar_store::World::new();
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
    /// [`ComponentError::Missing`] if it has no `T`.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1.5f32,));
    /// assert_eq!(world.get::<f32>(e), Ok(&1.5));
    /// ```
    pub fn get<T: Component>(&self, entity: Entity) -> Result<&T, ComponentError> {
        let loc = self.storage.entities.get(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let missing = ComponentError::Missing { entity, component: std::any::type_name::<T>() };
        let id = self.storage.id_of::<T>().ok_or(missing)?;
        let store = self.storage.store(id);
        let owner = self.tokens.get(store.token).expect("every store has its token");
        let columns = store.columns.as_slice(owner).expect("a world's own token owns its columns");
        let (pos, row) = match &store.sparse {
            None => {
                let table = &self.storage.tables[loc.table as usize];
                let i = table.index_of(id).ok_or(missing)?;
                (table.positions[i] as usize, loc.row as usize)
            }
            Some(set) => (0, set.row(entity).ok_or(missing)?),
        };
        Ok(&columns[pos].as_slice::<T>()[row])
    }

    /// Writes `entity`'s `T`; the row counts as changed (for [`Changed`](crate::Changed)).
    ///
    /// # Errors
    ///
    /// As [`get`](World::get).
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let e = world.spawn((1u32,));
    /// *world.get_mut::<u32>(e).unwrap() += 1;
    /// assert_eq!(world.get::<u32>(e), Ok(&2));
    /// ```
    pub fn get_mut<T: Component>(&mut self, entity: Entity) -> Result<&mut T, ComponentError> {
        let loc = self.storage.entities.get(entity).ok_or(ComponentError::NoSuchEntity(entity))?;
        let missing = ComponentError::Missing { entity, component: std::any::type_name::<T>() };
        let id = self.storage.id_of::<T>().ok_or(missing)?;
        let tick = self.storage.tick.load();
        let storage = &self.storage;
        let store = storage.store(id);
        let (pos, row) = match &store.sparse {
            None => {
                let table = &storage.tables[loc.table as usize];
                let i = table.index_of(id).ok_or(missing)?;
                table.ticks[i].rows[loc.row as usize].changed.store(tick);
                (table.positions[i] as usize, loc.row as usize)
            }
            Some(set) => {
                let row = set.row(entity).ok_or(missing)?;
                set.ticks.rows[row].changed.store(tick);
                (0, row)
            }
        };
        let owner = self.tokens.get_mut(store.token).expect("every store has its token");
        let columns =
            store.columns.as_mut_slice(owner).expect("a world's own token owns its columns");
        Ok(&mut columns[pos].as_mut_slice::<T>()[row])
    }

    // ----------------------------------------------------------------------------------
    // Resources

    /// Makes resource type `R` known to this world (its token and cell) without a value;
    /// returns its token. Idempotent.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// let t = world.register_resource::<u8>();
    /// assert_eq!(t, world.register_resource::<u8>());
    /// assert!(!world.contains_resource::<u8>());
    /// ```
    pub fn register_resource<R: Send + Sync + 'static>(&mut self) -> TokenId {
        if let Some(slot) = self.storage.resources.get(&TypeId::of::<R>()) {
            return slot.token;
        }
        let (token, owner) = self.tokens.push();
        let cell = QArena::new(owner);
        self.storage.resources.insert(TypeId::of::<R>(), ResourceSlot { token, cell, key: None });
        token
    }

    /// Inserts resource `value`, returning the one it replaces.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// assert_eq!(world.insert_resource(1u8), None);
    /// assert_eq!(world.insert_resource(2u8), Some(1));
    /// ```
    pub fn insert_resource<R: Send + Sync + 'static>(&mut self, value: R) -> Option<R> {
        self.register_resource::<R>();
        let slot = self.storage.resources.get_mut(&TypeId::of::<R>()).expect("registered");
        match slot.key {
            Some(_) => {
                let old = std::mem::replace(&mut slot.cell.values_mut()[0], Box::new(value));
                old.downcast::<R>().ok().map(|b| *b)
            }
            None => {
                slot.key = Some(slot.cell.insert(Box::new(value)));
                None
            }
        }
    }

    /// Reads resource `R`.
    ///
    /// # Errors
    ///
    /// [`ResourceError::Missing`] if there is none.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.insert_resource(String::from("hi"));
    /// assert_eq!(world.resource::<String>().unwrap(), "hi");
    /// ```
    pub fn resource<R: Send + Sync + 'static>(&self) -> Result<&R, ResourceError> {
        let missing = ResourceError::Missing { resource: std::any::type_name::<R>() };
        let slot = self.storage.resources.get(&TypeId::of::<R>()).ok_or(missing)?;
        let owner = self.tokens.get(slot.token).expect("every resource has its token");
        self.storage.resource::<R>(owner).ok_or(missing)
    }

    /// Writes resource `R`.
    ///
    /// # Errors
    ///
    /// [`ResourceError::Missing`] if there is none.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.insert_resource(1u64);
    /// *world.resource_mut::<u64>().unwrap() += 1;
    /// assert_eq!(world.resource::<u64>(), Ok(&2));
    /// ```
    pub fn resource_mut<R: Send + Sync + 'static>(&mut self) -> Result<&mut R, ResourceError> {
        let missing = ResourceError::Missing { resource: std::any::type_name::<R>() };
        let slot = self.storage.resources.get(&TypeId::of::<R>()).ok_or(missing)?;
        let owner = self.tokens.get_mut(slot.token).expect("every resource has its token");
        self.storage.resource_mut::<R>(owner).ok_or(missing)
    }

    /// Removes resource `R` and returns it; its token stays.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.insert_resource(7i32);
    /// assert_eq!(world.remove_resource::<i32>(), Some(7));
    /// assert_eq!(world.remove_resource::<i32>(), None);
    /// ```
    pub fn remove_resource<R: Send + Sync + 'static>(&mut self) -> Option<R> {
        let slot = self.storage.resources.get_mut(&TypeId::of::<R>())?;
        let value = slot.cell.remove(slot.key.take()?)?;
        value.downcast::<R>().ok().map(|b| *b)
    }

    /// Whether the world has a resource `R`.
    ///
    /// ```
    /// let mut world = cellar_store::World::new();
    /// world.insert_resource(1u8);
    /// assert!(world.contains_resource::<u8>() && !world.contains_resource::<u16>());
    /// ```
    pub fn contains_resource<R: Send + Sync + 'static>(&self) -> bool {
        self.resource::<R>().is_ok()
    }
}

fn spawn_one<B: Bundle>(
    entities: &mut Entities,
    tables: &mut [Table],
    components: &mut [Option<ComponentStore>],
    info: &BundleInfo,
    bundle: B,
    tick: u32,
) -> Entity {
    let table = &mut tables[info.spawn_table as usize];
    let row = table.entities.len();
    let entity = entities.alloc(Location { table: info.spawn_table, row: row as u32 });
    table.entities.push(entity);
    for ticks in table.ticks.iter_mut() {
        ticks.push(tick, tick);
    }
    let mut writer = BundleWriter {
        components,
        ids: &info.ids,
        targets: &info.spawn_targets,
        next: 0,
        entity,
        row,
        tick,
    };
    bundle.write(&mut writer);
    assert_eq!(writer.next, info.ids.len(), "Bundle::write put fewer values than declared");
    entity
}
