//! Save and load (the `serde` feature): a snapshot as bytes, in a versioned format over
//! postcard, and back. Loading checks everything before a world is touched: malformed,
//! truncated or foreign bytes are an `Err`, never a panic or a world that breaks its own
//! invariants.
//!
//! # The format
//!
//! `MAGIC`, then [`FORMAT_VERSION`] as 4 little-endian bytes, then one postcard value:
//! the entity slots' generations and free list, the names of the component types, each table
//! (its components, entities by [`Entity::to_bits`](crate::Entity::to_bits), one postcard blob
//! of values per column), the sparse sets, and the resources by type name. Change ticks are
//! not saved: loaded values count as added and changed at the load.

use std::any::TypeId;
use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use slotmap::KeyData;

use crate::component::{Component, ComponentId};
use crate::entity::{Entity, EntityKey, Location};
use crate::entity_slots::{EntitySlots, SavedSlots};
use crate::primitives::{Lazy, RwLock};
use crate::storage::Column;
use crate::storage::TokenId;
use crate::world::World;

use super::registry::{self, AnyResource};
use super::{ColumnCopy, ResourceCopy, Snapshot, SnapshotError, SparseCopy, TableCopy};

/// The first bytes of every save.
const MAGIC: &[u8; 8] = b"cellar\0s";

/// The version of the save format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// How to save and load one component type's column.
#[derive(Clone, Copy)]
struct ColumnSave {
    name: &'static str,
    save: fn(&Column) -> Result<Vec<u8>, postcard::Error>,
    /// Appends the values in the bytes to the column; returns how many.
    load: fn(&[u8], &mut Column) -> Result<usize, postcard::Error>,
}

/// How to save and load one resource type.
#[derive(Clone, Copy)]
struct ResourceSave {
    name: &'static str,
    save: fn(&AnyResource) -> Result<Vec<u8>, postcard::Error>,
    load: fn(&[u8]) -> Result<Box<AnyResource>, postcard::Error>,
}

#[derive(Default)]
struct SaveRegistry {
    /// By `ComponentId` index.
    columns: Vec<Option<ColumnSave>>,
    components_by_name: HashMap<&'static str, ComponentId>,
    resources: HashMap<TypeId, ResourceSave>,
    resources_by_name: HashMap<&'static str, TypeId>,
}

static SAVES: Lazy<RwLock<SaveRegistry>> = Lazy::new(|| RwLock::new(SaveRegistry::default()));

/// Decodes all of `bytes` as one `T`: trailing bytes are an error too.
fn decode_all<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    match postcard::take_from_bytes::<T>(bytes)? {
        (value, []) => Ok(value),
        _ => Err(postcard::Error::DeserializeBadEncoding),
    }
}

fn save_column<T: Serialize + 'static>(column: &Column) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(column.as_slice::<T>())
}

fn load_column<T: DeserializeOwned + 'static>(
    bytes: &[u8],
    column: &mut Column,
) -> Result<usize, postcard::Error> {
    let values: Vec<T> = decode_all(bytes)?;
    let n = values.len();
    column.reserve(n);
    values.into_iter().for_each(|v| column.push(v));
    Ok(n)
}

fn save_resource<R: Serialize + 'static>(value: &AnyResource) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(value.downcast_ref::<R>().expect("save ops of the value's own type"))
}

fn load_resource<R: DeserializeOwned + Send + Sync + 'static>(
    bytes: &[u8],
) -> Result<Box<AnyResource>, postcard::Error> {
    Ok(Box::new(decode_all::<R>(bytes)?))
}

impl World {
    /// Lets snapshots of this type be saved and loaded (and copied, as
    /// [`register_snapshot`](World::register_snapshot) does, unless registered already).
    /// The type is named in saves by its `std::any::type_name`, so a save loads into a build
    /// whose type has the same path. Needs the `serde` feature.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    /// struct Hp(u32);
    ///
    /// let mut world = World::new();
    /// world.register_save::<Hp>();
    /// let e = world.spawn((Hp(3),));
    /// let bytes = world.save().unwrap();
    ///
    /// let mut loaded = World::new();
    /// loaded.register_save::<Hp>();
    /// loaded.load(&bytes).unwrap();
    /// let e = loaded.entity_from_bits(e.to_bits()).unwrap();
    /// assert_eq!(loaded.get::<Hp>(e), Ok(&Hp(3)));
    /// ```
    pub fn register_save<T: Component + Clone + Serialize + DeserializeOwned>(
        &mut self,
    ) -> ComponentId {
        let id = self.register_snapshot::<T>();
        let name = std::any::type_name::<T>();
        let mut saves = SAVES.write();
        if saves.columns.len() <= id.index() {
            saves.columns.resize(id.index() + 1, None);
        }
        saves.columns[id.index()] =
            Some(ColumnSave { name, save: save_column::<T>, load: load_column::<T> });
        saves.components_by_name.insert(name, id);
        id
    }

    /// Lets resource `R` be saved and loaded (and copied, as
    /// [`register_snapshot_resource`](World::register_snapshot_resource) does). Needs the
    /// `serde` feature.
    ///
    /// ```
    /// use cellar::World;
    ///
    /// let mut world = World::new();
    /// world.register_save_resource::<String>();
    /// world.insert_resource(String::from("level 2"));
    /// let bytes = world.save().unwrap();
    /// let mut loaded = World::new();
    /// loaded.register_save_resource::<String>();
    /// loaded.load(&bytes).unwrap();
    /// assert_eq!(loaded.resource::<String>().unwrap(), "level 2");
    /// ```
    pub fn register_save_resource<R>(&mut self) -> TokenId
    where
        R: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    {
        let token = self.register_snapshot_resource::<R>();
        let name = std::any::type_name::<R>();
        let type_id = TypeId::of::<R>();
        let ops = ResourceSave { name, save: save_resource::<R>, load: load_resource::<R> };
        let mut saves = SAVES.write();
        saves.resources.insert(type_id, ops);
        saves.resources_by_name.insert(name, type_id);
        token
    }

    /// This world's whole state as bytes: [`snapshot`](World::snapshot), then
    /// [`Snapshot::to_bytes`]. Needs the `serde` feature.
    ///
    /// # Errors
    ///
    /// As `snapshot` and `to_bytes`.
    pub fn save(&self) -> Result<Vec<u8>, SnapshotError> {
        self.snapshot()?.to_bytes()
    }

    /// Puts this world in the state saved in `bytes`: [`Snapshot::from_bytes`], then
    /// [`restore`](World::restore). Needs the `serde` feature.
    ///
    /// # Errors
    ///
    /// As `from_bytes` and `restore`; the world is left as it was.
    pub fn load(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let snapshot = Snapshot::from_bytes(bytes)?;
        self.restore(&snapshot).map(drop)
    }
}

#[derive(Serialize, Deserialize)]
struct SavedWorld {
    /// The generation of each entity slot (slot 0, which no entity uses, left out): odd for
    /// a live entity, even for a free slot.
    generations: Vec<u32>,
    /// The free slots (as indices into `generations`), from the one used next.
    free: Vec<u32>,
    /// The component types, by name.
    types: Vec<String>,
    tables: Vec<SavedTable>,
    sparse: Vec<SavedSparse>,
    resources: Vec<SavedResource>,
}

#[derive(Serialize, Deserialize)]
struct SavedTable {
    /// Indices into `SavedWorld::types`.
    components: Vec<u32>,
    entities: Vec<u64>,
    /// One postcard blob of values per component.
    columns: Vec<Vec<u8>>,
}

#[derive(Serialize, Deserialize)]
struct SavedSparse {
    component: u32,
    entities: Vec<u64>,
    column: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct SavedResource {
    name: String,
    value: Vec<u8>,
}

fn malformed(reason: impl Into<String>) -> SnapshotError {
    SnapshotError::Malformed { reason: reason.into() }
}

fn serialize_error(type_name: &str, err: postcard::Error) -> SnapshotError {
    SnapshotError::Serialize { type_name: type_name.to_owned(), reason: err.to_string() }
}

impl Snapshot {
    /// The snapshot as bytes, in the versioned save format (postcard inside). Needs the
    /// `serde` feature.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Empty`] for an empty snapshot; [`SnapshotError::Serialize`] if a type
    /// with values has no serializer registered
    /// ([`register_save`](crate::World::register_save)) or its serializer fails.
    ///
    /// ```
    /// use cellar::{Snapshot, World};
    ///
    /// let mut world = World::new();
    /// world.register_save::<u32>();
    /// world.spawn((7u32,));
    /// let bytes = world.snapshot().unwrap().to_bytes().unwrap();
    /// assert_eq!(Snapshot::from_bytes(&bytes).unwrap().len(), 1);
    /// ```
    pub fn to_bytes(&self) -> Result<Vec<u8>, SnapshotError> {
        if !self.taken {
            return Err(SnapshotError::Empty);
        }
        let saves = SAVES.read();
        let mut types: Vec<String> = Vec::new();
        let mut type_index: HashMap<ComponentId, u32> = HashMap::new();
        let mut index_of = |c: ComponentId| {
            *type_index.entry(c).or_insert_with(|| {
                types.push(c.info().name().to_owned());
                types.len() as u32 - 1
            })
        };
        let save_of = |c: ComponentId, column: &Column| -> Result<Vec<u8>, SnapshotError> {
            let name = c.info().name();
            let Some(ops) = saves.columns.get(c.index()).copied().flatten() else {
                if column.len() == 0 {
                    return Ok(postcard::to_allocvec(&[(); 0]).expect("an empty sequence"));
                }
                let reason = "not registered for saving (register_save)".to_owned();
                return Err(SnapshotError::Serialize { type_name: name.to_owned(), reason });
            };
            (ops.save)(column).map_err(|e| serialize_error(ops.name, e))
        };

        let mut tables = Vec::with_capacity(self.tables.len());
        for table in &self.tables {
            let components = table.components.iter().map(|&c| index_of(c)).collect();
            let entities = table.entities.iter().map(|e| e.to_bits()).collect();
            let columns = (table.components.iter().zip(&table.columns))
                .map(|(&c, column)| save_of(c, &column.values))
                .collect::<Result<_, _>>()?;
            tables.push(SavedTable { components, entities, columns });
        }
        let mut sparse = Vec::with_capacity(self.sparse.len());
        for set in &self.sparse {
            sparse.push(SavedSparse {
                component: index_of(set.component),
                entities: set.entities.iter().map(|e| e.to_bits()).collect(),
                column: save_of(set.component, &set.column.values)?,
            });
        }
        let mut resources = Vec::new();
        for copy in &self.resources {
            let Some(value) = &copy.value else { continue };
            let Some(ops) = saves.resources.get(&copy.type_id) else {
                let reason = "not registered for saving (register_save_resource)".to_owned();
                return Err(SnapshotError::Serialize { type_name: copy.name.to_owned(), reason });
            };
            let value = (ops.save)(&**value).map_err(|e| serialize_error(ops.name, e))?;
            resources.push(SavedResource { name: ops.name.to_owned(), value });
        }

        let entities = self.tables.iter().map(|table| &table.entities[..]);
        let (generations, free) =
            EntitySlots::from_saved(&self.entities, entities).generations_and_free();
        let saved = SavedWorld { generations, free, types, tables, sparse, resources };
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        postcard::to_extend(&saved, bytes).map_err(|e| serialize_error("the snapshot", e))
    }

    /// A snapshot from bytes made by [`to_bytes`](Snapshot::to_bytes), checked whole: every
    /// entity in exactly one row, every count consistent, every type registered
    /// ([`register_save`](crate::World::register_save)). Restore it with
    /// [`World::restore`](crate::World::restore) into a world whose tables it fits (a fresh
    /// one always does). Needs the `serde` feature.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::Malformed`] for bytes that are not a save (truncated, corrupted,
    /// another program's), [`SnapshotError::Version`] for another format version,
    /// [`SnapshotError::MissingType`] for a type not registered for saving,
    /// [`SnapshotError::Serialize`] if a type's deserializer refuses its values.
    ///
    /// ```
    /// use cellar::{Snapshot, SnapshotError};
    ///
    /// assert!(matches!(Snapshot::from_bytes(b"not a save"), Err(SnapshotError::Malformed { .. })));
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or_else(|| malformed("not a cellar save"))?;
        let (version, rest) =
            rest.split_first_chunk::<4>().ok_or_else(|| malformed("truncated"))?;
        let version = u32::from_le_bytes(*version);
        if version != FORMAT_VERSION {
            return Err(SnapshotError::Version { found: version, expected: FORMAT_VERSION });
        }
        let saved: SavedWorld = decode_all(rest).map_err(|e| malformed(e.to_string()))?;
        build(saved)
    }
}

/// Checks a decoded save whole and builds the snapshot it describes.
fn build(saved: SavedWorld) -> Result<Snapshot, SnapshotError> {
    let saves = SAVES.read();
    let n = saved.generations.len();
    if n >= u32::MAX as usize - 1 {
        return Err(malformed("too many entity slots"));
    }

    // Types.
    let mut ids = Vec::with_capacity(saved.types.len());
    for name in &saved.types {
        let id = *saves
            .components_by_name
            .get(name.as_str())
            .ok_or_else(|| SnapshotError::MissingType { type_name: name.clone() })?;
        if ids.contains(&id) {
            return Err(malformed(format!("{name} is listed twice")));
        }
        ids.push(id);
    }
    let type_of = |i: u32| ids.get(i as usize).copied().ok_or_else(|| malformed("no such type"));
    let ops_of = |id: ComponentId| saves.columns[id.index()].expect("registered by name");

    // Entities: each live slot in exactly one row.
    let live = |bits: u64| -> Result<usize, SnapshotError> {
        let (slot, generation) = (bits as u32 as usize, (bits >> 32) as u32);
        let ok = slot >= 1
            && slot <= n
            && generation % 2 == 1
            && saved.generations[slot - 1] == generation;
        ok.then(|| slot - 1).ok_or_else(|| malformed(format!("entity {bits:#x} is not live")))
    };
    let mut locations: Vec<Option<Location>> = vec![None; n];
    let to_entity = |bits: u64| Entity {
        key: EntityKey::from(KeyData::from_ffi(bits)),
        world: crate::entity::WorldId(u32::MAX),
    };

    let mut tables = Vec::with_capacity(saved.tables.len());
    let mut sets: HashSet<Vec<ComponentId>> = HashSet::new();
    for (t, table) in saved.tables.into_iter().enumerate() {
        if table.columns.len() != table.components.len() {
            return Err(malformed("a table's columns do not match its components"));
        }
        // Sorted by this process's component ids, as tables keep them.
        let mut order: Vec<(ComponentId, Vec<u8>)> = table
            .components
            .iter()
            .map(|&i| type_of(i))
            .zip(table.columns)
            .map(|(id, column)| id.map(|id| (id, column)))
            .collect::<Result<_, _>>()?;
        order.sort_by_key(|(id, _)| *id);
        let components: Vec<ComponentId> = order.iter().map(|(id, _)| *id).collect();
        if components.windows(2).any(|w| w[0] == w[1]) || !sets.insert(components.clone()) {
            return Err(malformed("a table repeats a component, or two tables the same set"));
        }
        if (t == 0) != components.is_empty() {
            return Err(malformed("table 0, and only it, has no components"));
        }
        let mut entities = Vec::with_capacity(table.entities.len().min(n));
        for (row, &bits) in table.entities.iter().enumerate() {
            let slot = live(bits)?;
            if locations[slot].replace(Location { table: t as u32, row: row as u32 }).is_some() {
                return Err(malformed(format!("entity {bits:#x} is in two rows")));
            }
            entities.push(to_entity(bits));
        }
        let mut columns = Vec::with_capacity(order.len());
        for (id, bytes) in order {
            columns.push(load_values(id, &bytes, entities.len(), ops_of(id))?);
        }
        tables.push(TableCopy { components: components.into(), entities, columns });
    }
    if tables.is_empty() {
        return Err(malformed("no tables"));
    }
    if let Some(slot) = (0..n).find(|&i| (saved.generations[i] % 2 == 1) != locations[i].is_some())
    {
        return Err(malformed(format!(
            "slot {} is live but in no table, or free but in one",
            slot + 1
        )));
    }

    let mut sparse = Vec::with_capacity(saved.sparse.len());
    for set in saved.sparse {
        let component = type_of(set.component)?;
        if sparse.iter().any(|s: &SparseCopy| s.component == component) {
            return Err(malformed("two sparse sets of one type"));
        }
        let mut index: Vec<u32> = Vec::new();
        let mut entities = Vec::with_capacity(set.entities.len().min(n));
        for (row, &bits) in set.entities.iter().enumerate() {
            let slot = live(bits)?;
            if index.len() <= slot {
                index.resize(slot + 1, u32::MAX);
            }
            if index[slot] != u32::MAX {
                return Err(malformed(format!("entity {bits:#x} is twice in a sparse set")));
            }
            index[slot] = row as u32;
            entities.push(to_entity(bits));
        }
        let column = load_values(component, &set.column, entities.len(), ops_of(component))?;
        sparse.push(SparseCopy { component, index, entities, column });
    }
    sparse.sort_by_key(|s| s.component);

    let mut resources = Vec::with_capacity(saved.resources.len());
    for saved in saved.resources {
        let type_id = *saves
            .resources_by_name
            .get(saved.name.as_str())
            .ok_or_else(|| SnapshotError::MissingType { type_name: saved.name.clone() })?;
        if resources.iter().any(|r: &ResourceCopy| r.type_id == type_id) {
            return Err(malformed(format!("resource {} is saved twice", saved.name)));
        }
        let ops = saves.resources[&type_id];
        let value = (ops.load)(&saved.value).map_err(|e| serialize_error(ops.name, e))?;
        resources.push(ResourceCopy { type_id, name: ops.name, value: Some(value) });
    }

    let slots = EntitySlots::from_parts(&saved.generations, &saved.free, &locations)
        .ok_or_else(|| malformed("the free list does not list each free slot once"))?;
    let mut entities = SavedSlots::default();
    slots.save_free(&mut entities);
    let mut snapshot = Snapshot {
        source: None,
        taken: true,
        tick: 0,
        entities,
        tables,
        sparse,
        resources,
        ..Snapshot::default()
    };
    registry::column_ops_into(&mut snapshot.ops);
    Ok(snapshot)
}

/// A column of `len` values decoded from `bytes`, with ticks to be set on restore.
fn load_values(
    id: ComponentId,
    bytes: &[u8],
    len: usize,
    ops: ColumnSave,
) -> Result<ColumnCopy, SnapshotError> {
    let mut copy = ColumnCopy::new(&id.info());
    let loaded = (ops.load)(bytes, &mut copy.values).map_err(|e| serialize_error(ops.name, e))?;
    if loaded != len {
        return Err(malformed(format!("{} values of {} for {len} entities", loaded, ops.name)));
    }
    copy.added_all = Some(0);
    Ok(copy)
}
